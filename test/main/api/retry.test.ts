import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/main/api/errors';
import { backoffDelay, isRetryable, sleep } from '../../../src/main/api/retry';

const label = { method: 'GET', route: '/x' };
const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('retry policy', () => {
  it('retries no connection, no answer and server failures', () => {
    expect(isRetryable(new ApiError({ kind: 'unreachable', cause: 'ECONNRESET' }, label))).toBe(true);
    expect(isRetryable(new ApiError({ kind: 'timeout', timeoutMs: 1 }, label))).toBe(true);
    expect(isRetryable(new ApiError({ kind: 'http', status: 500, detail: '' }, label))).toBe(true);
    expect(isRetryable(new ApiError({ kind: 'http', status: 503, detail: '' }, label))).toBe(true);
  });

  it('never retries what would fail the same way again', () => {
    for (const status of [400, 401, 403, 404, 409, 415, 422, 429]) {
      expect(isRetryable(new ApiError({ kind: 'http', status, detail: '' }, label))).toBe(false);
    }
    expect(isRetryable(new ApiError({ kind: 'aborted' }, label))).toBe(false);
    expect(isRetryable(new ApiError({ kind: 'invalid_payload', path: 'x', problem: 'y' }, label))).toBe(false);
    expect(isRetryable(new ApiError({ kind: 'not_json', status: 200, contentType: 'text/html', broken: false }, label))).toBe(false);
  });

  it('backs off exponentially with half of each delay random, up to the cap', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 400, 800]);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(10, policy, () => 0)).toBe(500);
  });

  it('stops waiting when cancelled', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
  });
});
