import { batches, placeholders, type Db } from './db';
import { extractLoras, writeLoras } from './loras';
import { noteIndexed } from './search-upkeep';

/**
 * Image metadata: the server's JSON kept whole (the viewer shows it), plus the fields people
 * search and filter by, pulled out into columns. The JSON has no fixed schema (NOTES §2.6) and
 * changes between InvokeAI versions, so extraction takes a field only when it has the expected
 * type and never rejects a document.
 */
export interface MetadataFields {
  positive_prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  model_name: string | null;
  model_base: string | null;
  steps: number | null;
  cfg_scale: number | null;
  scheduler: string | null;
}

type Json = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const object = (value: unknown): Json | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;

export function extractMetadata(json: Json | null): MetadataFields {
  const model = object(json?.model);
  return {
    positive_prompt: text(json?.positive_prompt),
    negative_prompt: text(json?.negative_prompt),
    seed: number(json?.seed),
    model_name: text(model?.name),
    model_base: text(model?.base),
    steps: number(json?.steps),
    cfg_scale: number(json?.cfg_scale),
    scheduler: text(json?.scheduler),
  };
}

export interface MetadataEntry {
  image_name: string;
  /** The server's answer; null when the image has no metadata. */
  json: Json | null;
}

/**
 * Stores fetched metadata and marks the images done, in one transaction per batch so a crash
 * never leaves an image marked done without its prompt. Names no longer cached are skipped.
 */
export function writeMetadata(db: Db, entries: readonly MetadataEntry[]): number {
  let written = 0;
  for (const batch of batches(entries)) {
    db.transaction('write metadata', () => {
      const before = written;
      for (const entry of batch) {
        const image = db.get<{ id: number }>('image id', 'SELECT id FROM images WHERE image_name = ?', [entry.image_name]);
        if (!image) continue;
        const fields = extractMetadata(entry.json);
        db.run(
          'upsert metadata',
          `INSERT INTO image_metadata (image_id, json, positive_prompt, negative_prompt, seed, model_name, model_base, steps, cfg_scale, scheduler)
           VALUES (${placeholders(10)})
           ON CONFLICT (image_id) DO UPDATE SET json = excluded.json, positive_prompt = excluded.positive_prompt,
             negative_prompt = excluded.negative_prompt, seed = excluded.seed, model_name = excluded.model_name,
             model_base = excluded.model_base, steps = excluded.steps, cfg_scale = excluded.cfg_scale, scheduler = excluded.scheduler`,
          [
            image.id,
            entry.json === null ? null : JSON.stringify(entry.json),
            fields.positive_prompt,
            fields.negative_prompt,
            fields.seed,
            fields.model_name,
            fields.model_base,
            fields.steps,
            fields.cfg_scale,
            fields.scheduler,
          ],
        );
        writeLoras(db, image.id, extractLoras(entry.json));
        db.run('metadata done', 'UPDATE images SET metadata_state = 1 WHERE id = ?', [image.id]);
        written++;
      }
      noteIndexed(db, written - before);
    });
  }
  return written;
}

/**
 * The server could not give these images' metadata (gone, or unreadable): stop asking, and
 * index them by name alone.
 */
export function markMetadataUnavailable(db: Db, names: readonly string[]): void {
  for (const batch of batches(names, 500)) {
    db.transaction('metadata unavailable', () => {
      const list = placeholders(batch.length);
      db.run(
        'empty metadata',
        `INSERT INTO image_metadata (image_id) SELECT id FROM images WHERE image_name IN (${list}) ON CONFLICT DO NOTHING`,
        [...batch],
      );
      db.run('metadata unavailable', `UPDATE images SET metadata_state = 2 WHERE image_name IN (${list})`, [...batch]);
    });
  }
}

/**
 * Images still waiting for metadata, newest first (the ones people look at first). `before`
 * continues below the last id handed out, so a pool never gets the same image twice.
 */
export function metadataBacklog(db: Db, limit: number, before = Number.MAX_SAFE_INTEGER): { id: number; image_name: string }[] {
  return db.all(
    'metadata backlog',
    `SELECT id, image_name FROM images INDEXED BY images_metadata_todo
     WHERE metadata_state = 0 AND deleted = 0 AND is_intermediate = 0 AND id < ? ORDER BY id DESC LIMIT ?`,
    [before, limit],
  );
}

export function metadataBacklogSize(db: Db): number {
  return (
    db.get<{ n: number }>(
      'metadata backlog size',
      'SELECT count(*) AS n FROM images INDEXED BY images_metadata_todo WHERE metadata_state = 0 AND deleted = 0 AND is_intermediate = 0',
    )?.n ?? 0
  );
}

export interface MetadataRow extends MetadataFields {
  json: string | null;
}

export function metadataOf(db: Db, imageId: number): MetadataRow | undefined {
  return db.get<MetadataRow>(
    'metadata of image',
    `SELECT json, positive_prompt, negative_prompt, seed, model_name, model_base, steps, cfg_scale, scheduler
     FROM image_metadata WHERE image_id = ?`,
    [imageId],
  );
}
