/**
 * Runs `work` over `items` with at most `concurrency` in flight, in order of the list. The first
 * failure stops new work from starting and is rethrown once the calls in flight have settled, so
 * nothing keeps writing to the cache after the caller has moved on.
 */
export async function forEachPooled<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (failure === null && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure !== null) throw (failure as { error: unknown }).error;
}

/** Splits a list into consecutive pieces of `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let start = 0; start < items.length; start += size) pieces.push(items.slice(start, start + size));
  return pieces;
}

/**
 * Lets timers, IPC and sockets run between two pieces of synchronous cache work: node:sqlite
 * blocks the main process while it writes, so a sync writes in slices of a few ms.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
