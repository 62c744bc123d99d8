import type { InvokeApi } from '../api/contract';
import { inBackground, inForeground } from '../api/priority';
import type { Cache, MetadataEntry } from '../cache';
import type { Compaction } from '../cache/compaction';
import { isGarbled, isGone, isStopping, isUnreadable } from './errors';
import { SyncWriter, type SyncWrites } from './writer';

/**
 * Reads every image's metadata (its prompts) in the background, so search works offline.
 *
 * The server gives metadata one image per request at about 650/s whatever the concurrency, so
 * 100k images take minutes: the gallery never waits for it. Requests go through a small pool,
 * newest images first (the ones people look at), with images the UI asks for (`prioritize`)
 * ahead of all. Progress lives in the cache (each image's metadata_state), written in small
 * batches, so a restart continues with the images still missing and never asks twice for one
 * already stored.
 */
export interface BackfillOptions {
  api: InvokeApi;
  cache: Cache;
  /** Requests in flight (default 6). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** A pass ended early (server gone, or an unexpected error); the next start resumes. */
  onError?: (error: unknown) => void;
  /** The owner's lifetime: once aborted, passes stop and no new one starts. */
  signal?: AbortSignal;
  /** Where metadata is written: the writer thread while held (writer.ts); the main connection without one. */
  writes?: SyncWrites;
  /** Moves writes and WAL checkpoints off the main thread while the backfill writes; returns the release. */
  holdBulk?: () => () => void;
  /** From this many images missing metadata on, holdBulk is taken (default 5000). */
  bulkFrom?: number;
  /** The cache file was rewritten after a backfill (cache/compaction.ts). */
  onCompacted?: (compaction: Compaction) => void;
}

/**
 * A batch is written at this size or after FLUSH_MS, whichever comes first: short main-thread
 * writes (an entry costs ~0.4 ms at 100k, search rows included; 50 at once ran 30–60 ms).
 */
const FLUSH_SIZE = 25;
const FLUSH_MS = 250;
/** From this many images missing metadata on, writes and WAL checkpoints go to worker threads meanwhile. */
const BULK = 5000;
/** Names read from the cache at a time. */
const REFILL = 200;
/**
 * Pause between slices of search-index tidying: half the main thread stays free meanwhile (on the
 * writer thread, an action of the user's gets the write lock between two slices).
 */
const TIDY_PAUSE_MS = 5;
const GARBLED_RETRIES = 2;

export class MetadataBackfill {
  private running: Promise<void> | null = null;
  private controller: AbortController | null = null;
  private urgent: string[] = [];
  private again = false;
  private readonly writes: SyncWrites;

  constructor(private readonly options: BackfillOptions) {
    this.writes = options.writes ?? new SyncWriter(options.cache);
  }

  get active(): boolean {
    return this.running !== null;
  }

