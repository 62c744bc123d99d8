import type { z } from 'zod';
import type { Db } from './db';

/**
 * Small durable values: sync cursors, the last sync's summary. Stored as JSON and read back
 * through a schema, so a value written by an older version that no longer fits reads as absent
 * instead of crashing the app.
 */
export class Meta {
  constructor(private readonly db: Db) {}

  get<S extends z.ZodType>(key: string, schema: S): z.output<S> | null {
    const row = this.db.get<{ value: string }>('meta get', 'SELECT value FROM meta WHERE key = ?', [key]);
    if (!row) return null;
    let json: unknown;
    try {
      json = JSON.parse(row.value);
    } catch {
      return null;
    }
    const parsed = schema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }

  set(key: string, value: unknown): void {
    this.db.transaction('meta set', () =>
      this.db.run('meta set', 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [
        key,
        JSON.stringify(value),
      ]),
    );
  }

  delete(key: string): void {
    this.db.transaction('meta delete', () => this.db.run('meta delete', 'DELETE FROM meta WHERE key = ?', [key]));
  }
}
