import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef } from 'react';
import { useStore } from '../../app/store';
import { JOB_ROW_HEIGHT, JobRow, PlaceholderJobRow } from './JobRow';
import { jobQueryKey, jobQueryOf, jobRowAt } from './jobsSlice';

/**
 * Every job of the current filters in one scrolling list, like the gallery grid: it knows the
 * total, draws only the rows on screen, and reads their pages from main as they come into view.
 */
export function JobList() {
  const total = useStore((s) => s.jobsTotal) ?? 0;
  const queryKey = useStore((s) => jobQueryKey(jobQueryOf(s.jobStatusFilter, s.jobFilters)));
  const jobRangeViewed = useStore((s) => s.jobRangeViewed);
  const scrollTarget = useStore((s) => s.jobScrollTarget);
  // Rows re-render when their page arrives; the pages object changes identity then.
  const pages = useStore((s) => s.jobPages);
  const scrollRef = useRef<HTMLDivElement>(null);

  const getScrollElement = useCallback(() => scrollRef.current, []);
  const estimateSize = useCallback(() => JOB_ROW_HEIGHT, []);
  // Keys are places in the list, as the virtualizer knows them: a row's element always stands at
  // its index, and shows whichever job is there now (a new job at the top shifts the contents).
  const getItemKey = useCallback((index: number) => `${queryKey}:${index}`, [queryKey]);

  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler builds this app; the virtualizer is read afresh every render
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement,
    estimateSize,
    overscan: 6,
    getItemKey,
    // As in the grid: rows are moved by the virtualizer itself, React renders only when the range
    // changes, and never synchronously inside a scroll event.
    directDomUpdates: true,
    useFlushSync: false,
    // Rows on the very first render (the window's height is an upper bound of the list's), not a
    // frame later once the list has been measured.
    initialRect: { width: window.innerWidth, height: window.innerHeight },
    useScrollendEvent: true,
  });

  useLayoutEffect(() => virtualizer.scrollToOffset(0), [virtualizer, queryKey]);
  useEffect(() => {
    if (scrollTarget) virtualizer.scrollToIndex(scrollTarget.index, { align: 'center' });
  }, [virtualizer, scrollTarget]);

  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    jobRangeViewed(first, last);
  }, [jobRangeViewed, first, last, queryKey]);

  const state = useStore.getState();
  return (
    <div
      ref={scrollRef}
      className="jobs-scroll"
      data-painted={items.length > 0 && items.every((item) => jobRowAt(state, item.index) !== undefined) ? 'true' : 'false'}
      data-pages={Object.keys(pages).length}
    >
      <ul ref={virtualizer.containerRef} className="jobs-list" aria-label="Jobs" aria-describedby="jobs-count">
        {items.map((item) => {
          const row = jobRowAt(state, item.index);
          return row ? (
            <JobRow key={item.key} row={row} index={item.index} measure={virtualizer.measureElement} />
          ) : (
            <PlaceholderJobRow key={item.key} index={item.index} measure={virtualizer.measureElement} />
          );
        })}
      </ul>
    </div>
  );
}
