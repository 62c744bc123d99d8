import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Db } from './db';

/**
 * Image files on disk, keyed by image name: thumbnails (kept for the whole gallery, so it can be
 * browsed offline) and full images (fetched when viewed, kept within a size cap, least recently
 * used evicted first). Names come from the server and, through the media protocol, from the
 * renderer, so a name is accepted only if it can be nothing but a plain file name inside the
 * folder.
 */

/** InvokeAI names are `<uuid>.png`; this admits them and nothing that could leave the folder. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
/** Windows opens these as devices whatever their extension. */
const DEVICE_NAME = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

export function isValidImageName(name: string): boolean {
  return NAME.test(name) && !name.includes('..') && !name.endsWith('.') && !DEVICE_NAME.test(name);
}

export class InvalidImageNameError extends Error {
  override readonly name = 'InvalidImageNameError';
  constructor(readonly imageName: string) {
    super(`Not a valid image name: ${JSON.stringify(imageName.slice(0, 80))}`);
  }
}

export type FileKind = 'thumbnail' | 'image';

export interface FileStoreOptions {
  /** Appended to the image name: thumbnails are WebP whatever the image's own extension. */
  suffix: string;
  /** Total bytes kept; beyond it the least recently used files go. Unlimited when absent. */
  capBytes?: number;
}

/** Reads of a capped file refresh its place in the LRU at most this often (saves a write per view). */
const TOUCH_EVERY_MS = 60_000;

export class FileStore {
  private readonly root: string;
  private readonly tmp: string;

  /**
   * `db` is asked for at each use rather than kept, so a write that straddles a cache clear (which
   * reopens the database) records into the new file instead of failing on the closed one.
   */
  constructor(
    private readonly database: () => Db,
    root: string,
    readonly kind: FileKind,
    private readonly options: FileStoreOptions,
  ) {
    this.root = resolve(root);
    this.tmp = join(this.root, '.tmp');
    // Half-written files a crash left behind; a cache is opened once per process.
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /**
   * The absolute path of a name's file. Files are spread over subfolders by the name's first two
   * characters, so no folder holds a hundred thousand entries.
   */
  pathFor(name: string): string {
    if (!isValidImageName(name)) throw new InvalidImageNameError(name);
    const path = join(this.root, shardOf(name), `${name}${this.options.suffix}`);
    // The pattern already rules out escapes; this guards against a future edit of it.
    const inside = relative(this.root, path);
    if (inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).length !== 2) throw new InvalidImageNameError(name);
    return path;
  }

  has(name: string): boolean {
    return isValidImageName(name) && existsSync(this.pathFor(name));
  }

  /** The file's bytes, or null when it is not cached (or the name is not a valid one). */
  async read(name: string): Promise<Buffer | null> {
    if (!isValidImageName(name)) return null;
    try {
      const bytes = await readFile(this.pathFor(name));
      if (this.options.capBytes !== undefined) this.touch(name);
      return bytes;
    } catch (error) {
      if (isMissing(error)) {
        this.forget([name]);
        return null;
      }
      throw error;
    }
  }

  /**
   * Stores a file atomically: written beside its place under a temporary name, then renamed, so
   * a reader (the media protocol) never sees half a file and a crash leaves no partial one.
   */
  async write(name: string, bytes: Uint8Array): Promise<void> {
    const path = this.pathFor(name);
    const temp = join(this.tmp, `${randomBytes(8).toString('hex')}.part`);
    await mkdir(this.tmp, { recursive: true });
    await mkdir(join(path, '..'), { recursive: true });
    try {
      await writeFile(temp, bytes);
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    this.db.transaction('file written', () =>
      this.db.run(
        'file written',
        `INSERT INTO files (kind, name, bytes, used_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (kind, name) DO UPDATE SET bytes = excluded.bytes, used_at = excluded.used_at`,
        [this.kind, name, bytes.byteLength, Date.now()],
      ),
    );
    if (this.options.capBytes !== undefined) await this.evict(this.options.capBytes);
  }

  async remove(names: readonly string[]): Promise<void> {
    const valid = names.filter(isValidImageName);
    await Promise.all(valid.map((name) => rm(this.pathFor(name), { force: true })));
    this.forget(valid);
  }

  stats(): { files: number; bytes: number } {
    return (
      this.db.get<{ files: number; bytes: number }>(
        'file stats',
        'SELECT count(*) AS files, coalesce(sum(bytes), 0) AS bytes FROM files WHERE kind = ?',
        [this.kind],
      ) ?? { files: 0, bytes: 0 }
    );
  }

  /** Deletes every file of this kind. */
  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
    this.db.transaction('files cleared', () => this.db.run('files cleared', 'DELETE FROM files WHERE kind = ?', [this.kind]));
  }

  /** Drops least recently used files until the total fits in `capBytes`. */
  private async evict(capBytes: number): Promise<void> {
    let { bytes } = this.stats();
    if (bytes <= capBytes) return;
    const victims: string[] = [];
    for (const row of this.db.all<{ name: string; bytes: number }>(
      'lru files',
      'SELECT name, bytes FROM files WHERE kind = ? ORDER BY used_at, name',
      [this.kind],
    )) {
      if (bytes <= capBytes) break;
      victims.push(row.name);
      bytes -= row.bytes;
    }
    await this.remove(victims);
  }

  private get db(): Db {
    return this.database();
  }

  private touch(name: string): void {
    const now = Date.now();
    this.db.transaction('file used', () =>
      this.db.run('file used', 'UPDATE files SET used_at = ? WHERE kind = ? AND name = ? AND used_at < ?', [
        now,
        this.kind,
        name,
        now - TOUCH_EVERY_MS,
      ]),
    );
  }

  private forget(names: readonly string[]): void {
    if (names.length === 0) return;
    this.db.transaction('files forgotten', () => {
      for (const name of names) this.db.run('file forgotten', 'DELETE FROM files WHERE kind = ? AND name = ?', [this.kind, name]);
    });
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/** `ab` for `ab12….png`; names whose first two characters are not both alphanumeric share `_`. */
function shardOf(name: string): string {
  const head = name.slice(0, 2).toLowerCase();
  return /^[a-z0-9]{2}$/.test(head) ? head : '_';
}
