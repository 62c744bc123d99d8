import type { ImageDTO } from '../../shared/invokeai';
import type { GalleryItem } from '../../shared/ipc';
import type { ImageCategory, IvkImage } from '../../shared/models';
import { batches, placeholders, type Db, type Params } from './db';
import { urlOf } from './urls';
import { upsertRows, type GalleryRow, type RowKind, type UpsertOptions, type UpsertResult } from './upsert';

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
    thumbnail_url: urlOf('image', row.image_name, 'thumbnail', row.thumbnail_url),
    image_url: urlOf('image', row.image_name, 'full', row.image_url),
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
    thumbnail_url: urlOf('video', row.image_name, 'thumbnail', row.thumbnail_url),
    video_url: urlOf('video', row.image_name, 'full', row.image_url),
    is_intermediate: row.is_intermediate === 1,
    node_id: row.node_id,
    session_id: row.session_id,
  };
}

export type { UpsertOptions, UpsertResult } from './upsert';

/** An ImageDTO as a gallery row. */
function imageRow(dto: ImageDTO): GalleryRow {
  return {
    kind: 'image',
    dto,
    name: dto.image_name,
    category: dto.image_category,
    url: dto.image_url,
    origin: dto.image_origin,
    subfolder: dto.image_subfolder,
    duration: null,
    fps: null,
  };
}

/**
 * Images go a thousand per transaction, and every one given is written, unchanged ones too: the
 * image sync sends only images it found changed, and a live event's write must move touched_at
 * (see skipTouchedSince).
 */
const IMAGE_ROWS: RowKind<ImageDTO> = { toRow: imageRow, label: 'upsert images', perTransaction: 1000, skipUnchanged: false };

/** Writes ImageDTOs (see upsertRows). */
export function upsertImages(db: Db, dtos: readonly ImageDTO[], options: UpsertOptions = {}): UpsertResult {
  return upsertRows(db, dtos, IMAGE_ROWS, options);
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
