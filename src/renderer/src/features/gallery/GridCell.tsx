import { memo, type DragEvent, type MouseEvent } from 'react';
import { itemName } from '../../../../shared/ipc';
import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { formatClock, formatCount } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { IMAGE_DRAG_TYPE } from './dragTypes';
import { selectImageAt } from './gallerySlice';
import { isSelected, selectedCount } from './selection';

export function cellId(index: number): string {
  return `gallery-cell-${index}`;
}

/** A cell whose image is not known (its page is on the way) or not worth drawing (flying past). */
export function PlaceholderCell({ index }: { index: number }) {
  return (
    <div role="gridcell" id={cellId(index)} className="cell cell-placeholder" aria-label={`Image ${index + 1}, loading`} aria-busy="true" />
  );
}

/** A row the server lists that a running sync has not cached yet: nothing to select or act on. */
export function PendingCell({ index, length }: { index: number; length: number }) {
  return (
    <div
      role="gridcell"
      id={cellId(index)}
      className="cell cell-placeholder"
      aria-label={`Loading image ${formatCount(index + 1)} of ${formatCount(length)}`}
      aria-busy="true"
    />
  );
}

/** One thumbnail. It reads its own image from the page cache, so a landing page repaints only its cells. */
export const GridCell = memo(function GridCell({ index }: { index: number }) {
  const image = useStore((s) => selectImageAt(s, index));
  const name = image ? itemName(image) : undefined;
  const selected = useStore((s) => (name === undefined ? false : isSelected(s.selection, name)));
  const focused = useStore((s) => s.focusIndex === index);
  const media = useStore((s) => s.media);
  const imageClicked = useStore((s) => s.imageClicked);
  const viewerOpened = useStore((s) => s.viewerOpened);
  const starImages = useStore((s) => s.starImages);
  const picked = useStore((s) => (name === undefined ? false : s.compareTray.some((image) => image.name === name)));
  const comparePicked = useStore((s) => s.comparePicked);
  const gridMenuRequested = useStore((s) => s.gridMenuRequested);
  const dragStaged = useStore((s) => s.dragStaged);
  const dragOutStarted = useStore((s) => s.dragOutStarted);

  if (!image || name === undefined) return <PlaceholderCell index={index} />;

  const onClick = (event: MouseEvent) => {
    if (event.altKey) comparePicked({ name, index });
    else imageClicked(index, { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  };

  const onContextMenu = (event: MouseEvent) => {
    event.preventDefault();
    gridMenuRequested(index, { x: event.clientX, y: event.clientY });
  };

  const onDragStart = (event: DragEvent) => {
    if (!selected) imageClicked(index, { range: false, toggle: false });
    const { selection, total } = useStore.getState();
    event.dataTransfer.setData(IMAGE_DRAG_TYPE, String(selectedCount(selection, total)));
    event.dataTransfer.effectAllowed = 'move';
    // Out of the window the images go as files (desktop app); onto a board they still move.
    dragOutStarted(() => event.preventDefault());
  };

  const video = image.kind === 'video';
  const onStarClick = (event: MouseEvent) => {
    event.stopPropagation();
    void starImages([name], !image.starred);
  };

  return (
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/interactive-supports-focus -- the grid holds the focus (aria-activedescendant) and its keys act on this cell
    <div
      role="gridcell"
      id={cellId(index)}
      data-image-name={name}
      data-kind={image.kind}
      aria-label={video ? `${name}, video, ${formatClock(image.duration)}` : name}
      aria-selected={selected}
      className={`cell${selected ? ' is-selected' : ''}${focused ? ' is-focused' : ''}${picked ? ' is-picked' : ''}`}
      draggable
      onClick={onClick}
      onDoubleClick={() => viewerOpened(index)}
      onContextMenu={onContextMenu}
      onDragStart={onDragStart}
      onPointerDown={() => dragStaged(name)}
    >
      {/* Not loading="lazy": the grid mounts only rows in or near view, and lazy loading would hold
          each of them back until layout and an intersection check, a frame or more per screen. */}
      {media && <img src={thumbnailUrl(media, name)} alt="" decoding="async" draggable={false} />}
      <button
        type="button"
        className={`cell-star${image.starred ? ' is-starred' : ''}`}
        tabIndex={-1}
        aria-label={image.starred ? `Unstar ${name}` : `Star ${name}`}
        aria-pressed={image.starred}
        onClick={onStarClick}
        onDoubleClick={(event) => event.stopPropagation()}
      >
        <Icon name="star" size={16} filled={image.starred} />
      </button>
      {video && (
        <span className="cell-video" aria-hidden="true">
          <Icon name="play" size={11} filled />
          {formatClock(image.duration)}
        </span>
      )}
      {picked && (
        <span className="cell-picked" aria-hidden="true">
          <Icon name="images" size={13} />
        </span>
      )}
      {selected && (
        <span className="cell-check" aria-hidden="true">
          <Icon name="check" size={13} />
        </span>
      )}
    </div>
  );
});
