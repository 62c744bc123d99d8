import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { z } from 'zod';
import { ImageCategorySchema } from '../../shared/models';

/** An upload accepted by the user and not yet answered by the server. */
export const PendingUpload = z.object({
  id: z.string(),
  path: z.string(),
  file_name: z.string(),
  /** null = Uncategorized. */
  board_id: z.string().nullable(),
  category: ImageCategorySchema,
  /** ISO time the user asked for it. */
  queued_at: z.string(),
});
export type PendingUpload = z.infer<typeof PendingUpload>;

/** Where pending uploads wait, so that they survive a restart of the app. */
export interface PendingUploadStore {
  /** Oldest first. */
  list(): PendingUpload[];
  /** Several at once are stored together (a drop of hundreds of files is one write). */
  add(...uploads: PendingUpload[]): void;
  remove(id: string): void;
}

/**
 * Pending uploads in their own table of the app's database. The cache's schema belongs to the
 * cache module; `IF NOT EXISTS` keeps this table independent of its migrations.
 */
export class SqlitePendingUploadStore implements PendingUploadStore {
  private readonly insert: StatementSync;
  private readonly select: StatementSync;
  private readonly delete: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    db.exec(`CREATE TABLE IF NOT EXISTS pending_uploads (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      path TEXT NOT NULL,
      file_name TEXT NOT NULL,
      board_id TEXT,
      category TEXT NOT NULL,
      queued_at TEXT NOT NULL
    )`);
    this.insert = db.prepare(
      `INSERT INTO pending_uploads (id, path, file_name, board_id, category, queued_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO NOTHING`,
    );
    this.select = db.prepare('SELECT id, path, file_name, board_id, category, queued_at FROM pending_uploads ORDER BY seq');
    this.delete = db.prepare('DELETE FROM pending_uploads WHERE id = ?');
  }

  list(): PendingUpload[] {
    // A row another version wrote in a shape this one cannot read is skipped, not fatal.
    return this.select.all().flatMap((row) => {
      const parsed = PendingUpload.safeParse(row);
      return parsed.success ? [parsed.data] : [];
    });
  }

  add(...uploads: PendingUpload[]): void {
    const rows = uploads.map((upload) => PendingUpload.parse(upload));
    // A savepoint works inside or outside a transaction the cache may have open on this handle.
    this.db.exec('SAVEPOINT pending_uploads_add');
    try {
      for (const u of rows) this.insert.run(u.id, u.path, u.file_name, u.board_id, u.category, u.queued_at);
      this.db.exec('RELEASE pending_uploads_add');
    } catch (error) {
      this.db.exec('ROLLBACK TO pending_uploads_add');
      this.db.exec('RELEASE pending_uploads_add');
      throw error;
    }
  }

  remove(id: string): void {
    this.delete.run(id);
  }
}
