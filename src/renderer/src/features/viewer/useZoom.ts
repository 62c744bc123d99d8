import { useCallback, useState } from 'react';

export interface Size {
  width: number;
  height: number;
}

/** Fit follows the window; once the user zooms or pans, the view holds still until Fit again. */
type ZoomState = { mode: 'fit' } | { mode: 'free'; scale: number; x: number; y: number };

export interface View {
  scale: number;
  x: number;
  y: number;
}

const MIN_SCALE = 0.05;
const MAX_SCALE = 16;

function fitted(stage: Size, image: Size): View {
  if (stage.width <= 0 || stage.height <= 0) return { scale: 1, x: 0, y: 0 };
  const scale = Math.min(stage.width / image.width, stage.height / image.height);
  return { scale, x: (stage.width - image.width * scale) / 2, y: (stage.height - image.height * scale) / 2 };
}

/** Zoom and pan over an image of a known size inside a stage: wheel, keys, buttons and drags. */
export function useZoom(stage: Size, image: Size) {
  const [state, setState] = useState<ZoomState>({ mode: 'fit' });
  const view: View = state.mode === 'fit' ? fitted(stage, image) : state;

  const zoomBy = useCallback(
    (factor: number, at?: { x: number; y: number }) =>
      setState((current) => {
        const from = current.mode === 'fit' ? fitted(stage, image) : current;
        const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, from.scale * factor));
        const point = at ?? { x: stage.width / 2, y: stage.height / 2 };
        // Keep the image point under the cursor where it is.
        const ratio = scale / from.scale;
        return { mode: 'free', scale, x: point.x - (point.x - from.x) * ratio, y: point.y - (point.y - from.y) * ratio };
      }),
    [stage, image],
  );

  const fit = useCallback(() => setState({ mode: 'fit' }), []);

  const actualSize = useCallback(
    () => setState({ mode: 'free', scale: 1, x: (stage.width - image.width) / 2, y: (stage.height - image.height) / 2 }),
    [stage, image],
  );

  const panBy = useCallback(
    (dx: number, dy: number) =>
      setState((current) => {
        const from = current.mode === 'fit' ? fitted(stage, image) : current;
        return { mode: 'free', scale: from.scale, x: from.x + dx, y: from.y + dy };
      }),
    [stage, image],
  );

  return { view, isFit: state.mode === 'fit', zoomBy, fit, actualSize, panBy };
}
