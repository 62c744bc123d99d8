import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImageDTO } from '../../shared/invokeai';
import type { Cache, MetadataEntry, UpsertOptions, UpsertResult } from '../cache';
import type { Compaction } from '../cache/compaction';
import { Holds } from './holds';
import { readImageBatch } from './image-batch';
import type { WriteRequest, WriteResponse } from './writer-protocol';

/**
 * The thread's JS heap is small (a batch in flight, its parsed copy): a short young generation
 * makes it collect often instead of growing the process by tens of MB of garbage. A thread that
 * outgrows the cap dies, and its writes come back to the main connection (`fail`).
 */
const HEAP_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 };
/** A writer thread that does not close by itself within this is terminated. */
const STOP_TIMEOUT_MS = 2_000;

/** The sync's writes to the cache, wherever they run. */
export interface SyncWrites {
  /** True while the writes run on the writer thread. */
  readonly threaded: boolean;
  upsertImages(dtos: readonly ImageDTO[], options?: UpsertOptions): Promise<UpsertResult>;
  /**
   * Reads an images_by_names body where the writes run (image-batch.ts), keeping its DTOs for
   * upsertParsed; their count, or null when the body is not a list of DTOs the app can read.
   */
  parseImages(body: Uint8Array): Promise<number | null>;
  /** Upserts DTOs [from, to) of the body parseImages read last. */
  upsertParsed(from: number, to: number, options?: UpsertOptions): Promise<UpsertResult>;
  writeMetadata(entries: readonly MetadataEntry[]): Promise<number>;
  markMetadataUnavailable(names: readonly string[]): Promise<void>;
  /** One slice of merging the search index; true while more remains. */
  tidySearchIndex(): Promise<boolean>;
  /**
   * Rewrites the cache file when enough of it is empty (cache/compaction.ts); what it did, or null.
   * Only on the writer thread: the rewrite holds whoever runs it for seconds at 100k.
   */
  compactFile(): Promise<Compaction | null>;
}

type Request = WriteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

interface Pending {
  request: Request;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

export interface WorkerScript {
  file: string;
  execArgv?: string[];
}

interface Thread {
  worker: Worker;
  exited: Promise<void>;
}

/**
 * Moves a sync's bulk writes (DTOs, metadata) to a worker thread with a connection of its own to
 * the cache file, so the main process stays free to answer the window while a first sync writes.
 *
 * Every row costs ~80 µs at 100k (indexes, count and facet triggers, the search index): at the
 * server's 8,000+ DTOs/s that was most of the main thread, and its event loop stalled 150–350 ms
 * at a time. The cache's own write functions run in the thread unchanged; reads and the user's
 * actions stay on the main connection (WAL: readers never wait for the writer), which sees the
 * thread's commits through `PRAGMA data_version` (Db.generation), so remembered counts renew.
 *
 * The thread's commits also run the WAL checkpoints (SQLite's own, every 1000 pages), and the main
 * connection leaves them alone meanwhile: no checkpointer thread is needed beside it.
 *
 * One request is at the thread at a time, each one transaction of a slice (~10–20 ms): an action
 * on the main thread that needs the write lock waits at most for that slice, since the main thread
 * sends nothing more while it waits. Without a thread (none held, or it could not start, or it
 * died) the same writes run on the main connection as before.
 */
export class SyncWriter implements SyncWrites {
  private readonly holds = new Holds(
    () => {
      if (!this.thread && !this.broken) this.begin();
    },
    () => void this.end(),
  );
  private thread: Thread | null = null;
  private readonly queue: Pending[] = [];
  private current: Pending | null = null;
  private nextId = 1;
  /** The thread failed once: writes stay on the main connection from then on. */
  private broken = false;
  private waiters: (() => void)[] = [];
  /**
   * The body parseImages was given last, kept (the thread gets a copy) so that its DTOs can be
   * written here if the thread dies between reading and writing them.
   */
  private body: Uint8Array | null = null;
  /** That body's DTOs when read on this thread (no thread, or after it died). */
  private parsedHere: ImageDTO[] | null = null;
  private parsedCount = 0;

  /** `script`: where the thread's code is (tests give one that fails). */
  constructor(
    private readonly cache: Cache,
    private readonly script: () => WorkerScript = workerEntry,
  ) {}

  /** Whether writes go to the thread now (for tests and benchmarks). */
  get threaded(): boolean {
    return this.thread !== null;
  }

  /** Writes go to a thread until the returned function is called (holds nest). */
  hold(): () => void {
    return this.holds.take();
  }

  /** Waits for queued writes and stops the thread whatever holds it (the engine is closing). */
  async stop(): Promise<void> {
    this.holds.clear();
    await this.end();
  }

  upsertImages(dtos: readonly ImageDTO[], options: UpsertOptions = {}): Promise<UpsertResult> {
    return this.send({ op: 'upsertImages', dtos, options }) as Promise<UpsertResult>;
  }

  async parseImages(body: Uint8Array): Promise<number | null> {
    this.body = body;
    this.parsedHere = null;
    const count = (await this.send({ op: 'parseImages', body })) as number | null;
    this.parsedCount = count ?? 0;
    return count;
  }

  async upsertParsed(from: number, to: number, options: UpsertOptions = {}): Promise<UpsertResult> {
    try {
      return (await this.send({ op: 'upsertParsed', from, to, options })) as UpsertResult;
    } finally {
      // The batch's last slice: nothing of it is needed any more.
      if (to >= this.parsedCount) this.body = this.parsedHere = null;
    }
  }

