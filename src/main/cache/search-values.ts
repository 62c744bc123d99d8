import type { Db } from './db';

/** The fields whose values autocomplete offers from the cache. */
export type ValueField = 'model' | 'base' | 'scheduler' | 'lora' | 'board';

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Table and column holding a field's values, each with a NOCASE index (migration 3). */
const SOURCES = {
  model: ['image_metadata', 'model_name'],
  base: ['image_metadata', 'model_base'],
  scheduler: ['image_metadata', 'scheduler'],
  lora: ['image_loras', 'name'],
} as const;

/**
 * The distinct values of a field starting with `prefix` (any case), in alphabetical order, for
 * autocomplete. Each step seeks the next distinct value in the field's index, so the cost is the
 * number of values returned, not the number of images holding them.
 */
export function searchValues(db: Db, field: ValueField, prefix: string, limit: number): string[] {
  const pattern = `${escapeLike(prefix)}%`;
  if (field === 'board') {
    const names = db
      .all<{ board_name: string }>(
        'board names',
        "SELECT board_name FROM boards WHERE archived = 0 AND board_name LIKE ? ESCAPE '\\' ORDER BY board_name COLLATE NOCASE LIMIT ?",
        [pattern, limit],
      )
      .map((row) => row.board_name);
    return 'uncategorized'.startsWith(prefix.toLowerCase()) ? ['Uncategorized', ...names].slice(0, limit) : names;
  }
  const [table, column] = SOURCES[field];
  const next = (after: string) =>
    `SELECT ${column} FROM ${table} WHERE ${column} ${after} COLLATE NOCASE ORDER BY ${column} COLLATE NOCASE LIMIT 1`;
  return db
    .all<{ value: string }>(
      `${field} values`,
      `WITH RECURSIVE v(value, n) AS (
         SELECT (${next('>= ?')}), 1
         UNION ALL
         SELECT (${next('> v.value')}), n + 1 FROM v WHERE v.value LIKE ? ESCAPE '\\' AND n < ?
       )
       SELECT value FROM v WHERE value LIKE ? ESCAPE '\\'`,
      [prefix, pattern, limit, pattern],
    )
    .map((row) => row.value);
}
