import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the person is waiting for goes to the server first. The real InvokeAI answers about one
 * request at a time (its handlers share Python's GIL), so during a sync a thumbnail asked for
 * after a scroll stop queued behind the sync's name lists and the prompt backfill's requests:
 * scroll stops of 4–10 s against the real server at 100k, every one of them during a sync
 * (issue 13). Work run through `inBackground` (the sync, the backfill) sends each request only
 * once no foreground request of the same client is in flight, or after waiting
 * BACKGROUND_WAIT_MS: background work is delayed, never starved. Everything else (thumbnails,
 * full images, actions, the viewer's metadata) is foreground.
 */
const background = new AsyncLocalStorage<boolean>();

/** Runs `work` (and everything it awaits) as background work. */
export function inBackground<T>(work: () => Promise<T>): Promise<T> {
  return background.run(true, work);
}

/** Runs `work` as foreground work, also when called from background work (an urgent fetch). */
export function inForeground<T>(work: () => Promise<T>): Promise<T> {
  return background.run(false, work);
}

export function isBackground(): boolean {
  return background.getStore() === true;
}

/** Long enough for a screenful of thumbnails from the real server (~250/s), short enough to keep a sync moving. */
export const BACKGROUND_WAIT_MS = 1500;

/** Counts one client's foreground requests in flight; background requests wait for none. */
export class ForegroundGate {
  private active = 0;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly maxWaitMs = BACKGROUND_WAIT_MS) {}

  /** `work` counted as foreground while it runs. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      if (--this.active === 0) for (const wake of [...this.waiters]) wake();
    }
  }

  /** Resolves once no foreground request is in flight, after maxWaitMs at the latest, or when `signal` aborts. */
  clear(signal?: AbortSignal): Promise<void> {
    if (this.active === 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, this.maxWaitMs);
      signal?.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }
}
