import type { GalleryItem } from '../../../../shared/ipc';

/** What an optimistic change may touch: fields images and videos share. */
export type ItemChange = Partial<Pick<GalleryItem, 'starred' | 'board_id'>>;

/**
 * A small LRU of gallery pages keyed by query + page number. It is all the renderer keeps of the
 * image records: a few thousand rows around what is on screen, never the whole library.
 */
export const PAGE_SIZE = 200;
const MAX_PAGES = 24;

interface CachedPage {
  items: readonly GalleryItem[];
  total: number;
  /** The gallery epoch the page was read in; older pages are shown, then read again. */
  epoch: number;
}

export interface PageCache {
  entries: Readonly<Record<string, CachedPage>>;
  /** Least recently used first. */
  order: readonly string[];
}

export const EMPTY_PAGE_CACHE: PageCache = { entries: {}, order: [] };

export function pageKey(queryKey: string, page: number | ''): string {
  return `${queryKey}#${page}`;
}

function pageOf(index: number): number {
  return Math.floor(index / PAGE_SIZE);
}

export function pagesIn(first: number, last: number): number[] {
  const pages: number[] = [];
  for (let page = pageOf(Math.max(0, first)); page <= pageOf(Math.max(0, last)); page += 1) pages.push(page);
  return pages;
}

export function imageAt(cache: PageCache, queryKey: string, index: number): GalleryItem | undefined {
  return cache.entries[pageKey(queryKey, pageOf(index))]?.items[index % PAGE_SIZE];
}

export function withPage(cache: PageCache, key: string, page: CachedPage): PageCache {
  const order = [...cache.order.filter((existing) => existing !== key), key];
  const entries: Record<string, CachedPage> = { ...cache.entries, [key]: page };
  while (order.length > MAX_PAGES) {
    const evicted = order.shift();
    if (evicted !== undefined) delete entries[evicted];
  }
  return { entries, order };
}

/** Marks pages as just used; returns the same cache when nothing moves, so no subscriber wakes. */
export function touched(cache: PageCache, keys: readonly string[]): PageCache {
  const present = keys.filter((key) => key in cache.entries);
  const tail = cache.order.slice(-present.length);
  if (present.length === 0 || present.every((key) => tail.includes(key))) return cache;
  return { entries: cache.entries, order: [...cache.order.filter((key) => !present.includes(key)), ...present] };
}

/**
 * Applies an optimistic change to every cached image that matches, in the pages of one query or
 * of all; untouched pages keep their identity, so their cells do not repaint.
 */
export function withImagesChanged(
  cache: PageCache,
  matches: (image: GalleryItem) => boolean,
  change: ItemChange,
  queryKey?: string,
): PageCache {
  const entries: Record<string, CachedPage> = {};
  for (const [key, page] of Object.entries(cache.entries)) {
    const inScope = queryKey === undefined || key.startsWith(pageKey(queryKey, ''));
    const hit = inScope && page.items.some(matches);
    entries[key] = hit ? { ...page, items: page.items.map((image) => (matches(image) ? { ...image, ...change } : image)) } : page;
  }
  return { entries, order: cache.order };
}
