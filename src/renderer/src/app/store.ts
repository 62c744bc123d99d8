import { create, type StateCreator } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import { createBoardsSlice, type BoardsSlice } from '../features/boards/boardsSlice';
import { createCompareSlice, type CompareSlice } from '../features/compare/compareSlice';
import { createExportSlice, type ExportSlice } from '../features/export/exportSlice';
import { createGallerySlice, type GallerySlice } from '../features/gallery/gallerySlice';
import { createSelectionSlice, type SelectionSlice } from '../features/gallery/selectionSlice';
import { createImageMenuSlice, type ImageMenuSlice } from '../features/imageMenu/imageMenuSlice';
import { createJobsSlice, type JobsSlice } from '../features/jobs/jobsSlice';
import { createNoticesSlice, type NoticesSlice } from '../features/notices/noticesSlice';
import { createSettingsSlice, type SettingsSlice } from '../features/settings/settingsSlice';
import { createStatusSlice, type StatusSlice } from '../features/status/statusSlice';
import { createUploadsSlice, type UploadsSlice } from '../features/uploads/uploadsSlice';
import { createViewerSlice, type ViewerSlice } from '../features/viewer/viewerSlice';
import { createAppSlice, type AppSlice } from './appSlice';
import {
  PREFERENCES_KEY,
  PREFERENCES_VERSION,
  migratePreferences,
  preferenceStorage,
  readPreferences,
  type Preferences,
} from './preferences';

export type AppState = AppSlice &
  BoardsSlice &
  GallerySlice &
  SelectionSlice &
  ViewerSlice &
  JobsSlice &
  UploadsSlice &
  ExportSlice &
  StatusSlice &
  SettingsSlice &
  NoticesSlice &
  ImageMenuSlice &
  CompareSlice;

/** A slice sees the whole store (zustand's slices pattern) under the root persist middleware. */
export type SliceCreator<Slice> = StateCreator<AppState, [['zustand/persist', unknown]], [], Slice>;

type DataKey = { [K in keyof AppState]: AppState[K] extends (...args: never[]) => unknown ? never : K }[keyof AppState];

/**
 * State that must not outlive the window: what is selected or open, what main told us, caches.
 * Typed so that a new data key fails to compile until it is either here or in Preferences.
 */
const TRANSIENT_KEYS = {
  media: true,
  dialog: true,
  firstScreenShown: true,
  boards: true,
  boardTotals: true,
  boardFilter: true,
  searchText: true,
  appliedSearch: true,
  query: true,
  queryKey: true,
  total: true,
  listed: true,
  pageCache: true,
  epoch: true,
  visibleRange: true,
  focusIndex: true,
  selection: true,
  anchorIndex: true,
  viewer: true,
  viewerDetails: true,
  jobsTotal: true,
  jobFilters: true,
  jobSearchText: true,
  jobPages: true,
  jobsEpoch: true,
  jobSelection: true,
  jobAnchor: true,
  focusedJob: true,
  jobOutputs: true,
  queueSummary: true,
  jobFacets: true,
  jobConfirm: true,
  jobScrollTarget: true,
  uploads: true,
  account: true,
  uploadsCleared: true,
  uploadsPanelOpen: true,
  exports: true,
  exportChoices: true,
  desktop: true,
  status: true,
  settings: true,
  cacheStats: true,
  connectionTest: true,
  notices: true,
  imageMenu: true,
  compare: true,
  compareTray: true,
  compareDetails: true,
} as const satisfies Record<Exclude<DataKey, keyof Preferences>, true>;

/** Every preference must be a key of the store with the same type. */
const preferencesFitTheStore = (state: AppState): Preferences => state;

function partialize(state: AppState): Preferences {
  const kept = Object.entries(preferencesFitTheStore(state)).filter(
    ([key, value]) => typeof value !== 'function' && !Object.hasOwn(TRANSIENT_KEYS, key),
  );
  return Object.fromEntries(kept) as Preferences;
}

export const useStore = create<AppState>()(
  persist(
    (...args) => ({
      ...createAppSlice(...args),
      ...createBoardsSlice(...args),
      ...createGallerySlice(...args),
      ...createSelectionSlice(...args),
      ...createViewerSlice(...args),
      ...createJobsSlice(...args),
      ...createUploadsSlice(...args),
      ...createExportSlice(...args),
      ...createStatusSlice(...args),
      ...createSettingsSlice(...args),
      ...createNoticesSlice(...args),
      ...createImageMenuSlice(...args),
      ...createCompareSlice(...args),
    }),
    {
      name: PREFERENCES_KEY,
      version: PREFERENCES_VERSION,
      storage: createJSONStorage(() => preferenceStorage),
      partialize,
      migrate: (stored, version) => migratePreferences(stored, version) as Preferences,
      merge: (stored, current) => ({ ...current, ...readPreferences(stored) }),
    },
  ),
);
