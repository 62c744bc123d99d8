import { z } from 'zod';
import type { StateStorage } from 'zustand/middleware';
import { BoardScope } from '../../../shared/ipc';
import { JobStatusSchema } from '../../../shared/models';
import { CategoryFilter, GalleryOrder, SearchScope } from '../features/gallery/galleryQuery';
import { THUMBNAIL_SIZES } from '../features/gallery/gallerySlice';

/**
 * The UI preferences kept between runs. Everything else in the store is transient and listed in
 * TRANSIENT_KEYS (store.ts); the type checker makes every new key pick a side.
 */
export const Preferences = z.object({
  view: z.enum(['gallery', 'jobs']),
  thumbnailSize: z.number().min(THUMBNAIL_SIZES.min).max(THUMBNAIL_SIZES.max),
  currentBoard: BoardScope,
  showArchived: z.boolean(),
  categoryFilter: CategoryFilter,
  starredOnly: z.boolean(),
  starredFirst: z.boolean(),
  order: GalleryOrder,
  searchScope: SearchScope,
  jobStatusFilter: z.array(JobStatusSchema).max(5).readonly(),
});
export type Preferences = z.infer<typeof Preferences>;

export const PREFERENCES_VERSION = 1;
export const PREFERENCES_KEY = 'ivk-gallery-preferences';

/**
 * Reads stored preferences key by key: one value that no longer fits (a renamed filter, an
 * out-of-range size) falls back to its default instead of discarding the rest.
 */
export function readPreferences(stored: unknown): Partial<Preferences> {
  if (typeof stored !== 'object' || stored === null) return {};
  const result: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(Preferences.shape)) {
    const parsed = (schema as z.ZodType).safeParse((stored as Record<string, unknown>)[key]);
    if (parsed.success) result[key] = parsed.data;
  }
  return result;
}

/** Version 1 is the first stored shape; later versions add their steps here. */
export function migratePreferences(stored: unknown, version: number): Partial<Preferences> {
  if (version > PREFERENCES_VERSION) return {};
  return readPreferences(stored);
}

let lastWritten: string | null = null;

/**
 * localStorage behind persist, skipping writes that change nothing: persist serialises on every
 * store update (every page landing, every scrolled row), and preferences rarely change.
 */
export const preferenceStorage: StateStorage = {
  getItem: (name) => (lastWritten = localStorage.getItem(name)),
  setItem: (name, value) => {
    if (value === lastWritten) return;
    lastWritten = value;
    localStorage.setItem(name, value);
  },
  removeItem: (name) => {
    lastWritten = null;
    localStorage.removeItem(name);
  },
};
