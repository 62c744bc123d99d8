import { useState } from 'react';
import { useStageGestures } from './useStageGestures';
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
  const [loaded, setLoaded] = useState(false);
  const { ref, dragging, handlers } = useStageGestures({ onResized: onStageResized, onWheelZoom, onPan });

  const style = {
    width: imageSize.width,
    height: imageSize.height,
    transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`,
  };

  return (
    <div
      ref={ref}
      className={`viewer-stage${dragging ? ' is-dragging' : ''}`}
      {...handlers}
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
