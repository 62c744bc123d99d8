import { useEffect, type RefObject } from 'react';

/**
 * Publishes on <html> when every thumbnail in view has loaded: `data-gallery-painted` holds the
 * performance.now() of that moment, `data-gallery-total` the count shown. The flag is removed
 * when the query changes or the grid scrolls, and set again once the new view has painted, so
 * benchmarks and end-to-end tests can wait for it instead of sleeping.
 */
export function usePaintedFlag(
  scrollRef: RefObject<HTMLElement | null>,
  queryKey: string,
  total: number | null,
  scrolling: boolean,
  /** Changes whenever cells may have changed (pages landing, range moving). */
  settleKey: unknown,
  /** Called each time the view has painted (the window loads the rest of itself after the first). */
  onPainted: () => void,
) {
  useEffect(() => {
    const flags = document.documentElement.dataset;
    delete flags.galleryPainted;
    delete flags.galleryTotal;
  }, [queryKey]);

  useEffect(() => {
    const flags = document.documentElement.dataset;
    const root = scrollRef.current;
    if (!root || total === null) return;
    if (scrolling) {
      delete flags.galleryPainted;
      return;
    }
    const watched = new Set<HTMLImageElement>();
    let frame = 0;

    const painted = () => {
      flags.galleryTotal = String(total);
      flags.galleryPainted = String(Math.round(performance.now()));
      onPainted();
    };

    const check = () => {
      const view = root.getBoundingClientRect();
      const inView = [...root.querySelectorAll<HTMLElement>('[role=gridcell]')].filter((cell) => {
        const rect = cell.getBoundingClientRect();
        return rect.bottom > view.top && rect.top < view.bottom;
      });
      // Placeholders mean a page is still on its way; settleKey changes when it lands.
      if (inView.some((cell) => cell.getAttribute('aria-busy') === 'true')) return;
      const waiting = inView.flatMap((cell) => [...cell.querySelectorAll('img')]).filter((img) => !img.complete);
      if (waiting.length === 0) {
        painted();
        return;
      }
      for (const img of waiting) {
        if (watched.has(img)) continue;
        watched.add(img);
        img.addEventListener('load', recheck);
        img.addEventListener('error', recheck);
      }
    };

    function recheck() {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(check);
    }

    recheck();
    return () => {
      cancelAnimationFrame(frame);
      for (const img of watched) {
        img.removeEventListener('load', recheck);
        img.removeEventListener('error', recheck);
      }
    };
  }, [scrollRef, total, scrolling, settleKey, onPainted]);
}
