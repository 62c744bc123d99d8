import { parseServerTime, type ImageDTO } from '../../shared/invokeai';
import type { GalleryItem } from '../../shared/ipc';
import type { ImageCategory, IvkImage } from '../../shared/models';
import { batches, placeholders, type Db, type Params } from './db';
import { SLOTS_PER_MS } from './migrations';

/** The images table's columns as IvkImage needs them, in the order every read selects them. */
export const IMAGE_COLUMNS = `image_name, board_id, category, width, height, created_at, updated_at, starred,
  image_url, thumbnail_url, is_intermediate, workflow_id, node_id, session_id, kind, duration, fps`;

export interface ImageRow {
  image_name: string;
  board_id: string | null;
  category: string;
  width: number | null;
  height: number | null;
  created_at: number;
  updated_at: number | null;
  starred: number;
  image_url: string | null;
  thumbnail_url: string | null;
  is_intermediate: number;
  workflow_id: string | null;
  node_id: string | null;
  session_id: string | null;
  kind: 'image' | 'video';
  duration: number | null;
  fps: number | null;
}

/**
 * A row as the IPC contract's IvkImage. `metadata` stays null here: pages are for the grid,
 * which never shows it, and parsing a few KB of JSON per tile would cost more than the page
 * itself; imageDetails carries it.
 */
export function imageFromRow(row: ImageRow): IvkImage {
  return {
    image_name: row.image_name,
    board_id: row.board_id,
    image_category: row.category as ImageCategory,
    width: row.width,
    height: row.height,
    created_at: new Date(row.created_at),
    updated_at: row.updated_at === null ? null : new Date(row.updated_at),
    starred: row.starred === 1,
    metadata: null,
    thumbnail_url: row.thumbnail_url,
    image_url: row.image_url,
    is_intermediate: row.is_intermediate === 1,
    workflow_id: row.workflow_id,
    node_id: row.node_id,
    session_id: row.session_id,
  };
}

/** A row as the gallery shows it: an image or a video (same columns, the video's names for them). */
export function galleryItemFromRow(row: ImageRow): GalleryItem {
  if (row.kind === 'image') return { kind: 'image', ...imageFromRow(row) };
  return {
    kind: 'video',
    video_name: row.image_name,
    board_id: row.board_id,
    video_category: row.category as ImageCategory,
    width: row.width,
    height: row.height,
    duration: row.duration,
    fps: row.fps,
    created_at: new Date(row.created_at),
    updated_at: row.updated_at === null ? null : new Date(row.updated_at),
    starred: row.starred === 1,
    metadata: null,
    thumbnail_url: row.thumbnail_url,
    video_url: row.image_url,
    is_intermediate: row.is_intermediate === 1,
    node_id: row.node_id,
    session_id: row.session_id,
  };
}

/** Milliseconds since the epoch of a server timestamp (zone-less UTC), or null. */
export function timeMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = parseServerTime(value)?.getTime();
  return ms === undefined ? null : ms;
}

const MAX_MS = Math.floor(Number.MAX_SAFE_INTEGER / SLOTS_PER_MS) - 1;

/** The creation time an id is made from, clamped so every id stays an exact JS number. */
function createdMs(dto: ImageDTO): number {
  return Math.min(Math.max(timeMs(dto.created_at) ?? 0, 0), MAX_MS);
}

export interface UpsertOptions {
  /**
   * Leave rows written at or after this wall-clock time as they are: an action or a live event
   * changed them after the snapshot these DTOs belong to was taken.
   */
  skipTouchedSince?: number;
}

/** What an upsert changed, for the sync summary. */
export interface UpsertResult {
  added: string[];
  /** Existing images whose board changed. */
  moved: string[];
  /** Existing images whose star, category or intermediate flag changed. */
  updated: string[];
  /** Existing rows left alone because of `skipTouchedSince`. */
  skipped: string[];
}

interface ExistingRow {
  id: number;
  board_id: string | null;
  category: string;
  starred: number;
  is_intermediate: number;
  touched_at: number;
}

