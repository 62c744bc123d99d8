import type { GalleryItem, GalleryQuery, ListedImages } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import { rememberFirstPage } from '../../app/firstScreen';
import type { AppState, SliceCreator } from '../../app/store';
import { buildQuery, queryKeyOf, type CategoryFilter, type GalleryOrder, type QueryInputs, type SearchScope } from './galleryQuery';
import {
  EMPTY_PAGE_CACHE,
  PAGE_SIZE,
  imageAt,
  pageKey,
  pagesIn,
  touched,
  withImagesChanged,
  withPage,
  type ItemChange,
  type PageCache,
} from './pageCache';

interface IndexRange {
  first: number;
  last: number;
}

export interface GallerySlice {
  thumbnailSize: number;
  categoryFilter: CategoryFilter;
  starredOnly: boolean;
  starredFirst: boolean;
  order: GalleryOrder;
  searchScope: SearchScope;
  /** What the search box holds; `appliedSearch` follows it after a pause in typing. */
  searchText: string;
  appliedSearch: string;
  query: GalleryQuery;
  queryKey: string;
  /** How many cached images the query matches; null until the first page of a new query answers. */
  total: number | null;
  /**
   * A running sync's name-list counts (from main's status): a view they count is drawn as long as
   * the server's gallery, rows past the cached ones as placeholders (listedLength).
   */
  listed: ListedImages | null;
  pageCache: PageCache;
  /** Bumped when main reports the cache changed; pages read in an older epoch are re-read. */
  epoch: number;
  visibleRange: IndexRange;
  focusIndex: number;

  thumbnailSizeChanged: (size: number) => void;
  categoryFilterChanged: (filter: CategoryFilter) => void;
  starredOnlyToggled: () => void;
  starredFirstToggled: () => void;
  orderChanged: (order: GalleryOrder) => void;
  searchScopeChanged: (scope: SearchScope) => void;
  searchTextChanged: (text: string) => void;
  /** The gallery, every board and category, searched for `search` at once: images found from elsewhere (a job's, a batch's). */
  searchShown: (search: string) => void;
  /** Recomputes the query from the filters and the board; loads its first page if it changed. */
  galleryFiltersChanged: () => void;
  rangeViewed: (range: IndexRange) => void;
  focusMoved: (index: number) => void;
  /** The cache changed under the view (sync, upload, another action): re-read what is shown. */
  galleryWentStale: () => void;
  /**
   * The status brought the sync's counts, or none (the run ended or failed): then the grid keeps
   * its length until the cache's own count is read, so it does not shrink and grow back.
   */
  syncListsChanged: (listed: ListedImages | undefined) => void;
  /** Reads every page the range touches that is missing or stale; resolves when they are in. */
  loadRange: (range: IndexRange) => Promise<void>;
  /** Shows a change before main confirms it (a star), so the grid answers at once; `inQuery` limits it to the current query's pages. */
  imagesChangedLocally: (matches: (image: GalleryItem) => boolean, change: ItemChange, inQuery?: boolean) => void;
}

export const THUMBNAIL_SIZES = { min: 80, max: 400, initial: 180 } as const;
const SEARCH_DEBOUNCE_MS = 180;
/** While the user scrolls fast the range changes every frame; read pages at most this often. */
const RANGE_THROTTLE_MS = 90;
const DEFAULT_FILTERS = {
  categoryFilter: 'all',
  starredOnly: false,
  starredFirst: false,
  order: 'newest',
  searchScope: 'board',
  appliedSearch: '',
} as const satisfies Omit<QueryInputs, 'currentBoard'>;

/** Images read ahead on both sides of the view, so a slow scroll never meets a placeholder. */
const READ_AHEAD = PAGE_SIZE / 2;

type Get = () => AppState;
type SetState = Parameters<SliceCreator<GallerySlice>>[0];

const inFlight = new Map<string, Promise<void>>();

function loadPage(get: Get, set: SetState, page: number): Promise<void> {
  const { query, queryKey, epoch } = get();
  const key = pageKey(queryKey, page);
  const flightKey = `${key}@${epoch}`;
  const running = inFlight.get(flightKey);
  if (running) return running;
  // A searched view's first page comes without its count, which follows: counting every match of
  // a broad search at 1M images takes main up to a second, and the page need not wait for it.
  const countAfter = page === 0 && query.search.trim() !== '';
  const input = { query, offset: page * PAGE_SIZE, limit: PAGE_SIZE };
  // The view the next start shows again (a search is not kept): boot.ts asks for its first page early.
  if (page === 0 && query.search === '') rememberFirstPage(input, get().thumbnailSize);
  const read = countAfter ? invoke('images.list', input).then((items) => ({ items, total: null })) : invoke('images.page', input);
  const request = read
    .then(async (result: { items: GalleryItem[]; total: number | null }) => {
      set((state) => {
        // Until the count comes, the view is as long as it last was, or as its first page.
        const total = result.total ?? (state.queryKey === queryKey && state.total !== null ? state.total : result.items.length);
        const pageCache = withPage(state.pageCache, key, { items: result.items, total, epoch });
        return state.queryKey === queryKey ? { pageCache, total } : { pageCache };
      });
      if (result.total !== null) return;
      const total = await invoke('images.count', { query });
      set((state) => (state.queryKey === queryKey ? { total } : {}));
    })
    .catch((error: unknown) => get().actionFailed('load the gallery', error))
    .finally(() => inFlight.delete(flightKey));
  inFlight.set(flightKey, request);
  return request;
}

