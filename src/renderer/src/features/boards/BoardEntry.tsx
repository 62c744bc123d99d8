import { useState, type DragEvent, type ReactNode } from 'react';
import type { BoardScope } from '../../../../shared/ipc';
import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { plural } from '../../ui/format';
import { Icon, type IconName } from '../../ui/Icon';
import { isFileDrag, isImageDrag } from '../gallery/dragTypes';
import type { Lock } from './access';

interface BoardEntryProps {
  scope: BoardScope;
  name: string;
  imageCount: number | null;
  assetCount: number | null;
  /** Videos (InvokeAI 6.14+), counted apart as the server counts them; named only when there are some. */
  videoCount?: number | null;
  coverImage?: string | null;
  icon?: IconName;
  /** Decoration after the name: archived, waiting to sync. */
  tags?: ReactNode;
  menu?: ReactNode;
  /** Why images may not be dropped here (another user's read-only board). */
  lock?: Lock | null;
  /** What the user may do here when it is limited (another user's board), said to screen readers. */
  accessNote?: string | null;
}

/** Where uploads and moves dropped on this entry go: null = Uncategorized, undefined = nowhere. */
function dropTarget(scope: BoardScope): string | null | undefined {
  if (scope === 'none') return null;
  return scope === 'all' ? undefined : scope;
}

/**
 * One board in the sidebar: selects it, shows its cover and counts, and takes drops — dragged
 * images move into it, dropped files upload into it.
 */
export function BoardEntry({
  scope,
  name,
  imageCount,
  assetCount,
  videoCount = 0,
  coverImage,
  icon = 'folder',
  tags,
  menu,
  lock = null,
  accessNote = null,
}: BoardEntryProps) {
  const current = useStore((s) => s.view === 'gallery' && s.currentBoard === scope);
  const media = useStore((s) => s.media);
  const boardSelected = useStore((s) => s.boardSelected);
  const moveSelection = useStore((s) => s.moveSelection);
  const uploadFiles = useStore((s) => s.uploadFiles);
  const [dropping, setDropping] = useState(false);
  const [refusing, setRefusing] = useState(false);
  const target = dropTarget(scope);
  const descriptionId = `board-counts-${scope}`;
  const accessId = `board-access-${scope}`;

  const carries = (event: DragEvent) => target !== undefined && (isImageDrag(event.dataTransfer) || isFileDrag(event.dataTransfer));
  const accepts = (event: DragEvent) => lock === null && carries(event);

  const onDragOver = (event: DragEvent) => {
    if (lock !== null && carries(event)) {
      // Not a drop target: the pointer says so, the entry shows why, and nothing below takes the drop.
      event.stopPropagation();
      event.dataTransfer.dropEffect = 'none';
      setRefusing(true);
      return;
    }
    if (!accepts(event)) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = isImageDrag(event.dataTransfer) ? 'move' : 'copy';
    setDropping(true);
  };

  const onDrop = (event: DragEvent) => {
    setDropping(false);
    setRefusing(false);
    if (lock !== null && carries(event)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    if (!accepts(event) || target === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    if (isImageDrag(event.dataTransfer)) void moveSelection(target ?? 'none');
    else void uploadFiles([...event.dataTransfer.files], target);
  };

  const counts =
    imageCount === null || assetCount === null
      ? ''
      : [
          plural(imageCount, 'image'),
          ...(assetCount > 0 ? [plural(assetCount, 'asset')] : []),
          ...(videoCount ? [plural(videoCount, 'video')] : []),
        ].join(', ');

  return (
    <li
      className={`board-entry${current ? ' is-current' : ''}${dropping ? ' is-dropping' : ''}${refusing ? ' is-refusing' : ''}`}
      title={refusing && lock ? lock.reason : undefined}
      onDragOver={onDragOver}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) {
          setDropping(false);
          setRefusing(false);
        }
      }}
      onDrop={onDrop}
    >
      <button
        type="button"
        className="board-select"
        aria-label={name}
        aria-describedby={accessNote ? `${descriptionId} ${accessId}` : descriptionId}
        aria-current={current ? 'true' : undefined}
        onClick={() => boardSelected(scope)}
      >
        <span className="board-cover" aria-hidden="true">
          {coverImage && media ? (
            <img src={thumbnailUrl(media, coverImage)} alt="" loading="lazy" decoding="async" draggable={false} />
          ) : (
            <Icon name={icon} size={16} />
          )}
        </span>
        <span className="board-text">
          <span className="board-name">
            {name}
            {tags}
          </span>
          <span className="board-counts" id={descriptionId}>
            {counts}
          </span>
          {accessNote && (
            <span className="visually-hidden" id={accessId}>
              {accessNote}
            </span>
          )}
        </span>
      </button>
      {menu}
    </li>
  );
}
