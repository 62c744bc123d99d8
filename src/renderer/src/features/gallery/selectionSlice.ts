import { itemName, type GalleryQuery } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { AppState, SliceCreator } from '../../app/store';
import { plural } from '../../ui/format';
import { shortcutLock } from '../boards/access';
import { selectImageAt } from './gallerySlice';
import { NO_SELECTION, isSelected, selectedCount, toggled, type Selection } from './selection';

export interface SelectionSlice {
  selection: Selection;
  /** Where a shift-click range starts. */
  anchorIndex: number | null;

  imageClicked: (index: number, modifiers: { range: boolean; toggle: boolean }) => void;
  /** Keyboard focus moved onto an image: it becomes the selection, or extends it with Shift. */
  imageFocused: (index: number, extend: boolean) => void;
  allSelected: () => void;
  selectionCleared: () => void;
  starImages: (names: readonly string[], starred: boolean) => Promise<void>;
  starSelection: (starred: boolean) => Promise<void>;
  /** `.`: stars the focused image (and the selection it belongs to) or takes the star away. */
  focusedStarToggled: () => void;
  moveSelection: (board: string) => Promise<void>;
  /** Moves named images (the context menu's one image, the viewer's); `none` = Uncategorized. */
  moveImages: (names: readonly string[], board: string) => Promise<void>;
  deleteSelection: () => Promise<void>;
  deleteImages: (names: readonly string[]) => Promise<void>;
  /** Delete key: asks to delete the selection, or the focused image when nothing is selected. */
  deleteRequested: () => void;
}

/** Names of a range of the view in one call: main reads them from the cache. */
function namesInRange(query: GalleryQuery, first: number, last: number): Promise<string[]> {
  return invoke('images.names', { query, offset: first, limit: last - first + 1 });
}

/** Names from the page cache when every one is there, so small ranges need no call. */
function cachedNames(state: AppState, first: number, last: number): string[] | null {
  const names: string[] = [];
  for (let index = first; index <= last; index += 1) {
    const image = selectImageAt(state, index);
    if (!image) return null;
    names.push(itemName(image));
  }
  return names;
}

async function resolveSelection(state: AppState): Promise<string[]> {
  const { selection, total, query } = state;
  if (!selection.all) return [...selection.names];
  if (!total) return [];
  const names = cachedNames(state, 0, total - 1) ?? (await namesInRange(query, 0, total - 1));
  return names.filter((name) => !selection.names.has(name));
}

/** "when the server is back" when offline, so a queued action does not look lost. */
function pendingNote(state: AppState): string {
  return state.status?.connection === 'offline' ? ' The server will get it when it is back.' : '';
}

