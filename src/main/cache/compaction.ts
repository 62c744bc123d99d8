import type { Db } from './db';

/**
 * Giving back the space a backfill leaves inside the cache file.
 *
 * A first sync writes newest first, and SQLite's b-trees filled in descending key order split
 * their pages half full: after a first sync of 100k images from the real server, 46 MB of the
 * 264 MB file was empty space inside pages (image_metadata alone 15 of its 30 MB, the board and
 * starred indexes about half of theirs), on top of the pages the search-index tidy frees. No
 * write order avoids it while the newest images come first, so once a backfill has finished and
 * the index is tidied, the file is rewritten whole with VACUUM: 264 → 222 MB, ~1.5 s warm
 * (4.4 s from a cold disk cache) at 100k.
 *
 * VACUUM holds the write lock throughout, so only the writer thread runs it (sync/writer.ts):
 * the window's reads go on against the WAL meanwhile, and an action's write waits for it.
 */

/**
 * When a rewrite is worth it: this share of the file empty (one written in key order has ~8 %),
 * this many bytes, and a file no bigger than `maxFile`. An action of the user's that needs the
 * write lock waits for the rewrite, its thread blocked meanwhile (SQLite's busy wait): at
 * 60–170 MB/s here, 512 MB keeps that wait within the 5 s busy timeout. Bigger files (~1M
 * images) keep their empty space.
 */
const WORTH_IT = { share: 0.12, bytes: 16 * 2 ** 20, maxFile: 512 * 2 ** 20 };

export interface Compaction {
  beforeBytes: number;
  afterBytes: number;
  ms: number;
}

/** Bytes of the file, and how many of them hold nothing (free pages and the unused part of used pages). */
export function fileWaste(db: Db): { bytes: number; waste: number } {
  const free = db.get<{ freelist_count: number }>('free pages', 'PRAGMA freelist_count')?.freelist_count ?? 0;
  // dbstat's aggregate rows: one per table and index, ~130 ms at 100k (it reads every page).
  const unused = db.get<{ unused: number | null }>(
    'unused bytes',
    'SELECT sum(unused) AS unused FROM dbstat WHERE aggregate = TRUE',
  )?.unused;
  return { bytes: fileBytes(db), waste: free * pageSize(db) + (unused ?? 0) };
}

const pageSize = (db: Db) => db.get<{ page_size: number }>('page size', 'PRAGMA page_size')?.page_size ?? 4096;
const fileBytes = (db: Db) => (db.get<{ page_count: number }>('page count', 'PRAGMA page_count')?.page_count ?? 0) * pageSize(db);

/** Rewrites the file when enough of it is empty; what it did, or null when it was not worth it. */
export function compactFile(db: Db, worthIt = WORTH_IT): Compaction | null {
  if (fileBytes(db) > worthIt.maxFile) return null;
  const before = fileWaste(db);
  if (before.waste < worthIt.bytes || before.waste < before.bytes * worthIt.share) return null;
  const start = performance.now();
  rewriteFile(db);
  // The rewrite went through the WAL: fold it back now rather than leave a file-sized WAL.
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  return { beforeBytes: before.bytes, afterBytes: fileBytes(db), ms: performance.now() - start };
}

/** VACUUM, building the new file on disk: in memory (the cache's temp_store) it would be the whole file again, 220 MB at 100k. */
export function rewriteFile(db: Db): void {
  db.exec('PRAGMA temp_store = FILE');
  try {
    db.exec('VACUUM');
  } finally {
    db.exec('PRAGMA temp_store = MEMORY');
  }
}
