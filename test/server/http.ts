/**
 * A small router over node:http and the reply shapes the routes return. Routes return a `Reply`
 * instead of writing to the response, so one place (server.ts) can apply faults, gzip and the
 * FastAPI error shapes to every answer.
 */
import type { IncomingMessage } from 'node:http';
import type { Caller } from './access';
import { SYSTEM_USER_ID } from './identity';
import { BodyReader, ParamReader, ValidationFailure } from './validation';

/** An `HTTPException`: `{"detail": ...}` with a status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    /** Extra headers of the answer (a 401's `WWW-Authenticate`). */
    readonly headers?: Record<string, string>,
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail));
  }
}

export interface Reply {
  status: number;
  /** A JSON value to serialise (`null` is a valid JSON body). */
  json?: unknown;
  /** Raw bytes or text, with `contentType`. */
  body?: Buffer | string;
  contentType?: string;
  headers?: Record<string, string>;
}

export const json = (value: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  status,
  json: value,
  ...(headers ? { headers } : {}),
});

export class RequestContext {
  readonly query: URLSearchParams;
  /** Who the request acts as: the signed-in user on a multi-user server, else the admin `system`. */
  caller: Caller = { user_id: SYSTEM_USER_ID, is_admin: true };
  /** A multi-user server (its media is never cacheable). */
  multiuser = false;
  private bodyPromise: Promise<Buffer> | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly method: string,
    readonly path: string,
    readonly url: URL,
    readonly params: Record<string, string>,
  ) {
    this.query = url.searchParams;
  }

  /** Query parameters, FastAPI-style. Call `.done()` after reading them. */
  queryReader(): ParamReader {
    return new ParamReader(this.query);
  }

  rawBody(): Promise<Buffer> {
    this.bodyPromise ??= new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      this.req.on('data', (c: Buffer) => chunks.push(c));
      this.req.on('end', () => resolve(Buffer.concat(chunks)));
      this.req.on('error', reject);
    });
    return this.bodyPromise;
  }

  /**
   * The JSON body, or undefined when there is none. Like FastAPI, the body is read as JSON only
   * when the content type is absent or JSON; anything else counts as no body. A decode error is
   * FastAPI's `json_invalid` 422 with Python's message for it.
   */
  async jsonBody(): Promise<unknown> {
    const raw = await this.rawBody();
    if (raw.length === 0) return undefined;
    const type = (this.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) return undefined;
    const text = raw.toString('utf8');
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      const message = String(err);
      const position = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
      throw new ValidationFailure([
        { type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', input: {}, ctx: { error: pythonJsonError(message) } },
      ]);
    }
  }

  async bodyReader(opts: { embedded?: boolean } = {}): Promise<BodyReader> {
    return new BodyReader(await this.jsonBody(), opts);
  }

  param(name: string): string {
    const value = this.params[name];
    if (value === undefined) throw new Error(`route has no {${name}}`);
    return value;
  }

  /** A path parameter declared `int` in FastAPI. */
  intParam(name: string): number {
    const value = this.param(name);
    if (!/^[-+]?\d+$/.test(value)) {
      throw new ValidationFailure([
        {
          type: 'int_parsing',
          loc: ['path', name],
          msg: 'Input should be a valid integer, unable to parse string as an integer',
          input: value,
        },
      ]);
    }
    return Number.parseInt(value, 10);
  }
}

/** V8's JSON.parse complaint in the words of Python's json module, which FastAPI reports. */
function pythonJsonError(v8Message: string): string {
  if (/double-quoted property name/.test(v8Message)) return 'Expecting property name enclosed in double quotes';
  if (/Expected ',' or/.test(v8Message)) return "Expecting ',' delimiter";
  if (/Expected ':'/.test(v8Message)) return "Expecting ':' delimiter";
  if (/non-whitespace character after JSON/.test(v8Message)) return 'Extra data';
  if (/Unterminated string/.test(v8Message)) return 'Unterminated string starting at';
  return 'Expecting value';
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    this.routes.push({ method, segments: template.split('/'), handler });
    return this;
  }

  get(template: string, handler: Handler): this {
    return this.add('GET', template, handler);
  }
  post(template: string, handler: Handler): this {
    return this.add('POST', template, handler);
  }
  put(template: string, handler: Handler): this {
    return this.add('PUT', template, handler);
  }
  patch(template: string, handler: Handler): this {
    return this.add('PATCH', template, handler);
  }
  delete(template: string, handler: Handler): this {
    return this.add('DELETE', template, handler);
  }
  head(template: string, handler: Handler): this {
    return this.add('HEAD', template, handler);
  }

  /**
   * The first route whose method and path match. Like Starlette, a route that matches the path
   * but not the method does not win: the request falls through (to the SPA fallback).
   */
  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const parts = path.split('/');
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i]!;
        const part = parts[i]!;
        if (seg.startsWith('{') && seg.endsWith('}')) {
          if (part === '') ok = false;
          else params[seg.slice(1, -1)] = decodeURIComponent(part);
        } else ok = seg === part;
      }
      if (ok) return { handler: route.handler, params };
    }
    return undefined;
  }
}
