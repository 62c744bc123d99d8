import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { useStore } from '../../app/store';
import { useElementWidth } from '../../ui/useElementWidth';
import { GalleryEmpty } from './GalleryEmpty';
import { listedLength } from '../../../../shared/listed';
import { GridCell, PendingCell, PlaceholderCell, cellId } from './GridCell';
import { useGridKeys } from './useGridKeys';
import { usePaintedFlag } from './usePaintedFlag';

const GAP = 4;
/** Faster than this (px per ms, about five screens a second) the grid shows plain boxes. */
const FAST_SCROLL = 5;

interface GridRowProps {
  row: number;
  columns: number;
  /** Cached images in the view: cells past them are rows a sync has yet to bring. */
  cached: number;
  length: number;
  fast: boolean;
}

/** While flying, a row is plain boxes: no store subscriptions to make and drop every frame. */
const GridRow = memo(function GridRow({ row, columns, cached, length, fast }: GridRowProps) {
  const first = row * columns;
  const cells = [];
  for (let index = first; index < Math.min(length, first + columns); index += 1) {
    if (index >= cached) cells.push(<PendingCell key={index} index={index} length={length} />);
    else cells.push(fast ? <PlaceholderCell key={index} index={index} /> : <GridCell key={index} index={index} />);
  }
  return <>{cells}</>;
});

/** Tracks scroll speed from the virtualizer's own scroll events: true while flying. */
function useFastScroll() {
  const [fast, setFast] = useState(false);
  const last = useRef({ offset: 0, time: 0 });
  const onChange = (instance: Virtualizer<HTMLDivElement, Element>) => {
    const offset = instance.scrollOffset ?? 0;
    const time = performance.now();
    const speed = Math.abs(offset - last.current.offset) / Math.max(1, time - last.current.time);
    last.current = { offset, time };
    setFast(instance.isScrolling && speed > FAST_SCROLL);
  };
  return { fast, onChange };
}

/**
 * The gallery grid: one row virtualizer over ceil(length / columns) rows, so the scrollbar is
 * right from the first answer. Rows hold placeholders until their page arrives; only pages in
 * view are read (the slice throttles that), and the renderer never holds the whole library.
 * During a sync a view the name lists count is as long as the server's gallery: rows past the
 * cached ones are placeholders that turn into images as the sync writes them.
 */
export function GalleryGrid() {
  const total = useStore((s) => s.total);
  const length = useStore((s) => (s.total === null ? 0 : Math.max(s.total, listedLength(s.listed, s.query) ?? 0)));
  const queryKey = useStore((s) => s.queryKey);
  const size = useStore((s) => s.thumbnailSize);
  const focusIndex = useStore((s) => s.focusIndex);
  const pageCache = useStore((s) => s.pageCache);
  const rangeViewed = useStore((s) => s.rangeViewed);
  const scrollRef = useRef<HTMLDivElement>(null);
  const width = useElementWidth(scrollRef);
  const { fast, onChange } = useFastScroll();

  const columns = Math.max(1, Math.floor((width + GAP) / (size + GAP)));
  const cellSize = width > 0 ? Math.floor((width - GAP * (columns - 1)) / columns) : size;
  // No rows until the width is known (the first render, before the layout effect reads it): one
  // column would mean 100k rows to lay out at 100k images, ~80 ms of a start for a render never shown.
  const rowCount = width > 0 ? Math.ceil(length / columns) : 0;

  // Stable callbacks: the virtualizer re-measures every row whenever getItemKey changes identity.
  const getItemKey = useCallback((row: number) => `${queryKey}:${columns}:${row * columns}`, [queryKey, columns]);
  const estimateSize = useCallback(() => cellSize, [cellSize]);
  const getScrollElement = useCallback(() => scrollRef.current, []);

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler builds this app; the virtualizer is read afresh every render
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement,
    estimateSize,
    gap: GAP,
    overscan: 2,
    getItemKey,
    directDomUpdates: true,
    // Thumbnails mount the moment scrolling ends, not after a guessed idle delay.
    useScrollendEvent: true,
    onChange,
  });

  useLayoutEffect(() => virtualizer.measure(), [virtualizer, cellSize]);
  useLayoutEffect(() => virtualizer.scrollToOffset(0), [virtualizer, queryKey]);

  const rows = virtualizer.getVirtualItems();
  const firstRow = rows[0]?.index ?? 0;
  const lastRow = rows.at(-1)?.index ?? 0;

  // The sync's counts follow the status without re-rendering the grid on every status push.
  useEffect(() => {
    const { status, syncListsChanged } = useStore.getState();
    syncListsChanged(status?.sync.listed);
    return useStore.subscribe((state, previous) => {
      if (state.status !== previous.status) state.syncListsChanged(state.status?.sync.listed);
    });
  }, []);

  useEffect(() => {
    if (length) rangeViewed({ first: firstRow * columns, last: Math.min(length - 1, (lastRow + 1) * columns - 1) });
  }, [rangeViewed, firstRow, lastRow, columns, length, queryKey]);

  // Follow the focus when it moves (keys, the viewer stepping), not when the data changes.
  const followedFocus = useRef(focusIndex);
  useEffect(() => {
    if (followedFocus.current === focusIndex) return;
    followedFocus.current = focusIndex;
    virtualizer.scrollToIndex(Math.floor(focusIndex / columns), { align: 'auto' });
  }, [virtualizer, focusIndex, columns]);

  const firstScreenPainted = useStore((s) => s.firstScreenPainted);
  usePaintedFlag(scrollRef, queryKey, total, virtualizer.isScrolling, [pageCache, firstRow, lastRow, columns], firstScreenPainted);

  // The Menu key or Shift+F10: the menu opens at the focused cell, as a right-click there would.
  const gridMenuRequested = useStore((s) => s.gridMenuRequested);
  const openMenuAtFocus = () => {
    const box = (document.getElementById(cellId(focusIndex)) ?? scrollRef.current)?.getBoundingClientRect();
    if (box) gridMenuRequested(focusIndex, { x: box.left + box.width / 2, y: box.top + box.height / 2 });
  };
  const onKeyDown = useGridKeys(columns, Math.max(1, lastRow - firstRow - 2), openMenuAtFocus);
  const focusedRow = Math.floor(focusIndex / columns);
  const focusRendered = total !== null && focusIndex < total && focusedRow >= firstRow && focusedRow <= lastRow;

  return (
    <div className="grid-wrap">
      <div
        ref={scrollRef}
        className="grid-scroll"
        role="grid"
        aria-label="Gallery"
        aria-describedby="gallery-count"
        aria-multiselectable="true"
        aria-rowcount={rowCount}
        aria-colcount={columns}
        aria-activedescendant={focusRendered ? cellId(focusIndex) : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div ref={virtualizer.containerRef} className="grid-inner">
          {total !== null &&
            rows.map((row) => (
              <div
                key={row.key}
                ref={virtualizer.measureElement}
                data-index={row.index}
                role="row"
                aria-rowindex={row.index + 1}
                className="grid-row"
                style={{ height: cellSize, gridTemplateColumns: `repeat(${columns}, 1fr)`, columnGap: GAP }}
              >
                <GridRow row={row.index} columns={columns} cached={total} length={length} fast={fast} />
              </div>
            ))}
        </div>
      </div>
      {total === 0 && length === 0 && <GalleryEmpty />}
    </div>
  );
}
