import type { BoardDTO } from '../../shared/invokeai';
import type { Board, BoardList, BoardScope } from '../../shared/ipc';
import { ASSET_CATEGORIES, ImageCategoryValues, type ImageCategory } from '../../shared/models';
import { batches, placeholders, type Db } from './db';
import { timeMs } from './images';

/**
 * Boards as the server last described them, plus boards made or changed here that still wait in
 * the outbox (`pending`). Image and asset counts are computed from the cached images rather than
 * taken from the server, so they always agree with what the gallery shows, offline too.
 */

interface BoardRow {
  board_id: string;
  board_name: string;
  archived: number;
  cover_image_name: string | null;
  created_at: number | null;
  pending: number;
}

interface Counts {
  image_count: number;
  asset_count: number;
}

const ASSETS = new Set<string>(ASSET_CATEGORIES);

/**
 * Replaces the cached boards with the server's list. Boards named in `keep` (referenced by a
 * pending outbox entry) are left as they are, so an offline create or rename is not undone.
 */
export function replaceBoards(db: Db, dtos: readonly BoardDTO[], keep: ReadonlySet<string>): { added: number; removed: number } {
  return db.transaction('replace boards', () => {
    const known = new Set(db.all<{ board_id: string }>('board ids', 'SELECT board_id FROM boards').map((r) => r.board_id));
    let added = 0;
    for (const dto of dtos) {
      if (keep.has(dto.board_id)) continue;
      if (!known.has(dto.board_id)) added++;
      db.run(
        'upsert board',
        `INSERT INTO boards (board_id, board_name, user_id, created_at, updated_at, archived, cover_image_name, board_visibility, pending)
         VALUES (${placeholders(8)}, 0)
         ON CONFLICT (board_id) DO UPDATE SET board_name = excluded.board_name, user_id = excluded.user_id,
           created_at = excluded.created_at, updated_at = excluded.updated_at, archived = excluded.archived,
           cover_image_name = excluded.cover_image_name, board_visibility = excluded.board_visibility, pending = 0`,
        [
          dto.board_id,
          dto.board_name,
          dto.user_id,
          timeMs(dto.created_at),
          timeMs(dto.updated_at),
          dto.archived ? 1 : 0,
          dto.cover_image_name ?? null,
          dto.board_visibility ?? null,
        ],
      );
    }
    const listed = new Set(dtos.map((dto) => dto.board_id));
    const gone = [...known].filter((id) => !listed.has(id) && !keep.has(id));
    for (const batch of batches(gone, 500)) {
      db.run('remove boards', `DELETE FROM boards WHERE board_id IN (${placeholders(batch.length)})`, batch);
    }
    return { added, removed: gone.length };
  });
}

export interface LocalBoard {
  board_id: string;
  board_name: string;
  archived?: boolean;
}

/** A board made here (offline or before the server answered); shown as pending until synced. */
export function saveLocalBoard(db: Db, board: LocalBoard): void {
  db.transaction('save local board', () =>
    db.run(
      'save local board',
      `INSERT INTO boards (board_id, board_name, created_at, updated_at, archived, pending) VALUES (?, ?, ?, ?, ?, 1)
       ON CONFLICT (board_id) DO UPDATE SET board_name = excluded.board_name, archived = excluded.archived,
         updated_at = excluded.updated_at, pending = 1`,
      [board.board_id, board.board_name, Date.now(), Date.now(), board.archived ? 1 : 0],
    ),
  );
}

export interface BoardChange {
  board_name?: string;
  archived?: boolean;
  cover_image_name?: string | null;
  /** True while the change waits in the outbox; false once the server has it. */
  pending: boolean;
}

export function updateBoard(db: Db, boardId: string, change: BoardChange): boolean {
  const sets: string[] = ['pending = ?', 'updated_at = ?'];
  const params: (string | number | null)[] = [change.pending ? 1 : 0, Date.now()];
  if (change.board_name !== undefined) {
    sets.push('board_name = ?');
    params.push(change.board_name);
  }
  if (change.archived !== undefined) {
    sets.push('archived = ?');
    params.push(change.archived ? 1 : 0);
  }
  if (change.cover_image_name !== undefined) {
    sets.push('cover_image_name = ?');
    params.push(change.cover_image_name);
  }
  return db.transaction(
    'update board',
    () => db.run('update board', `UPDATE boards SET ${sets.join(', ')} WHERE board_id = ?`, [...params, boardId]).changes > 0,
  );
}

