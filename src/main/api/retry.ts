import type { ApiError } from './errors';

/**
 * When a failed request is worth sending again. Only idempotent calls are retried (a POST that
 * timed out may have been applied), and only for failures that a second try can fix: no
 * connection, no answer in time, or a server-side 5xx. A 4xx will answer the same again.
 */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  retries: number;
  /** The delay before the first retry; each later one doubles, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4000 };

export function isRetryable(error: ApiError): boolean {
  const { info } = error;
  return info.kind === 'unreachable' || info.kind === 'timeout' || (info.kind === 'http' && info.status >= 500);
}

/**
 * The wait before retry number `attempt` (0-based): exponential, capped, with half of it random
 * so that many clients coming back after an outage do not all knock at the same instant.
 */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      if (signal) reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** `abort()` without an argument (every caller here) leaves a DOMException, which is an Error. */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
