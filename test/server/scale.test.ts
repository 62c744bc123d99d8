/** Gallery scale: 100,000 images and 10,000 queue items start and answer (no timing asserted). */
import { describe, expect, it } from 'vitest';
import { startStandIn } from './index';

describe('scale', () => {
  it('serves /images/names and DTOs at 100k images', async () => {
    const s = await startStandIn({ images: 100_000, queueItems: 10_000, paused: true });
    const getJson = async (path: string, init?: RequestInit): Promise<any> => (await fetch(`${s.url}${path}`, init)).json();
    try {
      const names = await getJson('/api/v1/images/names');
      expect(names.total_count).toBe(100_000);
      expect(names.image_names).toHaveLength(100_000);
      const dtos = await getJson('/api/v1/images/images_by_names', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ image_names: names.image_names.slice(-1000) }),
      });
      expect(dtos).toHaveLength(1000);
      const boards = await getJson('/api/v1/boards/?all=true');
      expect(boards.reduce((n: number, b: any) => n + b.image_count + b.asset_count, 0)).toBeGreaterThan(50_000);
      const ids = await getJson('/api/v1/queue/default/item_ids');
      expect(ids.total_count).toBe(10_000);
    } finally {
      await s.close();
    }
  });
});
