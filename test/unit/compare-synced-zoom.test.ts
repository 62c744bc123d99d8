import { describe, expect, it } from 'vitest';
import { FITTED, pannedBy, viewIn, zoomedAt } from '../../src/shared/compare';

const pane = { width: 400, height: 300 };

describe('synced zoom of compared images', () => {
  it('fits each image to its pane before zooming', () => {
    expect(viewIn(pane, { width: 1024, height: 1024 }, FITTED)).toEqual({ scale: 300 / 1024, x: 50, y: 0 });
    expect(viewIn(pane, { width: 800, height: 300 }, FITTED)).toEqual({ scale: 0.5, x: 0, y: 75 });
  });

  it('keeps the image point under the pointer in place while zooming', () => {
    const image = { width: 1024, height: 1024 };
    const at = { x: 120, y: 80 };
    const before = viewIn(pane, image, FITTED);
    const pointBefore = { x: (at.x - before.x) / before.scale, y: (at.y - before.y) / before.scale };
    const after = viewIn(pane, image, zoomedAt(FITTED, 2.5, at, pane));
    expect(after.scale).toBeCloseTo(before.scale * 2.5);
    expect((at.x - after.x) / after.scale).toBeCloseTo(pointBefore.x);
    expect((at.y - after.y) / after.scale).toBeCloseTo(pointBefore.y);
  });

  it('puts the same spot of two same-sized images at the same place, zoomed and panned', () => {
    const zoom = pannedBy(zoomedAt(FITTED, 3, { x: 300, y: 100 }, pane), -40, 25);
    const a = viewIn(pane, { width: 512, height: 512 }, zoom);
    const b = viewIn(pane, { width: 512, height: 512 }, zoom);
    expect(a).toEqual(b);
    expect(zoom.k).toBe(3);
  });

  it('stops zooming at its limits', () => {
    expect(zoomedAt(FITTED, 1000, { x: 0, y: 0 }, pane).k).toBe(32);
    expect(zoomedAt(FITTED, 0.001, { x: 0, y: 0 }, pane).k).toBe(0.2);
  });
});
