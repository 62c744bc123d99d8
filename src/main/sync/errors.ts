import { ApiError } from '../api/errors';

/** Failures that end a sync run: the server is gone or the caller gave up. The next run resumes. */
export function isStopping(error: unknown): boolean {
  return error instanceof ApiError && (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'aborted');
}

/** An answer the app cannot read: one bad record, not a bad connection. */
export function isUnreadable(error: unknown): boolean {
  return error instanceof ApiError && error.kind === 'invalid_payload';
}

/** A truncated or garbled body: worth asking again, unlike a payload that parses but is wrong. */
export function isGarbled(error: unknown): boolean {
  return error instanceof ApiError && error.kind === 'not_json' && error.info.kind === 'not_json' && error.info.broken;
}

/** The server answered that the thing is not there (deleted meanwhile, or not ours to see). */
export function isGone(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 403);
}
