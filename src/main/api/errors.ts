import type { z } from 'zod';
import { HTTPExceptionBody, HTTPValidationError } from '../../shared/invokeai/errors';

/** Which request failed, in the form a person reads: `GET /api/v1/images/names`. */
export interface RequestLabel {
  method: string;
  /** The route without host or query string, so neither addresses nor tokens leak into text. */
  route: string;
}

export type ApiErrorInfo =
  /** No connection: refused, reset, DNS failure, or dropped before the answer was complete. */
  | { kind: 'unreachable'; cause: string }
  | { kind: 'timeout'; timeoutMs: number }
  /** The caller cancelled. */
  | { kind: 'aborted' }
  /**
   * The server answered with a non-2xx status; `detail` is its explanation as text, and
   * `retryAfterSeconds` its `Retry-After` (a 429 from the video upload limit sends 5).
   */
  | { kind: 'http'; status: number; detail: string; retryAfterSeconds?: number }
  /** JSON that does not match the wire schema; `path` names the field (`ImageDTO[3].width`). */
  | { kind: 'invalid_payload'; path: string; problem: string }
  /** A 2xx answer that is not JSON (the web UI's HTML for an unknown path) or is broken JSON. */
  | { kind: 'not_json'; status: number; contentType: string; broken: boolean };

export type ApiErrorKind = ApiErrorInfo['kind'];

/**
 * Every failure of the InvokeAI client. Narrow on `info.kind` to reach the fields of one kind;
 * `kind`, `status` and `detail` are shortcuts for the common checks.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly info: ApiErrorInfo,
    readonly request: RequestLabel,
    options?: { cause?: unknown },
  ) {
    super(`${request.method} ${request.route}: ${summary(info)}`, options);
  }

  get kind(): ApiErrorKind {
    return this.info.kind;
  }

  /** The HTTP status when the server answered, else null. */
  get status(): number | null {
    return this.info.kind === 'http' || this.info.kind === 'not_json' ? this.info.status : null;
  }

  /** The server's explanation for an `http` error, else null. */
  get detail(): string | null {
    return this.info.kind === 'http' ? this.info.detail : null;
  }
}

function summary(info: ApiErrorInfo): string {
  switch (info.kind) {
    case 'unreachable':
      return `unreachable (${info.cause})`;
    case 'timeout':
      return `no answer within ${formatSeconds(info.timeoutMs)}`;
    case 'aborted':
      return 'cancelled';
    case 'http':
      return `${info.status} ${info.detail}`;
    case 'invalid_payload':
      return `unexpected answer: ${info.path}: ${info.problem}`;
    case 'not_json':
      return info.broken ? 'broken JSON' : `${info.contentType || 'untyped'} instead of JSON`;
  }
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

const MAX_DETAIL = 500;

/**
 * The server's explanation of an error status as one line of text. A 422 lists each failed
 * check as `query.limit: Input should be less than or equal to 1000`; a string `detail` is used
 * as is; a plain-text body (an unhandled 500) is kept, trimmed.
 */
export function detailFromBody(status: number, body: string, contentType: string): string {
  const text = body.trim();
  if (isJsonType(contentType)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const validation = HTTPValidationError.safeParse(json);
    if (validation.success && validation.data.detail.length > 0) {
      return clip(validation.data.detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '));
    }
    const raised = HTTPExceptionBody.safeParse(json);
    if (raised.success) {
      const { detail } = raised.data;
      return clip(typeof detail === 'string' ? detail : (detail.message ?? JSON.stringify(detail)));
    }
  }
  // A proxy's or the web UI's HTML page says nothing a person needs; the status text does.
  if (text && !contentType.includes('html')) return clip(text);
  return STATUS_TEXT[status] ?? `HTTP ${status}`;
}

function clip(text: string): string {
  return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL)}…` : text;
}

export function isJsonType(contentType: string): boolean {
  const type = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Names the first field of `data` that failed `schema`: `ImageDTO[3].width: expected number,
 * got string`. `name` is the payload's type as the server's schema calls it.
 */
export function describeZodFailure(name: string, error: z.ZodError, data: unknown): { path: string; problem: string } {
  const issue = error.issues[0];
  if (!issue) return { path: name, problem: 'invalid' };
  const path = name + issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
  const found = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      return {
        path,
        problem: found.present
          ? `expected ${issue.expected}, got ${typeName(found.value)}`
          : `expected ${issue.expected}, but it is missing`,
      };
    case 'invalid_value':
      return { path, problem: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${preview(found.value)}` };
    default:
      return { path, problem: issue.message };
  }
}

function valueAt(data: unknown, path: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !(key in value)) return { present: false, value: undefined };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  // JSON has no undefined: a key holding it is as good as missing.
  return { present: value !== undefined, value };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/**
 * A sentence a user can read about any failure of the client: what failed and what to do.
 * Other errors fall back to their message.
 */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) {
    return error instanceof Error ? error.message : String(error);
  }
  const { info, request } = error;
  const what = `${request.method} ${request.route}`;
  switch (info.kind) {
    case 'unreachable':
      return 'The InvokeAI server cannot be reached. Check that it is running and that the server address in Settings is right.';
    case 'timeout':
      return `The InvokeAI server did not answer within ${formatSeconds(info.timeoutMs)} (${what}). It may be busy; try again in a moment.`;
    case 'aborted':
      return 'The request was cancelled.';
    case 'invalid_payload':
      return `The server sent an answer this app cannot read (${what}: ${info.path}: ${info.problem}). The server version may not be supported.`;
    case 'not_json':
      return info.broken
        ? `The server sent a damaged answer (${what}). Try again; if it persists, check the server's log.`
        : `The server answered ${what} with ${info.contentType.startsWith('text/html') ? 'a web page' : info.contentType || 'something'} instead of data. The address may not point at an InvokeAI server, or the server is too old for this feature.`;
    case 'http':
      return describeStatus(info.status, info.detail);
  }
}

function describeStatus(status: number, rawDetail: string): string {
  const trimmed = rawDetail.replace(/[.\s]+$/, '');
  // A bare `{"detail":"Not Found"}` repeats the status; say the status once.
  const detail = trimmed === STATUS_TEXT[status] ? '' : trimmed;
  if (!detail) return describeBareStatus(status);
  if (status === 401) return `The server asks you to sign in (${detail}). Sign in again in Settings.`;
  if (status === 403) return `The server refused: ${detail}. Your account may not have access to this.`;
  if (status === 404) return `Not found on the server: ${detail}. It may have been deleted elsewhere.`;
  if (status === 409) return `The server is busy and refused the change: ${detail}. Try again later.`;
  if (status === 413) return `The server refused the file as too large: ${detail}.`;
  if (status === 415) return `The server refused the file: ${detail}. Only images can be uploaded.`;
  if (status === 422) return `The server rejected the request: ${detail}.`;
  if (status === 429) return `The server is rate-limiting requests: ${detail}. Try again shortly.`;
  if (status >= 500) return `The server failed (${status}: ${detail}). Try again later; if it persists, check the server's log.`;
  return `The server refused the request (${status}: ${detail}).`;
}

function describeBareStatus(status: number): string {
  const code = STATUS_TEXT[status] ? `${status} ${STATUS_TEXT[status]}` : `HTTP ${status}`;
  if (status === 401) return 'The server asks you to sign in. Sign in again in Settings.';
  if (status === 403) return 'The server refused access. Your account may not have access to this.';
  if (status === 404) return 'Not found on the server. It may have been deleted elsewhere.';
  if (status >= 500) return `The server failed (${code}). Try again later; if it persists, check the server's log.`;
  return `The server refused the request (${code}).`;
}
