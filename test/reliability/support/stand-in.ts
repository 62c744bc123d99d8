import type { IncomingMessage, ServerResponse } from 'node:http';
import { generateGallery } from '../../server/data/gallery';
import type { StandIn, StandInOptions } from '../../server';
import { StandInServer } from '../../server/server';

/**
 * The stand-in with a request log: every HTTP request that reaches it (API and Socket.IO
 * handshakes alike), in arrival order, with the header that carries the token. The log is how
 * the reliability tests count what the app asked for, and when a child process is mid-way.
 */
export interface LoggedRequest {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  authorization: string | undefined;
  /** True once the answer has been sent (or the connection closed). */
  done: boolean;
}

export interface LoggedStandIn extends StandIn {
  requests: LoggedRequest[];
  /** Called for each request as it arrives; returns an unsubscribe function. */
  onRequest(listener: (request: LoggedRequest) => void): () => void;
  /** Requests matching `method` and a path prefix (or test), counted since the log began. */
  count(method: string, path: string | RegExp): number;
}

export async function startLoggedStandIn(options: StandInOptions = {}): Promise<LoggedStandIn> {
  const seed = options.seed ?? 1;
  const gallery = generateGallery({ seed, images: options.images ?? 200, queueItems: Math.max(4, options.queueItems ?? 20) });
  const server = new StandInServer(gallery, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    faultSeed: seed,
    processor: { stepMs: options.jobStepMs ?? 5, progressSteps: options.progressSteps ?? 1, paused: options.paused ?? false },
  });
  const requests: LoggedRequest[] = [];
  const listeners = new Set<(request: LoggedRequest) => void>();
  // Prepended so the log sees a request before any route (or fault) handles it.
  server.http.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const entry: LoggedRequest = {
      seq: requests.length,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      authorization: req.headers.authorization,
      done: false,
    };
    res.once('close', () => {
      entry.done = true;
    });
    requests.push(entry);
    for (const listener of listeners) listener(entry);
  });
  await server.listen();
  const matches = (request: LoggedRequest, method: string, path: string | RegExp) =>
    request.method === method && (typeof path === 'string' ? request.path.startsWith(path) : path.test(request.path));
  return {
    url: server.url,
    port: server.listeningPort,
    faults: server.faults,
    state: server.state,
    onEvent: (listener) => server.events.onEvent(listener),
    close: () => server.close(),
    goDown: () => server.goDown(),
    comeBack: () => server.comeBack(),
    requests,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    count: (method, path) => requests.filter((request) => matches(request, method, path)).length,
  };
}
