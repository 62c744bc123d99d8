import { useCallback, useRef } from 'react';
import { useStore } from '../../app/store';
import { ContextMenu, type ContextMenuEntry, type Submenu } from '../../ui/ContextMenu';
import { plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { selectImageAt } from '../gallery/gallerySlice';
import { MAX_COMPARED } from '../compare/compareSlice';
import { selectViewerImage } from '../viewer/viewerSlice';
import type { ImageMenuState } from './imageMenuSlice';
import { imagesLock, lockedItem } from '../boards/access';

export function ImageMenuHost() {
  const menu = useStore((s) => s.imageMenu);
  return menu ? <ImageMenu menu={menu} /> : null;
}

/**
 * The boards to move to, searchable as you type; the image's own board is there but disabled, and
 * so is another user's read-only board, with the reason.
 */
function useMoveSubmenu(onMove: (board: string) => void, currentBoard: string | null | undefined): Submenu {
  const boards = useStore((s) => s.boards);
  return {
    label: 'Boards',
    searchLabel: 'Search boards',
    empty: 'No board has that name.',
    items: boards
      .filter((board) => !board.archived)
      .map((board) => ({
        label: board.board_name,
        icon: <Icon name="folder" size={16} />,
        onSelect: () => onMove(board.board_id),
        ...lockedItem(imagesLock(boards, board.board_id), board.board_id === currentBoard),
      })),
  };
}

/**
 * Right-click (or the Menu key, Shift+F10) on a cell, a selection or the viewer's image: every
 * action the app has for images, each calling the same store action as its button elsewhere.
 */
function ImageMenu({ menu }: { menu: ImageMenuState }) {
  const { subject, details } = menu;
  const state = useStore.getState();
  const imageMenuClosed = useStore((s) => s.imageMenuClosed);
  const image = useStore((s) =>
    subject.kind === 'image' && subject.source === 'viewer' ? selectViewerImage(s) : selectImageAt(s, subject.index ?? -1),
  );
  const currentBoard = useStore((s) => s.currentBoard);
  const trayCount = useStore((s) => s.compareTray.length);
  const returnFocus = useRef(document.activeElement);

  const close = useCallback(() => {
    imageMenuClosed();
    const target = returnFocus.current;
    if (target instanceof HTMLElement && target.isConnected) target.focus();
  }, [imageMenuClosed]);

  const selection = subject.kind === 'selection';
  const names = subject.kind === 'image' ? [subject.name] : null;
  const moveTo = (board: string) => void (names ? state.moveImages(names, board) : state.moveSelection(board));
  // The board the image is on (one image), or the board the view shows (a selection).
  const onBoard = selection ? (currentBoard === 'all' ? undefined : currentBoard) : (image?.board_id ?? details?.image.board_id);
  const moveSubmenu = useMoveSubmenu(moveTo, onBoard === 'none' ? null : onBoard);
  // Images on another user's read-only board may be looked at, copied and exported, not changed.
  const boards = useStore((s) => s.boards);
  const lock = imagesLock(boards, onBoard);
  const locked = lockedItem(lock, false);

  const starred = image?.starred ?? false;
  // What makes no sense for a video is disabled with the reason, not hidden.
  const video = (image ?? details?.image)?.kind === 'video';
  const notForVideos = (reason: string) => (video ? { disabled: true, reason, hint: 'Video' } : {});
  const entries: ContextMenuEntry[] = [];
  if (subject.kind === 'image') {
    const { name, index, source } = subject;
    const prompt = details?.positive_prompt ?? null;
    const seed = details?.seed ?? null;
    const jobId = details?.job_id ?? null;
    if (source === 'grid' && index !== null)
      entries.push({ label: 'Open', icon: <Icon name="image" size={16} />, onSelect: () => state.viewerOpened(index) });
    entries.push(
      {
        label: starred ? 'Unstar' : 'Star',
        icon: <Icon name="star" size={16} filled={!starred} />,
        onSelect: () => void state.starImages([name], !starred),
        ...locked,
      },
      { label: 'Move to board', icon: <Icon name="move" size={16} />, submenu: moveSubmenu, onSelect: () => undefined, ...locked },
      {
        label: 'Remove from board',
        icon: <Icon name="inbox" size={16} />,
        onSelect: () => void state.moveImages([name], 'none'),
        ...lockedItem(lock, !image?.board_id),
      },
      {
        label: 'Copy image',
        icon: <Icon name="copy" size={16} />,
        separated: true,
        onSelect: () => void state.imageCopied(name),
        ...notForVideos('A video cannot go on the clipboard as a picture; export it or drag it out instead.'),
      },
      {
        label: 'Copy prompt',
        icon: <Icon name="copy" size={16} />,
        disabled: !prompt,
        onSelect: () => void (prompt && state.textCopied('Prompt', prompt)),
      },
      {
        label: 'Copy seed',
        icon: <Icon name="copy" size={16} />,
        disabled: seed === null,
        onSelect: () => void state.textCopied('Seed', String(seed)),
      },
      { label: 'Copy all parameters', icon: <Icon name="copy" size={16} />, onSelect: () => void state.parametersCopied(name) },
      { label: 'Export…', icon: <Icon name="download" size={16} />, separated: true, onSelect: () => state.exportRequested([name]) },
      { label: 'Show in folder', icon: <Icon name="folder" size={16} />, onSelect: () => void state.shownInFolder(name) },
      { label: 'Open with the system viewer', icon: <Icon name="external" size={16} />, onSelect: () => void state.openedExternally(name) },
      {
        label: trayCount > 0 ? 'Compare with the picked image' : 'Compare with…',
        icon: <Icon name="images" size={16} />,
        separated: true,
        onSelect: () => {
          // The other image is picked in the grid, so the viewer steps aside.
          state.viewerClosed();
          state.compareWith({ name, index });
        },
        ...notForVideos('Videos cannot be compared: compare lays still images side by side with one zoom.'),
      },
      {
        label: 'Open the job that made it',
        icon: <Icon name="job" size={16} />,
        disabled: !jobId,
        onSelect: () => {
          if (!jobId) return;
          state.viewerClosed();
          void state.jobOpened(jobId);
        },
      },
      {
        label: 'Delete…',
        icon: <Icon name="trash" size={16} />,
        danger: true,
        separated: true,
        onSelect: () => state.dialogOpened({ kind: 'deleteImages', names: [name] }),
        ...locked,
      },
    );
  } else {
    const count = subject.count;
    entries.push(
      {
        label: `Star ${plural(count, 'image')}`,
        icon: <Icon name="star" size={16} filled />,
        onSelect: () => void state.starSelection(true),
        ...locked,
      },
      {
        label: `Unstar ${plural(count, 'image')}`,
        icon: <Icon name="star" size={16} />,
        onSelect: () => void state.starSelection(false),
        ...locked,
      },
      { label: 'Move to board', icon: <Icon name="move" size={16} />, submenu: moveSubmenu, onSelect: () => undefined, ...locked },
      {
        label: 'Remove from board',
        icon: <Icon name="inbox" size={16} />,
        onSelect: () => void state.moveSelection('none'),
        ...lockedItem(lock, currentBoard === 'none'),
      },
      {
        label: `Export ${plural(count, 'image')}…`,
        icon: <Icon name="download" size={16} />,
        separated: true,
        onSelect: () => state.exportRequested(),
      },
      {
        label: `Compare ${plural(count, 'image')}`,
        icon: <Icon name="images" size={16} />,
        separated: true,
        disabled: count > MAX_COMPARED,
        onSelect: () => state.compareSelectionOpened(),
      },
      {
        label: `Delete ${plural(count, 'image')}…`,
        icon: <Icon name="trash" size={16} />,
        danger: true,
        separated: true,
        onSelect: () => state.dialogOpened({ kind: 'deleteImages' }),
        ...locked,
      },
    );
  }

  const label = subject.kind === 'image' ? `Actions for ${subject.name}` : `Actions for ${plural(subject.count, 'selected image')}`;
  return <ContextMenu label={label} at={menu.at} entries={entries} onClose={close} />;
}
