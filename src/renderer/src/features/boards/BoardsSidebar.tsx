import { useDeferredValue } from 'react';
import type { Board } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';
import { MenuButton } from '../../ui/Menu';
import { boardLock, imagesLock, lockedItem } from './access';
import { BoardEntry } from './BoardEntry';
import { JobsNavEntry } from '../jobs/JobsNavEntry';
import './boards.css';

function BoardMenu({ board }: { board: Board }) {
  const dialogOpened = useStore((s) => s.dialogOpened);
  const archiveBoard = useStore((s) => s.archiveBoard);
  const boardExportRequested = useStore((s) => s.boardExportRequested);
  // Another user's board: only its owner or an admin may rename, archive or delete it.
  const lock = boardLock(board);
  const locked = lockedItem(lock);
  return (
    <MenuButton
      label={`Actions for board ${board.board_name}`}
      className="icon-button board-menu"
      items={[
        {
          label: 'Rename…',
          icon: <Icon name="pencil" size={16} />,
          onSelect: () => dialogOpened({ kind: 'renameBoard', boardId: board.board_id }),
          ...locked,
        },
        { label: 'Export…', icon: <Icon name="download" size={16} />, onSelect: () => boardExportRequested(board.board_id) },
        board.archived
          ? {
              label: 'Unarchive',
              icon: <Icon name="unarchive" size={16} />,
              onSelect: () => void archiveBoard(board.board_id, false),
              ...locked,
            }
          : {
              label: 'Archive',
              icon: <Icon name="archive" size={16} />,
              onSelect: () => void archiveBoard(board.board_id, true),
              ...locked,
            },
        {
          label: 'Delete…',
          icon: <Icon name="trash" size={16} />,
          danger: true,
          onSelect: () => dialogOpened({ kind: 'deleteBoard', boardId: board.board_id }),
          ...locked,
        },
      ]}
    >
      <Icon name="more" />
    </MenuButton>
  );
}

/** Another user's board says so: a lock for read-only, "Public" for one open to images; the reason on hover. */
function AccessTag({ board }: { board: Board }) {
  if (board.access === 'full') return null;
  const readOnly = board.access === 'read_only';
  return (
    <span className={`board-tag board-tag-access${readOnly ? ' is-read-only' : ''}`} title={board.access_reason ?? undefined}>
      {readOnly && <Icon name="lock" size={11} />}
      {readOnly ? 'Read-only' : 'Public'}
    </span>
  );
}

/** The library: job history, then All images, Uncategorized and every board, filterable. */
export function BoardsSidebar() {
  const boards = useStore((s) => s.boards);
  const totals = useStore((s) => s.boardTotals);
  const filter = useStore((s) => s.boardFilter);
  const showArchived = useStore((s) => s.showArchived);
  const boardFilterChanged = useStore((s) => s.boardFilterChanged);
  const showArchivedToggled = useStore((s) => s.showArchivedToggled);
  const dialogOpened = useStore((s) => s.dialogOpened);
  const needle = useDeferredValue(filter.trim().toLocaleLowerCase());
  const shown = needle ? boards.filter((board) => board.board_name.toLocaleLowerCase().includes(needle)) : boards;

  return (
    <aside className="sidebar" aria-label="Library">
      <div className="sidebar-brand">
        <span className="brand-mark" aria-hidden="true" />
        <span>InvokeAI Gallery</span>
      </div>
      <nav className="sidebar-nav" aria-label="Views">
        <ul>
          <JobsNavEntry />
        </ul>
      </nav>
      <section className="sidebar-boards" aria-labelledby="boards-heading">
        <header className="sidebar-heading">
          <h2 id="boards-heading">Boards</h2>
          <button
            type="button"
            className="icon-button"
            aria-label="Create board"
            title="Create board"
            onClick={() => dialogOpened({ kind: 'createBoard' })}
          >
            <Icon name="plus" />
          </button>
        </header>
        <div className="board-filter">
          <Icon name="search" size={15} />
          <input
            type="search"
            className="field"
            aria-label="Filter boards"
            placeholder="Filter boards"
            value={filter}
            onChange={(event) => boardFilterChanged(event.target.value)}
          />
        </div>
        <ul className="board-list" aria-label="Boards">
          <BoardEntry
            scope="all"
            name="All images"
            icon="images"
            imageCount={totals?.all.image_count ?? null}
            assetCount={totals?.all.asset_count ?? null}
            videoCount={totals?.all.video_count ?? null}
          />
          <BoardEntry
            scope="none"
            name="Uncategorized"
            icon="inbox"
            imageCount={totals?.uncategorized.image_count ?? null}
            assetCount={totals?.uncategorized.asset_count ?? null}
            videoCount={totals?.uncategorized.video_count ?? null}
          />
          {shown.length > 0 && <li className="board-divider" role="presentation" />}
          {shown.map((board) => (
            <BoardEntry
              key={board.board_id}
              scope={board.board_id}
              name={board.board_name}
              coverImage={board.cover_image_name}
              imageCount={board.image_count}
              assetCount={board.asset_count}
              videoCount={board.video_count}
              lock={imagesLock(boards, board.board_id)}
              accessNote={board.access_reason}
              tags={
                <>
                  <AccessTag board={board} />
                  {board.archived && <span className="board-tag">Archived</span>}
                  {board.pending && (
                    <span className="board-tag board-tag-pending" title="Waiting for the server">
                      Pending
                    </span>
                  )}
                </>
              }
              menu={<BoardMenu board={board} />}
            />
          ))}
          {needle && shown.length === 0 && <li className="board-none">No board matches “{filter.trim()}”.</li>}
        </ul>
        <footer className="sidebar-footer">
          <button type="button" className="toggle" aria-pressed={showArchived} onClick={showArchivedToggled}>
            <Icon name="archive" size={15} />
            Show archived
          </button>
        </footer>
      </section>
    </aside>
  );
}
