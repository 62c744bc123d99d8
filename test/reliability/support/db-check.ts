import { DatabaseSync } from 'node:sqlite';

/**
 * What a cache file holds after a crash, read the way the app reads it at its next start (a
 * read-write open, which replays the committed part of the WAL and drops the rest), and checked
 * for anything half-written.
 */
export interface CacheFileReport {
  integrity: string;
  /** FTS5's own check of the search index. */
  searchIndex: string;
  images: number;
  /** Images whose metadata is stored (or known missing). */
  described: string[];
  /** Problems with derived data: counts that disagree with rows, metadata flags without rows. */
  inconsistencies: string[];
  outbox: { kind: string; payload: unknown; attempts: number }[];
}

export function readCacheFile(path: string): CacheFileReport {
  const db = new DatabaseSync(path);
  try {
    const integrity = db
      .prepare('PRAGMA integrity_check')
      .all()
      .map((row) => String(Object.values(row)[0]))
      .join('; ');
    let searchIndex = 'ok';
    try {
      db.exec("INSERT INTO images_fts(images_fts) VALUES ('integrity-check')");
    } catch (error) {
      searchIndex = String(error);
    }
    const inconsistencies: string[] = [];
    // image_counts is kept by triggers in the same transactions as the rows it counts.
    const counted = db
      .prepare(
        `SELECT c.board_key, c.category, c.starred, c.n AS kept, (
           SELECT count(*) FROM images i WHERE coalesce(i.board_id, '') = c.board_key AND i.category = c.category
             AND i.starred = c.starred AND i.deleted = 0 AND i.is_intermediate = 0) AS actual
         FROM image_counts c`,
      )
      .all() as { board_key: string; category: string; starred: number; kept: number; actual: number }[];
    for (const row of counted) {
      if (row.kept !== row.actual)
        inconsistencies.push(`image_counts ${row.board_key}/${row.category}/${row.starred}: ${row.kept} kept, ${row.actual} rows`);
    }
    const uncounted = db
      .prepare(
        `SELECT count(*) AS n FROM images i WHERE deleted = 0 AND is_intermediate = 0 AND NOT EXISTS (
           SELECT 1 FROM image_counts c WHERE c.board_key = coalesce(i.board_id, '') AND c.category = i.category AND c.starred = i.starred)`,
      )
      .get() as { n: number };
    if (uncounted.n > 0) inconsistencies.push(`${uncounted.n} images missing from image_counts`);
    const flagged = db
      .prepare(
        'SELECT count(*) AS n FROM images i WHERE metadata_state <> 0 AND NOT EXISTS (SELECT 1 FROM image_metadata m WHERE m.image_id = i.id)',
      )
      .get() as { n: number };
    if (flagged.n > 0) inconsistencies.push(`${flagged.n} images marked described without metadata`);
    const unflagged = db
      .prepare(
        'SELECT count(*) AS n FROM images i WHERE metadata_state = 0 AND EXISTS (SELECT 1 FROM image_metadata m WHERE m.image_id = i.id)',
      )
      .get() as { n: number };
    if (unflagged.n > 0) inconsistencies.push(`${unflagged.n} images with metadata still marked to fetch`);
    const orphans = db
      .prepare('SELECT count(*) AS n FROM image_metadata m WHERE NOT EXISTS (SELECT 1 FROM images i WHERE i.id = m.image_id)')
      .get() as { n: number };
    if (orphans.n > 0) inconsistencies.push(`${orphans.n} metadata rows without an image`);
    return {
      integrity,
      searchIndex,
      images: (db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n,
      described: (db.prepare('SELECT image_name FROM images WHERE metadata_state <> 0').all() as { image_name: string }[]).map(
        (row) => row.image_name,
      ),
      inconsistencies,
      outbox: (
        db.prepare('SELECT kind, payload, attempts FROM outbox ORDER BY id').all() as { kind: string; payload: string; attempts: number }[]
      ).map((row) => ({ kind: row.kind, payload: JSON.parse(row.payload) as unknown, attempts: row.attempts })),
    };
  } finally {
    db.close();
  }
}