function stalePages(state: AppState, range: IndexRange): number[] {
  const isStale = (page: number) => {
    const cached = state.pageCache.entries[pageKey(state.queryKey, page)];
    return !cached || cached.epoch < state.epoch;
  };
  const last = state.total === null ? range.last : Math.min(range.last, state.total - 1);
  // A view shorter than the range (an empty board, say) still re-reads its first page after a
  // change: that read is how images arriving in an empty view become visible.
  if (last < range.first) return isStale(0) ? [0] : [];
  return pagesIn(range.first, last).filter(isStale);
}

export const createGallerySlice: SliceCreator<GallerySlice> = (set, get) => {
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let rangeTimer: ReturnType<typeof setTimeout> | undefined;
  let rangePending = false;
  let listsEnding = false;

  const loadVisible = () => {
    const state = get();
    const { first, last } = state.visibleRange;
    const around = { first: Math.max(0, first - READ_AHEAD), last: last + READ_AHEAD };
    // Pages in view first: the read-ahead ones queue behind them in main.
    const pages = [...stalePages(state, state.visibleRange), ...stalePages(state, around)];
    for (const page of new Set(pages)) void loadPage(get, set, page);
  };

  const throttledLoadVisible = () => {
    if (rangeTimer) {
      rangePending = true;
      return;
    }
    loadVisible();
    const tick = () => {
      rangeTimer = undefined;
      if (!rangePending) return;
      rangePending = false;
      loadVisible();
      rangeTimer = setTimeout(tick, RANGE_THROTTLE_MS);
    };
    rangeTimer = setTimeout(tick, RANGE_THROTTLE_MS);
  };

  const filterChanged = (change: Partial<GallerySlice>) => {
    set(change);
    get().galleryFiltersChanged();
  };

  return {
    ...DEFAULT_FILTERS,
    thumbnailSize: THUMBNAIL_SIZES.initial,
    searchText: '',
    query: buildQuery({ ...DEFAULT_FILTERS, currentBoard: 'all' }),
    // No key yet: the first galleryFiltersChanged (at start, after preferences load) reads page 0.
    queryKey: '',
    total: null,
    listed: null,
    pageCache: EMPTY_PAGE_CACHE,
    epoch: 0,
    visibleRange: { first: 0, last: PAGE_SIZE - 1 },
    focusIndex: 0,

    thumbnailSizeChanged: (size) => set({ thumbnailSize: Math.round(Math.min(THUMBNAIL_SIZES.max, Math.max(THUMBNAIL_SIZES.min, size))) }),
    categoryFilterChanged: (categoryFilter) => filterChanged({ categoryFilter }),
    starredOnlyToggled: () => filterChanged({ starredOnly: !get().starredOnly }),
    starredFirstToggled: () => filterChanged({ starredFirst: !get().starredFirst }),
    orderChanged: (order) => filterChanged({ order }),
    searchScopeChanged: (searchScope) => filterChanged({ searchScope }),
    searchTextChanged: (searchText) => {
      set({ searchText });
      clearTimeout(searchTimer);
      // Clearing the box answers at once; typing waits for a pause so each key is not a query.
      const delay = searchText.trim() === '' ? 0 : SEARCH_DEBOUNCE_MS;
      searchTimer = setTimeout(() => filterChanged({ appliedSearch: searchText }), delay);
    },

    searchShown: (searchText) => {
      clearTimeout(searchTimer);
      set({ searchText, categoryFilter: 'all', starredOnly: false, searchScope: 'all', appliedSearch: searchText });
      get().boardSelected('all');
    },

    galleryFiltersChanged: () => {
      const state = get();
      const query = buildQuery(state);
      const queryKey = queryKeyOf(query);
      if (queryKey === state.queryKey) return;
      // A query seen recently paints from its cached first page while that page is re-read.
      const firstPage = state.pageCache.entries[pageKey(queryKey, 0)];
      set({
        query,
        queryKey,
        total: firstPage?.total ?? null,
        focusIndex: 0,
        visibleRange: { first: 0, last: PAGE_SIZE - 1 },
      });
      get().selectionCleared();
      void loadPage(get, set, 0);
    },

    rangeViewed: (range) => {
      const state = get();
      if (range.first !== state.visibleRange.first || range.last !== state.visibleRange.last) {
        const keys = pagesIn(range.first, range.last).map((page) => pageKey(state.queryKey, page));
        set({ visibleRange: range, pageCache: touched(state.pageCache, keys) });
      }
      throttledLoadVisible();
    },

    focusMoved: (index) => {
      const { total } = get();
      if (total === null || total === 0) return;
      set({ focusIndex: Math.max(0, Math.min(total - 1, index)) });
    },

    galleryWentStale: () => {
      set((state) => ({ epoch: state.epoch + 1 }));
      loadVisible();
    },

    syncListsChanged: (listed) => {
      if (listed) {
        set({ listed });
        return;
      }
      if (!get().listed || listsEnding) return;
      listsEnding = true;
      get().galleryWentStale();
      void get()
        .loadRange(get().visibleRange)
        .finally(() => {
          listsEnding = false;
          // A run that started meanwhile has reported its own counts.
          if (get().status?.sync.listed === undefined) set({ listed: null });
        });
    },

    loadRange: async (range) => {
      await Promise.all(stalePages(get(), range).map((page) => loadPage(get, set, page)));
    },

    imagesChangedLocally: (matches, change, inQuery = false) =>
      set((state) => ({ pageCache: withImagesChanged(state.pageCache, matches, change, inQuery ? state.queryKey : undefined) })),
  };
};

/** The image at an index of the current query, if its page is cached. */
export function selectImageAt(state: AppState, index: number): GalleryItem | undefined {
  return imageAt(state.pageCache, state.queryKey, index);
}
