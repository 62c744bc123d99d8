import type { BoardScope, UploadItem } from '../../../../shared/ipc';
import { invoke, pathsForFiles } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';
import { plural } from '../../ui/format';
import { boardName } from '../boards/boardsSlice';

export interface UploadsSlice {
  uploads: readonly UploadItem[];
  /** Finished uploads the user cleared from the panel (main keeps its own list). */
  uploadsCleared: ReadonlySet<string>;
  uploadsPanelOpen: boolean;

  /** Files dropped or picked: uploads them into a board (null = Uncategorized, omitted = the current one). */
  uploadFiles: (files: readonly File[], boardId?: string | null) => Promise<void>;
  uploadsChanged: (uploads: readonly UploadItem[]) => void;
  loadUploads: () => Promise<void>;
  uploadsPanelToggled: (open?: boolean) => void;
  finishedUploadsCleared: () => void;
}

/** InvokeAI files uploads under "user": they show among the Assets, like in its own gallery. */
const UPLOAD_CATEGORY = 'user';
const MAX_FILES_PER_CALL = 1000;

function boardIdFor(scope: BoardScope): string | null {
  return scope === 'all' || scope === 'none' ? null : scope;
}

export const createUploadsSlice: SliceCreator<UploadsSlice> = (set, get) => ({
  uploads: [],
  uploadsCleared: new Set(),
  uploadsPanelOpen: false,

  uploadFiles: async (files, boardId) => {
    if (files.length === 0) return;
    const target = boardId === undefined ? boardIdFor(get().currentBoard) : boardId;
    const where = target === null ? 'Uncategorized' : `“${boardName(get().boards, target)}”`;
    const what = `upload ${plural(files.length, 'file')} to ${where}`;
    try {
      const paths = await pathsForFiles(files);
      if (paths.length === 0) {
        get().noticeShown({
          level: 'error',
          message: `Couldn’t ${what}: the app could not read where the files are. Drop files from a folder on this computer.`,
        });
        return;
      }
      set({ uploadsPanelOpen: true });
      for (let start = 0; start < paths.length; start += MAX_FILES_PER_CALL) {
        const items = await invoke('uploads.start', {
          paths: paths.slice(start, start + MAX_FILES_PER_CALL),
          board_id: target,
          category: UPLOAD_CATEGORY,
        });
        get().uploadsChanged(mergeUploads(get().uploads, items));
      }
    } catch (error) {
      get().actionFailed(what, error);
    }
  },

  uploadsChanged: (uploads) => set({ uploads }),

  loadUploads: async () => {
    try {
      get().uploadsChanged(await invoke('uploads.list', {}));
    } catch (error) {
      get().actionFailed('read the upload list', error);
    }
  },

  uploadsPanelToggled: (open) => set({ uploadsPanelOpen: open ?? !get().uploadsPanelOpen }),

  finishedUploadsCleared: () => {
    const finished = get().uploads.filter((upload) => upload.state === 'done' || upload.state === 'failed');
    set({ uploadsCleared: new Set([...get().uploadsCleared, ...finished.map((upload) => upload.id)]) });
  },
});

/** Main's event carries the whole list, but a start's answer may arrive first: keep both. */
function mergeUploads(current: readonly UploadItem[], started: readonly UploadItem[]): UploadItem[] {
  const byId = new Map(current.map((upload) => [upload.id, upload]));
  for (const upload of started) if (!byId.has(upload.id)) byId.set(upload.id, upload);
  return [...byId.values()];
}
