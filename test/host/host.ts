import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve, sep } from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { dispatch } from '../../src/main/ipc/dispatch';
import { createAppServices, type AppServices } from '../../src/main/services';
import { mediaAnswer } from '../../src/main/media';
import { memoryTokens, type TokenStore } from '../../src/main/settings/settings';
import { CONTENT_SECURITY_POLICY, metaContentSecurityPolicy } from '../../src/main/window/security';
import { decodeWire, encodeWire } from '../../src/shared/wire-json';

/**
 * The test host: the real main-process services behind the real renderer, in a plain browser.
 * It serves the built renderer, answers `window.ivk` over a WebSocket through the same `dispatch`
 * that Electron's IPC uses, serves media like the `ivk-media:` scheme does, and stages dropped
 * files so uploads take the same path-based road as in Electron.
 */
export interface HostOptions {
  serverUrl: string;
  dataDir: string;
  port?: number;
  /** The built renderer (`npm run build` writes out/renderer). */
  rendererDir?: string;
  /** Where the token of a multi-user server lives; default in memory, from IVK_TOKEN. */
  tokens?: TokenStore;
  /**
   * Check every answer against the contract (default): tests catch drift with it. Electron's IPC
   * does not, so a benchmark that measures the app as it ships turns it off.
   */
  validateOutputs?: boolean;
}

export interface Host {
  url: string;
  services: AppServices;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A media answer slower than this is logged (see handleHttp). */
const SLOW_MEDIA_MS = 500;

/** The app's CSP, widened only by the host's own origin (media over http, the bridge's socket). */
function hostCsp(origin: string): string {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace(/img-src ([^;]*)/, `img-src $1 ${origin}`)
    .replace(/media-src ([^;]*)/, `media-src $1 ${origin}`)
    .replace("connect-src 'self'", `connect-src 'self' ${wsOrigin}`);
}

export async function startHost(options: HostOptions): Promise<Host> {
  const rendererDir = resolve(options.rendererDir ?? 'out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${rendererDir}: run \`npm run build\` first.`);
  }
  const server = createServer();
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const services = createAppServices({
    rootDir: options.dataDir,
    tokens: options.tokens ?? memoryTokens(process.env.IVK_TOKEN ?? null),
    serverUrl: options.serverUrl,
    mediaBase: { thumbnails: `${origin}/media/thumbnails/`, images: `${origin}/media/images/` },
  });
  const stagingDir = join(options.dataDir, 'staged');

  server.on('request', (request, response) => {
    handleHttp(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end(String(error));
    });
  });

  async function handleHttp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const media = /^\/media\/(thumbnails|images)\/([^/]+)$/.exec(url.pathname);
    if (media && (request.method === 'GET' || request.method === 'HEAD')) {
      // The scheme's own answer (ranges for <video> included), written straight onto the HTTP
      // response: no Response object and web stream per thumbnail, no copy of its bytes.
      const kind = media[1] as 'thumbnails' | 'images';
      const name = decodeURIComponent(media[2]!);
      const asked = performance.now();
      const fromDisk = (kind === 'thumbnails' ? services.session().cache.thumbnails : services.session().cache.images).has(name);
      const answer = await mediaAnswer(() => services.media.get(kind, name), {
        method: request.method,
        url: url.href,
        range: typeof request.headers.range === 'string' ? request.headers.range : null,
      });
      response.writeHead(answer.status, answer.headers);
      response.end(answer.body ?? undefined);
      const ms = performance.now() - asked;
      // Benchmarks read these lines: a slow answer from disk means a stalled main process, from
      // the server a busy server; neither, and the wait was in the browser.
      if (ms > SLOW_MEDIA_MS) {
        console.warn(`[host] slow media answer: ${kind}/${name} ${ms.toFixed(0)} ms (${answer.status}, ${fromDisk ? 'disk' : 'server'})`);
      }
      return;
    }
    if (url.pathname === '/stage' && request.method === 'POST') {
      const name = basename(url.searchParams.get('name') ?? 'file').replace(/[^\w.\- ]/g, '_') || 'file';
      const dir = join(stagingDir, randomUUID());
      await mkdir(dir, { recursive: true });
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const path = join(dir, name);
      await writeFile(path, Buffer.concat(chunks));
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ path }));
      return;
    }
    if (request.method !== 'GET') {
      response.writeHead(405).end();
      return;
    }
    const file = resolve(rendererDir, `.${url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname)}`);
    if (!file.startsWith(rendererDir + sep) || !existsSync(file)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    const headers = {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': hostCsp(origin),
    };
    if (file.endsWith('index.html')) {
      const html = await readFile(file, 'utf8');
      const withCsp = html.replace(
        /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*/,
        `$1${metaContentSecurityPolicy(hostCsp(origin))}`,
      );
      if (withCsp === html) throw new Error(`${file} has no CSP meta tag for the host to widen`);
      response.writeHead(200, headers).end(withCsp);
      return;
    }
    response.writeHead(200, headers);
    createReadStream(file).pipe(response);
  }

  const sockets = new WebSocketServer({ server, path: '/ivk' });
  const clients = new Set<WebSocket>();
  const unsubscribe = services.onEvent((name, payload) => {
    const message = encodeWire({ type: 'event', name, payload });
    for (const client of clients) client.send(message);
  });
  sockets.on('connection', (socket) => {
    clients.add(socket);
    socket.on('close', () => clients.delete(socket));
    // Whatever arrives is untrusted: a frame that is not a call is answered (when it has an id)
    // or dropped, never allowed to throw inside the host.
    const answer = async (raw: RawData) => {
      let message: { id: number; channel: string; input: unknown };
      try {
        message = decodeWire(new TextDecoder().decode(Array.isArray(raw) ? Buffer.concat(raw) : raw)) as typeof message;
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return;
      if (typeof message.channel !== 'string') {
        const envelope = { ok: false, error: { code: 'unknown_channel', message: 'Not a channel name' } };
        socket.send(encodeWire({ type: 'result', id: message.id, envelope }));
        return;
      }
      const envelope = await dispatch(services.handlers, message.channel, message.input, {
        describeError: services.describeError,
        validateOutputs: options.validateOutputs ?? true,
      });
      socket.send(encodeWire({ type: 'result', id: message.id, envelope }));
    };
    socket.on('message', (raw) => void answer(raw));
  });

  await services.start();

  return {
    url: origin,
    services,
    async close() {
      unsubscribe();
      for (const client of clients) client.terminate();
      sockets.close();
      await services.stop();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
