import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import type { Size } from './useZoom';

interface StageGestures {
  /** The stage's size now and whenever it changes. */
  onResized: (size: Size) => void;
  /** A wheel turn: the zoom factor and the pointer's place in the stage. */
  onWheelZoom: (factor: number, at: { x: number; y: number }) => void;
  /** A drag step, in pixels. */
  onPan: (dx: number, dy: number) => void;
  /** The primary button went down on the stage (before a drag starts). */
  onGrab?: () => void;
}

/**
 * What a zoomable stage does with its input, shared by the viewer and the compare panes: it
 * reports its size, turns the wheel into zoom at the pointer and a drag into a pan.
 */
export function useStageGestures({ onResized, onWheelZoom, onPan, onGrab }: StageGestures) {
  const ref = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const [dragging, setDragging] = useState(false);

  useLayoutEffect(() => {
    const stage = ref.current;
    if (!stage) return;
    onResized({ width: stage.clientWidth, height: stage.clientHeight });
    const observer = new ResizeObserver(([entry]) => {
      if (entry) onResized({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(stage);
    return () => observer.disconnect();
  }, [onResized]);

  // React's wheel listener is passive; zooming must stop the page from scrolling.
  useEffect(() => {
    const stage = ref.current;
    if (!stage) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = stage.getBoundingClientRect();
      onWheelZoom(Math.exp(-event.deltaY * 0.0015), { x: event.clientX - rect.left, y: event.clientY - rect.top });
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [onWheelZoom]);

  const release = () => {
    drag.current = null;
    setDragging(false);
  };
  const handlers = {
    onPointerDown: (event: PointerEvent) => {
      if (event.button !== 0) return;
      onGrab?.();
      event.currentTarget.setPointerCapture(event.pointerId);
      drag.current = { x: event.clientX, y: event.clientY };
      setDragging(true);
    },
    onPointerMove: (event: PointerEvent) => {
      if (!drag.current) return;
      onPan(event.clientX - drag.current.x, event.clientY - drag.current.y);
      drag.current = { x: event.clientX, y: event.clientY };
    },
    onPointerUp: release,
    onPointerCancel: release,
  };
  return { ref, dragging, handlers };
}
