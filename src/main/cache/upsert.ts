import { parseServerTime, type ImageDTO } from '../../shared/invokeai';
import { batches, placeholders, type Db, type Params } from './db';
import { SLOTS_PER_MS } from './migrations';
import { storedUrl } from './urls';

/**
 * The one write of a gallery row from a server DTO, for images and videos alike: both are rows of
 * `images` (migration 6), so looking up the existing row and deciding added / moved / updated /
 * skipped is the same for both. Each caller maps its DTO to a GalleryRow and owns its transactions.
 */

/** The DTO fields images and videos share under the same names. */
type SharedFields = Pick<
  ImageDTO,
  | 'created_at'
  | 'updated_at'
  | 'board_id'
  | 'starred'
  | 'is_intermediate'
  | 'width'
  | 'height'
  | 'thumbnail_url'
  | 'session_id'
  | 'node_id'
  | 'has_workflow'
>;

/** An ImageDTO or VideoDTO as a row: the shared fields, and those each API names its own way. */
export interface GalleryRow {
  kind: 'image' | 'video';
  dto: SharedFields;
  name: string;
  category: string;
  url: string;
  origin: string;
  subfolder: string | undefined;
  /** Seconds; null for an image. */
  duration: number | null;
  fps: number | null;
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
  /** Existing rows whose board changed. */
  moved: string[];
  /** Existing rows whose star, category or intermediate flag changed. */
  updated: string[];
  /** Existing rows left alone because of `skipTouchedSince`. */
  skipped: string[];
}

/** How one kind of row is written. */
export interface RowKind<T> {
  /** The DTO as a row: the mapper each kind brings. */
  toRow: (dto: T) => GalleryRow;
  /** The transaction's label (slow-query reports). */
  label: string;
  /** Rows per transaction; unset = all in one. */
  perTransaction?: number;
  /** Leave a row the DTO would not change unwritten: a read, not a write. */
  skipUnchanged: boolean;
}

/**
 * Writes DTOs as gallery rows. A new row's id is its creation time (gallery order, see
 * SLOTS_PER_MS); an existing one keeps its id, and a tombstone stays one until the server stops
 * listing it.
 */
export function upsertRows<T>(db: Db, dtos: readonly T[], kind: RowKind<T>, options: UpsertOptions): UpsertResult {
  const result: UpsertResult = { added: [], moved: [], updated: [], skipped: [] };
  const now = Date.now();
  // Oldest first: a sync fetches newest first, and rows inserted in descending key order leave
  // every page of the table and its gallery indexes half empty (the cache was 1.4x its packed size
  // at 100k). Ascending within a call packs them; the order of the result lists is not promised.
  // Each creation time is parsed once, not at every comparison of the sort.
  const rows = dtos
    .map((dto) => {
      const row = kind.toRow(dto);
      return { row, ms: createdMs(row) };
    })
    .sort((a, b) => a.ms - b.ms);
  for (const batch of kind.perTransaction === undefined ? [rows] : batches(rows, kind.perTransaction)) {
    db.transaction(kind.label, () => {
      for (const { row, ms } of batch) upsertRow(db, row, ms, kind.skipUnchanged, now, options, result);
    });
  }
  return result;
}

/** Milliseconds since the epoch of a server timestamp (zone-less UTC), or null. */
export function timeMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = parseServerTime(value)?.getTime();
  return ms === undefined ? null : ms;
}

const MAX_MS = Math.floor(Number.MAX_SAFE_INTEGER / SLOTS_PER_MS) - 1;

interface ExistingRow {
  id: number;
  kind: string;
  board_id: string | null;
  category: string;
  starred: number;
  is_intermediate: number;
  updated_at: number | null;
  touched_at: number;
}

const UPDATE_SQL = `UPDATE images SET board_id = ?, category = ?, starred = ?, is_intermediate = ?, updated_at = ?,
  width = ?, height = ?, image_url = ?, thumbnail_url = ?, image_origin = ?, session_id = ?, node_id = ?,
  has_workflow = ?, image_subfolder = ?, duration = ?, fps = ?, touched_at = ? WHERE id = ?`;
const INSERT_SQL = `INSERT INTO images (id, kind, image_name, board_id, category, starred, is_intermediate, updated_at,
  width, height, image_url, thumbnail_url, image_origin, session_id, node_id, has_workflow, image_subfolder,
  duration, fps, touched_at, created_at) VALUES (${placeholders(21)})`;

/** The row's creation time in ms, clamped so every id stays an exact JS number. */
function createdMs(row: GalleryRow): number {
  return Math.min(Math.max(timeMs(row.dto.created_at) ?? 0, 0), MAX_MS);
}

function upsertRow(
  db: Db,
  row: GalleryRow,
  ms: number,
  skipUnchanged: boolean,
  now: number,
  options: UpsertOptions,
  result: UpsertResult,
): void {
  const existing = db.get<ExistingRow>(
    'gallery row by name',
    'SELECT id, kind, board_id, category, starred, is_intermediate, updated_at, touched_at FROM images WHERE image_name = ?',
    [row.name],
  );
  const { dto } = row;
  const boardId = dto.board_id ?? null;
  const values: Params = [
    boardId,
    row.category,
    dto.starred ? 1 : 0,
    dto.is_intermediate ? 1 : 0,
    timeMs(dto.updated_at),
    dto.width,
    dto.height,
    storedUrl(row.kind, row.name, 'full', row.url),
    storedUrl(row.kind, row.name, 'thumbnail', dto.thumbnail_url),
    row.origin,
    dto.session_id ?? null,
    dto.node_id ?? null,
    dto.has_workflow ? 1 : 0,
    row.subfolder ?? null,
    row.duration,
    row.fps,
    now,
  ];
  if (!existing) {
    db.run('insert gallery row', INSERT_SQL, [allocateId(db, ms), row.kind, row.name, ...values, ms]);
    result.added.push(row.name);
    return;
  }
  if (options.skipTouchedSince !== undefined && existing.touched_at >= options.skipTouchedSince) {
    result.skipped.push(row.name);
    return;
  }
  const moved = (existing.board_id ?? null) !== boardId;
  const changed =
    existing.starred !== (dto.starred ? 1 : 0) ||
    existing.category !== row.category ||
    existing.is_intermediate !== (dto.is_intermediate ? 1 : 0);
  const sameKind = existing.kind === row.kind;
  if (skipUnchanged && sameKind && !moved && !changed && existing.updated_at === timeMs(dto.updated_at)) return;
  if (!sameKind || Math.floor(existing.id / SLOTS_PER_MS) !== ms) {
    // InvokeAI never changes created_at, but if a server did, the row must move to keep gallery
    // order; its metadata goes with the old row and is fetched again. (A row of the other kind
    // under the same name would be replaced too; InvokeAI's names never collide.)
    db.run('rekey gallery row', 'DELETE FROM images WHERE id = ?', [existing.id]);
    db.run('insert gallery row', INSERT_SQL, [allocateId(db, ms), row.kind, row.name, ...values, ms]);
  } else {
    db.run('update gallery row', UPDATE_SQL, [...values, existing.id]);
  }
  if (moved) result.moved.push(row.name);
  else if (changed) result.updated.push(row.name);
}

/** The first free id in the row's millisecond: ties keep the order they arrived in. */
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
