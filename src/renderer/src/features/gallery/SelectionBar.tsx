import { useStore } from '../../app/store';
import { plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { MenuButton, type MenuItem } from '../../ui/Menu';
import { imagesLock, lockedItem } from '../boards/access';
import { selectedCount } from './selection';

function MoveMenu({ reason }: { reason: string | undefined }) {
  const boards = useStore((s) => s.boards);
  const currentBoard = useStore((s) => s.currentBoard);
  const moveSelection = useStore((s) => s.moveSelection);
  const items: MenuItem[] = [
    {
      label: 'Uncategorized',
      icon: <Icon name="inbox" size={16} />,
      disabled: currentBoard === 'none',
      onSelect: () => void moveSelection('none'),
    },
    ...boards
      .filter((board) => !board.archived)
      .map((board) => ({
        label: board.board_name,
        icon: <Icon name="folder" size={16} />,
        onSelect: () => void moveSelection(board.board_id),
        // Another user's read-only board takes no images, and says why.
        ...lockedItem(imagesLock(boards, board.board_id), board.board_id === currentBoard),
      })),
  ];
  return (
    <MenuButton label="Move to board" items={items} className="button button-ghost" disabled={reason !== undefined} reason={reason}>
      <Icon name="move" size={16} />
      Move to…
    </MenuButton>
  );
}

/** What can be done with the selection; floats over the grid while anything is selected. */
export function SelectionBar() {
  const count = useStore((s) => selectedCount(s.selection, s.total));
  const everything = useStore((s) => s.selection.all && s.selection.names.size === 0);
  const allSelected = useStore((s) => s.allSelected);
  const starSelection = useStore((s) => s.starSelection);
  const dialogOpened = useStore((s) => s.dialogOpened);
  const exportRequested = useStore((s) => s.exportRequested);
  const selectionCleared = useStore((s) => s.selectionCleared);
  // Images on another user's read-only board may be exported, not changed.
  const boards = useStore((s) => s.boards);
  const currentBoard = useStore((s) => s.currentBoard);
  const lock = imagesLock(boards, currentBoard);
  // aria-disabled, not disabled: the buttons stay reachable and their reason is read out (as in
  // the menus); a click does nothing.
  const locked = lock ? { 'aria-disabled': true, title: lock.reason, 'aria-description': lock.reason } : {};
  const unlessLocked = (action: () => unknown) => () => {
    if (!lock) void action();
  };
  if (count === 0) return null;
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selection">
      <span className="selection-count">{plural(count, 'image')} selected</span>
      {!everything && (
        <button type="button" className="button button-ghost" title="Select all (Ctrl+A)" onClick={allSelected}>
          Select all
        </button>
      )}
      {lock && (
        <span className="selection-lock" title={lock.reason}>
          <Icon name="lock" size={14} />
          {lock.hint}
        </span>
      )}
      <button type="button" className="button button-ghost" onClick={unlessLocked(() => starSelection(true))} {...locked}>
        <Icon name="star" size={16} filled />
        Star
      </button>
      <button type="button" className="button button-ghost" onClick={unlessLocked(() => starSelection(false))} {...locked}>
        <Icon name="star" size={16} />
        Unstar
      </button>
      <MoveMenu reason={lock?.reason} />
      <button type="button" className="button button-ghost" onClick={() => exportRequested()}>
        <Icon name="download" size={16} />
        Export…
      </button>
      <button
        type="button"
        className="button button-ghost selection-delete"
        onClick={unlessLocked(() => dialogOpened({ kind: 'deleteImages' }))}
        {...locked}
      >
        <Icon name="trash" size={16} />
        Delete…
      </button>
      <button type="button" className="icon-button" aria-label="Clear selection" title="Clear selection (Esc)" onClick={selectionCleared}>
        <Icon name="close" />
      </button>
    </div>
  );
}
