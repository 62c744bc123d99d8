import type { BoardDTO } from '../../shared/invokeai';
import type { Board, BoardList, BoardScope } from '../../shared/ipc';
import { ASSET_CATEGORIES, ImageCategoryValues, type ImageCategory } from '../../shared/models';
import { boardAccess, type Access, type Viewer } from '../account/access';
import { batches, placeholders, type Db } from './db';
import { timeMs } from './upsert';
import { videoCounts } from './videos';

/**
 * Boards as the server last described them, plus boards made or changed here that still wait in
 * the outbox (`pending`). Image and asset counts are computed from the cached images rather than
 * taken from the server, so they always agree with what the gallery shows, offline too.
 */

interface BoardRow {
  board_id: string;
  board_name: string;
  /** The owner; null for a board made here that the server has not listed yet. */
  user_id: string | null;
  board_visibility: string | null;
  archived: number;
  cover_image_name: string | null;
  created_at: number | null;
  pending: number;
}

interface Counts {
  image_count: number;
  asset_count: number;
  video_count: number;
}

const none = (): Counts => ({ image_count: 0, asset_count: 0, video_count: 0 });

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
          // A board whose newest item is a video (6.14) has it as its cover: its thumbnail is the video's.
          dto.cover_image_name ?? dto.cover_video_name ?? null,
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

/** What `viewer` may do to one board (null when the cache does not hold it). */
export function accessOfBoard(db: Db, boardId: string, viewer: Viewer | null): Access | null {
  const row = db.get<Pick<BoardRow, 'board_name' | 'user_id' | 'board_visibility'>>(
    'board owner',
    'SELECT board_name, user_id, board_visibility FROM boards WHERE board_id = ?',
    [boardId],
  );
  return row ? boardAccess(row, viewer) : null;
}

/** The distinct boards (null = Uncategorized) that these cached images sit on, 500 names a query. */
export function boardsOfImages(db: Db, imageNames: readonly string[]): (string | null)[] {
  const found = new Set<string | null>();
  for (const batch of batches(imageNames, 500)) {
    for (const row of db.all<{ board_id: string | null }>(
      'boards of images',
      `SELECT DISTINCT board_id FROM images WHERE image_name IN (${placeholders(batch.length)})`,
      batch,
    )) {
      found.add(row.board_id);
    }
  }
  return [...found];
}

export function boardName(db: Db, boardId: string): string | null {
  return db.get<{ board_name: string }>('board name', 'SELECT board_name FROM boards WHERE board_id = ?', [boardId])?.board_name ?? null;
}

export function boardCount(db: Db): number {
  return db.get<{ n: number }>('board count', 'SELECT count(*) AS n FROM boards')?.n ?? 0;
}

/**
 * Image, asset and video counts per board key ('' = Uncategorized), as the server counts them:
 * the trigger-kept table counts every gallery row, so the videos (a small index read) are taken
 * out of their category and counted apart, whatever their category.
 */
function countsByBoard(db: Db): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  const add = (boardKey: string, category: string, n: number, video: boolean) => {
    const entry = counts.get(boardKey) ?? none();
    if (ASSETS.has(category)) entry.asset_count += video ? -n : n;
    else entry.image_count += video ? -n : n;
    if (video) entry.video_count += n;
    counts.set(boardKey, entry);
  };
  for (const row of db.all<{ board_key: string; category: string; n: number }>(
    'board counts',
    'SELECT board_key, category, sum(n) AS n FROM image_counts GROUP BY board_key, category',
  )) {
    add(row.board_key, row.category, row.n, false);
  }
  for (const row of videoCounts(db)) add(row.board_key, row.category, row.n, true);
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

/**
 * Boards newest first (InvokeAI's default order), with counts, the two totals, and what `viewer`
 * (the signed-in user of a multi-user server; null: anyone may do all) may do to each.
 */
export function boardList(db: Db, includeArchived: boolean, viewer: Viewer | null = null): BoardList {
  const counts = countsByBoard(db);
  const rows = db.all<BoardRow>(
    'board list',
    `SELECT board_id, board_name, user_id, board_visibility, archived, cover_image_name, created_at, pending FROM boards
     ${includeArchived ? '' : 'WHERE archived = 0'} ORDER BY created_at DESC, board_name COLLATE NOCASE, board_id`,
  );
  const boards: Board[] = rows.map((row) => {
    const own = counts.get(row.board_id) ?? none();
    return {
      board_id: row.board_id,
      board_name: row.board_name,
      archived: row.archived === 1,
      cover_image_name: row.cover_image_name ?? newestImage(db, row.board_id),
      image_count: own.image_count,
      asset_count: own.asset_count,
      video_count: own.video_count,
      created_at: row.created_at === null ? null : new Date(row.created_at),
      pending: row.pending === 1,
      ...boardAccess(row, viewer),
    };
  });
  const all = none();
  for (const entry of counts.values()) {
    all.image_count += entry.image_count;
    all.asset_count += entry.asset_count;
    all.video_count += entry.video_count;
  }
  return { boards, all, uncategorized: counts.get('') ?? none() };
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
