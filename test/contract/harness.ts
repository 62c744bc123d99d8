import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { encodePng, type PngOptions } from './png';

/** Which server the suite talks to: CONTRACT_BASE_URL, or a stand-in started for this file. */
export interface Target {
  url: string;
  api: Api;
}

/**
 * Registers beforeAll/afterAll that resolve the server under test. Every test file calls it once;
 * with no CONTRACT_BASE_URL each file gets its own stand-in, pre-filled with generated images so
 * the tests never see an empty server.
 */
export function useTarget(): Target {
  const target = { url: '', api: undefined as unknown as Api };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const fromEnv = process.env.CONTRACT_BASE_URL;
    if (fromEnv) {
      target.url = fromEnv.replace(/\/+$/, '');
    } else {
      const { startStandIn } = await import('../server/index');
      const server = await startStandIn({ port: 0, images: 300, seed: 20261126 });
      target.url = server.url.replace(/\/+$/, '');
      close = () => server.close();
    }
    target.api = new Api(target.url);
  });
  afterAll(async () => {
    await target.api?.cleanup();
    await close?.();
  });
  return target;
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | null | undefined>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    // InvokeAI reads arrays as the key repeated (categories=general&categories=user).
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface Res {
  status: number;
  headers: Headers;
  /** The media type without parameters, e.g. `application/json`. */
  type: string;
  body: Buffer;
  text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  json: any;
}

export interface RequestOptions {
  query?: Query;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
}

/** A unique tag per file run: board names and prompts carry it so tests find only their own data. */
export const runTag = () => `ctr${randomBytes(5).toString('hex')}`;

export interface UploadOptions {
  category?: 'general' | 'user' | 'control' | 'mask' | 'other';
  boardId?: string;
  intermediate?: boolean;
  png?: PngOptions;
  /** Goes into the PNG as its `invokeai_metadata` chunk. */
  metadata?: Record<string, unknown>;
  /** Sent as the `metadata` form field instead. */
  metadataField?: Record<string, unknown>;
  bytes?: Buffer;
  contentType?: string;
  filename?: string;
  query?: Query;
}

/** A video upload (`POST /api/v1/videos/upload`): the file's bytes and how to send them. */
export interface VideoUploadOptions {
  bytes: Buffer;
  category?: 'general' | 'user' | 'control' | 'mask' | 'other';
  boardId?: string;
  /** Default `video/mp4`. */
  contentType?: string;
  /** Default `clip.mp4`. */
  filename?: string;
  /** Sent as the `metadata` form field (a JSON object, stringified). */
  metadataField?: unknown;
  query?: Query;
}

export class Api {
  private images = new Set<string>();
  private videos = new Set<string>();
  /** Headers of every call (a signed-in user's token). */
  protected defaultHeaders: Record<string, string> = {};
  private boards = new Set<string>();
  private queueItems = new Set<number>();

