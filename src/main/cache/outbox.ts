import type { Db } from './db';

/**
 * Changes made here that the server has not confirmed yet, oldest first. The actions that fill
 * and drain it live elsewhere; this is only their durable queue. A sync consults it so that it
 * never "corrects" a local change the server has not received.
 */
export interface OutboxEntry {
  id: number;
  kind: string;
  payload: unknown;
  created_at: Date;
  attempts: number;
  last_error: string | null;
}

interface OutboxRow {
  id: number;
  kind: string;
  payload: string;
  created_at: number;
  attempts: number;
  last_error: string | null;
}

export class Outbox {
  constructor(private readonly db: Db) {}

  /** Queues a change; returns its id. The payload must survive JSON.stringify. */
  add(kind: string, payload: unknown): number {
    return this.db.transaction(
      'outbox add',
      () =>
        this.db.run('outbox add', 'INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)', [
          kind,
          JSON.stringify(payload),
          Date.now(),
        ]).lastInsertRowid,
    );
  }

  /** Entries in the order they were added. */
  list(limit = 1000): OutboxEntry[] {
    return this.db
      .all<OutboxRow>('outbox list', 'SELECT id, kind, payload, created_at, attempts, last_error FROM outbox ORDER BY id LIMIT ?', [limit])
      .map((row) => ({ ...row, payload: JSON.parse(row.payload) as unknown, created_at: new Date(row.created_at) }));
  }

  remove(id: number): void {
    this.db.transaction('outbox remove', () => this.db.run('outbox remove', 'DELETE FROM outbox WHERE id = ?', [id]));
  }

  /** Records a failed attempt, keeping the entry for the next try. */
  markFailed(id: number, error: string): void {
    this.db.transaction('outbox failed', () =>
      this.db.run('outbox failed', 'UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?', [error, id]),
    );
  }

  count(): number {
    return this.db.get<{ n: number }>('outbox count', 'SELECT count(*) AS n FROM outbox')?.n ?? 0;
  }

  /**
   * Every string inside every pending payload: image names and board ids a pending change is
   * about, whatever shape the actions give their payloads.
   */
  referencedStrings(): Set<string> {
    const found = new Set<string>();
    const visit = (value: unknown): void => {
      if (typeof value === 'string') found.add(value);
      else if (Array.isArray(value)) value.forEach(visit);
      else if (typeof value === 'object' && value !== null) Object.values(value).forEach(visit);
    };
    for (const row of this.db.all<{ payload: string }>('outbox payloads', 'SELECT payload FROM outbox')) {
      visit(JSON.parse(row.payload));
    }
    return found;
  }
}