export const createSelectionSlice: SliceCreator<SelectionSlice> = (set, get) => {
  const selectRange = async (from: number, to: number, additive: boolean) => {
    const first = Math.min(from, to);
    const last = Math.max(from, to);
    const state = get();
    const queryKey = state.queryKey;
    try {
      const names = cachedNames(state, first, last) ?? (await namesInRange(state.query, first, last));
      if (get().queryKey !== queryKey) return;
      const base = additive && !get().selection.all ? get().selection.names : [];
      set({ selection: { all: false, names: new Set([...base, ...names]) } });
    } catch (error) {
      get().actionFailed(`select ${plural(last - first + 1, 'image')}`, error);
    }
  };

  /** The selection as names, or null (and a notice) when they could not be read. */
  const selectedNames = async (what: string): Promise<string[] | null> => {
    try {
      return await resolveSelection(get());
    } catch (error) {
      get().actionFailed(what, error);
      return null;
    }
  };

  const bulk = async (what: string, names: readonly string[], action: (chunk: string[]) => Promise<unknown>) => {
    try {
      // One action per selection: main splits it for the server and queues it as one entry.
      await action([...names]);
      return true;
    } catch (error) {
      get().actionFailed(what, error);
      return false;
    }
  };

  return {
    selection: NO_SELECTION,
    anchorIndex: null,

    imageClicked: (index, { range, toggle }) => {
      const state = get();
      const image = selectImageAt(state, index);
      if (!image) return;
      set({ focusIndex: index });
      if (range && state.anchorIndex !== null) {
        void selectRange(state.anchorIndex, index, toggle);
        return;
      }
      set({
        anchorIndex: index,
        selection: toggle ? toggled(state.selection, itemName(image)) : { all: false, names: new Set([itemName(image)]) },
      });
    },

    imageFocused: (index, extend) => {
      get().focusMoved(index);
      const state = get();
      const image = selectImageAt(state, state.focusIndex);
      if (extend && state.anchorIndex !== null) {
        void selectRange(state.anchorIndex, state.focusIndex, false);
        return;
      }
      if (image) set({ anchorIndex: state.focusIndex, selection: { all: false, names: new Set([itemName(image)]) } });
    },

    allSelected: () => set({ selection: { all: true, names: new Set() } }),
    selectionCleared: () => set({ selection: NO_SELECTION, anchorIndex: null }),

    starImages: async (names, starred) => {
      if (names.length === 0) return;
      const nameSet = new Set(names);
      get().imagesChangedLocally((image) => nameSet.has(itemName(image)), { starred });
      get().viewerImageChangedLocally(nameSet, { starred });
      const ok = await bulk(`${starred ? 'star' : 'unstar'} ${plural(names.length, 'image')}`, names, (image_names) =>
        invoke('images.star', { image_names, starred }),
      );
      // A failed star is undone on screen by re-reading the truth.
      if (!ok || get().starredOnly || get().starredFirst) get().galleryWentStale();
    },

    starSelection: async (starred) => {
      const { selection, queryKey } = get();
      // "All" may be 100,000 names to read first; the cached ones change on screen right away.
      if (selection.all) {
        get().imagesChangedLocally((image) => !selection.names.has(itemName(image)), { starred }, true);
      }
      const names = await selectedNames(`${starred ? 'star' : 'unstar'} the selected images`);
      if (names && get().queryKey === queryKey) await get().starImages(names, starred);
      else if (selection.all) get().galleryWentStale();
    },

    focusedStarToggled: () => {
      const state = get();
      const image = selectImageAt(state, state.focusIndex);
      if (!image) return;
      const inSelection = isSelected(state.selection, itemName(image)) && selectedCount(state.selection, state.total) > 1;
      const lock = shortcutLock(state.boards, image.board_id, inSelection ? state.currentBoard : null);
      if (lock) {
        get().noticeShown({ level: 'warning', message: lock.reason });
        return;
      }
      if (inSelection) void get().starSelection(!image.starred);
      else void get().starImages([itemName(image)], !image.starred);
    },

    moveSelection: async (board) => {
      const names = await selectedNames('move the selected images');
      if (names) await get().moveImages(names, board);
    },

    moveImages: async (names, board) => {
      if (names.length === 0) return;
      const target = board === 'none' ? 'Uncategorized' : `“${get().boards.find((b) => b.board_id === board)?.board_name ?? 'the board'}”`;
      const what = `move ${plural(names.length, 'image')} to ${target}`;
      if (!(await bulk(what, names, (image_names) => invoke('images.move', { image_names, board })))) return;
      get().selectionCleared();
      get().noticeShown({ level: 'info', message: `Moved ${plural(names.length, 'image')} to ${target}.${pendingNote(get())}` });
      get().galleryWentStale();
      void get().refreshBoards();
    },

    deleteSelection: async () => {
      const names = await selectedNames('delete the selected images');
      if (names) await get().deleteImages(names);
    },

    deleteImages: async (names) => {
      if (names.length === 0) return;
      const what = `delete ${plural(names.length, 'image')}`;
      if (!(await bulk(what, names, (image_names) => invoke('images.delete', { image_names })))) return;
      // Deleted from the viewer's menu: the viewer has nothing left to show.
      const details = get().viewerDetails;
      const shown = details ? itemName(details.image) : undefined;
      if (shown !== undefined && names.includes(shown)) get().viewerClosed();
      get().selectionCleared();
      get().noticeShown({ level: 'info', message: `Deleted ${plural(names.length, 'image')}.${pendingNote(get())}` });
      get().galleryWentStale();
      void get().refreshBoards();
    },

    deleteRequested: () => {
      const state = get();
      const focused = selectImageAt(state, state.focusIndex);
      const nothingSelected = selectedCount(state.selection, state.total) === 0;
      const lock = shortcutLock(state.boards, nothingSelected ? focused?.board_id : null, nothingSelected ? null : state.currentBoard);
      if (lock) {
        get().noticeShown({ level: 'warning', message: lock.reason });
        return;
      }
      if (nothingSelected) {
        const image = focused;
        if (!image) return;
        set({ selection: { all: false, names: new Set([itemName(image)]) }, anchorIndex: state.focusIndex });
      }
      get().dialogOpened({ kind: 'deleteImages' });
    },
  };
};