  constructor(readonly base: string) {}

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Res> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...opts.headers };
    let body: string | FormData | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) body = opts.form;
    const res = await fetch(`${this.base}${path}${queryString(opts.query)}`, { method, headers, body });
    const buf = Buffer.from(await res.arrayBuffer());
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const text = buf.toString('utf8');
    let json: unknown;
    if (type === 'application/json') json = JSON.parse(text);
    return { status: res.status, headers: res.headers, type, body: buf, text, json };
  }

  get(path: string, query?: Query) {
    return this.request('GET', path, { query });
  }
  post(path: string, json?: unknown, query?: Query) {
    return this.request('POST', path, { json, query });
  }
  put(path: string, json?: unknown, query?: Query) {
    return this.request('PUT', path, { json, query });
  }
  patch(path: string, json?: unknown, query?: Query) {
    return this.request('PATCH', path, { json, query });
  }
  delete(path: string, json?: unknown, query?: Query) {
    return this.request('DELETE', path, { json, query });
  }

  /** POST /api/v1/boards/ and remember the board for cleanup. */
  async createBoard(name: string): Promise<any> {
    const res = await this.post('/api/v1/boards/', undefined, { board_name: name });
    if (res.status !== 201) throw new Error(`create board ${name}: ${res.status} ${res.text}`);
    this.boards.add(res.json.board_id);
    return res.json;
  }

  async upload(opts: UploadOptions = {}): Promise<Res> {
    const text: Record<string, string> = {};
    if (opts.metadata) text.invokeai_metadata = JSON.stringify(opts.metadata);
    const bytes = opts.bytes ?? encodePng({ width: 24, height: 16, ...opts.png, text: { ...opts.png?.text, ...text } });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: opts.contentType ?? 'image/png' }), opts.filename ?? 'upload.png');
    if (opts.metadataField) form.append('metadata', JSON.stringify(opts.metadataField));
    const res = await this.request('POST', '/api/v1/images/upload', {
      form,
      query: {
        image_category: opts.category ?? 'general',
        is_intermediate: opts.intermediate ?? false,
        board_id: opts.boardId,
        ...opts.query,
      },
    });
    if (res.status === 201) this.images.add(res.json.image_name);
    return res;
  }

  /**
   * A request whose body waits for the server's `100 Continue`. 6.14.2's video upload answers some
   * refusals (board, query, auth, size) before reading the body and then closes the connection:
   * a client still sending gets EPIPE instead of the answer. Waiting for the interim response
   * means the body is sent only once the route reads it, so the refusal always arrives.
   */
  sendWithContinue(method: string, path: string, opts: { query?: Query; headers?: Record<string, string>; body: Buffer }): Promise<Res> {
    const url = new URL(`${this.base}${path}${queryString(opts.query)}`);
    const headers = { ...this.defaultHeaders, ...opts.headers, expect: '100-continue', 'content-length': String(opts.body.length) };
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = httpRequest(url, { method, headers });
      req.on('continue', () => req.end(opts.body));
      req.on('response', (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const buf = Buffer.concat(chunks);
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const type = (res.headers['content-type'] ?? '').split(';')[0]!.trim();
          const text = buf.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: responseHeaders,
            type,
            body: buf,
            text,
            json: type === 'application/json' ? JSON.parse(text) : undefined,
          });
          req.destroy();
        });
      });
      req.on('error', (error) => {
        if (!answered) reject(error);
      });
      req.flushHeaders();
    });
  }

  /** `POST /api/v1/videos/upload` as multipart, the body sent on `100 Continue` (see `sendWithContinue`). */
  async uploadVideo(opts: VideoUploadOptions): Promise<Res> {
    const boundary = `----ivk${randomBytes(8).toString('hex')}`;
    const parts = [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename ?? 'clip.mp4'}"\r\n` +
          `Content-Type: ${opts.contentType ?? 'video/mp4'}\r\n\r\n`,
      ),
      opts.bytes,
      Buffer.from('\r\n'),
    ];
    if (opts.metadataField !== undefined) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(opts.metadataField)}\r\n`),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await this.sendWithContinue('POST', '/api/v1/videos/upload', {
      query: { video_category: opts.category ?? 'general', is_intermediate: false, board_id: opts.boardId, ...opts.query },
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: Buffer.concat(parts),
    });
    if (res.status === 201) this.videos.add(res.json.video_name);
    return res;
  }

  /** Video upload that must succeed; returns the VideoDTO. */
  async uploadVideoOk(opts: VideoUploadOptions): Promise<any> {
    let res = await this.uploadVideo(opts);
    // A multi-user 6.14.2 takes one video upload per user at a time, and frees the slot only
    // after the answer has gone out: an upload sent right after the previous one's answer can
    // meet that slot still taken (429, `Retry-After: 5`). A client waits and sends it again.
    for (let attempt = 0; res.status === 429 && attempt < 3; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 5) * 1000));
      res = await this.uploadVideo(opts);
    }
    if (res.status !== 201) throw new Error(`video upload: ${res.status} ${res.text}`);
    return res.json;
  }

  /** Upload that must succeed; returns the ImageDTO. */
  async uploadOk(opts: UploadOptions = {}): Promise<any> {
    const res = await this.upload(opts);
    if (res.status !== 201) throw new Error(`upload: ${res.status} ${res.text}`);
    return res.json;
  }

  /** POST enqueue_batch of one graph; the items are deleted at cleanup. */
  async enqueue(graph: object, batch: Record<string, unknown> = {}): Promise<Res> {
    const res = await this.post('/api/v1/queue/default/enqueue_batch', { batch: { graph, runs: 1, ...batch }, prepend: false });
    if (res.status !== 200) throw new Error(`enqueue: ${res.status} ${res.text.slice(0, 300)}`);
    for (const id of res.json.item_ids) this.queueItems.add(id);
    return res;
  }

  /** Polls GET .../i/{id} until the item reaches one of `statuses`. */
  async waitForStatus(id: number, statuses: string[], ms = 30_000): Promise<any> {
    const deadline = Date.now() + ms;
    for (;;) {
      const res = await this.get(`/api/v1/queue/default/i/${id}`);
      if (statuses.includes(res.json?.status)) return res.json;
      if (Date.now() > deadline) throw new Error(`queue item ${id} is ${res.json?.status}, expected ${statuses.join('/')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  trackBoard(id: string) {
    this.boards.add(id);
  }
  trackImage(name: string) {
    this.images.add(name);
  }
  trackQueueItem(id: number) {
    this.queueItems.add(id);
  }
  forgetBoard(id: string) {
    this.boards.delete(id);
  }

  /** Deletes what this file made, so a shared server ends as it began. */
  async cleanup(): Promise<void> {
    if (this.images.size) await this.post('/api/v1/images/delete', { image_names: [...this.images] });
    if (this.videos.size) await this.post('/api/v1/videos/delete', { video_names: [...this.videos] });
    for (const id of this.boards) await this.delete(`/api/v1/boards/${id}`, undefined, { include_images: true });
    for (const id of this.queueItems) await this.delete(`/api/v1/queue/default/i/${id}`);
    this.images.clear();
    this.videos.clear();
    this.boards.clear();
    this.queueItems.clear();
  }
}

