import type { Db } from './db';

/**
 * The LoRAs an image was made with, from its metadata. InvokeAI 4+ writes
 * `loras: [{ model: { name, … }, weight }]` (NOTES §2.6); 3.x wrote `lora: { model_name }`. Like
 * the other extracted fields, an entry of an unexpected shape is skipped, never an error.
 */
export interface Lora {
  name: string;
  weight: number | null;
}

type Json = Record<string, unknown>;

const object = (value: unknown): Json | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : null);

export function extractLoras(json: Json | null): Lora[] {
  const list = json?.loras;
  if (!Array.isArray(list)) return [];
  const byName = new Map<string, Lora>();
  for (const entry of list) {
    const item = object(entry);
    const name = text(object(item?.model)?.name) ?? text(object(item?.lora)?.model_name) ?? text(object(item?.lora)?.name);
    if (name === null) continue;
    const weight = typeof item?.weight === 'number' && Number.isFinite(item.weight) ? item.weight : null;
    byName.set(name, { name, weight });
  }
  return [...byName.values()];
}

/** The stored metadata text as an object; anything else (null, unreadable) as null. */
export function parseStored(json: string | null): Json | null {
  if (json === null) return null;
  try {
    return object(JSON.parse(json));
  } catch {
    return null;
  }
}

/** Replaces the image's LoRAs (inside the caller's transaction). */
export function writeLoras(db: Db, imageId: number, loras: readonly Lora[]): void {
  db.run('clear loras', 'DELETE FROM image_loras WHERE image_id = ?', [imageId]);
  for (const lora of loras)
    db.run('add lora', 'INSERT INTO image_loras (image_id, name, weight) VALUES (?, ?, ?)', [imageId, lora.name, lora.weight]);
}
