import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvokeClient } from '../../../src/main/api/client';
import { openCache, type Cache } from '../../../src/main/cache';
import { SyncEngine } from '../../../src/main/sync';
import type { GalleryQuery, SyncProgress } from '../../../src/shared/ipc';
import { ImageCategoryValues } from '../../../src/shared/models';
import { startRealServer, type RealServer } from '../../real/server';
import { imagesOnly, imageOnly } from '../../support/gallery-items';

/**
 * The same sync against the real InvokeAI 6.14.2 (test/real installs it; about a minute to start
 * and populate). Opt-in, since `npm test` stays fast: INVOKEAI_REAL=1 npx vitest run test/main/sync.
 */
const everything: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

describe.skipIf(!process.env.INVOKEAI_REAL)('sync against the real InvokeAI 6.14.2 (INVOKEAI_REAL=1)', () => {
  let real: RealServer;
  let api: InvokeClient;
  let cache: Cache;
  let engine: SyncEngine;
  let dir: string;
  const progress: SyncProgress[] = [];

  beforeAll(async () => {
    real = await startRealServer({ populate: true, log: () => {} });
    api = new InvokeClient({ baseUrl: real.url });
    dir = mkdtempSync(join(tmpdir(), 'ivk-real-sync-'));
    cache = openCache({ dataDir: dir, profileKey: 'real' });
    engine = new SyncEngine({ api, cache, onProgress: (report) => progress.push(report) });
  }, 600_000);

  afterAll(async () => {
    await engine?.close();
    cache?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await real?.close();
  }, 60_000);

  /** Every image the server lists, with its board, star and category, in the server's order. */
  async function expectSameAsServer() {
    const { image_names } = await api.imageNames({ is_intermediate: false, starred_first: false, order_dir: 'DESC' });
    const dtos = await api.imagesByNames(image_names);
    const cached = imagesOnly(cache.listImages(everything, 0, 10_000));
    expect(cached.map((image) => image.image_name)).toEqual(image_names);
    const state = (image: { image_name: string; board_id?: string | null; image_category: string; starred: boolean }) =>
      `${image.image_name} ${image.board_id ?? 'none'} ${image.image_category} ${image.starred}`;
    expect(cached.map(state).sort()).toEqual(dtos.map(state).sort());
  }

  it('copies the gallery, its prompts and its jobs in gallery order', async () => {
    const summary = await engine.sync();
    expect(summary.added).toBeGreaterThan(0);
    await expectSameAsServer();
    // While it ran, the status carried what the server lists: per category and starred, per board.
    const listed = progress.find((report) => report.phase === 'images')!.listed!;
    for (const category of ImageCategoryValues) {
      const names = await api.imageNames({ categories: [category], is_intermediate: false, starred_first: true });
      expect(listed.categories[category], category).toEqual({ total: names.image_names.length, starred: names.starred_count });
    }
    for (const board of await api.listBoards(true)) {
      expect(listed.boards[board.board_id]).toEqual({ images: board.image_count, assets: board.asset_count });
    }
    await engine.metadataIdle();
    expect(cache.metadataBacklogSize()).toBe(0);
    const described = imagesOnly(cache.listImages(everything, 0, 10_000))
      .map((image) => cache.imageDetails(image.image_name)!)
      .find((details) => details.positive_prompt);
    const word = described!.positive_prompt!.split(/\W+/).find((w) => w.length > 4)!;
    expect(imagesOnly(cache.listImages({ ...everything, search: word }, 0, 1000)).map((i) => i.image_name)).toContain(
      imageOnly(described!.image).image_name,
    );
    const jobs = cache.pageJobs({ statuses: [], offset: 0, limit: 500 });
    expect(new Set(jobs.items.map((job) => job.status))).toEqual(new Set(['completed', 'failed', 'cancelled']));
  }, 120_000);

  it('finds stars, moves, a category change and a delete made through the API', async () => {
    const { image_names: names } = await api.imageNames({ is_intermediate: false, starred_first: false });
    const [board] = await api.listBoards(true);
    const before = new Map((await api.imagesByNames(names.slice(0, 8))).map((dto) => [dto.image_name, dto]));
    await api.starImages([names[0]!, names[1]!].filter((name) => !before.get(name)!.starred));
    await api.addImagesToBoard(
      board!.board_id,
      [names[3]!, names[4]!].filter((name) => before.get(name)!.board_id !== board!.board_id),
    );
    const category = before.get(names[6]!)!.image_category === 'control' ? 'mask' : 'control';
    const patched = await fetch(`${real.url}/api/v1/images/i/${names[6]}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ image_category: category }),
    });
    expect(patched.status).toBe(200);
    await api.deleteImages([names[7]!]);
    const summary = await engine.sync();
    expect(summary.deleted).toBe(1);
    await expectSameAsServer();
    expect((await engine.sync()).text).toBe('up to date');
  }, 120_000);
});
