import { batches, placeholders, type Db } from './db';
import { extractLoras, writeLoras } from './loras';
import { ensureDictionary, packText, promptId, strippedText, unpackDocument } from './metadata-store';
import { noteIndexed } from './search-upkeep';

/**
 * Image metadata: the server's JSON kept whole (the viewer shows it, exports write it), plus the
 * fields people search and filter by, pulled out into columns. The JSON has no fixed schema
 * (NOTES §2.6) and changes between InvokeAI versions, so extraction takes a field only when it
 * has the expected type and never rejects a document. How it is stored (prompts once, the
 * document compressed) is metadata-store.ts.
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
    const documents = batch.map((entry) => {
      const fields = extractMetadata(entry.json);
      return { entry, fields, text: entry.json === null ? null : strippedText(entry.json, fields.positive_prompt, fields.negative_prompt) };
    });
    // In a transaction of its own: a batch that fails must not leave a dictionary half-known.
    db.transaction('metadata dictionary', () =>
      ensureDictionary(
        db,
        documents.flatMap((document) => document.text ?? []),
      ),
    );
    db.transaction('write metadata', () => {
      const before = written;
      // Oldest first: metadata arrives newest first, and rows inserted in descending key order
      // leave the metadata table's pages half empty (see upsertRows).
      const cached = documents
        .map((document) => ({
          ...document,
          image: db.get<{ id: number }>('image id', 'SELECT id FROM images WHERE image_name = ?', [document.entry.image_name]),
        }))
        .filter((document): document is typeof document & { image: { id: number } } => document.image !== undefined)
        .sort((a, b) => a.image.id - b.image.id);
      for (const { entry, fields, text, image } of cached) {
        // LoRAs first: the metadata row's trigger indexes the image with a token per LoRA.
        writeLoras(db, image.id, extractLoras(entry.json));
        db.run(
          'upsert metadata',
          `INSERT INTO image_metadata (image_id, positive, negative, seed, model_name, model_base, steps, cfg_scale, scheduler, doc)
           VALUES (${placeholders(10)})
           ON CONFLICT (image_id) DO UPDATE SET positive = excluded.positive, negative = excluded.negative, seed = excluded.seed,
             model_name = excluded.model_name, model_base = excluded.model_base, steps = excluded.steps,
             cfg_scale = excluded.cfg_scale, scheduler = excluded.scheduler, doc = excluded.doc`,
          [
            image.id,
            promptId(db, fields.positive_prompt),
            promptId(db, fields.negative_prompt),
            fields.seed,
            fields.model_name,
            fields.model_base,
            fields.steps,
            fields.cfg_scale,
            fields.scheduler,
            text === null ? null : packText(db, text),
          ],
        );
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

/**
 * Columns of `m` (image_metadata) that storedJson turns back into the server's document; the
 * query must alias image_metadata as `m`.
 */
export const STORED_COLUMNS = `m.doc AS stored_doc, (SELECT text FROM prompts WHERE id = m.positive) AS positive_prompt,
  (SELECT text FROM prompts WHERE id = m.negative) AS negative_prompt`;

export interface StoredColumns {
  stored_doc: Uint8Array | null;
  positive_prompt: string | null;
  negative_prompt: string | null;
}

/** The metadata document a row of STORED_COLUMNS holds, as the server gave it; null when there is none. */
export function storedJson(db: Db, row: StoredColumns): Record<string, unknown> | null {
  return row.stored_doc === null ? null : unpackDocument(db, row.stored_doc, row.positive_prompt, row.negative_prompt);
}

export function metadataOf(db: Db, imageId: number): MetadataRow | undefined {
  const row = db.get<Omit<MetadataRow, 'json'> & StoredColumns>(
    'metadata of image',
    `SELECT ${STORED_COLUMNS}, seed, model_name, model_base, steps, cfg_scale, scheduler FROM image_metadata AS m WHERE image_id = ?`,
    [imageId],
  );
  if (!row) return undefined;
  const { stored_doc: _, ...fields } = row;
  const json = storedJson(db, row);
  return { ...fields, json: json === null ? null : JSON.stringify(json) };
}
