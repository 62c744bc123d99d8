import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Db } from './db';

/**
 * How metadata is stored since migration 8: each prompt text once, and the rest of the document
 * compressed.
 *
 * Prompts live in `prompts`, found by a hash of their text (an index on the text itself would be
 * a second copy of every prompt); metadata rows and prompt stacks point at them by id.
 *
 * The document is stored as JSON without its prompts (their values become null, keeping the key
 * order, and are put back on reading), compressed with raw deflate. An InvokeAI metadata document
 * is ~900 bytes of mostly the same keys, model hashes and prompt words from image to image, which
 * deflate alone only halves; a preset dictionary cut from the gallery's own documents takes it to
 * ~125 bytes (measured on the real server's 100k gallery; zstd with the same dictionary gave
 * ~135 bytes at a third of the speed). Dictionaries are kept in `metadata_dictionaries` and never
 * change; a stored document starts with one byte naming its dictionary (0: none, used until the
 * cache holds enough documents to cut one from).
 */

type Json = Record<string, unknown>;

/** Dictionary size: 16 KB compressed best per microsecond spent in measurements (8 KB: 160 bytes, 32 KB: 103 but 4× slower). */
const DICTIONARY_BYTES = 16_384;
/** Documents a dictionary is cut from; with fewer, documents are stored without one. */
const DICTIONARY_DOCUMENTS = 64;
const MIN_DICTIONARY_DOCUMENTS = 16;

/** A 48-bit hash of a prompt: exact in a JS number, rare enough to collide that the text check after it is nearly free. */
export function promptHash(text: string): number {
  return createHash('sha1').update(text).digest().readUIntBE(0, 6);
}

/** The id of `text` in `prompts`, added when new (inside the caller's transaction); null for no prompt. */
export function promptId(db: Db, text: string | null): number | null {
  if (text === null) return null;
  const hash = promptHash(text);
  const found = db.get<{ id: number }>('prompt id', 'SELECT id FROM prompts WHERE hash = ? AND text = ?', [hash, text]);
  if (found) return found.id;
  db.run('add prompt', 'INSERT INTO prompts (hash, text) VALUES (?, ?)', [hash, text]);
  return db.get<{ id: number }>('new prompt id', 'SELECT last_insert_rowid() AS id')!.id;
}

interface Dictionaries {
  current: { id: number; bytes: Buffer } | null;
  byId: Map<number, Buffer>;
}

/** Per connection: dictionaries never change once written, so they are read once. */
const loaded = new WeakMap<Db, Dictionaries>();

function dictionaries(db: Db): Dictionaries {
  let entry = loaded.get(db);
  if (!entry) {
    const latest = db.get<{ id: number; bytes: Uint8Array }>(
      'metadata dictionary',
      'SELECT id, bytes FROM metadata_dictionaries ORDER BY id DESC LIMIT 1',
    );
    const current = latest ? { id: latest.id, bytes: Buffer.from(latest.bytes) } : null;
    entry = { current, byId: new Map(current ? [[current.id, current.bytes]] : []) };
    loaded.set(db, entry);
  }
  return entry;
}

function dictionaryById(db: Db, id: number): Buffer {
  const entry = dictionaries(db);
  let bytes = entry.byId.get(id);
  if (!bytes) {
    const row = db.get<{ bytes: Uint8Array }>('metadata dictionary by id', 'SELECT bytes FROM metadata_dictionaries WHERE id = ?', [id]);
    if (!row)
      throw new Error(`The cache's metadata refers to a compression dictionary (${id}) it does not hold. Clear the cache to rebuild it.`);
    bytes = Buffer.from(row.bytes);
    entry.byId.set(id, bytes);
  }
  return bytes;
}

/**
 * Makes sure the cache has a dictionary once it can: cut from `documents` (stripped JSON texts)
 * and the newest stored ones. Called before a batch is packed (inside its transaction).
 */
export function ensureDictionary(db: Db, documents: readonly string[]): void {
  if (dictionaries(db).current !== null) return;
  const texts = documents.slice(0, DICTIONARY_DOCUMENTS);
  if (texts.length < DICTIONARY_DOCUMENTS) {
    const stored = db.all<{ doc: Uint8Array }>(
      'documents for a dictionary',
      'SELECT doc FROM image_metadata WHERE doc IS NOT NULL ORDER BY image_id DESC LIMIT ?',
      [DICTIONARY_DOCUMENTS - texts.length],
    );
    texts.push(...stored.map((row) => unpackText(db, row.doc)));
  }
  createDictionary(db, texts);
}

/** Cuts the cache's dictionary from `texts` (stripped documents) when they are enough and it has none. */
export function createDictionary(db: Db, texts: readonly string[]): void {
  const entry = dictionaries(db);
  if (entry.current !== null || texts.length < MIN_DICTIONARY_DOCUMENTS) return;
  // Deflate finds matches nearest the end of a dictionary best, so the tail is what is kept.
  const bytes = Buffer.from(texts.slice(0, DICTIONARY_DOCUMENTS).join('')).subarray(-DICTIONARY_BYTES);
  db.run('add metadata dictionary', 'INSERT INTO metadata_dictionaries (bytes) VALUES (?)', [bytes]);
  const id = db.get<{ id: number }>('new dictionary id', 'SELECT last_insert_rowid() AS id')!.id;
  entry.current = { id, bytes };
  entry.byId.set(id, bytes);
}

/** The document as stored: its prompts (when they are the extracted ones) replaced by null. */
export function strippedText(json: Json, positive: string | null, negative: string | null): string {
  const copy: Json = { ...json };
  if (positive !== null && copy.positive_prompt === positive) copy.positive_prompt = null;
  if (negative !== null && copy.negative_prompt === negative) copy.negative_prompt = null;
  return JSON.stringify(copy);
}

/** Compresses a stripped document with the current dictionary (or none yet). */
export function packText(db: Db, text: string): Buffer {
  const current = dictionaries(db).current;
  const body = current ? deflateRawSync(text, { dictionary: current.bytes }) : deflateRawSync(text);
  return Buffer.concat([Buffer.of(current?.id ?? 0), body]);
}

function unpackText(db: Db, stored: Uint8Array): string {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  const id = bytes[0]!;
  const body = bytes.subarray(1);
  return (id === 0 ? inflateRawSync(body) : inflateRawSync(body, { dictionary: dictionaryById(db, id) })).toString('utf8');
}

/** The stored document as the server gave it: decompressed, its prompts put back. */
export function unpackDocument(db: Db, stored: Uint8Array, positive: string | null, negative: string | null): Json {
  const json = JSON.parse(unpackText(db, stored)) as Json;
  if (positive !== null && json.positive_prompt === null) json.positive_prompt = positive;
  if (negative !== null && json.negative_prompt === null) json.negative_prompt = negative;
  return json;
}
