import type { ExportJob, ExportPattern, ExportSource, InvokeOutput } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { AppState, SliceCreator } from '../../app/store';
import { plural } from '../../ui/format';
import { isSelected, selectedCount } from '../gallery/selection';
import { ownFileDragStarted } from './dragOut';

export type DesktopAbilities = InvokeOutput<'images.desktop'>;

/** What one export takes: named images, a whole board, or (neither) the selection. */
export interface ExportTarget {
  names?: readonly string[];
  board?: string;
}

export interface ExportChoices {
  outDir: string;
  pattern: ExportPattern;
  sidecar: boolean;
}

export interface ExportSlice {
  /** Exports main knows of, newest last: running, finished, cancelled or interrupted. */
  exports: readonly ExportJob[];
  /** The last folder and options, so a second export starts where the first went. */
  exportChoices: ExportChoices;
  /** What main can hand to the desktop here (the test host can do neither); null until asked. */
  desktop: DesktopAbilities | null;

  loadExports: () => Promise<void>;
  exportChanged: (job: ExportJob) => void;
  /** Opens the export dialog for named images, or the selection when none are named. */
  exportRequested: (names?: readonly string[]) => void;
  /** Opens the export dialog for every image and asset of a board. */
  boardExportRequested: (boardId: string) => void;
  exportChoicesChanged: (choices: Partial<ExportChoices>) => void;
  /** The native folder dialog; leaves the choice as it was when cancelled or unavailable. */
  exportFolderPicked: () => Promise<void>;
  /** Starts the export the dialog asks for; true when it started. */
  exportStarted: (target: ExportTarget) => Promise<boolean>;
  exportCancelled: (id: string) => Promise<void>;
  exportResumed: (id: string) => Promise<void>;
  exportDismissed: (id: string) => Promise<void>;
  /** Pointer down on a cell: in the desktop app, brings the full images a drag would take into the cache. */
  dragStaged: (name: string) => void;
  /**
   * A cell's drag began (the selection is already what it drags). In the desktop app the page's
   * drag is cancelled for the system's drag of the files; elsewhere the page's drag goes on and
   * main answers that it cannot drag files out.
   */
  dragOutStarted: (cancelPageDrag: () => void) => void;
}

/** The most files one drag hands to the system. */
const MAX_DRAG = 1000;
/** Staged ahead on a press: a click is not yet a drag, so no more than a few full images. */
const MAX_STAGED_AHEAD = 50;

async function dragNames(state: AppState): Promise<string[]> {
  const { selection, query, total } = state;
  if (!selection.all) return [...selection.names].slice(0, MAX_DRAG);
  const names = await invoke('images.names', {
    query,
    offset: 0,
    limit: Math.max(1, Math.min(total ?? 0, MAX_DRAG + selection.names.size)),
  });
  return names.filter((name) => !selection.names.has(name)).slice(0, MAX_DRAG);
}

/** A selection as main takes it: the names, or "all in this view" but the unticked ones (100k never crosses as names). */
export function selectionSource(state: AppState): ExportSource {
  const { selection, query } = state;
  if (selection.all) return { kind: 'query', query, except: [...selection.names] };
  return { kind: 'names', image_names: [...selection.names] };
}

/** A whole board as a view: every category, nothing filtered. */
function boardSource(board: string): ExportSource {
  return {
    kind: 'query',
    query: { board, categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' },
    except: [],
  };
}

export function exportCount(state: AppState, target: ExportTarget): number {
  if (target.names) return target.names.length;
  if (target.board) {
    const board = state.boards.find((candidate) => candidate.board_id === target.board);
    return board ? board.image_count + board.asset_count : 0;
  }
  return selectedCount(state.selection, state.total);
}

export const createExportSlice: SliceCreator<ExportSlice> = (set, get) => ({
  exports: [],
  exportChoices: { outDir: '', pattern: 'name', sidecar: false },
  desktop: null,

  loadExports: async () => {
    try {
      const [jobs, desktop] = await Promise.all([invoke('images.export.list', {}), invoke('images.desktop', {})]);
      set({ exports: jobs, desktop });
    } catch (error) {
      get().actionFailed('read the list of exports', error);
    }
  },

  exportChanged: (job) => {
    const exports = get().exports;
    const index = exports.findIndex((known) => known.id === job.id);
    set({ exports: index === -1 ? [...exports, job] : exports.map((known, at) => (at === index ? job : known)) });
  },

  exportRequested: (names) => {
    if (exportCount(get(), names ? { names } : {}) === 0) return;
    get().dialogOpened({ kind: 'export', ...(names ? { names } : {}) });
  },

  boardExportRequested: (board) => get().dialogOpened({ kind: 'export', board }),

  exportChoicesChanged: (choices) => set({ exportChoices: { ...get().exportChoices, ...choices } }),

  exportFolderPicked: async () => {
    try {
      const picked = await invoke('images.export.pickFolder', {});
      if (picked.path) get().exportChoicesChanged({ outDir: picked.path });
    } catch (error) {
      get().actionFailed('open the folder dialog', error);
    }
  },

  exportStarted: async (target) => {
    const state = get();
    const { outDir, pattern, sidecar } = state.exportChoices;
    const source: ExportSource = target.names
      ? { kind: 'names', image_names: [...target.names] }
      : target.board
        ? boardSource(target.board)
        : selectionSource(state);
    const count = exportCount(state, target);
    try {
      get().exportChanged(await invoke('images.export.start', { source, out_dir: outDir.trim(), pattern, sidecar }));
      return true;
    } catch (error) {
      get().actionFailed(`export ${plural(count, 'image')}`, error);
      return false;
    }
  },

  exportCancelled: async (id) => {
    try {
      await invoke('images.export.cancel', { id });
    } catch (error) {
      get().actionFailed('cancel the export', error);
    }
  },

  exportResumed: async (id) => {
    try {
      get().exportChanged(await invoke('images.export.resume', { id }));
    } catch (error) {
      get().actionFailed('resume the export', error);
    }
  },

  dragStaged: (name) => {
    const state = get();
    if (!state.desktop?.available) return;
    const others =
      isSelected(state.selection, name) && !state.selection.all ? [...state.selection.names].filter((other) => other !== name) : [];
    const names = [name, ...others.slice(0, MAX_STAGED_AHEAD - 1)];
    // Ahead of the drag: the system's drag must start while the button is still down.
    invoke('images.stageForDrag', { image_names: names }).catch(() => undefined);
  },

  dragOutStarted: (cancelPageDrag) => {
    const state = get();
    const desktop = state.desktop?.available ?? false;
    if (desktop) {
      cancelPageDrag();
      ownFileDragStarted();
    }
    void dragNames(state)
      .then((names) => (names.length ? invoke('images.startDrag', { image_names: names }) : null))
      .then((result) => {
        if (desktop && result && !result.done)
          get().noticeShown({ level: 'warning', message: `The images could not be dragged out: ${result.reason ?? ''}` });
      })
      .catch((error: unknown) => get().actionFailed('drag the images out', error));
  },

  exportDismissed: async (id) => {
    try {
      await invoke('images.export.dismiss', { id });
      set({ exports: get().exports.filter((job) => job.id !== id) });
    } catch (error) {
      get().actionFailed('remove the export from the list', error);
    }
  },
});
