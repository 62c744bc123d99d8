import { itemName, type GalleryItem, type ImageDetails } from '../../../../shared/ipc';
import type { IvkImage } from '../../../../shared/models';
import { invoke } from '../../app/bridge';
import type { AppState, SliceCreator } from '../../app/store';
import { imagesLock } from '../boards/access';
import { selectImageAt } from '../gallery/gallerySlice';
import type { ItemChange } from '../gallery/pageCache';

/** The viewer walks either the gallery's current query or a fixed list (a job's outputs). */
type ViewerSource = { kind: 'gallery'; index: number } | { kind: 'list'; images: readonly GalleryItem[]; index: number };

export interface ViewerSlice {
  viewer: ViewerSource | null;
  /** The shown image's metadata; null while it loads. */
  viewerDetails: ImageDetails | null;

  viewerOpened: (index: number) => void;
  viewerOpenedWithImages: (images: readonly IvkImage[], index: number) => void;
  viewerStepped: (delta: number) => void;
  viewerClosed: () => void;
  viewerStarToggled: () => void;
  copyViewerPrompt: () => Promise<void>;
  viewerJobOpened: () => void;
  viewerImageChangedLocally: (names: ReadonlySet<string>, change: ItemChange) => void;
}

export function selectViewerImage(state: AppState): GalleryItem | undefined {
  const { viewer } = state;
  if (!viewer) return undefined;
  return viewer.kind === 'gallery' ? selectImageAt(state, viewer.index) : viewer.images[viewer.index];
}

export function selectViewerCount(state: AppState): number {
  const { viewer } = state;
  if (!viewer) return 0;
  return viewer.kind === 'gallery' ? (state.total ?? 0) : viewer.images.length;
}

export const createViewerSlice: SliceCreator<ViewerSlice> = (set, get) => {
  const showCurrent = async () => {
    const { viewer } = get();
    if (!viewer) return;
    if (viewer.kind === 'gallery' && !selectImageAt(get(), viewer.index)) {
      await get().loadRange({ first: viewer.index, last: viewer.index });
    }
    const image = selectViewerImage(get());
    set({ viewerDetails: null });
    if (!image) return;
    const name = itemName(image);
    try {
      const details = await invoke('images.details', { image_name: name });
      // The user may have stepped on while this was read.
      const shown = selectViewerImage(get());
      if (shown && itemName(shown) === name) set({ viewerDetails: details });
    } catch (error) {
      get().actionFailed(`read the details of ${name}`, error);
    }
  };

  return {
    viewer: null,
    viewerDetails: null,

    viewerOpened: (index) => {
      set({ viewer: { kind: 'gallery', index }, focusIndex: index });
      void showCurrent();
    },
    viewerOpenedWithImages: (images, index) => {
      // A job's outputs are images (a video-making job's videos reach the gallery by sync).
      set({ viewer: { kind: 'list', images: images.map((image) => ({ kind: 'image' as const, ...image })), index } });
      void showCurrent();
    },
    viewerStepped: (delta) => {
      const state = get();
      const { viewer } = state;
      if (!viewer) return;
      const index = Math.max(0, Math.min(selectViewerCount(state) - 1, viewer.index + delta));
      if (index === viewer.index) return;
      set(viewer.kind === 'gallery' ? { viewer: { ...viewer, index }, focusIndex: index } : { viewer: { ...viewer, index } });
      void showCurrent();
    },
    viewerClosed: () => set({ viewer: null, viewerDetails: null }),

    viewerStarToggled: () => {
      const image = selectViewerImage(get());
      if (!image) return;
      const lock = imagesLock(get().boards, image.board_id);
      if (lock) get().noticeShown({ level: 'warning', message: lock.reason });
      else void get().starImages([itemName(image)], !image.starred);
    },

    copyViewerPrompt: async () => {
      const prompt = get().viewerDetails?.positive_prompt;
      if (!prompt) return;
      try {
        await navigator.clipboard.writeText(prompt);
        get().noticeShown({ level: 'info', message: 'Prompt copied to the clipboard.' });
      } catch (error) {
        get().actionFailed('copy the prompt', error);
      }
    },

    viewerJobOpened: () => {
      const jobId = get().viewerDetails?.job_id;
      if (!jobId) return;
      get().viewerClosed();
      void get().jobOpened(jobId);
    },

    viewerImageChangedLocally: (names, change) =>
      set((state) => {
        const { viewer, viewerDetails } = state;
        const details =
          viewerDetails && names.has(itemName(viewerDetails.image))
            ? { ...viewerDetails, image: { ...viewerDetails.image, ...change } }
            : viewerDetails;
        const list =
          viewer?.kind === 'list'
            ? { ...viewer, images: viewer.images.map((image) => (names.has(itemName(image)) ? { ...image, ...change } : image)) }
            : viewer;
        return { viewerDetails: details, viewer: list };
      }),
  };
};
