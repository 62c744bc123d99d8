import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readSync, renameSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { CacheTooNewError, openCache, type Cache, type CacheOptions } from './cache';
import { PendingUpload } from './uploads';

/**
 * A damaged cache file is not a reason to stop: the cache is a copy of the server. It is detected
 * (a cheap look at the file before it is opened, an open that fails, a `quick_check` in the
 * background, a query that meets a malformed page), moved aside with a timestamp (never deleted:
 * someone may want to look at it), and a fresh cache is built from the server. What was only
 * here, the user's queued actions and uploads, is copied over from the damaged file when it can
 * still be read.
 */
export const CACHE_FILE = 'cache.sqlite';

export interface Recovery {
  /** Why the file was judged damaged, in SQLite's or our words. */
  reason: string;
  /** Where the damaged file went. */
  movedTo: string;
  /** Queued actions copied into the new cache. */
  keptActions: number;
  /** Pending uploads to put back into the new cache's queue (the session owns that table). */
  keptUploads: PendingUpload[];
  /** True when the damaged file's queues could not be read at all. */
  queueLost: boolean;
}

/** SQLITE_CORRUPT and SQLITE_NOTADB, as node:sqlite reports them. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

/**
 * What can be told without opening the database: the header says "SQLite format 3", a page size
 * SQLite can have, and a page count that the file is long enough to hold (a file cut short, by a
 * full disk or a bad copy, fails here). Null when the file looks whole, or does not exist.
 */
