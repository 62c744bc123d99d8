import type { IncomingMessage, ServerResponse } from 'node:http';
import { startStandIn, type StandIn, type StandInOptions } from '../../server';

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
  const requests: LoggedRequest[] = [];
  const listeners = new Set<(request: LoggedRequest) => void>();
  const log = (req: IncomingMessage, res: ServerResponse) => {
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
  };
  // Smaller and quicker than the stand-in's defaults: these tests kill and restart the app often.
  const standIn = await startStandIn({ images: 200, queueItems: 20, jobStepMs: 5, ...options, onRequest: log });
  const matches = (request: LoggedRequest, method: string, path: string | RegExp) =>
    request.method === method && (typeof path === 'string' ? request.path.startsWith(path) : path.test(request.path));
  return {
    ...standIn,
    requests,
    onRequest(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    count: (method, path) => requests.filter((request) => matches(request, method, path)).length,
  };
}
