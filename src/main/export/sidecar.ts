import type { ExportEntry } from '../cache';

/**
 * The JSON written beside an exported image: what the cache knows of it, the server's metadata
 * as it sent it (prompts, seed, model, ...). The image file itself carries the same metadata in
 * its PNG chunks; the sidecar is for tools that do not read them.
 */
export function sidecarJson(entry: ExportEntry): Uint8Array {
  const document = {
    image_name: entry.image_name,
    board_id: entry.board_id,
    board_name: entry.board_name,
    created_at: entry.created_at.toISOString(),
    width: entry.width,
    height: entry.height,
    category: entry.category,
    starred: entry.starred,
    metadata: entry.metadata,
  };
  return new TextEncoder().encode(`${JSON.stringify(document, null, 2)}\n`);
}
