import type { z } from 'zod';
import { requestWithContinue } from './continue-request';
import { ApiError, describeZodFailure, detailFromBody, isJsonType, type RequestLabel } from './errors';
import { ForegroundGate, isBackground } from './priority';
import { backoffDelay, isRetryable, sleep, type RetryPolicy } from './retry';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:9090';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | readonly (string | number)[] | null | undefined;
export type Query = Record<string, QueryValue>;
export type TokenSource = () => string | null | undefined | Promise<string | null | undefined>;

export interface RequestBody {
  body: NonNullable<RequestInit['body']>;
  headers?: Record<string, string>;
  /** Set for stream bodies, which fetch sends as they are read. */
  duplex?: 'half';
  /** A stream body's length in bytes, for a request that must declare it (`expectContinue`). */
  length?: number;
}

export interface Call {
  method: Method;
  /** Relative to the base URL, no leading slash: `api/v1/images/names`. */
  route: string;
  query?: Query;
  /** A fresh body for each attempt (a stream can be read once). */
  body?: () => RequestBody | Promise<RequestBody>;
  /** GET and HEAD are always retried; set for POSTs that only read. */
  idempotent?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  /** Send `Expect: 100-continue` and the body only once the server asks for it (see continue-request.ts). */
  expectContinue?: boolean;
}

export interface HttpOptions {
  baseUrl: string;
  getToken?: TokenSource | undefined;
  onTokenRefreshed?: ((token: string) => void) | undefined;
  timeoutMs: number;
  retry: RetryPolicy;
  /** How long a background request waits for foreground ones (priority.ts); the default is BACKGROUND_WAIT_MS. */
  backgroundWaitMs?: number | undefined;
}

