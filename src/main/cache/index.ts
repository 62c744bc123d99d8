import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import type { BoardDTO, ImageDTO, SessionQueueItem, VideoDTO } from '../../shared/invokeai';
import type {
  BoardList,
  BoardScope,
  CacheStats,
  GalleryQuery,
  ImageDetails,
  ImagePage,
  JobFacets,
  JobListPage,
  JobListQuery,
  JobPage,
  JobQuery,
  QueueSummary,
  Facets,
  GalleryItem,
  ModelUsage,
  PromptStacks,
  PromptStacksQuery,
} from '../../shared/ipc';
import type { ImageCategory, IvkDnnModel, IvkImage, IvkJob } from '../../shared/models';
import { imageNamesInOutput } from '../../shared/invokeai/results';
import type { AccessLookup, Viewer } from '../account/access';
import * as boards from './boards';
import { Db, type DbOptions } from './db';
import { exportEntries, type ExportEntry } from './exports';
import { GalleryCounts, countImages, listImages } from './gallery';
import * as images from './images';
import * as jobs from './jobs';
import * as jobList from './job-list';
import { Meta } from './meta';
import * as metadata from './metadata';
import { migrate } from './migrations';
import * as models from './models';
import { Outbox } from './outbox';
import { facetCounts } from './facets';
import { modelUsage } from './model-usage';
import { promptStacks } from './prompt-stacks';
import { isValidProfileKey } from './profile';
import { searchValues, type ValueField } from './search-values';
import * as upkeep from './search-upkeep';
import * as videos from './videos';
import { FileStore } from './thumbnails';

export { profileKeyFor } from './profile';
export { CacheTooNewError } from './migrations';
export { InvalidImageNameError, isValidImageName, type FileStore } from './thumbnails';
export { extractMetadata, type MetadataEntry, type MetadataFields } from './metadata';
export type { Outbox, OutboxEntry } from './outbox';
export type { ExportEntry } from './exports';
export type { Meta } from './meta';
export type { ImageState } from './images';
export type { UpsertOptions, UpsertResult } from './upsert';
export type { BoardChange, LocalBoard } from './boards';
export type { JobStatusChange, JobWriteResult } from './jobs';
export type { VideoState } from './videos';

export interface CacheOptions extends DbOptions {
  /** The app's data folder; each server profile gets a folder of its own inside it. */
  dataDir: string;
  /** From profileKeyFor(serverUrl). */
  profileKey: string;
  /** Cap on cached full images (thumbnails are never evicted). Default 2 GiB. */
  imageCacheBytes?: number;
  /** A search term matching fewer images than this starts from its index (gallery.ts DRIVE_BELOW). */
  searchDriveBelow?: number;
}

const DEFAULT_IMAGE_CACHE_BYTES = 2 * 1024 ** 3;

interface Open {
  db: Db;
  counts: GalleryCounts;
  thumbnails: FileStore;
  images: FileStore;
  outbox: Outbox;
  meta: Meta;
}

/**
 * One server's local copy of its gallery: `<dataDir>/<profileKey>/` holds `cache.sqlite` and the
 * `thumbnails/` and `images/` folders, so two servers (or the same one reached at two addresses
 * that are really two servers) never mix images, and clearing one leaves the others alone.
 *
 * Reads are synchronous and fast enough to run on the main process per request; writes come in
 * batches from sync and one at a time from actions. Nothing here touches the network.
 */
export class Cache {
  readonly dir: string;
  readonly dbPath: string;
  private current: Open;

  constructor(private readonly options: CacheOptions) {
    if (!isValidProfileKey(options.profileKey)) throw new Error(`Not a valid profile key: ${JSON.stringify(options.profileKey)}`);
    this.dir = join(options.dataDir, options.profileKey);
    this.dbPath = join(this.dir, 'cache.sqlite');
    this.current = this.open();
  }

  private open(): Open {
    mkdirSync(this.dir, { recursive: true });
    const db = new Db(this.dbPath, this.options);
    try {
      migrate(db);
    } catch (error) {
      db.close();
      throw error;
    }
    return {
      db,
      counts: new GalleryCounts(db, this.options.searchDriveBelow),
      thumbnails: new FileStore(() => this.db, join(this.dir, 'thumbnails'), 'thumbnail', { suffix: '.webp' }),
      images: new FileStore(() => this.db, join(this.dir, 'images'), 'image', {
        suffix: '',
        capBytes: this.options.imageCacheBytes ?? DEFAULT_IMAGE_CACHE_BYTES,
      }),
      outbox: new Outbox(db),
      meta: new Meta(db),
    };
  }

