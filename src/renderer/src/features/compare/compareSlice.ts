import { itemName, type ImageDetails } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { AppState, SliceCreator } from '../../app/store';
import { plural } from '../../ui/format';
import { selectImageAt } from '../gallery/gallerySlice';
import { PAGE_SIZE, pageKey } from '../gallery/pageCache';
import { selectedCount } from '../gallery/selection';

/** An image being compared, and where it is in the gallery's view when known (for stepping). */
export interface ComparedImage {
  name: string;
  index: number | null;
}

export type CompareMode = 'side' | 'swipe';

export interface CompareState {
  images: readonly ComparedImage[];
  /** The pane the arrow keys change. */
  active: number;
  mode: CompareMode;
  tableOpen: boolean;
}

export const MAX_COMPARED = 4;

export interface CompareSlice {
  compare: CompareState | null;
  /** Images picked (Alt+click, "Compare with…") and not yet compared. */
  compareTray: readonly ComparedImage[];
  /** What the cache knows of each compared image, by name. */
  compareDetails: Readonly<Record<string, ImageDetails>>;

  /** Alt+click: the image goes into the tray, or out when it is there. */
  comparePicked: (image: ComparedImage) => void;
  /** "Compare with…": into the tray, and the comparison opens once there are two. */
  compareWith: (image: ComparedImage) => void;
  compareOpened: (images: readonly ComparedImage[]) => void;
  /** Compares the selection (two to four images). */
  compareSelectionOpened: () => void;
  /** `c` in the grid: the selection when it can be compared, else the focused image into the tray. */
  compareKeyPressed: () => void;
  compareTrayCleared: () => void;
  compareClosed: () => void;
  compareSwapped: () => void;
  compareModeChanged: (mode: CompareMode) => void;
  compareTableToggled: () => void;
  compareActiveChanged: (pane: number) => void;
  /** Puts the gallery image before or after the active one into its pane. */
  compareStepped: (delta: number) => Promise<void>;
}

/** Where a name is in the current view, looked up in the pages the renderer holds. */
function indexInView(state: AppState, name: string): number | null {
  const prefix = pageKey(state.queryKey, '');
  for (const [key, page] of Object.entries(state.pageCache.entries)) {
    if (!key.startsWith(prefix)) continue;
    const at = page.items.findIndex((image) => itemName(image) === name);
    if (at >= 0) return Number(key.slice(prefix.length)) * PAGE_SIZE + at;
  }
  return null;
}

/** Whether a name is a video, as far as the pages the renderer holds tell. */
function isVideoInView(state: AppState, name: string): boolean {
  for (const page of Object.values(state.pageCache.entries)) {
    const item = page.items.find((shown) => itemName(shown) === name);
    if (item) return item.kind === 'video';
  }
  return state.viewerDetails !== null && itemName(state.viewerDetails.image) === name && state.viewerDetails.image.kind === 'video';
}

const NO_VIDEOS = 'Videos cannot be compared: compare lays still images over each other with one zoom and their parameters side by side.';

