export interface Size {
  width: number;
  height: number;
}

/** Where an image is drawn: scaled by `scale` from its top-left corner at (x, y). */
export interface View {
  scale: number;
  x: number;
  y: number;
}

/**
 * One zoom and pan for every compared image. Each image is first fitted to its pane; the shared
 * transform then scales about the pane's centre by `k` and shifts by `(x, y)` pixels, so the same
 * spot of images of one size sits at the same place in every pane, whatever their sizes.
 */
export interface SharedZoom {
  k: number;
  x: number;
  y: number;
}

export const FITTED: SharedZoom = { k: 1, x: 0, y: 0 };
const MIN_K = 0.2;
const MAX_K = 32;

function fitted(pane: Size, image: Size): View {
  if (pane.width <= 0 || pane.height <= 0 || image.width <= 0 || image.height <= 0) return { scale: 1, x: 0, y: 0 };
  const scale = Math.min(pane.width / image.width, pane.height / image.height);
  return { scale, x: (pane.width - image.width * scale) / 2, y: (pane.height - image.height * scale) / 2 };
}

/** Where an image of this size is drawn in a pane of this size under the shared zoom. */
export function viewIn(pane: Size, image: Size, zoom: SharedZoom): View {
  const fit = fitted(pane, image);
  const cx = pane.width / 2;
  const cy = pane.height / 2;
  return { scale: fit.scale * zoom.k, x: cx + zoom.k * (fit.x - cx) + zoom.x, y: cy + zoom.k * (fit.y - cy) + zoom.y };
}

/** Zooms by `factor` keeping the point under `at` (pane pixels) where it is. */
export function zoomedAt(zoom: SharedZoom, factor: number, at: { x: number; y: number }, pane: Size): SharedZoom {
  const k = Math.min(MAX_K, Math.max(MIN_K, zoom.k * factor));
  const applied = k / zoom.k;
  const dx = at.x - pane.width / 2;
  const dy = at.y - pane.height / 2;
  return { k, x: dx - applied * (dx - zoom.x), y: dy - applied * (dy - zoom.y) };
}

export function pannedBy(zoom: SharedZoom, dx: number, dy: number): SharedZoom {
  return { k: zoom.k, x: zoom.x + dx, y: zoom.y + dy };
}