/**
 * Removes a board. Its images become Uncategorized, or are tombstoned with it when
 * `includeImages` (as the server does for `include_images=true`).
 */
export function removeBoard(db: Db, boardId: string, includeImages: boolean): void {
  db.transaction('remove board', () => {
    const now = Date.now();
    if (includeImages) db.run('tombstone board images', 'UPDATE images SET deleted = 1, touched_at = ? WHERE board_id = ?', [now, boardId]);
    else db.run('uncategorize board images', 'UPDATE images SET board_id = NULL, touched_at = ? WHERE board_id = ?', [now, boardId]);
    db.run('remove board', 'DELETE FROM boards WHERE board_id = ?', [boardId]);
  });
}

export function boardName(db: Db, boardId: string): string | null {
  return db.get<{ board_name: string }>('board name', 'SELECT board_name FROM boards WHERE board_id = ?', [boardId])?.board_name ?? null;
}

export function boardCount(db: Db): number {
  return db.get<{ n: number }>('board count', 'SELECT count(*) AS n FROM boards')?.n ?? 0;
}

/** Image and asset counts per board key ('' = Uncategorized), from the trigger-kept table. */
function countsByBoard(db: Db): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const row of db.all<{ board_key: string; category: string; n: number }>(
    'board counts',
    'SELECT board_key, category, sum(n) AS n FROM image_counts GROUP BY board_key, category',
  )) {
    const entry = counts.get(row.board_key) ?? { image_count: 0, asset_count: 0 };
    if (ASSETS.has(row.category)) entry.asset_count += row.n;
    else entry.image_count += row.n;
    counts.set(row.board_key, entry);
  }
  return counts;
}

/** The newest visible image of a board, for boards whose cover the server left empty. */
function newestImage(db: Db, boardId: string): string | null {
  return (
    db.get<{ image_name: string }>(
      'board cover',
      `SELECT image_name FROM images INDEXED BY images_board
       WHERE board_id = ? AND deleted = 0 AND is_intermediate = 0 ORDER BY id DESC LIMIT 1`,
      [boardId],
    )?.image_name ?? null
  );
}

/** Boards newest first (InvokeAI's default order), with counts and the two totals. */
export function boardList(db: Db, includeArchived: boolean): BoardList {
  const counts = countsByBoard(db);
  const rows = db.all<BoardRow>(
    'board list',
    `SELECT board_id, board_name, archived, cover_image_name, created_at, pending FROM boards
     ${includeArchived ? '' : 'WHERE archived = 0'} ORDER BY created_at DESC, board_name COLLATE NOCASE, board_id`,
  );
  const boards: Board[] = rows.map((row) => {
    const own = counts.get(row.board_id) ?? { image_count: 0, asset_count: 0 };
    return {
      board_id: row.board_id,
      board_name: row.board_name,
      archived: row.archived === 1,
      cover_image_name: row.cover_image_name ?? newestImage(db, row.board_id),
      image_count: own.image_count,
      asset_count: own.asset_count,
      created_at: row.created_at === null ? null : new Date(row.created_at),
      pending: row.pending === 1,
    };
  });
  const all = { image_count: 0, asset_count: 0 };
  for (const entry of counts.values()) {
    all.image_count += entry.image_count;
    all.asset_count += entry.asset_count;
  }
  return { boards, all, uncategorized: counts.get('') ?? { image_count: 0, asset_count: 0 } };
}

/** Visible images per category, in one board, Uncategorized or everywhere. */
export function categoryCounts(db: Db, board: BoardScope): Record<ImageCategory, number> {
  const result = Object.fromEntries(ImageCategoryValues.map((category) => [category, 0])) as Record<ImageCategory, number>;
  const where = board === 'all' ? '' : 'WHERE board_key = ?';
  const params = board === 'all' ? [] : [board === 'none' ? '' : board];
  for (const row of db.all<{ category: ImageCategory; n: number }>(
    'category counts',
    `SELECT category, sum(n) AS n FROM image_counts ${where} GROUP BY category`,
    params,
  )) {
    result[row.category] = row.n;
  }
  return result;
}
