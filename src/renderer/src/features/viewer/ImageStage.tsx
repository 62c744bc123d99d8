import { useEffect, useLayoutEffect, useRef, useState, type PointerEvent } from 'react';
import type { Size, View } from './useZoom';

interface ImageStageProps {
  thumbnail: string;
  full: string;
  imageSize: Size;
  view: View;
  alt: string;
  onStageResized: (size: Size) => void;
  onNaturalSize: (size: Size) => void;
  onWheelZoom: (factor: number, at: { x: number; y: number }) => void;
  onPan: (dx: number, dy: number) => void;
  onDoubleClick: (at: { x: number; y: number }) => void;
}

/**
 * The full image over its own thumbnail: the thumbnail (already on disk) shows at once, scaled
 * up, and the full image fades in over it when it has loaded. Wheel zooms, dragging pans,
 * double-click switches between Fit and 100% at the pointer.
 */
export function ImageStage(props: ImageStageProps) {
  const { thumbnail, full, imageSize, view, alt, onStageResized, onNaturalSize, onWheelZoom, onPan, onDoubleClick } = props;
  const stageRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [dragging, setDragging] = useState(false);

  useLayoutEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    onStageResized({ width: stage.clientWidth, height: stage.clientHeight });
    const observer = new ResizeObserver(([entry]) => {
      if (entry) onStageResized({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(stage);
    return () => observer.disconnect();
  }, [onStageResized]);

  // React's wheel listener is passive; zooming must stop the page from scrolling.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = stage.getBoundingClientRect();
      onWheelZoom(Math.exp(-event.deltaY * 0.0015), { x: event.clientX - rect.left, y: event.clientY - rect.top });
    };
    stage.addEventListener('wheel', onWheel, { passive: false });
    return () => stage.removeEventListener('wheel', onWheel);
  }, [onWheelZoom]);

  const onPointerDown = (event: PointerEvent) => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, y: event.clientY };
    setDragging(true);
  };
  const onPointerMove = (event: PointerEvent) => {
    if (!drag.current) return;
    onPan(event.clientX - drag.current.x, event.clientY - drag.current.y);
    drag.current = { x: event.clientX, y: event.clientY };
  };
  const onPointerUp = () => {
    drag.current = null;
    setDragging(false);
  };

  const style = {
    width: imageSize.width,
    height: imageSize.height,
    transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
  };

  return (
    <div
      ref={stageRef}
      className={`viewer-stage${dragging ? ' is-dragging' : ''}`}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={(event) => {
        const rect = event.currentTarget.getBoundingClientRect();
        onDoubleClick({ x: event.clientX - rect.left, y: event.clientY - rect.top });
      }}
    >
      {!loaded && <img className="viewer-thumb" src={thumbnail} alt="" style={style} draggable={false} />}
      <img
        className={`viewer-full${loaded ? ' is-loaded' : ''}`}
        src={full}
        alt={alt}
        style={style}
        draggable={false}
        decoding="async"
        onLoad={(event) => {
          setLoaded(true);
          onNaturalSize({ width: event.currentTarget.naturalWidth, height: event.currentTarget.naturalHeight });
        }}
      />
      {!loaded && <div className="viewer-loading" aria-hidden="true" />}
    </div>
  );
}
