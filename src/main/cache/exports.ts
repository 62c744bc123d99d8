import { batches, placeholders, type Db } from './db';
import { STORED_COLUMNS, storedJson, type StoredColumns } from './metadata';

/** What an export needs of one image: where it goes (board, date) and what its sidecar says. */
export interface ExportEntry {
  image_name: string;
  board_id: string | null;
  /** Null for Uncategorized, and for a board the cache no longer knows. */
  board_name: string | null;
  created_at: Date;
  width: number | null;
  height: number | null;
  category: string;
  starred: boolean;
  /** The server's metadata JSON as cached; null when it has none or it is not fetched yet. */
  metadata: Record<string, unknown> | null;
}

interface Row extends StoredColumns {
  image_name: string;
  board_id: string | null;
  board_name: string | null;
  created_at: number;
  width: number | null;
  height: number | null;
  category: string;
  starred: number;
}

/** The cached images among `names`, in the order asked; names the cache does not hold are left out. */
export function exportEntries(db: Db, names: readonly string[]): ExportEntry[] {
  const found = new Map<string, ExportEntry>();
  for (const batch of batches(names, 500)) {
    const rows = db.all<Row>(
      'export entries',
      `SELECT i.image_name, i.board_id, b.board_name, i.created_at, i.width, i.height, i.category, i.starred, ${STORED_COLUMNS}
       FROM images i LEFT JOIN boards b ON b.board_id = i.board_id LEFT JOIN image_metadata m ON m.image_id = i.id
       WHERE i.image_name IN (${placeholders(batch.length)}) AND i.deleted = 0`,
      batch,
    );
    for (const row of rows) {
      found.set(row.image_name, {
        image_name: row.image_name,
        board_id: row.board_id,
        board_name: row.board_name,
        created_at: new Date(row.created_at),
        width: row.width,
        height: row.height,
        category: row.category,
        starred: row.starred === 1,
        metadata: storedJson(db, row),
      });
    }
  }
  return names.flatMap((name) => found.get(name) ?? []);
}
