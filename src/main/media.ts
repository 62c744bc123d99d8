import { isValidImageName } from './cache';
import { sniffImageType } from './uploads';
import type { ServerSession } from './session';

/**
 * Thumbnails and full images for the renderer, through `ivk-media:` in Electron and `/media/` in
 * the test host. Disk first (so the gallery paints offline and without a round trip), then the
 * server, whose answer is kept: images never change under a name, so a cached file is valid for
 * ever. Only validated image names map to files, and only inside the cache folder.
 */
export type MediaKind = 'thumbnails' | 'images';

export type MediaResult = { ok: true; bytes: Uint8Array; contentType: string } | { ok: false; status: number; reason: string };

export async function readMedia(session: ServerSession, kind: MediaKind, name: string): Promise<MediaResult> {
  if (!isValidImageName(name)) return { ok: false, status: 400, reason: 'Not an image name' };
  const store = kind === 'thumbnails' ? session.cache.thumbnails : session.cache.images;
  let bytes: Uint8Array | null = await store.read(name);
  if (!bytes) {
    if (!session.isOnline) return { ok: false, status: 404, reason: 'Not cached, and the server is offline' };
    try {
      bytes = kind === 'thumbnails' ? await session.api.thumbnail(name) : await session.api.fullImage(name);
    } catch (error) {
      session.noteFailure(error);
      return { ok: false, status: 502, reason: 'The server could not give this image' };
    }
    await store.write(name, bytes);
  }
  const contentType = sniffImageType(bytes);
  if (!contentType) return { ok: false, status: 415, reason: 'Not an image' };
  return { ok: true, bytes, contentType };
}

/** `ivk-media://thumbnails/<name>` or `ivk-media://images/<name>`, parsed with URL, never by regex alone. */
export function parseMediaUrl(raw: string): { kind: MediaKind; name: string } | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.host !== 'thumbnails' && url.host !== 'images') return null;
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length !== 1) return null;
  try {
    return { kind: url.host, name: decodeURIComponent(segments[0]!) };
  } catch {
    return null;
  }
}

const REFUSAL_HEADERS = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' };

/**
 * The `ivk-media:` scheme's answer to one request from the renderer: only GET (and HEAD) of a
 * valid media address; the bytes with the type read from them (never from the name), or a short
 * plain-text refusal. Electron's `protocol.handle` calls this (desktop.ts).
 */
export async function mediaResponse(
  fromUrl: (url: string) => Promise<MediaResult>,
  request: { method: string; url: string },
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Only GET', { status: 405, headers: { ...REFUSAL_HEADERS, Allow: 'GET, HEAD' } });
  }
  const media = await fromUrl(request.url);
  if (!media.ok) return new Response(media.reason, { status: media.status, headers: REFUSAL_HEADERS });
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(media.bytes), {
    headers: {
      'Content-Type': media.contentType,
      'Cache-Control': 'private, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
