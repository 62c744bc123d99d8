import { batches, placeholders, type Db } from './db';

/**
 * Search keys: the rowids of the search indexes (images_fts, starred_fts), one per indexed image,
 * in gallery order like the ids but packed close together.
 *
 * FTS5 stores each posting's rowid as the difference from the one before it, as a varint. With
 * the ids as rowids (creation ms × 1024) neighbouring images sat ~10⁸–10¹⁰ apart, five bytes
 * each, and the search index was half the cache file. Keys GAP apart take one byte: the same
 * index at 100k was 67 MB instead of 122.
 *
 * An image is keyed when it enters the search index, with its first metadata (writeMetadata,
 * markMetadataUnavailable), not when its row is written: a first sync writes the starred images
 * of every year first, then the rest newest first, so keys given then would leave no room
 * between the starred ones. Each key is placed by the image's rank among all cached rows
 * between its keyed neighbours, GAP per row, so the rows between that are keyed later (a
 * backfill goes newest first) find their place. New images go above the highest key. When no
 * room is left (rows arrived between two keyed ones after they were keyed) every row is keyed
 * again and both indexes rewritten (`rekeyAll`): ~8 s at 100k with every image indexed, and
 * rare: at most once after a first sync whose images someone opened while it ran.
 */

/** The distance between neighbouring keys when assigned: room for out-of-order rows, and still one byte a posting. */
export const GAP = 4;
/** The first key: far from zero so a gallery of any size fits below it, yet a 6-byte varint. */
export const ORIGIN = 2 ** 40;

interface Keyed {
  id: number;
  key: number;
}

/** Keys the images among `ids` that have none yet (inside the caller's write transaction). */
export function keyRows(db: Db, ids: readonly number[]): void {
  const unkeyed = ids.length === 0 ? [] : unkeyedAmong(db, ids);
  let i = 0;
  while (i < unkeyed.length) {
    // Through the keyed rows' own index: the rows around may be thousands not yet keyed.
    const below = db.get<Keyed>(
      'key below',
      'SELECT id, search_key AS key FROM images INDEXED BY images_keyed WHERE id < ? AND search_key IS NOT NULL ORDER BY id DESC LIMIT 1',
      [unkeyed[i]!],
    );
    const above = db.get<Keyed>(
      'key above',
      'SELECT id, search_key AS key FROM images INDEXED BY images_keyed WHERE id > ? AND search_key IS NOT NULL ORDER BY id LIMIT 1',
      [unkeyed[i]!],
    );
    // The run: rows to key up to the next keyed one.
    let end = i;
    while (end < unkeyed.length && (above === undefined || unkeyed[end]! < above.id)) end++;
    const run = unkeyed.slice(i, end);
    const keys = placeRun(db, run, below ?? null, above ?? null);
    if (keys === null) {
      rekeyAll(db);
      return;
    }
    run.forEach((id, k) => db.run('key row', 'UPDATE images SET search_key = ? WHERE id = ?', [keys[k]!, id]));
    i = end;
  }
}

/** `ids` (sorted) that have no key, in id order. */
function unkeyedAmong(db: Db, ids: readonly number[]): number[] {
  const found: number[] = [];
  for (const batch of batches(ids, 500)) {
    const rows = db.all<{ id: number }>(
      'unkeyed among',
      `SELECT id FROM images WHERE id IN (${placeholders(batch.length)}) AND search_key IS NULL`,
      batch,
    );
    for (const row of rows) found.push(row.id);
  }
  return found.sort((a, b) => a - b);
}

/**
 * Keys for a run of rows (ascending ids) between keyed neighbours (null: none that side), each
 * GAP × its rank distance from a neighbour, or spread evenly when the rows between outnumber
 * the room; null when even that does not fit.
 */
function placeRun(db: Db, run: readonly number[], below: Keyed | null, above: Keyed | null): number[] | null {
  // Rows (keyed or not) from `from` (exclusive) up to `to` (inclusive): the rank distance.
  const between = (from: number, to: number) =>
    db.get<{ n: number }>('rows between', 'SELECT count(*) AS n FROM images WHERE id > ? AND id <= ?', [from, to])!.n;
  if (above === null) {
    const base = below ?? { id: Number.MIN_SAFE_INTEGER, key: ORIGIN - GAP };
    return run.map((id) => base.key + GAP * between(base.id, id));
  }
  if (below === null) return run.map((id) => above.key - GAP * between(id - 1, above.id - 1));
  const room = above.key - below.key;
  const rows = between(below.id, above.id - 1) + 1;
  if (room >= GAP * rows) return run.map((id) => below.key + GAP * between(below.id, id));
  const step = Math.floor(room / (run.length + 1));
  return step < 1 ? null : run.map((_, k) => below.key + step * (k + 1));
}

/**
 * Keys every row again, GAP apart in gallery order, and rewrites both search indexes under the
 * new keys from what is cached (the indexes are contentless: a row is found only by its key).
 */
export function rekeyAll(db: Db): void {
  db.run('rekey rows', `UPDATE images SET search_key = NULL WHERE search_key IS NOT NULL`);
  db.run(
    'rekey rows',
    `UPDATE images SET search_key = k.key FROM (SELECT id, ${ORIGIN} + ${GAP} * (row_number() OVER (ORDER BY id) - 1) AS key FROM images) AS k
     WHERE images.id = k.id`,
  );
  rebuildSearchIndexes(db);
}

/** Both search indexes written again from search_rows (the schema's source of their rows). */
export function rebuildSearchIndexes(db: Db): void {
  db.exec(`
    INSERT INTO images_fts (images_fts) VALUES ('delete-all');
    INSERT INTO starred_fts (starred_fts) VALUES ('delete-all');
    INSERT INTO images_fts (${FTS_COLUMNS}) SELECT ${FTS_SOURCE} FROM search_rows ORDER BY search_key;
    INSERT INTO starred_fts (${FTS_COLUMNS}) SELECT ${FTS_SOURCE} FROM search_rows WHERE starred = 1 ORDER BY search_key;
  `);
}

/** The search indexes' columns, rowid first (the same in both, since migration 7). */
export const FTS_COLUMNS = 'rowid, positive_prompt, negative_prompt, model_name, image_name, flags, fields';
/** search_rows' columns in FTS_COLUMNS' order. */
export const FTS_SOURCE = 'search_key, positive_prompt, negative_prompt, model_name, image_name, flags, fields';
