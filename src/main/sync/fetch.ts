import { isGarbled, isUnreadable } from './errors';

/** A truncated answer is asked for again this many times before the run gives up on it. */
const GARBLED_RETRIES = 2;

export interface Fetched<T, K> {
  values: T[];
  /** Keys whose records the server sent in a shape the app cannot read. */
  unreadable: K[];
}

/**
 * Fetches records for `keys` in one call, tolerating bad data: a truncated body is asked for
 * again, and when the answer does not match the schema (one malformed record fails the whole
 * array) the keys are halved until the bad records are isolated and skipped, so one broken image
 * costs about 2·log2(1000) extra calls instead of its whole batch.
 */
export async function fetchTolerant<K, T>(keys: readonly K[], fetch: (keys: readonly K[]) => Promise<T[]>): Promise<Fetched<T, K>> {
  if (keys.length === 0) return { values: [], unreadable: [] };
  for (let attempt = 0; ; attempt++) {
    try {
      return { values: await fetch(keys), unreadable: [] };
    } catch (error) {
      if (isGarbled(error) && attempt < GARBLED_RETRIES) continue;
      if (!isUnreadable(error)) throw error;
      if (keys.length === 1) return { values: [], unreadable: [...keys] };
      const middle = Math.ceil(keys.length / 2);
      const first = await fetchTolerant(keys.slice(0, middle), fetch);
      const second = await fetchTolerant(keys.slice(middle), fetch);
      return { values: [...first.values, ...second.values], unreadable: [...first.unreadable, ...second.unreadable] };
    }
  }
}
