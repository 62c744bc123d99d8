import type { ModelUsage } from '../../shared/ipc';
import type { Db } from './db';
import { fieldTokens } from './search-fields';

/**
 * Images per model and per LoRA over the whole gallery (the Models view), from the facet counts
 * migration 4 keeps, with each model's base and whether the server still lists it (the cached
 * model list; a model used once and since deleted on the server shows as gone).
 */
export function modelUsage(db: Db): ModelUsage {
  const models = db.all<{ name: string; images: number; on_server: number }>(
    'model usage',
    `SELECT f.value AS name, sum(f.n) AS images,
       EXISTS (SELECT 1 FROM models WHERE name = f.value AND type = 'main') AS on_server
     FROM facet_counts AS f WHERE f.facet = 'model' GROUP BY f.value HAVING sum(f.n) > 0 ORDER BY images DESC, name`,
  );
  const loras = db.all<{ name: string; images: number; on_server: number }>(
    'lora usage',
    `SELECT f.value AS name, sum(f.n) AS images,
       EXISTS (SELECT 1 FROM models WHERE name = f.value AND type = 'lora') AS on_server
     FROM facet_counts AS f WHERE f.facet = 'lora' GROUP BY f.value HAVING sum(f.n) > 0 ORDER BY images DESC, name`,
  );
  // An image of the model, found through its search token (migration 7; metadata has no index by model).
  const baseOf = (name: string) =>
    db.get<{ base: string | null }>(
      'model base',
      `SELECT m.model_base AS base FROM images_fts AS f CROSS JOIN image_metadata AS m ON m.image_id = f.rowid
       WHERE images_fts MATCH ? AND m.model_name = ? LIMIT 1`,
      [fieldTokens({ field: 'model', value: name })!, name],
    )?.base ?? null;
  return {
    models: models.map((row) => ({ name: row.name, base: baseOf(row.name), images: row.images, on_server: row.on_server === 1 })),
    loras: loras.map((row) => ({ name: row.name, images: row.images, on_server: row.on_server === 1 })),
  };
}
