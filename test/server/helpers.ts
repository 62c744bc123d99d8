/**
 * Test helpers for the stand-in's own suites: a stand-in per file, a fetch wrapper that checks
 * every JSON answer against the 6.14.2 schema, and a websocket Socket.IO client that records events.
 */
import { afterAll, beforeAll } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { matchPathTemplate, validateEvent, validateResponse } from '../support/openapi';
import { startStandIn, type StandIn, type StandInOptions } from './index';

export interface Answer {
  status: number;
  headers: Headers;
  contentType: string;
  body: Buffer;
  text: string;
  json: any;
}

/** Starts one stand-in for the test file and closes it afterwards. */
export function useStandIn(options: StandInOptions = {}): { readonly s: StandIn } {
  const holder = {} as { s: StandIn };
  beforeAll(async () => {
    holder.s = await startStandIn({ images: 400, queueItems: 40, jobStepMs: 5, ...options });
  });
  afterAll(async () => {
    await holder.s?.close();
  });
  return holder;
}

export interface CallOptions {
  json?: unknown;
  body?: string | FormData | Uint8Array;
  headers?: Record<string, string>;
  /** Skip the schema check (for answers the schema cannot describe, e.g. faults). */
  raw?: boolean;
}

/** Schema problems seen by `call`, so a suite can assert none drifted. */
export const schemaProblems: string[] = [];

/**
 * One request. JSON answers of documented routes are validated against the schema and any
 * problem is recorded in `schemaProblems` (and thrown, so the failing test names the route).
 */
export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await fetch(base + path, { method, headers, body: body ?? null });
  const buf = Buffer.from(await res.arrayBuffer());
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const text = buf.toString('utf8');
  let json: any;
  if (contentType === 'application/json') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  const answer = { status: res.status, headers: res.headers, contentType, body: buf, text, json };
  if (!options.raw && contentType === 'application/json' && json !== undefined) {
    const template = matchPathTemplate(path, method);
    if (template) {
      const check = validateResponse(method, template, res.status, json);
      if (!check.valid) {
        const problem = `${method} ${template} ${res.status}: ${check.errors.slice(0, 5).join('; ')}`;
        schemaProblems.push(problem);
        throw new Error(`schema drift: ${problem}`);
      }
    }
  }
  return answer;
}

export interface Recorded {
  event: string;
  payload: any;
}

export interface EventClient {
  socket: Socket;
  events: Recorded[];
  /** Resolves with the first recorded event (past or future) that matches. */
  waitFor(predicate: (e: Recorded) => boolean, timeoutMs?: number): Promise<Recorded>;
  close(): void;
}

/** A websocket-only Socket.IO client, subscribed to the default queue, that validates every event. */
export async function connectEvents(base: string, subscribe = true): Promise<EventClient> {
  const socket = io(base, { path: '/ws/socket.io', transports: ['websocket'], forceNew: true, reconnection: false });
  const events: Recorded[] = [];
  const waiters = new Set<() => void>();
  socket.onAny((event: string, payload: unknown) => {
    const check = validateEvent(event, payload);
    if (!check.valid) schemaProblems.push(`event ${event}: ${check.errors.slice(0, 5).join('; ')}`);
    events.push({ event, payload });
    for (const w of waiters) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  if (subscribe) {
    socket.emit('subscribe_queue', { queue_id: 'default' });
    socket.emit('subscribe_bulk_download', { bulk_download_id: 'default' });
  }
  return {
    socket,
    events,
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = events.find(predicate);
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`event not seen in ${timeoutMs} ms; got ${events.map((e) => e.event).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => socket.close(),
  };
}

/** A one-node graph of InvokeAI's model-free `blank_image`. */
export function blankImageBatch(opts: { width?: number; height?: number; boardId?: string; metadata?: object; runs?: number } = {}) {
  const node: Record<string, unknown> = {
    id: 'blank',
    type: 'blank_image',
    width: opts.width ?? 64,
    height: opts.height ?? 48,
    color: { r: 30, g: 120, b: 200, a: 255 },
    is_intermediate: false,
    use_cache: false,
  };
  if (opts.boardId) node.board = { board_id: opts.boardId };
  if (opts.metadata) node.metadata = opts.metadata;
  return {
    batch: { graph: { id: 'g', nodes: { blank: node }, edges: [] }, runs: opts.runs ?? 1, origin: 'tests', destination: 'gallery' },
    prepend: false,
  };
}

/** A one-node graph that loads an image by name (fails when it does not exist). */
export function loadImageBatch(imageName: string) {
  const node = { id: 'load', type: 'image', image: { image_name: imageName }, is_intermediate: false, use_cache: false };
  return { batch: { graph: { nodes: { load: node }, edges: [] }, runs: 1 }, prepend: false };
}

/** Waits until the processor has nothing left to do (seeded pending items run at start-up). */
export async function queueIdle(s: StandIn, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (s.state.queue.currentItem() || s.state.queue.store.nextPending()) {
    if (Date.now() > until) throw new Error('queue did not become idle');
    await new Promise((r) => setTimeout(r, 10));
  }
}
