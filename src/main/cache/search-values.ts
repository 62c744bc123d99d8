import type { Db } from './db';

/** The fields whose values autocomplete offers from the cache. */
export type ValueField = 'model' | 'base' | 'scheduler' | 'lora' | 'board';

const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The distinct values of a field starting with `prefix` (any case), in alphabetical order, for
 * autocomplete: the values of visible images, read from facet_counts (migration 4) through its
 * (facet, value) index (migration 8), so the cost is the facet's rows of counts (a few thousand
 * at most: values × boards × categories), not the number of images holding them.
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
  return db
    .all<{ value: string }>(
      `${field} values`,
      `SELECT value FROM facet_counts INDEXED BY facet_counts_by_value WHERE facet = ? AND value LIKE ? ESCAPE '\\'
       GROUP BY value HAVING sum(n) > 0 ORDER BY value COLLATE NOCASE LIMIT ?`,
      [field, pattern, limit],
    )
    .map((row) => row.value);
}
