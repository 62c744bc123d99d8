/**
 * The URLs InvokeAI gives an image or video are its name in a fixed pattern (its URL service:
 * `api/v1/images/i/<name>/full` and `…/thumbnail`, the same under `videos/`). A row stores a URL
 * only when the server gave another one, and NULL otherwise: about 130 bytes a row, a tenth of the
 * images table (issue 13, a cache no bigger than the server's database).
 */

type Kind = 'image' | 'video';
type Size = 'full' | 'thumbnail';

function patternUrl(kind: Kind, name: string, size: Size): string {
  return `api/v1/${kind === 'image' ? 'images' : 'videos'}/i/${name}/${size}`;
}

/** What to store for a URL the server gave. */
export function storedUrl(kind: Kind, name: string, size: Size, url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  return url === patternUrl(kind, name, size) ? null : url;
}

/** The URL a stored value stands for. */
export function urlOf(kind: Kind, name: string, size: Size, stored: string | null): string {
  return stored ?? patternUrl(kind, name, size);
}
