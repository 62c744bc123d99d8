/**
 * What image and video records share: the filters a list of them takes, and a PATCH's changes
 * (`ImageRecordChanges`, `VideoRecordChanges`); the origin and category stand under each API's own key.
 */
import type { ImageCategory } from './data/gallery';
import { nowTimestamp } from './data/timestamps';
import type { Direction } from './store';

/** A list's filters but the origin (`image_origin`, `video_origin`). */
export interface RecordFilters {
  categories?: readonly ImageCategory[] | null;
  is_intermediate?: boolean | null;
  /** A board id, `'none'` for Uncategorized, or null/undefined for every board. */
  board_id?: string | null;
  starred_first?: boolean;
  order_dir?: Direction;
  search_term?: string | null;
  /** Only this user's records (a non-admin's list without a board, or of Uncategorized); null for all. */
  owner?: string | null;
}

export type RecordChanges<CategoryKey extends string> = { [K in CategoryKey]?: ImageCategory } & {
  session_id?: string;
  is_intermediate?: boolean;
  starred?: boolean;
};

/**
 * Applies the changes given (undefined = leave as is); `updated_at` moves when a field in
 * `stamped` changes value, as the real server's trigger does.
 */
export function applyChanges<R extends { updated_at: string }>(record: R, changes: Partial<R>, stamped: readonly (keyof R)[]): R {
  let touched = false;
  for (const key of Object.keys(changes) as (keyof R)[]) {
    const value = changes[key];
    if (value === undefined) continue;
    touched ||= stamped.includes(key) && record[key] !== value;
    record[key] = value;
  }
  if (touched) record.updated_at = nowTimestamp();
  return record;
}