  private get db(): Db {
    return this.current.db;
  }

  /** Thumbnail files (`<name>.webp`), one per image, never evicted. */
  get thumbnails(): FileStore {
    return this.current.thumbnails;
  }

  /** Full images, fetched on demand, least recently used evicted beyond the cap. */
  get images(): FileStore {
    return this.current.images;
  }

  get outbox(): Outbox {
    return this.current.outbox;
  }

  get meta(): Meta {
    return this.current.meta;
  }

  /**
   * Runs synchronous cache writes as one transaction, e.g. a local change and the outbox entry
   * that will send it, so a crash never keeps one without the other.
   */
  atomically<T>(work: () => T): T {
    return this.db.transaction('atomically', work);
  }

  // ---------------------------------------------------------------------------------------------
  // Gallery reads

  /**
   * A page of the view with its exact size. The size is remembered until the next write, and for
   * unsearched views it is a sum over a few rows; for a search it is a count of every match,
   * which costs up to tens of ms at a million images, so a first paint should call listImages
   * and countImages separately.
   */
  pageImages(query: GalleryQuery, offset: number, limit: number): ImagePage {
    return { items: this.listImages(query, offset, limit), total: this.countImages(query) };
  }

  /** A page of the view, without counting it. */
  listImages(query: GalleryQuery, offset: number, limit: number): GalleryItem[] {
    return listImages(this.db, this.current.counts, query, offset, limit);
  }

  /** The exact number of images in the view. */
  countImages(query: GalleryQuery): number {
    return countImages(this.current.counts, query);
  }

  /** Board, date and metadata of the named images, for an export; uncached names are left out. */
  exportEntries(names: readonly string[]): ExportEntry[] {
    return exportEntries(this.db, names);
  }

  /** Images per model, base, scheduler, LoRA, size and month in the view (the facet panel). */
  facets(query: GalleryQuery): Facets {
    return facetCounts(this.db, this.current.counts, query);
  }

  /** Images per model and per LoRA, for the Models view. */
  modelUsage(): ModelUsage {
    return modelUsage(this.db);
  }

  /** A page of the Prompts view: images grouped by exact positive prompt. */
  promptStacks(query: PromptStacksQuery): PromptStacks {
    return promptStacks(this.db, query);
  }

  /** Cached values of a search field starting with `prefix`, for autocomplete. */
  searchValues(field: ValueField, prefix: string, limit = 12): string[] {
    return searchValues(this.db, field, prefix, limit);
  }

  /** Everything the viewer's side panel shows; null for an image the cache does not hold. */
  imageDetails(imageName: string): ImageDetails | null {
    const row = this.db.get<images.ImageRow & { id: number; metadata_state: number }>(
      'image details',
      `SELECT id, metadata_state, ${images.IMAGE_COLUMNS} FROM images WHERE image_name = ? AND deleted = 0`,
      [imageName],
    );
    if (!row) return null;
    const meta = metadata.metadataOf(this.db, row.id);
    const image = images.galleryItemFromRow(row);
    image.metadata = meta?.json ? (JSON.parse(meta.json) as Record<string, unknown>) : null;
    return {
      image,
      board_name: row.board_id === null ? null : boards.boardName(this.db, row.board_id),
      positive_prompt: meta?.positive_prompt ?? null,
      negative_prompt: meta?.negative_prompt ?? null,
      seed: meta?.seed ?? null,
      model_name: meta?.model_name ?? null,
      model_base: meta?.model_base ?? null,
      steps: meta?.steps ?? null,
      cfg_scale: meta?.cfg_scale ?? null,
      scheduler: meta?.scheduler ?? null,
      job_id: row.session_id === null ? null : jobs.jobIdOfSession(this.db, row.session_id),
      // Fetched, or known to be missing: either way there is nothing more to wait for.
      metadata_loaded: row.metadata_state !== 0,
    };
  }

  /** `viewer`: the signed-in user of a multi-user server, for each board's access (null: full). */
  boardList(includeArchived: boolean, viewer: Viewer | null = null): BoardList {
    return boards.boardList(this.db, includeArchived, viewer);
  }

  /** What `viewer` may do to a board, and the boards images sit on: the action gate's lookups. */
  accessLookup(viewer: Viewer | null): AccessLookup {
    return {
      board: (boardId) => boards.accessOfBoard(this.db, boardId, viewer),
      boardsOf: (imageNames) => boards.boardsOfImages(this.db, imageNames),
    };
  }

  categoryCounts(board: BoardScope = 'all'): Record<ImageCategory, number> {
    return boards.categoryCounts(this.db, board);
  }