export function inspectCacheFile(path: string): string | null {
  if (!existsSync(path)) return null;
  const size = statSync(path).size;
  // An empty file is what SQLite itself leaves before the first write: a new database.
  if (size === 0) return null;
  const header = readHeader(path);
  if (!header || header.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') return 'the file is not a SQLite database';
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `the file header is damaged (page size ${rawPageSize})`;
  // The page count in the header is valid when the change counter matches "version valid for".
  // With frames waiting in the WAL the main file may be mid-checkpoint (its new header written,
  // the pages after it not yet): SQLite sorts that out on open, so the length is not judged then.
  const declared = declaredSize(path);
  const walFrames = existsSync(`${path}-wal`) && statSync(`${path}-wal`).size > 0;
  if (declared !== null && !walFrames && size < declared) {
    return `the file is cut short (${size.toLocaleString('en-US')} bytes of ${declared.toLocaleString('en-US')})`;
  }
  return null;
}

/**
 * `PRAGMA quick_check` over the whole file, in a worker thread: it reads every page (about a
 * quarter of a second at 100,000 images), which the main process must not wait for. Resolves with
 * the first problem found, or null for a sound file (or one that could not be checked at all,
 * such as a file deleted meanwhile: the next start looks again).
 */
export function checkCacheIntegrity(path: string): Promise<string | null> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { DatabaseSync } = require('node:sqlite');
    let answer = null;
    try {
      const db = new DatabaseSync(workerData.path, { readOnly: true, timeout: 5000 });
      try {
        const rows = db.prepare('PRAGMA quick_check(5)').all();
        const problems = rows.map((row) => String(Object.values(row)[0])).filter((text) => text !== 'ok');
        if (problems.length > 0) answer = { damaged: problems.join('; ') };
      } finally {
        db.close();
      }
    } catch (error) {
      const code = error && typeof error.errcode === 'number' ? error.errcode & 0xff : 0;
      if (code === 11 || code === 26) answer = { damaged: String(error.message) };
    }
    parentPort.postMessage(answer);
  `;
  return new Promise((resolve) => {
    const worker = new Worker(source, { eval: true, workerData: { path } });
    worker.unref();
    worker.once('message', (answer: { damaged: string } | null) => resolve(answer?.damaged ?? null));
    worker.once('error', () => resolve(null));
    worker.once('exit', () => resolve(null));
  });
}

/**
 * Opens a server's cache; a damaged one (found here, or `damaged` from an earlier check) is moved
 * aside and replaced by an empty one, with the queues it still holds copied over. A cache written
 * by a newer app is not damage, and is left alone (the error says what to do).
 */
export function openCacheWithRecovery(
  options: CacheOptions & { damaged?: string | null },
  now = new Date(),
): { cache: Cache; recovery: Recovery | null } {
  const path = join(options.dataDir, options.profileKey, CACHE_FILE);
  let reason = options.damaged ?? inspectCacheFile(path);
  if (reason === null) {
    try {
      return { cache: openCache(options), recovery: null };
    } catch (error) {
      if (error instanceof CacheTooNewError || !isCorruptionError(error)) throw error;
      reason = error instanceof Error ? error.message : String(error);
    }
  }
  const salvaged = salvageQueues(path);
  const movedTo = moveAside(path, now);
  const cache = openCache(options);
  let keptActions = 0;
  cache.atomically(() => {
    for (const entry of salvaged?.outbox ?? []) {
      cache.outbox.add(entry.kind, entry.payload);
      keptActions++;
    }
  });
  return {
    cache,
    recovery: { reason, movedTo, keptActions, keptUploads: salvaged?.uploads ?? [], queueLost: salvaged === null },
  };
}

/**
 * What the user told the app to do and the server has not confirmed, read from the damaged file
 * as far as it goes. The reading is done on a copy (the damaged file stays as it was found): a
 * copy cut short is padded back to the length its header declares, since SQLite refuses a file
 * shorter than that even when the pages wanted are all there.
 */
function salvageQueues(path: string): { outbox: { kind: string; payload: unknown }[]; uploads: PendingUpload[] } | null {
  const dir = mkdtempSync(join(tmpdir(), 'ivk-salvage-'));
  const copy = join(dir, CACHE_FILE);
  let db: DatabaseSync | undefined;
  try {
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    const declared = declaredSize(copy);
    if (declared !== null && statSync(copy).size < declared) truncateSync(copy, declared);
    db = new DatabaseSync(copy);
    const outbox = db
      .prepare('SELECT kind, payload FROM outbox ORDER BY id')
      .all()
      .map((row) => ({ kind: String(row.kind), payload: JSON.parse(String(row.payload)) as unknown }));
    let uploads: PendingUpload[] = [];
    try {
      uploads = db
        .prepare('SELECT id, path, file_name, board_id, category, queued_at FROM pending_uploads ORDER BY seq')
        .all()
        .flatMap((row) => {
          const parsed = PendingUpload.safeParse(row);
          return parsed.success ? [parsed.data] : [];
        });
    } catch {
      // No upload was ever queued: the table does not exist.
    }
    return { outbox, uploads };
  } catch {
    return null;
  } finally {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The file length the header declares (page count × page size), when the header says it validly. */
function declaredSize(path: string): number | null {
  const header = readHeader(path);
  if (!header) return null;
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65_536 : rawPageSize;
  const pages = header.readUInt32BE(28);
  return pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92) ? pages * pageSize : null;
}

function readHeader(path: string): Buffer | null {
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, header, 0, 100, 0) === 100 ? header : null;
  } finally {
    closeSync(fd);
  }
}

/** Renames the file and its WAL and shared-memory files: `cache.damaged-<time>.sqlite[-wal]`. */
function moveAside(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = join(path, '..', `${basename(path, '.sqlite')}.damaged-${stamp}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}

/** The sentence the user reads: what happened, where the file went, what was kept. */
export function describeRecovery(recovery: Recovery): string {
  const queued = recovery.queueLost
    ? ' Changes that were still waiting to be sent could not be read from it.'
    : recovery.keptActions + recovery.keptUploads.length > 0
      ? ` ${recovery.keptActions + recovery.keptUploads.length} change(s) still waiting to be sent were kept.`
      : '';
  return `The local cache was damaged (${clip(recovery.reason)}). It was moved aside to ${basename(recovery.movedTo)} and is being rebuilt from the server.${queued}`;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}
