import { itemName, type ImageDetails } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';
import { selectImageAt } from '../gallery/gallerySlice';
import { isSelected, selectedCount } from '../gallery/selection';
import { selectViewerImage } from '../viewer/viewerSlice';

export interface Point {
  x: number;
  y: number;
}

/**
 * What a context menu acts on: one image (a cell outside the selection, the viewer's image), or
 * the selection a right-clicked cell belongs to.
 */
export type MenuSubject =
  { kind: 'image'; name: string; index: number | null; source: 'grid' | 'viewer' } | { kind: 'selection'; count: number; index: number };

export interface ImageMenuState {
  subject: MenuSubject;
  at: Point;
  /** The one image's details (prompt, seed, job) from the cache; null while they are read. */
  details: ImageDetails | null;
}

export interface ImageMenuSlice {
  imageMenu: ImageMenuState | null;

  /** Right-click or the Menu key on a cell: its selection when it is in one, else the cell alone (selected, as a file manager does). */
  gridMenuRequested: (index: number, at: Point) => void;
  viewerMenuRequested: (at: Point) => void;
  imageMenuClosed: () => void;
  textCopied: (what: 'Prompt' | 'Seed' | 'Parameters', text: string) => Promise<void>;
  parametersCopied: (name: string) => Promise<void>;
  imageCopied: (name: string) => Promise<void>;
  shownInFolder: (name: string) => Promise<void>;
  openedExternally: (name: string) => Promise<void>;
}

export const createImageMenuSlice: SliceCreator<ImageMenuSlice> = (set, get) => {
  const open = async (subject: MenuSubject, at: Point) => {
    set({ imageMenu: { subject, at, details: null } });
    if (subject.kind !== 'image') return;
    try {
      const details = await invoke('images.details', { image_name: subject.name });
      const menu = get().imageMenu;
      if (menu?.subject === subject) set({ imageMenu: { ...menu, details } });
    } catch (error) {
      get().actionFailed(`read the details of ${subject.name}`, error);
    }
  };

  /** Copy image, show in folder and open go through main; it answers why when it could not. */
  const desktop = async (what: string, call: () => Promise<{ done: boolean; reason: string | null }>, success?: string) => {
    try {
      const result = await call();
      if (!result.done) get().noticeShown({ level: 'warning', message: result.reason ?? `Could not ${what}.` });
      else if (success) get().noticeShown({ level: 'info', message: success });
    } catch (error) {
      get().actionFailed(what, error);
    }
  };

  return {
    imageMenu: null,

    gridMenuRequested: (index, at) => {
      const state = get();
      const image = selectImageAt(state, index);
      if (!image) return;
      const count = selectedCount(state.selection, state.total);
      if (count > 1 && isSelected(state.selection, itemName(image))) {
        set({ focusIndex: index });
        void open({ kind: 'selection', count, index }, at);
        return;
      }
      state.imageClicked(index, { range: false, toggle: false });
      void open({ kind: 'image', name: itemName(image), index, source: 'grid' }, at);
    },

    viewerMenuRequested: (at) => {
      const state = get();
      const image = selectViewerImage(state);
      if (!image) return;
      const index = state.viewer?.kind === 'gallery' ? state.viewer.index : null;
      void open({ kind: 'image', name: itemName(image), index, source: 'viewer' }, at);
    },

    imageMenuClosed: () => set({ imageMenu: null }),

    textCopied: async (what, text) => {
      try {
        // Plain text needs only the `clipboard-sanitized-write` permission main grants the app's page.
        await navigator.clipboard.writeText(text);
        get().noticeShown({ level: 'info', message: `${what} copied to the clipboard.` });
      } catch (error) {
        get().actionFailed(`copy the ${what.toLowerCase()}`, error);
      }
    },

    parametersCopied: async (name) => {
      try {
        const { text } = await invoke('images.parametersText', { image_name: name });
        await get().textCopied('Parameters', text);
      } catch (error) {
        get().actionFailed('copy the parameters', error);
      }
    },

    imageCopied: (name) => desktop('copy the image', () => invoke('images.copy', { image_name: name }), 'Image copied to the clipboard.'),
    shownInFolder: (name) => desktop('show the image in its folder', () => invoke('images.showInFolder', { image_name: name })),
    openedExternally: (name) => desktop('open the image', () => invoke('images.openExternally', { image_name: name })),
  };
};