  /** Starts a pass, or asks the running one for another when it ends (new images arrived). */
  start(): Promise<void> {
    if (this.options.signal?.aborted) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const controller = new AbortController();
    this.controller = controller;
    const signal = this.options.signal ? AbortSignal.any([controller.signal, this.options.signal]) : controller.signal;
    this.running = inBackground(() => this.loop(signal))
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = null;
        this.controller = null;
      });
    return this.running;
  }

  /** Fetches these images' metadata before any other (an open viewer, the rows in view). */
  prioritize(names: readonly string[]): Promise<void> {
    const wanted = new Set(names);
    this.urgent = [...names, ...this.urgent.filter((name) => !wanted.has(name))];
    return this.start();
  }

  /** Resolves when no pass is running. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** Stops the running pass after the requests in flight; what they fetched is kept. */
  async stop(): Promise<void> {
    this.controller?.abort();
    await this.idle();
  }

  private async loop(signal: AbortSignal): Promise<void> {
    const release = this.options.cache.metadataBacklogSize() >= (this.options.bulkFrom ?? BULK) ? this.options.holdBulk?.() : undefined;
    try {
      do {
        this.again = false;
        await this.pass(signal);
      } while (this.again && !signal.aborted);
      if (this.options.cache.searchIndexNeedsTidy()) await this.tidy(signal);
    } finally {
      release?.();
    }
  }

  /** One walk through the backlog as it stood when the pass began. */
  private async pass(signal: AbortSignal): Promise<void> {
    const { api, cache } = this.options;
    const total = cache.metadataBacklogSize() + this.urgent.length;
    const queue: string[] = [];
    const seen = new Set<string>();
    let cursor: number | undefined;
    let exhausted = false;
    let done = 0;
    let entries: MetadataEntry[] = [];
    let unavailable: string[] = [];
    let flushedAt = Date.now();
    // Writes in order, each flush after the one before; the first failure ends the pass.
    let writing: Promise<unknown> = Promise.resolve();
    let writeError: { error: unknown } | null = null;

    // Names someone is looking at (prioritize): fetched as foreground work, ahead of thumbnails' wait.
    const wanted = new Set<string>();
    const next = (): string | undefined => {
      for (;;) {
        const urgent = this.urgent.shift();
        if (urgent !== undefined) wanted.add(urgent);
        const name = urgent ?? queue.shift() ?? refill();
        if (name === undefined) return undefined;
        if (!seen.has(name)) {
          seen.add(name);
          return name;
        }
      }
    };
    const refill = (): string | undefined => {
      if (exhausted) return undefined;
      const rows = cache.metadataBacklog(REFILL, cursor);
      if (rows.length < REFILL) exhausted = true;
      cursor = rows.at(-1)?.id ?? cursor;
      queue.push(...rows.map((row) => row.image_name));
      return queue.shift();
    };
    const flush = () => {
      const written = entries;
      const gone = unavailable;
      const upTo = done;
      entries = [];
      unavailable = [];
      flushedAt = Date.now();
      const wrote = Promise.all([
        written.length > 0 ? this.writes.writeMetadata(written) : null,
        gone.length > 0 ? this.writes.markMetadataUnavailable(gone) : null,
      ]).then(
        () => this.options.onProgress?.(upTo, Math.max(total, upTo)),
        (error: unknown) => void (writeError ??= { error }),
      );
      writing = Promise.all([writing, wrote]);
    };

    const fetchOne = async (name: string): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        try {
          // Awaited before touching `entries`: a flush may replace the array meanwhile.
          const ask = () => api.imageMetadata(name, { signal });
          const json = await (wanted.has(name) ? inForeground(ask) : ask());
          entries.push({ image_name: name, json });
          return;
        } catch (error) {
          if (isStopping(error) || signal.aborted) throw error;
          if (isGarbled(error) && attempt < GARBLED_RETRIES) continue;
          // Gone, or unreadable for good: stop asking. Anything else (a 5xx that outlived the
          // client's retries) is left for the next pass.
          if (isGone(error) || isUnreadable(error)) unavailable.push(name);
          return;
        }
      }
    };

    const worker = async () => {
      for (let name = next(); name !== undefined && !signal.aborted; name = next()) {
        if (writeError) throw writeError.error;
        await fetchOne(name);
        done++;
        if (entries.length + unavailable.length >= FLUSH_SIZE || Date.now() - flushedAt >= FLUSH_MS) flush();
      }
    };
    try {
      const workers = Array.from({ length: this.options.concurrency ?? 6 }, worker);
      const results = await Promise.allSettled(workers);
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
    } finally {
      flush();
      await writing;
    }
    if (writeError) throw (writeError as { error: unknown }).error;
  }

  /**
   * Merges the search index back in slices (on the writer thread while held), pausing between
   * them so nothing waits long; then gives back the space the backfill left in the file.
   */
  private async tidy(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && (await this.writes.tidySearchIndex())) {
      await new Promise((resolve) => setTimeout(resolve, TIDY_PAUSE_MS));
    }
    if (signal.aborted) return;
    const compacted = await this.writes.compactFile();
    if (compacted) this.options.onCompacted?.(compacted);
  }
}