const UPDATE_SQL = `UPDATE images SET board_id = ?, category = ?, starred = ?, is_intermediate = ?, updated_at = ?,
  width = ?, height = ?, image_url = ?, thumbnail_url = ?, image_origin = ?, session_id = ?, node_id = ?,
  has_workflow = ?, image_subfolder = ?, touched_at = ? WHERE id = ?`;
const INSERT_SQL = `INSERT INTO images (id, image_name, board_id, category, starred, is_intermediate, updated_at,
  width, height, image_url, thumbnail_url, image_origin, session_id, node_id, has_workflow, image_subfolder,
  touched_at, created_at) VALUES (${placeholders(18)})`;

/**
 * Writes ImageDTOs, a thousand per transaction. New images get an id from their creation time
 * (see SLOTS_PER_MS); existing ones keep theirs, and a tombstone stays a tombstone until the
 * server stops listing the image.
 */
export function upsertImages(db: Db, dtos: readonly ImageDTO[], options: UpsertOptions = {}): UpsertResult {
  const result: UpsertResult = { added: [], moved: [], updated: [], skipped: [] };
  const now = Date.now();
  for (const batch of batches(dtos)) {
    db.transaction('upsert images', () => {
      for (const dto of batch) upsertOne(db, dto, now, options, result);
    });
  }
  return result;
}

function upsertOne(db: Db, dto: ImageDTO, now: number, options: UpsertOptions, result: UpsertResult): void {
  const existing = db.get<ExistingRow>(
    'image by name',
    'SELECT id, board_id, category, starred, is_intermediate, touched_at FROM images WHERE image_name = ?',
    [dto.image_name],
  );
  const ms = createdMs(dto);
  const values: Params = [
    dto.board_id ?? null,
    dto.image_category,
    dto.starred ? 1 : 0,
    dto.is_intermediate ? 1 : 0,
    timeMs(dto.updated_at),
    dto.width,
    dto.height,
    dto.image_url,
    dto.thumbnail_url,
    dto.image_origin,
    dto.session_id ?? null,
    dto.node_id ?? null,
    dto.has_workflow ? 1 : 0,
    dto.image_subfolder ?? null,
    now,
  ];
  if (!existing) {
    db.run('insert image', INSERT_SQL, [allocateId(db, ms), dto.image_name, ...values, ms]);
    result.added.push(dto.image_name);
    return;
  }
  if (options.skipTouchedSince !== undefined && existing.touched_at >= options.skipTouchedSince) {
    result.skipped.push(dto.image_name);
    return;
  }
  if (Math.floor(existing.id / SLOTS_PER_MS) !== ms) {
    // InvokeAI never changes created_at, but if a server did, the row must move to keep gallery
    // order; its metadata goes with the old row and is fetched again.
    db.run('rekey image', 'DELETE FROM images WHERE id = ?', [existing.id]);
    db.run('insert image', INSERT_SQL, [allocateId(db, ms), dto.image_name, ...values, ms]);
  } else {
    db.run('update image', UPDATE_SQL, [...values, existing.id]);
  }
  if ((existing.board_id ?? null) !== (dto.board_id ?? null)) result.moved.push(dto.image_name);
  else if (
    existing.starred !== (dto.starred ? 1 : 0) ||
    existing.category !== dto.image_category ||
    existing.is_intermediate !== (dto.is_intermediate ? 1 : 0)
  ) {
    result.updated.push(dto.image_name);
  }
}

/** The first free id in the image's millisecond: ties keep the order they arrived in. */
export function allocateId(db: Db, ms: number): number {
  const base = ms * SLOTS_PER_MS;
  const last = db.get<{ id: number | null }>('allocate id', 'SELECT max(id) AS id FROM images WHERE id BETWEEN ? AND ?', [
    base,
    base + SLOTS_PER_MS - 1,
  ])?.id;
  if (last === null || last === undefined) return base;
  if (last + 1 < base + SLOTS_PER_MS) return last + 1;
  const taken = new Set(
    db.all<{ id: number }>('ids in ms', 'SELECT id FROM images WHERE id BETWEEN ? AND ?', [base, base + SLOTS_PER_MS - 1]).map((r) => r.id),
  );
  for (let id = base; id < base + SLOTS_PER_MS; id++) if (!taken.has(id)) return id;
  throw new Error(`More than ${SLOTS_PER_MS} images were created in the same millisecond (${new Date(ms).toISOString()})`);
}

