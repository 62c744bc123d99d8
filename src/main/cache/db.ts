import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

/**
 * The one connection to a profile's SQLite file. node:sqlite is synchronous, so every call blocks
 * the main process while it runs: statements stay small (pages of hundreds, batches of a
 * thousand), and any statement slower than `slowQueryMs` is reported with its label, because
 * speed is a feature of this app and a regression should be loud.
 */
export interface DbOptions {
  /** Reads and writes slower than this are reported (default 30 ms). */
  slowQueryMs?: number;
  /** Where slow statements are reported; console.warn by default. */
  onSlowQuery?: (label: string, ms: number) => void;
}

export type Params = SQLInputValue[];
export type Row = Record<string, SQLInputValue>;

const DEFAULT_SLOW_MS = 30;
/** A second writer (another window, a CLI) waits this long for the lock before failing. */
const BUSY_TIMEOUT_MS = 5_000;

export class Db {
  readonly sqlite: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();
  private readonly slowQueryMs: number;
  private readonly onSlowQuery: (label: string, ms: number) => void;
  private depth = 0;
  private ownWrites = 0;
  private seenDataVersion = -1;
  private generationValue = 0;

  constructor(path: string, options: DbOptions = {}) {
    this.sqlite = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
    this.slowQueryMs = options.slowQueryMs ?? DEFAULT_SLOW_MS;
    this.onSlowQuery = options.onSlowQuery ?? ((label, ms) => console.warn(`[cache] slow query "${label}": ${ms.toFixed(1)} ms`));
    // WAL lets readers (a CLI, a benchmark) run while the app writes; NORMAL is durable across
    // application crashes, and a power cut loses at most the last transactions, which the next
    // sync fetches again.
    this.sqlite.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA temp_store = MEMORY;
      PRAGMA journal_size_limit = 67108864;
      PRAGMA cache_size = -65536;
      PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS};
    `);
  }

  /**
   * Changes whenever the data may have changed: with every write and rollback made here, and
   * when another connection (a second window, the CLI, the upload queue) committed meanwhile,
   * which SQLite reports through `PRAGMA data_version`. Values derived from the data (counts)
   * are remembered per generation.
   */
  get generation(): number {
    const dataVersion = Number(this.statement('PRAGMA data_version').get()?.data_version ?? 0);
    if (dataVersion !== this.seenDataVersion) {
      this.seenDataVersion = dataVersion;
      this.generationValue++;
    }
    return this.generationValue + this.ownWrites;
  }

  /** Prepared once per SQL text and reused: preparing costs more than running a point query. */
  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  all<T = Row>(label: string, sql: string, params: Params = []): T[] {
    return this.timed(label, () => this.statement(sql).all(...params) as T[]);
  }

  get<T = Row>(label: string, sql: string, params: Params = []): T | undefined {
    return this.timed(label, () => this.statement(sql).get(...params) as T | undefined);
  }

  run(label: string, sql: string, params: Params = []): { changes: number; lastInsertRowid: number } {
    return this.timed(label, () => {
      this.ownWrites++;
      const result = this.statement(sql).run(...params);
      return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
    });
  }

  exec(sql: string): void {
    this.sqlite.exec(sql);
  }

  /**
   * Runs `work` in one write transaction (nested calls join the outer one). IMMEDIATE takes the
   * write lock up front, so two writers never both read and then fail to upgrade.
   */
  transaction<T>(label: string, work: () => T): T {
    if (this.depth > 0) return work();
    return this.timed(label, () => {
      this.sqlite.exec('BEGIN IMMEDIATE');
      this.depth++;
      try {
        const result = work();
        this.sqlite.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.sqlite.isTransaction) this.sqlite.exec('ROLLBACK');
        this.ownWrites++;
        throw error;
      } finally {
        this.depth--;
      }
    });
  }

  timed<T>(label: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      const ms = performance.now() - start;
      if (ms > this.slowQueryMs) this.onSlowQuery(label, ms);
    }
  }

  close(): void {
    this.statements.clear();
    if (this.sqlite.isOpen) this.sqlite.close();
  }
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Splits work into statement batches: a thousand rows keeps each transaction in the tens of ms. */
export function* batches<T>(items: readonly T[], size = 1000): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}
