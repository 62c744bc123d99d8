/**
 * The HTTP side: one node:http server carrying the API routes, the control routes and Socket.IO.
 * Every answer leaves through `send`, where faults, gzip and FastAPI's error shapes are applied.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { EventHub, SOCKET_PATH } from './events';
import { FaultRules, type FaultControl, type FaultDecision } from './faults';
import { HttpError, RequestContext, Router, type Reply } from './http';
import { Accounts, bearerOf, middlewareRefusal, type UserDTO, type UserSeed } from './auth';
import { registerAppRoutes } from './routes/app';
import { registerAuthRoutes } from './routes/auth';
import { registerBoardRoutes } from './routes/boards';
import { registerControlRoutes } from './routes/control';
import { registerGalleryRoutes } from './routes/gallery';
import { registerImageRoutes } from './routes/images';
import { registerModelRoutes } from './routes/models';
import { registerQueueRoutes } from './routes/queue';
import { registerVideoRoutes } from './routes/videos';
import type { Gallery } from './data/gallery';
import { StandInState } from './state';
import type { ProcessorOptions } from './session-queue';
import { ValidationFailure } from './validation';

const CONTROL_PREFIX = '/__stand_in__/';

/** The SPA's cache header, verbatim (the doubled comma is the real server's). */
const SPA_CACHE_CONTROL = 'max-age=0, no-cache, no-store, , must-revalidate';

/** What the web UI's SPA fallback serves for any GET that matches no API route. */
const SPA_HTML =
  '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8" /><title>Invoke - Community Edition</title></head>' +
  '<body><div id="root"></div><!-- InvokeAI stand-in --></body></html>';

/**
 * The real server gzips every JSON/text answer (even a 4-byte `null`) when the client accepts it.
 * It uses level 9; level 6 gives nearly the same size for much less CPU on this shared machine.
 */
const GZIP_LEVEL = 6;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ServerOptions {
  host: string;
  port: number;
  faultSeed: number;
  processor: ProcessorOptions;
  /** Multi-user mode with these accounts; null for the default single-user server. */
  users: readonly UserSeed[] | null;
  /** The video upload cap per file (default 1 GiB, as on 6.14.2). */
  maxVideoUploadBytes?: number;
}

/** What a multi-user server answers without a token (NOTES §13). */
const OPEN_ROUTES = new Set(['/api/v1/app/version']);
/** Mutating calls that get no `X-Refreshed-Token`. */
const NO_REFRESH = new Set(['/api/v1/auth/login', '/api/v1/auth/logout', '/api/v1/auth/media-cookie']);

export class StandInServer {
  readonly http: Server;
  readonly events: EventHub;
  readonly state: StandInState;
  readonly faults: FaultControl;
  /** The accounts of a multi-user server; null in single-user mode. */
  readonly accounts: Accounts | null;
  private readonly rules: FaultRules;
  private readonly api = new Router();
  private readonly control = new Router();
  private readonly sockets = new Set<Socket>();
  /** Requests sent with `Expect: 100-continue` whose body no route has started to read yet. */
  private readonly awaitingContinue = new WeakSet<IncomingMessage>();
  private down = false;
  private port: number;