/** Applies one column change to named images; returns how many rows changed. */
function setColumn(db: Db, label: string, names: readonly string[], assignment: string, params: Params): number {
  let changed = 0;
  const now = Date.now();
  for (const batch of batches(names, 500)) {
    changed += db.transaction(
      label,
      () =>
        db.run(label, `UPDATE images SET ${assignment}, touched_at = ? WHERE image_name IN (${placeholders(batch.length)})`, [
          ...params,
          now,
          ...batch,
        ]).changes,
    );
  }
  return changed;
}

export function setStarred(db: Db, names: readonly string[], starred: boolean): number {
  return setColumn(db, 'star images', names, 'starred = ?', [starred ? 1 : 0]);
}

/** `boardId` null = Uncategorized. */
export function moveImages(db: Db, names: readonly string[], boardId: string | null): number {
  return setColumn(db, 'move images', names, 'board_id = ?', [boardId]);
}

export function setCategory(db: Db, names: readonly string[], category: ImageCategory): number {
  return setColumn(db, 'set image category', names, 'category = ?', [category]);
}

/** Hides images at once (a delete made here); the row stays until the server confirms. */
export function markDeleted(db: Db, names: readonly string[]): number {
  return setColumn(db, 'tombstone images', names, 'deleted = 1', []);
}

/** Undoes markDeleted, when the server refused the delete. */
export function restoreDeleted(db: Db, names: readonly string[]): number {
  return setColumn(db, 'restore images', names, 'deleted = 0', []);
}

/** Removes images and everything cached about them (metadata and search rows go by trigger). */
export function removeImages(db: Db, names: readonly string[]): number {
  let removed = 0;
  for (const batch of batches(names, 500)) {
    removed += db.transaction(
      'remove images',
      () => db.run('remove images', `DELETE FROM images WHERE image_name IN (${placeholders(batch.length)})`, [...batch]).changes,
    );
  }
  return removed;
}

/** Images made by one session (a queue item's outputs), oldest first; its videos are in the gallery only. */
export function imagesOfSession(db: Db, sessionId: string): IvkImage[] {
  return db
    .all<ImageRow>(
      'images of session',
      `SELECT ${IMAGE_COLUMNS} FROM images WHERE session_id = ? AND kind = 'image' AND deleted = 0 AND is_intermediate = 0 ORDER BY id`,
      [sessionId],
    )
    .map(imageFromRow);
}

/** Visible images among `names`, in gallery order. */
export function imagesNamed(db: Db, names: readonly string[]): IvkImage[] {
  const found: IvkImage[] = [];
  for (const batch of batches(names, 500)) {
    const rows = db.all<ImageRow>(
      'images named',
      `SELECT ${IMAGE_COLUMNS} FROM images WHERE image_name IN (${placeholders(batch.length)}) AND deleted = 0 AND is_intermediate = 0 ORDER BY id`,
      batch,
    );
    found.push(...rows.map(imageFromRow));
  }
  return found;
}

/** What a sync compares against the server's lists: one small row per cached image. */
export interface ImageState {
  image_name: string;
  board_id: string | null;
  category: string;
  starred: number;
  is_intermediate: number;
  deleted: number;
  touched_at: number;
}

/**
 * One page of image states in id order, after id `after`: a sync reads them a page at a time.
 * Videos are left out: the image sync must not take them for images the server stopped listing.
 */
export function imageStates(db: Db, after: number, limit: number): (ImageState & { id: number })[] {
  return db.all(
    'image states',
    "SELECT id, image_name, board_id, category, starred, is_intermediate, deleted, touched_at FROM images WHERE id > ? AND kind = 'image' ORDER BY id LIMIT ?",
    [after, limit],
  );
}