  pageJobs(query: JobQuery): JobPage {
    return jobs.pageJobs(this.db, query);
  }

  listJobs(query: JobListQuery, offset: number, limit: number): JobListPage {
    return jobList.listJobs(this.db, query, offset, limit);
  }

  jobFacets(): JobFacets {
    return jobList.jobFacets(this.db);
  }

  cachedQueueSummary(): QueueSummary {
    return jobList.cachedQueueSummary(this.db);
  }

  /** Cached jobs not in `listed` are no longer on the server; those in it are. */
  markJobsOnServer(listed: ReadonlySet<number>): number {
    return jobList.markJobsOnServer(this.db, listed);
  }

  /** After a prune (finished statuses) or a clear (all): the app keeps them as history. */
  markJobsGone(statuses: readonly string[]): number {
    return jobList.markJobsGone(this.db, statuses);
  }

  /** The gallery images a job made (same session), oldest first. */
  jobOutputs(jobId: string): IvkImage[] {
    const itemId = Number(jobId);
    if (!Number.isSafeInteger(itemId)) return [];
    const session = jobs.sessionOfJob(this.db, itemId);
    const made = session === null ? [] : images.imagesOfSession(this.db, session);
    if (made.length > 0) return made;
    // A node whose identical twin ran before (`use_cache`) answers with that earlier image, which
    // keeps its first session id: the job's own results still name it.
    const results = this.job(itemId)?.outputs ?? {};
    return images.imagesNamed(this.db, Object.values(results).flatMap(imageNamesInOutput));
  }

  job(jobId: number): IvkJob | null {
    return jobs.jobById(this.db, jobId);
  }

  models(): IvkDnnModel[] {
    return models.listModels(this.db);
  }

  cacheStats(): z.infer<typeof CacheStats> {
    const thumbs = this.thumbnails.stats();
    const full = this.images.stats();
    let dbBytes = 0;
    for (const suffix of ['', '-wal']) {
      try {
        dbBytes += statSync(this.dbPath + suffix).size;
      } catch {
        // No WAL file between checkpoints.
      }
    }
    const visible = this.db.get<{ n: number }>('visible images', 'SELECT coalesce(sum(n), 0) AS n FROM image_counts')?.n ?? 0;
    return { images: visible, thumbnails: thumbs.files, bytes: dbBytes + thumbs.bytes + full.bytes };
  }

  // ---------------------------------------------------------------------------------------------
  // Writes (sync, actions, live events)

  upsertImages(dtos: readonly ImageDTO[], options?: images.UpsertOptions): images.UpsertResult {
    return images.upsertImages(this.db, dtos, options);
  }

