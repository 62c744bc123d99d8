import type { EventPayload, InvokeOutput } from '../../../shared/ipc';
import { useJobProgress } from '../features/jobs/progressStore';
import { invoke, subscribe } from './bridge';
import type { SliceCreator } from './store';

export type View = 'gallery' | 'jobs';
export type MediaBase = InvokeOutput<'app.mediaBase'>;

/** One modal at a time; each names what it acts on. */
type DialogRequest =
  | { kind: 'createBoard' }
  | { kind: 'renameBoard'; boardId: string }
  | { kind: 'deleteBoard'; boardId: string }
  | { kind: 'deleteImages'; /** Named images (a context menu's); the selection when absent. */ names?: readonly string[] }
  | { kind: 'settings' }
  | {
      kind: 'export';
      /** Named images (a context menu's), or a whole board; the selection when both are absent. */ names?: readonly string[];
      board?: string;
    }
  | { kind: 'clearCache' }
  | { kind: 'shortcuts' };

export interface AppSlice {
  view: View;
  /** URL prefixes for thumbnails and full images; null until main answers. */
  media: MediaBase | null;
  dialog: DialogRequest | null;
  /** The grid's first screen has painted (or FIRST_SCREEN_WAIT_MS passed): the rest of the window loads. */
  firstScreenShown: boolean;

  /** Subscribes to main's events and loads the first screen; returns the unsubscribe. */
  appStarted: () => () => void;
  /** Every thumbnail of the grid's first screen has loaded; the sidebar, status and panels follow. */
  firstScreenPainted: () => void;
  viewShown: (view: View) => void;
  dialogOpened: (dialog: DialogRequest) => void;
  dialogClosed: () => void;
  mainReportedChange: (change: EventPayload<'gallery.changed'>) => void;
}

/** A sync may report changes many times a second; re-read what is shown at most this often. */
const CHANGE_COALESCE_MS = 250;
/**
 * The rest of the window waits at most this long for the grid's first screen. Main answers calls
 * in order, and at 100k images the board counts, status, uploads, exports, queue and facets took
 * it 0.3–0.8 s at start, which the first screen's thumbnails used to wait behind.
 */
const FIRST_SCREEN_WAIT_MS = 1_500;

export const createAppSlice: SliceCreator<AppSlice> = (set, get) => {
  let pendingChange: EventPayload<'gallery.changed'> | null = null;

  const applyChange = () => {
    const change = pendingChange;
    pendingChange = null;
    if (!change) return;
    if (change.boards) void get().refreshBoards();
    if (change.images) get().galleryWentStale();
    if (change.jobs && get().jobsTotal !== null) void get().refreshJobs();
  };

  return {
    view: 'gallery',
    media: null,
    dialog: null,
    firstScreenShown: false,

    appStarted: () => {
      const unsubscribers = [
        subscribe('status.changed', (status) => get().statusChanged(status)),
        subscribe('gallery.changed', (change) => get().mainReportedChange(change)),
        subscribe('uploads.changed', (uploads) => get().uploadsChanged(uploads)),
        subscribe('export.progress', (job) => get().exportChanged(job)),
        subscribe('notice', (notice) => get().noticeShown(notice)),
        subscribe('queue.changed', (summary) => get().queueSummaryChanged(summary)),
        subscribe('job.progress', (progress) => {
          const previous = useJobProgress.getState().byJob[progress.job_id];
          useJobProgress.getState().progressReceived(progress);
          if (previous?.status !== progress.status) get().jobStatusChangedLive(progress.job_id);
        }),
      ];
      invoke('app.mediaBase', {})
        .then((media) => set({ media }))
        .catch((error: unknown) => get().actionFailed('find the image folder', error));
      get().galleryFiltersChanged();
      // The job history has no thumbnails to wait for.
      const wait = setTimeout(() => get().firstScreenPainted(), get().view === 'jobs' ? 0 : FIRST_SCREEN_WAIT_MS);
      return () => {
        clearTimeout(wait);
        unsubscribers.forEach((unsubscribe) => unsubscribe());
      };
    },

    firstScreenPainted: () => {
      if (get().firstScreenShown) return;
      set({ firstScreenShown: true });
      void get().refreshBoards();
      void get().refreshStatus();
      void get().loadUploads();
      void get().loadExports();
      void get().refreshQueueSummary();
      if (get().view === 'jobs') void get().refreshJobs();
    },

    viewShown: (view) => {
      set({ view });
      if (view === 'jobs') void get().refreshJobs();
    },

    dialogOpened: (dialog) => set({ dialog }),
    dialogClosed: () => set({ dialog: null }),

    mainReportedChange: (change) => {
      const first = pendingChange === null;
      pendingChange = {
        boards: change.boards || (pendingChange?.boards ?? false),
        images: change.images || (pendingChange?.images ?? false),
        jobs: change.jobs || (pendingChange?.jobs ?? false),
      };
      if (first) setTimeout(applyChange, CHANGE_COALESCE_MS);
    },
  };
};
