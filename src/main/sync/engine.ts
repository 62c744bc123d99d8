import type { Viewer } from '../account/access';
import type { InvokeApi } from '../api/contract';
import { inBackground } from '../api/priority';
import type { Cache, JobStatusChange } from '../cache';
import type { ImageDTO, VideoDTO } from '../../shared/invokeai';
import type { ListedImages, SyncProgress, SyncSummary } from '../../shared/ipc';
import type { IvkJob } from '../../shared/models';
import { syncBoards } from './boards';
import type { RunContext, SyncPhase } from './context';
import { WalCheckpointer } from './checkpoints';
import { isStopping } from './errors';
import { addImages, syncImages } from './images';
import { syncJobs } from './jobs';
import { MetadataBackfill } from './metadata';
import { syncModels } from './models';
import { addVideos, syncVideos } from './videos';
import { SyncWriter } from './writer';
import { loadSummary, saveSummary, summaryText } from './summary';

export interface SyncEngineOptions {
  api: InvokeApi;
  cache: Cache;
  /** Every phase change and step, for the status bar. */
  onProgress?: (progress: SyncProgress) => void;
  /** Metadata requests in flight (default 6). */
  metadataConcurrency?: number;
  /** Background failures nobody awaits (the metadata backfill), for the log. */
  onBackgroundError?: (error: unknown) => void;
  /** The signed-in user of a multi-user server: a non-admin's list leaves out other users' boards' images. */
  viewer?: () => Viewer | null;
  /**
   * Writes of this many rows or more (a first sync, a long catch-up, a big metadata backlog) go to
   * the writer thread, with WAL checkpoints on a thread of their own (default 5000).
   */
  bulkFrom?: number;
}

const IDLE: SyncProgress = { phase: 'idle', done: 0, total: 0 };

/**
 * Server → cache replication. `sync()` runs boards, image names and DTOs, videos, jobs and models,
 * resolves with a summary as soon as the gallery is browsable, and leaves metadata (prompts) to
 * a background backfill. Runs never overlap: a request during a run is answered by one more run
 * after it, however many requests arrive meanwhile. Everything a run fetched is written as it
 * arrives, so a run that fails (server gone, app closed) loses nothing and the next one resumes.
 */
export class SyncEngine {
  private readonly api: InvokeApi;
  private readonly cache: Cache;
  private readonly backfill: MetadataBackfill;
  /** WAL checkpoints on a worker thread while a run or the backfill writes in bulk. */
  private readonly checkpoints: WalCheckpointer;
  /** Bulk writes on a thread of their own, so the main process stays responsive (writer.ts). */
  private readonly writer: SyncWriter;
  private readonly closing = new AbortController();
  private running: Promise<SyncSummary> | null = null;
  private queued: Promise<SyncSummary> | null = null;
  /** addImagesByName calls in flight: close() waits for them, as they write to the cache. */
  private readonly adding = new Set<Promise<unknown>>();
  private current: SyncProgress = IDLE;

  constructor(private readonly options: SyncEngineOptions) {
    this.api = options.api;
    this.cache = options.cache;
    this.checkpoints = new WalCheckpointer(options.cache);
    this.writer = new SyncWriter(options.cache);
    this.backfill = new MetadataBackfill({
      api: options.api,
      cache: options.cache,
      concurrency: options.metadataConcurrency,
      // The status bar shows the backfill only while no run has something more urgent to say.
      onProgress: (done, total) => {
        if (!this.running) this.setProgress({ phase: 'metadata', done, total });
      },
      onError: (error) => {
        if (!isStopping(error)) options.onBackgroundError?.(error);
      },
      signal: this.closing.signal,
      writes: this.writer,
      holdBulk: () => this.holdBulk(),
      bulkFrom: options.bulkFrom,
      onCompacted: ({ beforeBytes, afterBytes, ms }) =>
        console.info(`[cache] rewritten after the backfill: ${mb(beforeBytes)} → ${mb(afterBytes)} MB in ${(ms / 1000).toFixed(1)} s`),
    });
  }

  get progress(): SyncProgress {
    return this.current;
  }

  /** The last completed run's summary, persisted across restarts. */
  lastSummary(): SyncSummary | null {
    return loadSummary(this.cache.meta);
  }