  /**
   * Whether this connection's commits fold the WAL back into the file themselves (SQLite's
   * default: the commit that passes 1000 pages checkpoints, fsyncs included, on the main thread)
   * or leave it to a checkpointer on another thread while a sync writes (sync/checkpoints.ts).
   */
  setAutoCheckpoint(on: boolean): void {
    this.db.exec(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`);
  }

  /**
   * Writes VideoDTOs and, where given (null = the video has none), their metadata, in one
   * transaction: a new video never waits in the image metadata backfill, whose route would not
   * know it. Leave `metadata` out to keep what is cached.
   */
  upsertVideos(
    entries: readonly { dto: VideoDTO; metadata?: Record<string, unknown> | null }[],
    options?: images.UpsertOptions,
  ): images.UpsertResult {
    return this.db.transaction('upsert videos', () => {
      const result = videos.upsertVideos(
        this.db,
        entries.map((entry) => entry.dto),
        options,
      );
      const skipped = new Set(result.skipped);
      const described = entries.flatMap((entry) =>
        entry.metadata === undefined || skipped.has(entry.dto.video_name)
          ? []
          : [{ image_name: entry.dto.video_name, json: entry.metadata }],
      );
      metadata.writeMetadata(this.db, described);
      return result;
    });
  }

  /** Every cached video's state (videos are few). */
  videoStates(): videos.VideoState[] {
    return videos.videoStates(this.db);
  }

  /** Which of `names` are videos, so actions can send them to the video routes. */
  videoNamesAmong(names: readonly string[]): Set<string> {
    return videos.videoNamesAmong(this.db, names);
  }

  setStarred(names: readonly string[], starred: boolean): number {
    return images.setStarred(this.db, names, starred);
  }

  /** `boardId` null = Uncategorized. */
  moveImages(names: readonly string[], boardId: string | null): number {
    return images.moveImages(this.db, names, boardId);
  }

  setCategory(names: readonly string[], category: ImageCategory): number {
    return images.setCategory(this.db, names, category);
  }

  /** Hides images now; the rows go when the server no longer lists them (or restoreDeleted). */
  markDeleted(names: readonly string[]): number {
    return images.markDeleted(this.db, names);
  }

  restoreDeleted(names: readonly string[]): number {
    return images.restoreDeleted(this.db, names);
  }

  /** Removes images, their metadata, search rows and files. */
  async removeImages(names: readonly string[]): Promise<number> {
    const removed = images.removeImages(this.db, names);
    await Promise.all([this.thumbnails.remove(names), this.images.remove(names)]);
    return removed;
  }

  /** Image states in id order, `limit` at a time after id `after` (-1 to start). */
  imageStates(after: number, limit: number): (images.ImageState & { id: number })[] {
    return images.imageStates(this.db, after, limit);
  }

  writeMetadata(entries: readonly metadata.MetadataEntry[]): number {
    return metadata.writeMetadata(this.db, entries);
  }

  markMetadataUnavailable(names: readonly string[]): void {
    metadata.markMetadataUnavailable(this.db, names);
  }

  /** Images still without metadata, newest first, below id `before`. */
  metadataBacklog(limit: number, before?: number): { id: number; image_name: string }[] {
    return metadata.metadataBacklog(this.db, limit, before);
  }

  metadataBacklogSize(): number {
    return metadata.metadataBacklogSize(this.db);
  }

  /** True once a backfill has rewritten enough of the search index to make tidying worth it. */
  searchIndexNeedsTidy(): boolean {
    return upkeep.searchIndexNeedsTidy(this.db);
  }

  /** One slice (~1 ms typical) of merging the search index; true while more remains. */
  tidySearchIndex(pages?: number): boolean {
    return upkeep.tidySearchIndex(this.db, pages);
  }

  replaceBoards(dtos: readonly BoardDTO[], keep: ReadonlySet<string> = new Set()): { added: number; removed: number } {
    return boards.replaceBoards(this.db, dtos, keep);
  }

  saveLocalBoard(board: boards.LocalBoard): void {
    boards.saveLocalBoard(this.db, board);
  }

  updateBoard(boardId: string, change: boards.BoardChange): boolean {
    return boards.updateBoard(this.db, boardId, change);
  }

  removeBoard(boardId: string, includeImages: boolean): void {
    boards.removeBoard(this.db, boardId, includeImages);
  }

  upsertJobs(items: readonly SessionQueueItem[]): jobs.JobWriteResult {
    return jobs.upsertJobs(this.db, items);
  }

  applyJobStatus(change: jobs.JobStatusChange): IvkJob | null {
    return jobs.applyJobStatus(this.db, change);
  }

  jobIds(): Set<number> {
    return jobs.jobIds(this.db);
  }

  unfinishedJobIds(): number[] {
    return jobs.unfinishedJobIds(this.db);
  }

  cancelVanishedJobs(itemIds: readonly number[]): number {
    return jobs.cancelVanishedJobs(this.db, itemIds);
  }

  replaceModels(list: readonly IvkDnnModel[]): void {
    models.replaceModels(this.db, list);
  }

  /** Totals for a sync summary. */
  totals(): { images: number; boards: number; jobs: number } {
    return {
      images: this.db.get<{ n: number }>('visible images', 'SELECT coalesce(sum(n), 0) AS n FROM image_counts')?.n ?? 0,
      boards: boards.boardCount(this.db),
      jobs: jobs.jobCount(this.db),
    };
  }

  /**
   * Empties the cache (the "Clear cache" button): database and files go, changes still waiting
   * in the outbox stay, since they are the user's work and not a copy of the server's.
   */
  async clear(): Promise<void> {
    const pending = this.db.all<Record<string, string | number | null>>('outbox dump', 'SELECT * FROM outbox ORDER BY id');
    await Promise.all([this.thumbnails.clear(), this.images.clear()]);
    this.db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(this.dbPath + suffix, { force: true });
    this.current = this.open();
    this.db.transaction('outbox restore', () => {
      for (const row of pending) {
        this.db.run(
          'outbox restore',
          'INSERT INTO outbox (id, kind, payload, created_at, attempts, last_error) VALUES (?, ?, ?, ?, ?, ?)',
          [row.id ?? null, row.kind ?? null, row.payload ?? null, row.created_at ?? null, row.attempts ?? null, row.last_error ?? null],
        );
      }
    });
  }

  close(): void {
    this.db.close();
  }
}

export function openCache(options: CacheOptions): Cache {
  return new Cache(options);
}
