import { isValidImageName } from './cache';
import { sniffMediaType } from './uploads';
import type { ServerSession } from './session';

/**
 * Thumbnails and full images for the renderer, through `ivk-media:` in Electron and `/media/` in
 * the test host. Disk first (so the gallery paints offline and without a round trip), then the
 * server, whose answer is kept: images never change under a name, so a cached file is valid for
 * ever. Only validated image names map to files, and only inside the cache folder.
 *
 * Videos take the same road under their own names: `images/<name>.mp4` is the MP4 (kept in the
 * full-image cache, so its cap and eviction cover videos too) and `thumbnails/<name>.mp4` the
 * server's WebP of its first frame. Answers honour `Range`, which `<video>` needs to seek.
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
      bytes = kind === 'thumbnails' ? await fetchThumbnail(session, name) : await fetchOriginal(session, name);
    } catch (error) {
      session.noteFailure(error);
      return { ok: false, status: 502, reason: 'The server could not give this item' };
    }
    await store.write(name, bytes);
  }
  const contentType = sniffMediaType(bytes);
  if (!contentType) return { ok: false, status: 415, reason: 'Not an image or an MP4 video' };
  return { ok: true, bytes, contentType };
}

/** An item's original bytes from the server: the MP4 of a video, the image file of an image. */
export function fetchOriginal(session: ServerSession, name: string): Promise<Uint8Array> {
  return session.cache.videoNamesAmong([name]).size > 0 ? session.api.fullVideo(name) : session.api.fullImage(name);
}

/** A thumbnail from the server: a video's is the WebP of its first frame. */
export function fetchThumbnail(session: ServerSession, name: string): Promise<Uint8Array> {
  return session.cache.videoNamesAmong([name]).size > 0 ? session.api.videoThumbnail(name) : session.api.thumbnail(name);
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

/** What a media request is answered with, before it becomes a `Response` (Electron) or an HTTP reply (the test host). */
export interface MediaAnswer {
  status: number;
  headers: Record<string, string>;
  /** A view of the bytes read, not a copy; null for HEAD and bodiless answers. */
  body: Uint8Array | string | null;
}

/**
 * The answer to one media request from the renderer: only GET (and HEAD) of a valid media
 * address; the bytes with the type read from them (never from the name), or a short plain-text
 * refusal.
 */
export async function mediaAnswer(
  fromUrl: (url: string) => Promise<MediaResult>,
  request: { method: string; url: string; range?: string | null },
): Promise<MediaAnswer> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return { status: 405, headers: { ...REFUSAL_HEADERS, Allow: 'GET, HEAD' }, body: 'Only GET' };
  }
  const media = await fromUrl(request.url);
  if (!media.ok) return { status: media.status, headers: REFUSAL_HEADERS, body: media.reason };
  const size = media.bytes.length;
  const headers: Record<string, string> = {
    'Content-Type': media.contentType,
    'Cache-Control': 'private, max-age=31536000, immutable',
    'X-Content-Type-Options': 'nosniff',
    'Accept-Ranges': 'bytes',
  };
  const head = request.method === 'HEAD';
  if (request.range === undefined || request.range === null) {
    return { status: 200, headers: { ...headers, 'Content-Length': String(size) }, body: head ? null : media.bytes };
  }
  const range = byteRange(request.range, size);
  if (!range) return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: null };
  const [start, end] = range;
  return {
    status: 206,
    headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}`, 'Content-Length': String(end - start + 1) },
    body: head ? null : media.bytes.subarray(start, end + 1),
  };
}

/** The `ivk-media:` scheme's answer (mediaAnswer as a `Response`): Electron's `protocol.handle` calls this (desktop.ts). */
export async function mediaResponse(
  fromUrl: (url: string) => Promise<MediaResult>,
  request: { method: string; url: string; headers?: Headers },
): Promise<Response> {
  const answer = await mediaAnswer(fromUrl, { method: request.method, url: request.url, range: request.headers?.get('range') });
  // A Response takes bytes backed by a plain ArrayBuffer: one copy, as Electron needs its own anyway.
  const body = answer.body instanceof Uint8Array ? new Uint8Array(answer.body) : answer.body;
  return new Response(body, { status: answer.status, headers: answer.headers });
}

/**
 * The inclusive byte range a `Range: bytes=a-b` header asks of a body of `size` bytes (`a-`, and
 * the suffix form `-n`, too), or null when it cannot be served (416). One range only: `<video>`
 * never asks for several, and answering a multipart body is not worth its code.
 */
export function byteRange(header: string, size: number): [number, number] | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || size === 0 || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    return suffix === 0 ? null : [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start > end || start >= size ? null : [start, end];
}
