import { ApiError, describeApiError } from './api';
import { InvalidImageNameError } from './cache';
import type { IpcError } from '../shared/ipc';
import { ModelParseError } from '../shared/models';

/** A failure a handler raises on purpose, with the code the UI should see. */
export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: IpcError['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Whatever a handler threw, as a code and a sentence the UI can show as it is. */
export function describeError(error: unknown): IpcError {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof ApiError) {
    const message = describeApiError(error);
    if (error.kind === 'unreachable' || error.kind === 'timeout') return { code: 'unreachable', message };
    if (error.kind === 'invalid_payload' || error.kind === 'not_json') return { code: 'invalid_payload', message };
    if (error.status === 404) return { code: 'not_found', message };
    if (error.status === 409) return { code: 'conflict', message };
    return { code: 'http', message };
  }
  if (error instanceof ModelParseError) return { code: 'invalid_payload', message: error.message };
  if (error instanceof InvalidImageNameError) return { code: 'invalid_input', message: error.message };
  console.error('[main] unexpected failure:', error);
  return { code: 'internal', message: 'Something went wrong inside the app. Try again; if it keeps happening, restart the app.' };
}
