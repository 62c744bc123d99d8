import type { GalleryQuery, ListedCount, ListedImages } from './ipc';
import { ASSET_CATEGORIES, ImageCategoryValues } from './models';

/**
 * How many images a view will hold once a running sync has cached every image its name lists hold;
 * null for views the lists do not count (Uncategorized, a search, a board's starred images or one
 * asset category). Order and starred-first change no count.
 */
export function listedLength(listed: ListedImages | null, query: GalleryQuery): number | null {
  if (!listed || query.board === 'none' || query.search !== '') return null;
  if (query.board !== 'all') return boardLength(listed, query);
  const count = (listedCount: ListedCount) => (query.starredOnly ? listedCount.starred : listedCount.total);
  // Other users' images have no listed category: only the every-category view counts them.
  if (query.categories.length === 0) {
    return ImageCategoryValues.reduce((sum, category) => sum + count(listed.categories[category]), count(listed.foreign));
  }
  return query.categories.reduce((sum, category) => sum + count(listed.categories[category]), 0);
}

/** A board's count from the server's board list, which says general images and assets apart. */
function boardLength(listed: ListedImages, query: GalleryQuery): number | null {
  const board = listed.boards[query.board];
  if (!board || query.starredOnly) return null;
  const categories = new Set(query.categories);
  if (categories.size === 0) return board.images + board.assets;
  if (categories.size === 1 && categories.has('general')) return board.images;
  if (categories.size === ASSET_CATEGORIES.length && ASSET_CATEGORIES.every((category) => categories.has(category))) return board.assets;
  return null;
}