  constructor(
    gallery: Gallery,
    private readonly options: ServerOptions,
  ) {
    this.port = options.port;
    this.http = createServer();
    this.http.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.events = new EventHub(this.http);
    // Socket.IO wraps the request listener to take its own path; take it back so engine requests
    // can get the real server's polling quirk (see routeRequest).
    this.http.removeAllListeners('request');
    this.http.on('request', (req: IncomingMessage, res: ServerResponse) => this.routeRequest(req, res));
    // Uvicorn answers `Expect: 100-continue` only when the route starts reading the body, so a
    // refusal before that (a video upload's 401, 403, 404, 413, 422) reaches a waiting client
    // before it sends a byte. Node would send `100 Continue` at once; this withholds it likewise.
    this.http.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      this.awaitingContinue.add(req);
      req.once('resume', () => {
        // Node resumes an unread body itself once the answer is out (to drain it); that is no read.
        if (this.awaitingContinue.delete(req) && !res.headersSent) res.writeContinue();
      });
      // As a 'request', so listeners of every request (a test's request log) see it too.
      this.http.emit('request', req, res);
    });
    this.state = new StandInState(gallery, this.events, options.processor);
    this.accounts = options.users ? new Accounts(options.users) : null;
    if (this.accounts) this.events.requireTokens(this.accounts);
    this.rules = new FaultRules(options.faultSeed);
    const rules = this.rules;
    const isDown = () => this.down;
    this.faults = {
      set: (rule) => {
        rules.clear();
        return rule ? rules.add(rule) : null;
      },
      add: (rule) => rules.add(rule),
      remove: (id) => rules.remove(id),
      clear: () => rules.clear(),
      list: () => rules.list(),
      goDown: () => this.goDown(),
      comeBack: () => this.comeBack(),
      get isDown() {
        return isDown();
      },
      disconnectSockets: () => this.events.disconnectAll(),
      refuseSockets: (refuse) => {
        this.events.refuseSockets = refuse;
      },
    };
    registerAppRoutes(this.api, this.state, () => ({ host: options.host, port: this.port }), this.accounts !== null);
    registerAuthRoutes(this.api, this.accounts);
    registerBoardRoutes(this.api, this.state, this.accounts);
    registerImageRoutes(this.api, this.state);
    registerVideoRoutes(this.api, this.state, { maxUploadBytes: options.maxVideoUploadBytes });
    registerGalleryRoutes(this.api, this.state);
    registerQueueRoutes(this.api, this.state);
    registerModelRoutes(this.api, this.state);
    registerControlRoutes(this.control, this.state, this.faults, () => this.events.io.of('/').sockets.size);
  }

  get url(): string {
    return `http://${this.options.host}:${this.port}`;
  }

  get listeningPort(): number {
    return this.port;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.port, this.options.host, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    const address = this.http.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.down = false;
    this.state.queue.kick();
  }

  /** Stops accepting connections and cuts every open one, sockets included. */
  async goDown(): Promise<void> {
    if (this.down) return;
    this.down = true;
    this.events.disconnectAll();
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  async comeBack(): Promise<void> {
    if (!this.down) return;
    await this.listen();
  }

  async close(): Promise<void> {
    this.state.queue.stop();
    this.events.disconnectAll();
    if (!this.down) await this.goDown();
    this.events.io.engine.close();
  }

  // ---------------------------------------------------------------- requests

  private routeRequest(req: IncomingMessage, res: ServerResponse): void {
    if ((req.url ?? '').startsWith(`${SOCKET_PATH}/`)) {
      // 6.14.2's GZip middleware breaks engine.io polling answers: a 500 whenever the client
      // accepts gzip (NOTES §4.1). The websocket transport is unaffected.
      const polling = new URL(req.url ?? '/', 'http://stand-in').searchParams.get('transport') === 'polling';
      if (polling && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error');
        return;
      }
      this.events.io.engine.handleRequest(req, res);
      return;
    }
    void this.handle(req, res);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = url.pathname;
    if (path.startsWith(CONTROL_PREFIX)) {
      const route = this.control.match(method, path);
      const reply = route
        ? await this.run(route.handler, new RequestContext(req, method, path, url, route.params))
        : { status: 404, json: { detail: 'Not Found' } };
      this.send(req, res, reply, null);
      return;
    }
    const decision = this.rules.decide(path);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (decision.error !== null) {
      this.drain(req);
      this.send(req, res, { status: decision.error, body: 'Internal Server Error', contentType: 'text/plain; charset=utf-8' }, decision);
      return;
    }
    const route = this.api.match(method, path);
    const guard = this.guard(method, path, req);
    let reply: Reply;
    if (guard.refusal) {
      this.drain(req);
      reply = guard.refusal;
    } else if (route) {
      const ctx = new RequestContext(req, method, path, url, route.params);
      if (this.accounts) ctx.multiuser = true;
      if (guard.user) ctx.caller = { user_id: guard.user.user_id, is_admin: guard.user.is_admin };
      reply = await this.run(route.handler, ctx);
    } else {
      this.drain(req);
      // The web UI is mounted at "/" with an SPA fallback: unknown GETs get its HTML, other methods 405.
      reply =
        method === 'GET' || method === 'HEAD'
          ? { status: 200, body: SPA_HTML, contentType: 'text/html; charset=utf-8', headers: { 'cache-control': SPA_CACHE_CONTROL } }
          : { status: 405, json: { detail: 'Method Not Allowed' } };
    }
    if (guard.refresh && reply.status < 400) reply = { ...reply, headers: { ...reply.headers, 'x-refreshed-token': guard.refresh() } };
    this.send(req, res, reply, decision);
  }

  /**
   * Multi-user mode: every API route but the open ones needs a valid token (the auth routes check
   * their own), and a successful mutating call with one comes back with a fresh token.
   */
  private guard(method: string, path: string, req: IncomingMessage): { refusal?: Reply; refresh?: () => string; user?: UserDTO } {
    if (!this.accounts || !path.startsWith('/api/') || OPEN_ROUTES.has(path)) return {};
    const verdict = this.accounts.verify(bearerOf(req.headers.authorization));
    const isAuthRoute = path.startsWith('/api/v1/auth/');
    if ('problem' in verdict) {
      if (isAuthRoute) return {};
      // 6.14.2's video upload middleware refuses before the auth dependency, in its own words.
      if (method === 'POST' && path === '/api/v1/videos/upload') {
        const headers = { 'www-authenticate': 'Bearer', connection: 'close' };
        return { refusal: { status: 401, json: { detail: 'Authentication required' }, headers } };
      }
      const refusal = middlewareRefusal(verdict.problem);
      return { refusal: { status: refusal.status, json: { detail: refusal.detail } } };
    }
    const mutating = method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
    if (!mutating || NO_REFRESH.has(path)) return { user: verdict.user };
    const accounts = this.accounts;
    return { user: verdict.user, refresh: () => accounts.issue(verdict.user, verdict.claims.remember_me) };
  }

  private async run(handler: (ctx: RequestContext) => Reply | Promise<Reply>, ctx: RequestContext): Promise<Reply> {
    try {
      return await handler(ctx);
    } catch (err) {
      if (err instanceof ValidationFailure) return { status: 422, json: { detail: err.errors } };
      if (err instanceof HttpError)
        return { status: err.status, json: { detail: err.detail }, ...(err.headers ? { headers: err.headers } : {}) };
      console.error('[stand-in] unhandled error', err);
      return { status: 500, body: 'Internal Server Error', contentType: 'text/plain; charset=utf-8' };
    } finally {
      // Drain any body the handler did not read, so keep-alive connections stay usable.
      this.drain(ctx.req);
    }
  }

  /**
   * Reads and drops a body nobody wants. A client still waiting for `100 Continue` has sent none:
   * it is not asked for (that would invite it), and the connection closes after the answer.
   */
  private drain(req: IncomingMessage): void {
    if (!this.awaitingContinue.has(req)) req.resume();
  }

  private send(req: IncomingMessage, res: ServerResponse, reply: Reply, decision: FaultDecision | null): void {
    let body: Buffer;
    let contentType = reply.contentType;
    if (reply.json !== undefined || reply.body === undefined) {
      body = Buffer.from(JSON.stringify(reply.json ?? null));
      contentType = 'application/json';
      if (decision?.malformed) body = Buffer.concat([body.subarray(0, Math.floor(body.length / 2)), Buffer.from('\u0000<truncated')]);
    } else body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
    // `Vary: Origin` comes from the real server's CORS middleware, on every answer.
    const headers: Record<string, string> = { 'content-type': contentType ?? 'application/octet-stream', vary: 'Origin', ...reply.headers };
    const compressible = /^(application\/json|text\/)/.test(headers['content-type'] ?? '');
    if (compressible && body.length > 0 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = gzipSync(body, { level: GZIP_LEVEL });
      headers['content-encoding'] = 'gzip';
      headers.vary = 'Origin, Accept-Encoding';
    }
    headers['content-length'] ??= String(body.length);
    if (this.awaitingContinue.delete(req)) headers.connection = 'close';
    res.writeHead(reply.status, headers);
    if (decision?.dropAfterFraction != null && body.length > 0) {
      // Send part of the body, then cut the connection: the client sees a truncated answer.
      const part = body.subarray(0, Math.floor(body.length * decision.dropAfterFraction));
      res.write(part, () => res.destroy());
      return;
    }
    res.end(body);
  }
}
