import { useState, type DragEvent, type ReactNode } from 'react';
import type { BoardScope } from '../../../../shared/ipc';
import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { plural } from '../../ui/format';
import { Icon, type IconName } from '../../ui/Icon';
import { isFileDrag, isImageDrag } from '../gallery/dragTypes';

interface BoardEntryProps {
  scope: BoardScope;
  name: string;
  imageCount: number | null;
  assetCount: number | null;
  coverImage?: string | null;
  icon?: IconName;
  /** Decoration after the name: archived, waiting to sync. */
  tags?: ReactNode;
  menu?: ReactNode;
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
export function BoardEntry({ scope, name, imageCount, assetCount, coverImage, icon = 'folder', tags, menu }: BoardEntryProps) {
  const current = useStore((s) => s.view === 'gallery' && s.currentBoard === scope);
  const media = useStore((s) => s.media);
  const boardSelected = useStore((s) => s.boardSelected);
  const moveSelection = useStore((s) => s.moveSelection);
  const uploadFiles = useStore((s) => s.uploadFiles);
  const [dropping, setDropping] = useState(false);
  const target = dropTarget(scope);
  const descriptionId = `board-counts-${scope}`;

  const accepts = (event: DragEvent) => target !== undefined && (isImageDrag(event.dataTransfer) || isFileDrag(event.dataTransfer));

  const onDragOver = (event: DragEvent) => {
    if (!accepts(event)) return;
    event.preventDefault();
    event.stopPropagation();
    event.dataTransfer.dropEffect = isImageDrag(event.dataTransfer) ? 'move' : 'copy';
    setDropping(true);
  };

  const onDrop = (event: DragEvent) => {
    setDropping(false);
    if (!accepts(event) || target === undefined) return;
    event.preventDefault();
    event.stopPropagation();
    if (isImageDrag(event.dataTransfer)) void moveSelection(target ?? 'none');
    else void uploadFiles([...event.dataTransfer.files], target);
  };

  const counts =
    imageCount === null || assetCount === null
      ? ''
      : assetCount > 0
        ? `${plural(imageCount, 'image')}, ${plural(assetCount, 'asset')}`
        : plural(imageCount, 'image');

  return (
    <li
      className={`board-entry${current ? ' is-current' : ''}${dropping ? ' is-dropping' : ''}`}
      onDragOver={onDragOver}
      onDragLeave={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDropping(false);
      }}
      onDrop={onDrop}
    >
      <button
        type="button"
        className="board-select"
        aria-label={name}
        aria-describedby={descriptionId}
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
        </span>
      </button>
      {menu}
    </li>
  );
}
