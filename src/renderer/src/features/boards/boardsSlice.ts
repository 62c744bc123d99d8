import type { Board, BoardList, BoardScope } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';
import { plural } from '../../ui/format';

export interface BoardsSlice {
  boards: readonly Board[];
  /** Counts for "All images" and "Uncategorized"; null until the first list arrives. */
  boardTotals: Pick<BoardList, 'all' | 'uncategorized'> | null;
  currentBoard: BoardScope;
  showArchived: boolean;
  boardFilter: string;

  refreshBoards: () => Promise<void>;
  boardSelected: (board: BoardScope) => void;
  boardFilterChanged: (text: string) => void;
  showArchivedToggled: () => void;
  createBoard: (name: string) => Promise<boolean>;
  renameBoard: (boardId: string, name: string) => Promise<boolean>;
  archiveBoard: (boardId: string, archived: boolean) => Promise<void>;
  deleteBoard: (boardId: string, includeImages: boolean) => Promise<void>;
}

export function boardName(boards: readonly Board[], scope: BoardScope): string {
  if (scope === 'all') return 'All images';
  if (scope === 'none') return 'Uncategorized';
  return boards.find((board) => board.board_id === scope)?.board_name ?? 'Board';
}

export const createBoardsSlice: SliceCreator<BoardsSlice> = (set, get) => {
  let readSequence = 0;

  const nameOf = (boardId: string) => `“${boardName(get().boards, boardId)}”`;

  return {
    boards: [],
    boardTotals: null,
    currentBoard: 'all',
    showArchived: false,
    boardFilter: '',

    refreshBoards: async () => {
      const sequence = ++readSequence;
      try {
        const list = await invoke('boards.list', { include_archived: get().showArchived });
        if (sequence !== readSequence) return;
        set({ boards: list.boards, boardTotals: { all: list.all, uncategorized: list.uncategorized } });
        // The board remembered from last time (or just deleted elsewhere) may be gone.
        const current = get().currentBoard;
        if (current !== 'all' && current !== 'none' && !list.boards.some((board) => board.board_id === current)) {
          get().boardSelected('all');
        }
      } catch (error) {
        if (sequence === readSequence) get().actionFailed('read the boards', error);
      }
    },

    boardSelected: (currentBoard) => {
      set({ currentBoard, view: 'gallery' });
      get().galleryFiltersChanged();
    },

    boardFilterChanged: (boardFilter) => set({ boardFilter }),

    showArchivedToggled: () => {
      set({ showArchived: !get().showArchived });
      void get().refreshBoards();
    },

    createBoard: async (name) => {
      try {
        const board = await invoke('boards.create', { name });
        await get().refreshBoards();
        get().boardSelected(board.board_id);
        return true;
      } catch (error) {
        get().actionFailed(`create the board “${name}”`, error);
        return false;
      }
    },

    renameBoard: async (boardId, name) => {
      const before = nameOf(boardId);
      try {
        await invoke('boards.rename', { board_id: boardId, name });
        await get().refreshBoards();
        return true;
      } catch (error) {
        get().actionFailed(`rename ${before}`, error);
        return false;
      }
    },

    archiveBoard: async (boardId, archived) => {
      const name = nameOf(boardId);
      try {
        await invoke('boards.archive', { board_id: boardId, archived });
        await get().refreshBoards();
        if (archived && !get().showArchived) {
          get().noticeShown({ level: 'info', message: `Archived ${name}. Turn on “Show archived” to see it.` });
        }
      } catch (error) {
        get().actionFailed(`${archived ? 'archive' : 'unarchive'} ${name}`, error);
      }
    },

    deleteBoard: async (boardId, includeImages) => {
      const board = get().boards.find((b) => b.board_id === boardId);
      const name = nameOf(boardId);
      try {
        await invoke('boards.delete', { board_id: boardId, include_images: includeImages });
        if (get().currentBoard === boardId) get().boardSelected('all');
        const count = board ? board.image_count + board.asset_count : 0;
        const images = includeImages ? ` and ${plural(count, 'image')}` : '';
        get().noticeShown({ level: 'info', message: `Deleted ${name}${images}.` });
        await get().refreshBoards();
        get().galleryWentStale();
      } catch (error) {
        get().actionFailed(`delete ${name}`, error);
      }
    },
  };
};