  writeMetadata(entries: readonly MetadataEntry[]): Promise<number> {
    return this.send({ op: 'writeMetadata', entries }) as Promise<number>;
  }

  async markMetadataUnavailable(names: readonly string[]): Promise<void> {
    await this.send({ op: 'markMetadataUnavailable', names });
  }

  tidySearchIndex(): Promise<boolean> {
    return this.send({ op: 'tidySearchIndex' }) as Promise<boolean>;
  }

  compactFile(): Promise<Compaction | null> {
    return this.send({ op: 'compactFile' }) as Promise<Compaction | null>;
  }

  /** The same write on the main connection (no thread), as a promise like the thread's answer. */
  private here(request: Request): Promise<unknown> {
    try {
      switch (request.op) {
        case 'upsertImages':
          return Promise.resolve(this.cache.upsertImages(request.dtos, request.options));
        case 'parseImages':
          this.parsedHere = readImageBatch(request.body);
          return Promise.resolve(this.parsedHere?.length ?? null);
        case 'upsertParsed': {
          this.parsedHere ??= (this.body && readImageBatch(this.body)) ?? [];
          return Promise.resolve(this.cache.upsertImages(this.parsedHere.slice(request.from, request.to), request.options));
        }
        case 'writeMetadata':
          return Promise.resolve(this.cache.writeMetadata(request.entries));
        case 'markMetadataUnavailable':
          this.cache.markMetadataUnavailable(request.names);
          return Promise.resolve(null);
        case 'tidySearchIndex':
          return Promise.resolve(this.cache.tidySearchIndex());
        case 'compactFile':
          // Seconds of VACUUM at 100k would freeze the window: without the thread the file waits.
          return Promise.resolve(null);
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private send(request: Request): Promise<unknown> {
    if (!this.thread) return this.here(request);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.current || !this.thread) return;
    const next = this.queue.shift();
    if (!next) {
      // Idle, the thread does not keep the process alive; while it writes, it does.
      this.thread.worker.unref();
      this.wake();
      return;
    }
    this.current = next;
    this.thread.worker.ref();
    this.thread.worker.postMessage({ ...next.request, id: this.nextId++ } satisfies WriteRequest);
  }

  /** Resolves once nothing is at the thread or queued for it. */
  private idle(): Promise<void> {
    if (!this.current && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private answered(response: WriteResponse): void {
    const pending = this.current;
    this.current = null;
    if (pending) {
      if ('error' in response) pending.reject(new Error(response.error));
      else pending.resolve(response.result);
    }
    this.pump();
  }

  private begin(): void {
    const entry = this.script();
    let worker: Worker;
    try {
      worker = new Worker(entry.file, { workerData: { path: this.cache.dbPath }, execArgv: entry.execArgv, resourceLimits: HEAP_LIMITS });
    } catch {
      return;
    }
    const thread: Thread = { worker, exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())) };
    worker.unref();
    worker.on('message', (response: WriteResponse) => this.answered(response));
    worker.once('error', (error: Error) => this.fail(thread, error));
    worker.once('exit', () => this.fail(thread, new Error('The cache writer thread stopped unexpectedly.')));
    this.thread = thread;
    this.cache.setAutoCheckpoint(false);
  }

  /**
   * A thread that could not start or died: what was at it or queued for it is written here
   * instead (every write is an upsert, so one the thread committed before dying is only written
   * again), and so is everything after; no thread is started again, so a script that cannot load
   * costs one attempt, not a failed sync each run.
   */
  private fail(thread: Thread, error: Error): void {
    if (this.thread !== thread) return;
    this.thread = null;
    this.broken = true;
    console.warn(`[sync] The cache writer thread failed, writes stay on the main thread: ${error.message}`);
    const lost = [...(this.current ? [this.current] : []), ...this.queue.splice(0)];
    this.current = null;
    this.restoreCheckpoints();
    for (const pending of lost) this.here(pending.request).then(pending.resolve, pending.reject);
    this.wake();
  }

  /** The main connection's commits checkpoint again (unless the cache is already closed: a new connection starts so). */
  private restoreCheckpoints(): void {
    try {
      this.cache.setAutoCheckpoint(true);
    } catch {
      // Closed.
    }
  }

  private async end(): Promise<void> {
    const thread = this.thread;
    if (!thread) return;
    await this.idle();
    // Held again while draining, or already gone: the thread is not this call's to close.
    if (this.holds.held || this.thread !== thread) return;
    this.thread = null;
    this.restoreCheckpoints();
    thread.worker.postMessage('close');
    const timeout = setTimeout(() => void thread.worker.terminate(), STOP_TIMEOUT_MS);
    await thread.exited;
    clearTimeout(timeout);
  }
}

/**
 * The thread's script: the build emits writer-worker.js beside the main bundle
 * (electron.vite.config.ts); from source (tests, tsx) it is the .ts file, loaded through tsx.
 */
function workerEntry(): WorkerScript {
  const built = fileURLToPath(new URL('./writer-worker.js', import.meta.url));
  if (existsSync(built)) return { file: built };
  return { file: fileURLToPath(new URL('./writer-worker.ts', import.meta.url)), execArgv: ['--import', 'tsx'] };
}