/** SQLite's UTC timestamp as the server sends it: `2026-08-19 01:13:04.123` (fraction optional). */
export const SQLITE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

export interface SocketEvent {
  name: string;
  payload: any;
}

/** A Socket.IO client connected the way the app connects, recording every event. */
export class EventLog {
  readonly events: SocketEvent[] = [];
  private constructor(private socket: Socket) {
    socket.onAny((name: string, payload: unknown) => this.events.push({ name, payload }));
  }

  static connect(base: string): Promise<EventLog> {
    const socket = io(base, { path: '/ws/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, timeout: 10_000 });
    const log = new EventLog(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect_error', reject);
      socket.once('connect', () => {
        socket.emit('subscribe_queue', { queue_id: 'default' });
        // The server has no acknowledgement for subscribe: give the join a moment to land.
        setTimeout(() => resolve(log), 250);
      });
    });
  }

  /** Waits until `done` holds for the events so far; fails after `ms`. */
  async waitFor(done: (events: SocketEvent[]) => boolean, ms = 20_000, what = 'events'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!done(this.events)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${what}; got: ${this.events.map((e) => e.name).join(', ') || 'nothing'}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  close() {
    this.socket.close();
  }
}

export function graphBlank(opts: { boardId?: string; width?: number; height?: number; metadata?: Record<string, unknown> } = {}) {
  const node: Record<string, unknown> = {
    id: 'blank',
    type: 'blank_image',
    width: opts.width ?? 40,
    height: opts.height ?? 24,
    color: { r: 30, g: 60, b: 90, a: 255 },
    is_intermediate: false,
    use_cache: false,
  };
  if (opts.metadata) node.metadata = opts.metadata;
  if (opts.boardId) node.board = { board_id: opts.boardId };
  return { id: `g-${randomBytes(4).toString('hex')}`, nodes: { blank: node }, edges: [] };
}

/** A graph whose only node loads an image that does not exist: the job fails. */
export function graphMissingImage() {
  return {
    id: `g-${randomBytes(4).toString('hex')}`,
    nodes: {
      load: { id: 'load', type: 'image', image: { image_name: 'contract-missing-image.png' }, is_intermediate: false, use_cache: false },
    },
    edges: [],
  };
}
