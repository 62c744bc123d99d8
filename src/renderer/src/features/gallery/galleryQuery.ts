import { z } from 'zod';
import type { BoardScope, GalleryQuery } from '../../../../shared/ipc';
import { ASSET_CATEGORIES, ImageCategorySchema, type ImageCategory } from '../../../../shared/models';

/** Images = what InvokeAI generated; Assets = everything uploaded or derived (the web UI's tabs). */
export const CategoryFilter = z.union([z.enum(['all', 'images', 'assets']), ImageCategorySchema]);
export type CategoryFilter = z.infer<typeof CategoryFilter>;

export const SearchScope = z.enum(['board', 'all']);
export type SearchScope = z.infer<typeof SearchScope>;

export const GalleryOrder = z.enum(['newest', 'oldest']);
export type GalleryOrder = z.infer<typeof GalleryOrder>;

function categoriesFor(filter: CategoryFilter): ImageCategory[] {
  if (filter === 'all') return [];
  if (filter === 'images') return ['general'];
  if (filter === 'assets') return [...ASSET_CATEGORIES];
  return [filter];
}

export interface QueryInputs {
  currentBoard: BoardScope;
  categoryFilter: CategoryFilter;
  starredOnly: boolean;
  starredFirst: boolean;
  order: GalleryOrder;
  appliedSearch: string;
  searchScope: SearchScope;
}

export function buildQuery(inputs: QueryInputs): GalleryQuery {
  const search = inputs.appliedSearch.trim();
  return {
    board: search && inputs.searchScope === 'all' ? 'all' : inputs.currentBoard,
    categories: categoriesFor(inputs.categoryFilter),
    starredOnly: inputs.starredOnly,
    starredFirst: inputs.starredFirst,
    search,
    order: inputs.order,
  };
}

/** Cache keys and React keys: equal queries give equal keys. */
export function queryKeyOf(query: GalleryQuery): string {
  return JSON.stringify([query.board, query.categories, query.starredOnly, query.starredFirst, query.search, query.order]);
}