/** Trims a trailing slash but keeps a base path (a server behind a proxy at `/invoke`). */
export function normalizeBaseUrl(raw: string): string {
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`The server address must start with http:// or https:// (got ${url.protocol}).`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `localhost`, 127.x.x.x or [::1]: the server runs on this machine. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** InvokeAI reads arrays as the key repeated (`categories=general&categories=user`). */
export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * One request with a per-attempt timeout, the caller's cancellation, retries for idempotent
 * calls, and every failure turned into an ApiError. The token is read per attempt and only ever
 * put in the Authorization header.
 */
export class Http {
  readonly baseUrl: string;
  /**
   * A server on this machine is asked for uncompressed answers: the real InvokeAI gzips every
   * JSON answer, and over loopback that only costs CPU on both sides of a 2-core machine (the
   * client's inflate ran on the main thread: half its CPU per answer, ~0.4 ms, measured).
   */
  private readonly loopback: boolean;
  private readonly foreground: ForegroundGate;

  constructor(private readonly options: HttpOptions) {
    this.baseUrl = normalizeBaseUrl(options.baseUrl);
    this.loopback = isLoopbackHost(new URL(this.baseUrl).hostname);
    this.foreground = new ForegroundGate(options.backgroundWaitMs);
  }

  /** Sends the call and validates its JSON answer; `name` labels the payload in errors. */
  async json<S extends z.ZodType>(call: Call, schema: S, name: string): Promise<z.output<S>> {
    return this.send(call, async (response, label) => {
      const contentType = response.headers.get('content-type') ?? '';
      const text = await response.text();
      if (!isJsonType(contentType)) {
        throw new ApiError({ kind: 'not_json', status: response.status, contentType, broken: false }, label);
      }
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new ApiError({ kind: 'not_json', status: response.status, contentType, broken: true }, label, { cause: error });
      }
      const parsed = schema.safeParse(data);
      if (!parsed.success) {
        throw new ApiError({ kind: 'invalid_payload', ...describeZodFailure(name, parsed.error, data) }, label);
      }
      return parsed.data;
    });
  }

  /** Sends the call and returns the body, which must have a media type `accept` allows. */
  async bytes(call: Call, accept: (mediaType: string) => boolean): Promise<Uint8Array> {
    return this.send(call, async (response, label) => {
      const contentType = response.headers.get('content-type') ?? '';
      const body = new Uint8Array(await response.arrayBuffer());
      if (!accept(contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '')) {
        throw new ApiError({ kind: 'not_json', status: response.status, contentType, broken: false }, label);
      }
      return body;
    });
  }

  /** Foreground requests go first (see priority.ts): background ones wait for none in flight. */
  private async send<T>(call: Call, read: (response: Response, label: RequestLabel) => Promise<T>): Promise<T> {
    if (!isBackground()) return this.foreground.run(() => this.sendNow(call, read));
    await this.foreground.clear(call.signal);
    return this.sendNow(call, read);
  }

  private async sendNow<T>(call: Call, read: (response: Response, label: RequestLabel) => Promise<T>): Promise<T> {
    const label: RequestLabel = { method: call.method, route: `/${call.route}` };
    const idempotent = call.idempotent ?? (call.method === 'GET' || call.method === 'HEAD');
    const { retry } = this.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.attempt(call, label, read);
      } catch (error) {
        const failure = toApiError(error, label);
        if (!idempotent || attempt >= retry.retries || !isRetryable(failure)) throw failure;
        try {
          await sleep(backoffDelay(attempt, retry), call.signal);
        } catch {
          throw new ApiError({ kind: 'aborted' }, label);
        }
      }
    }
  }

  private async attempt<T>(call: Call, label: RequestLabel, read: (response: Response, label: RequestLabel) => Promise<T>): Promise<T> {
    const timeoutMs = call.timeoutMs ?? this.options.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
    if (call.signal?.aborted) throw new ApiError({ kind: 'aborted' }, label);
    const headers: Record<string, string> = { accept: 'application/json, image/*;q=0.9' };
    if (this.loopback) headers['accept-encoding'] = 'identity';
    const token = await this.options.getToken?.();
    if (token) headers.authorization = `Bearer ${token}`;
    const body = await call.body?.();
    const init: RequestInit & { duplex?: 'half' } = { method: call.method, headers: { ...headers, ...body?.headers }, signal };
    if (body) {
      init.body = body.body;
      if (body.duplex) init.duplex = body.duplex;
    }
    try {
      const url = `${this.baseUrl}/${call.route}${queryString(call.query)}`;
      const response =
        call.expectContinue && body
          ? await requestWithContinue({ url, method: call.method, headers, body, signal })
          : await fetch(url, init);
      const refreshed = response.headers.get('x-refreshed-token');
      if (refreshed) this.options.onTokenRefreshed?.(refreshed);
      if (!response.ok) {
        const contentType = response.headers.get('content-type') ?? '';
        const text = await response.text();
        const detail = detailFromBody(response.status, text, contentType);
        const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
        const info = { kind: 'http' as const, status: response.status, detail };
        throw new ApiError(Number.isFinite(retryAfter) && retryAfter >= 0 ? { ...info, retryAfterSeconds: retryAfter } : info, label);
      }
      return await read(response, label);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (call.signal?.aborted) throw new ApiError({ kind: 'aborted' }, label, { cause: error });
      if (timeout.aborted) throw new ApiError({ kind: 'timeout', timeoutMs }, label, { cause: error });
      throw new ApiError({ kind: 'unreachable', cause: networkCause(error) }, label, { cause: error });
    }
  }
}

function toApiError(error: unknown, label: RequestLabel): ApiError {
  return error instanceof ApiError ? error : new ApiError({ kind: 'unreachable', cause: networkCause(error) }, label, { cause: error });
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, other side closed) is the cause. */
function networkCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && code.length > 0)
      return current.message && !current.message.includes(code) ? `${code}: ${current.message}` : code;
    if (!(current.cause instanceof Error)) return current.message;
    current = current.cause;
  }
  return String(current);
}