  /**
   * Runs a sync, or, while one runs, the one after it (requests coalesce into a single extra
   * run, since it will see every change the requests were made for). Rejects with the ApiError
   * that stopped the run; the cache keeps everything fetched until then.
   */
  sync(options: { signal?: AbortSignal } = {}): Promise<SyncSummary> {
    if (!this.running) {
      // In the background: the person's thumbnails and actions go to the server first (priority.ts).
      this.running = inBackground(() => this.run(options.signal)).finally(() => {
        this.running = null;
        if (this.queued || this.closing.signal.aborted) return;
        this.setProgress(this.backfill.active ? { phase: 'metadata', done: 0, total: this.cache.metadataBacklogSize() } : IDLE);
      });
      return this.running;
    }
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.sync(options);
      });
    return this.queued;
  }

  /** A queue_item_status_changed payload: the job as now cached, or null for a stale one. */
  applyJobUpdate(change: JobStatusChange): IvkJob | null {
    // An event that arrives while the app shuts down has nowhere to go.
    if (this.closing.signal.aborted) return null;
    return this.cache.applyJobStatus(change);
  }

  /**
   * New output images announced by invocation_complete: their DTOs are fetched and cached at
   * once and their metadata ahead of the backfill, so they are searchable within moments.
   */
  async addImagesByName(names: readonly string[], options: { signal?: AbortSignal } = {}): Promise<ImageDTO[]> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    const adding = addImages({ api: this.api, cache: this.cache, signal }, names);
    this.adding.add(adding);
    try {
      const added = await adding;
      if (added.length > 0) this.backfillMetadata(added.map((dto) => dto.image_name));
      return added;
    } finally {
      this.adding.delete(adding);
    }
  }

  /** New videos announced by invocation_complete: fetched and cached at once, with their metadata. */
  async addVideosByName(names: readonly string[], options: { signal?: AbortSignal } = {}): Promise<VideoDTO[]> {
    const signal = options.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    const adding = addVideos({ api: this.api, cache: this.cache, signal }, names);
    this.adding.add(adding);
    try {
      return await adding;
    } finally {
      this.adding.delete(adding);
    }
  }

  /** Fetches these images' metadata before any other (the viewer opened one without it). */
  prioritizeMetadata(names: readonly string[]): void {
    this.backfillMetadata(names);
  }

  /** Resolves when the metadata backfill has nothing left to do (for tests and the CLI). */
  metadataIdle(): Promise<void> {
    return this.backfill.idle();
  }

  /** Stops everything in flight and waits for it; the cache is left consistent. */
  async close(): Promise<void> {
    this.closing.abort();
    await Promise.allSettled([this.running, this.queued, ...this.adding, this.backfill.stop()]);
    await this.writer.stop();
    await this.checkpoints.stop();
  }

  /** Whether bulk writes run on the writer thread now (for tests and benchmarks). */
  get writingOffThread(): boolean {
    return this.writer.threaded;
  }

  /**
   * Writes and WAL checkpoints off the main thread until the returned release: the writer thread
   * checkpoints in its own commits; only without it (it could not start) does the checkpointer run.
   */
  private holdBulk(): () => void {
    const writer = this.writer.hold();
    const checkpoints = this.writer.threaded ? undefined : this.checkpoints.hold();
    return () => {
      writer();
      checkpoints?.();
    };
  }

  /** Starts (or extends) the backfill, first with `urgent`; the status bar goes idle after it. */
  private backfillMetadata(urgent: readonly string[] = []): void {
    void this.backfill.prioritize(urgent).then(() => {
      if (!this.running && !this.backfill.active) this.setProgress(IDLE);
    });
  }

  private setProgress(progress: SyncProgress): void {
    this.current = progress;
    this.options.onProgress?.(progress);
  }

  private async run(signal: AbortSignal | undefined): Promise<SyncSummary> {
    // The name lists' counts ride on every report until the run ends, when sync() reports idle.
    let listed: ListedImages | undefined;
    const ctx: RunContext = {
      api: this.api,
      cache: this.cache,
      signal: signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal,
      report: (phase: SyncPhase, done: number, total: number) => this.setProgress({ phase, done, total, ...(listed && { listed }) }),
      writes: this.writer,
      holdBulk: () => this.holdBulk(),
      bulkFrom: this.options.bulkFrom,
      viewer: this.options.viewer?.() ?? null,
      listed: (images) => {
        listed = images;
        this.setProgress({ ...this.current, listed });
      },
    };
    const { boards } = await syncBoards(ctx);
    const images = await syncImages(ctx, boards);
    await syncVideos(ctx, images, boards);
    const jobs = await syncJobs(ctx);
    await syncModels(ctx);
    const changes = {
      ...images,
      unreadable: images.unreadable + jobs.unreadable,
      newJobs: jobs.added,
    };
    const totals = this.cache.totals();
    const summary: SyncSummary = {
      ...totals,
      added: changes.added,
      moved: changes.moved,
      deleted: changes.deleted,
      updated: changes.updated,
      text: summaryText(changes),
      finished_at: new Date(),
    };
    saveSummary(this.cache.meta, summary);
    this.backfillMetadata();
    return summary;
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
