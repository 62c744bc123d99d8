import type { IvkDnnModel } from '../../shared/models';
import { placeholders, type Db } from './db';

/** The server's installed models, replaced as a whole on every sync (a few hundred rows at most). */
interface ModelRow {
  key: string;
  name: string;
  base: string;
  type: string;
  hash: string | null;
  path: string | null;
  description: string | null;
  format: string | null;
  variant: string | null;
  metadata: string;
}

export function replaceModels(db: Db, models: readonly IvkDnnModel[]): void {
  db.transaction('replace models', () => {
    db.run('clear models', 'DELETE FROM models');
    for (const model of models) {
      db.run('insert model', `INSERT OR REPLACE INTO models VALUES (${placeholders(10)})`, [
        model.key,
        model.name,
        model.base,
        model.type,
        model.hash,
        model.path,
        model.description,
        model.format,
        model.variant,
        JSON.stringify(model.metadata),
      ]);
    }
  });
}

export function listModels(db: Db): IvkDnnModel[] {
  return db
    .all<ModelRow>(
      'models',
      'SELECT key, name, base, type, hash, path, description, format, variant, metadata FROM models ORDER BY base, type, name COLLATE NOCASE',
    )
    .map((row) => ({ ...row, metadata: JSON.parse(row.metadata) as Record<string, unknown> }));
}
