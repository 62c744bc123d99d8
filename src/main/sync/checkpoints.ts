import { Worker } from 'node:worker_threads';
import type { Cache } from '../cache';
import { Holds } from './holds';

/** How often the worker folds the WAL back into the file while a sync writes. */
const INTERVAL_MS = 200;
/** A worker that does not stop by itself within this is terminated. */
const STOP_TIMEOUT_MS = 2_000;

/**
 * The worker: its own connection to the cache file, a PASSIVE checkpoint every `intervalMs`
 * (it copies what it can and never waits for, or blocks, the main connection's writes), until
 * told to stop. Plain CommonJS run with `eval`, so it needs no bundling of its own.
 */
const SOURCE = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { DatabaseSync } = require('node:sqlite');
  const db = new DatabaseSync(workerData.path, { timeout: 0 });
  const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const timer = setInterval(() => {
    try {
      checkpoint.get();
    } catch {
      // Busy or locked: the next tick tries again.
    }
  }, workerData.intervalMs);
  parentPort.once('message', () => {
    clearInterval(timer);
    db.close();
    parentPort.close();
  });
`;

/**
 * Moves the cache's WAL checkpoints off the main thread while a sync writes in bulk.
 *
 * SQLite checkpoints inside the commit that takes the WAL past 1000 pages, fsyncs included, on
 * whichever thread committed: during a first sync of 100k images that was ~40 % of the main
 * thread's write time and its longest event-loop stalls (60–500 ms, real 6.14.2). While anything
 * holds this, the main connection leaves checkpoints alone and a worker thread with a connection
 * of its own runs them; when the last hold is released, commits checkpoint themselves again.
 * A worker that cannot start or fails only brings the default back.
 */
export class WalCheckpointer {
  private readonly holds = new Holds(
    () => this.begin(),
    () => void this.end(),
  );
  private worker: { thread: Worker; exited: Promise<void> } | null = null;

  constructor(
    private readonly cache: Cache,
    private readonly intervalMs = INTERVAL_MS,
  ) {}

  /** Checkpoints go to the worker until the returned function is called (holds nest). */
  hold(): () => void {
    return this.holds.take();
  }

  /** Stops the worker whatever holds it (the engine is closing); the default is back. */
  async stop(): Promise<void> {
    this.holds.clear();
    await this.end();
  }

  private begin(): void {
    let thread: Worker;
    try {
      thread = new Worker(SOURCE, { eval: true, workerData: { path: this.cache.dbPath, intervalMs: this.intervalMs } });
    } catch {
      return;
    }
    const worker = { thread, exited: new Promise<void>((resolve) => thread.once('exit', () => resolve())) };
    // Never keeps the app alive; a worker that dies hands checkpoints back to the main connection.
    thread.unref();
    thread.once('error', () => {
      if (this.worker === worker) void this.end();
    });
    this.worker = worker;
    this.cache.setAutoCheckpoint(false);
  }

  private async end(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    try {
      this.cache.setAutoCheckpoint(true);
    } catch {
      // The cache is already closed: a new connection starts with the default.
    }
    worker.thread.postMessage('stop');
    const timeout = setTimeout(() => void worker.thread.terminate(), STOP_TIMEOUT_MS);
    await worker.exited;
    clearTimeout(timeout);
  }
}
