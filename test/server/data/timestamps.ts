/**
 * InvokeAI stores timestamps as SQLite text in UTC without a zone marker:
 * `2026-08-19 01:13:04.123`. Rows updated by a `current_timestamp` trigger (board `updated_at`)
 * have no fractional part. The stand-in keeps them as the same strings.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

export function sqliteTimestamp(ms: number, withMillis = true): string {
  const d = new Date(ms);
  const base =
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return withMillis ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
}

/** Parses a SQLite UTC string back to epoch milliseconds. */
export function parseSqliteTimestamp(text: string): number {
  return Date.parse(`${text.replace(' ', 'T')}Z`);
}

/** The current time as InvokeAI would store it. */
export function nowTimestamp(withMillis = true): string {
  return sqliteTimestamp(Date.now(), withMillis);
}