export const createCompareSlice: SliceCreator<CompareSlice> = (set, get) => {
  const loadDetails = async (names: readonly string[]) => {
    const missing = names.filter((name) => !get().compareDetails[name]);
    await Promise.all(
      missing.map(async (name) => {
        try {
          // From the cache (fetched from the server only when online and not yet synced), so compare works offline.
          const details = await invoke('images.details', { image_name: name });
          set((state) => ({ compareDetails: { ...state.compareDetails, [name]: details } }));
        } catch (error) {
          get().actionFailed(`read the parameters of ${name}`, error);
        }
      }),
    );
  };

  const trayAdded = (image: ComparedImage): readonly ComparedImage[] | null => {
    const tray = get().compareTray;
    if (tray.some((picked) => picked.name === image.name)) return tray;
    if (isVideoInView(get(), image.name)) {
      get().noticeShown({ level: 'warning', message: NO_VIDEOS });
      return null;
    }
    if (tray.length >= MAX_COMPARED) {
      get().noticeShown({
        level: 'warning',
        message: `Up to ${MAX_COMPARED} images can be compared at once; compare these or clear them first.`,
      });
      return null;
    }
    const next = [...tray, image];
    set({ compareTray: next });
    return next;
  };

  return {
    compare: null,
    compareTray: [],
    compareDetails: {},

    comparePicked: (image) => {
      const tray = get().compareTray;
      if (tray.some((picked) => picked.name === image.name)) set({ compareTray: tray.filter((picked) => picked.name !== image.name) });
      else trayAdded(image);
    },

    compareWith: (image) => {
      const tray = trayAdded(image);
      if (!tray) return;
      if (tray.length >= 2) get().compareOpened(tray);
      else get().noticeShown({ level: 'info', message: 'Now pick the image to compare it with: “Compare with…” or Alt+click.' });
    },

    compareOpened: (images) => {
      const shown = images.slice(0, MAX_COMPARED);
      if (shown.length < 2) return;
      get().viewerClosed();
      // Details are kept for the images still compared only.
      const keep = new Set(shown.map((image) => image.name));
      const compareDetails = Object.fromEntries(Object.entries(get().compareDetails).filter(([name]) => keep.has(name)));
      set({ compare: { images: shown, active: shown.length - 1, mode: 'side', tableOpen: true }, compareTray: [], compareDetails });
      void loadDetails([...keep]);
    },

    compareSelectionOpened: () => {
      const state = get();
      const count = selectedCount(state.selection, state.total);
      if (count < 2 || count > MAX_COMPARED || state.selection.all) {
        get().noticeShown({
          level: 'warning',
          message: `Select 2 to ${MAX_COMPARED} images to compare them (${plural(count, 'image')} selected).`,
        });
        return;
      }
      if ([...state.selection.names].some((name) => isVideoInView(state, name))) {
        get().noticeShown({ level: 'warning', message: NO_VIDEOS });
        return;
      }
      get().compareOpened([...state.selection.names].map((name) => ({ name, index: indexInView(state, name) })));
    },

    compareKeyPressed: () => {
      const state = get();
      const count = selectedCount(state.selection, state.total);
      if (count >= 2 && count <= MAX_COMPARED && !state.selection.all) {
        get().compareSelectionOpened();
        return;
      }
      const image = selectImageAt(state, state.focusIndex);
      if (image) get().comparePicked({ name: itemName(image), index: state.focusIndex });
    },

    compareTrayCleared: () => set({ compareTray: [] }),
    compareClosed: () => set({ compare: null }),

    compareSwapped: () => {
      const { compare } = get();
      if (!compare || compare.images.length < 2) return;
      const [first, second, ...rest] = compare.images;
      if (!first || !second) return;
      const active = compare.active === 0 ? 1 : compare.active === 1 ? 0 : compare.active;
      set({ compare: { ...compare, images: [second, first, ...rest], active } });
    },

    compareModeChanged: (mode) => {
      const { compare } = get();
      if (compare) set({ compare: { ...compare, mode, active: mode === 'swipe' ? Math.min(compare.active, 1) : compare.active } });
    },
    compareTableToggled: () => {
      const { compare } = get();
      if (compare) set({ compare: { ...compare, tableOpen: !compare.tableOpen } });
    },
    compareActiveChanged: (pane) => {
      const { compare } = get();
      if (!compare) return;
      const panes = compare.mode === 'swipe' ? 2 : compare.images.length;
      set({ compare: { ...compare, active: (pane + panes) % panes } });
    },

    compareStepped: async (delta) => {
      const state = get();
      const { compare, total } = state;
      const current = compare?.images[compare.active];
      if (!compare || !current || !total) return;
      const from = current.index ?? indexInView(state, current.name);
      if (from === null) {
        get().noticeShown({
          level: 'warning',
          message: `${current.name} is not in the gallery's current view, so there is no next image to step to.`,
        });
        return;
      }
      const index = Math.max(0, Math.min(total - 1, from + delta));
      if (index === from) return;
      await get().loadRange({ first: index, last: index });
      const image = selectImageAt(get(), index);
      const now = get().compare;
      if (!image || now !== compare) return;
      if (image.kind === 'video') {
        get().noticeShown({ level: 'info', message: `The next item, ${itemName(image)}, is a video. ${NO_VIDEOS}` });
        return;
      }
      const images = now.images.map((shown, at) => (at === now.active ? { name: itemName(image), index } : shown));
      set({ compare: { ...now, images } });
      await loadDetails([itemName(image)]);
    },
  };
};
