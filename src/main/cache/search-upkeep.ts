import type { Db } from './db';

/**
 * Keeping the search index quick to read. Every metadata transaction adds a small FTS5 segment;
 * FTS5's own automerge keeps their number logarithmic, but a backfill of a whole gallery in
 * batches of 50 leaves enough of them that every search term is looked up in each, which made
 * first pages 4x slower at 100k images. Merging everything back into one segment costs about
 * 2 s per 100k images, so it is done only after a backfill has rewritten a good part of the
 * index, and in slices a caller spreads over idle time.
 */

const UNTIDY = 'search.untidy_rows';
/** Tidy once this share of the gallery has been indexed since the last tidy (and 500 rows at least). */
const TIDY_SHARE = 0.25;
const TIDY_MIN_ROWS = 500;

function untidyRows(db: Db): number {
  const row = db.get<{ value: string }>('untidy rows', 'SELECT value FROM meta WHERE key = ?', [UNTIDY]);
  return row ? Number(row.value) || 0 : 0;
}

/** Counts rows indexed since the last tidy (called inside the metadata write transaction). */
export function noteIndexed(db: Db, rows: number): void {
  if (rows === 0) return;
  db.run(
    'note indexed',
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + excluded.value',
    [UNTIDY, rows],
  );
}

export function searchIndexNeedsTidy(db: Db): boolean {
  const visible = db.get<{ n: number }>('visible images', 'SELECT coalesce(sum(n), 0) AS n FROM image_counts')?.n ?? 0;
  return untidyRows(db) >= Math.max(TIDY_MIN_ROWS, visible * TIDY_SHARE);
}

/**
 * One slice of merging; true while more remains. `pages` bounds the pages written per slice, but
 * FTS5 finishes the term it is on, so a slice through a huge doclist (a one-letter prefix at 1M
 * images) can take ~100 ms; 16 pages keeps the typical slice near 1 ms and p95 under 20 ms there.
 */
export function tidySearchIndex(db: Db, pages = 16): boolean {
  return db.transaction('tidy search index', () => {
    const before = db.get<{ n: number }>('total changes', 'SELECT total_changes() AS n')?.n ?? 0;
    // A negative page count merges every segment, not only full levels: FTS5's documented way to
    // optimize incrementally. Fewer than two changes means there was nothing left to do.
    db.run('merge search index', "INSERT INTO images_fts (images_fts, rank) VALUES ('merge', ?)", [-Math.max(1, pages)]);
    const after = db.get<{ n: number }>('total changes', 'SELECT total_changes() AS n')?.n ?? 0;
    const more = after - before >= 2;
    if (!more) db.run('tidy done', 'DELETE FROM meta WHERE key = ?', [UNTIDY]);
    return more;
  });
}
