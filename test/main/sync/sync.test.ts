import { describe, expect, it } from 'vitest';
import type { Cache } from '../../../src/main/cache';
import type { GalleryQuery } from '../../../src/shared/ipc';
import { ImageCategoryValues } from '../../../src/shared/models';
import type { StandIn } from '../../server';
import { serverImages, useWorld } from './harness';
import { imagesOnly, imageOnly } from '../../support/gallery-items';

const world = useWorld();

const everything = (overrides: Partial<GalleryQuery> = {}): GalleryQuery => ({
  board: 'all',
  categories: [],
  starredOnly: false,
  starredFirst: false,
  search: '',
  order: 'newest',
  ...overrides,
});

/** Every cached image's board, category and star, against the server's. */
function expectSameGallery(cache: Cache, server: StandIn) {
  const cached = imagesOnly(cache.listImages(everything(), 0, 100_000));
  const expected = serverImages(server).sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  expect(cached.map((image) => image.image_name).sort()).toEqual(expected.map((image) => image.image_name).sort());
  const state = (image: { image_name: string; board_id: string | null; image_category: string; starred: boolean }) =>
    `${image.image_name} ${image.board_id ?? 'none'} ${image.image_category} ${image.starred}`;
  expect(cached.map(state).sort()).toEqual(expected.map(state).sort());
}

describe('first sync', () => {
  it('copies boards, images, jobs and models, with counts matching the server', async () => {
    const { server, cache, engine } = await world();
    const summary = await engine.sync();
    const images = serverImages(server);
    expect(summary).toMatchObject({ images: images.length, added: images.length, moved: 0, deleted: 0, updated: 0 });
    expect(summary.text).toBe(`+${images.length} new, ${summary.jobs} new jobs`);
    expect(summary.boards).toBe(server.state.gallery.boards.size);
    expect(summary.jobs).toBe(server.state.queue.store.items.size);
    expectSameGallery(cache, server);

    const list = cache.boardList(true);
    for (const board of list.boards) {
      const inBoard = images.filter((image) => image.board_id === board.board_id);
      expect([board.board_id, board.image_count, board.asset_count]).toEqual([
        board.board_id,
        inBoard.filter((image) => image.image_category === 'general').length,
        inBoard.filter((image) => image.image_category !== 'general').length,
      ]);
    }
    expect(list.uncategorized.image_count + list.uncategorized.asset_count).toBe(images.filter((image) => image.board_id === null).length);
    expect(cache.countImages(everything({ starredOnly: true }))).toBe(images.filter((image) => image.starred).length);
    expect(cache.models().length).toBeGreaterThan(0);
    expect(engine.lastSummary()).toEqual(summary);
  });

  it('makes the gallery browsable before any prompt is read, then fills prompts in the background', async () => {
    const { server, cache, engine, counting } = await world();
    await engine.sync();
    const newest = imageOnly(cache.listImages(everything(), 0, 1)[0]!);
    await engine.metadataIdle();
    expect(cache.metadataBacklogSize()).toBe(0);
    const images = serverImages(server);
    expect(new Set(counting.metadataNames).size).toBe(counting.metadataNames.length);
    expect(counting.metadataNames[0]).toBe(newest.image_name);
    const described = images.find((image) => image.metadata !== null)!;
    const prompt = (JSON.parse(described.metadata!) as { positive_prompt: string }).positive_prompt;
    expect(cache.imageDetails(described.image_name)).toMatchObject({ metadata_loaded: true, positive_prompt: prompt });
    const word = prompt.split(/\W+/).find((w) => w.length > 4)!;
    expect(imagesOnly(cache.listImages(everything({ search: word }), 0, 1000)).map((image) => image.image_name)).toContain(
      described.image_name,
    );
  });

  it('links jobs to the images they made', async () => {
    const { server, cache, engine } = await world();
    await engine.sync();
    const job = [...server.state.queue.store.items.values()].find(
      (item) => item.status === 'completed' && serverImages(server).some((image) => image.session_id === item.session_id),
    )!;
    const outputs = cache.jobOutputs(String(job.item_id)).map((image) => image.image_name);
    expect(outputs).toEqual(
      serverImages(server)
        .filter((image) => image.session_id === job.session_id)
        .map((image) => image.image_name),
    );
  });

  it('reports each phase as it goes, then the backfill, then idle', async () => {
    const { engine, progress } = await world();
    await engine.sync();
    await engine.metadataIdle();
    const phases = progress.map((p) => p.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual(['boards', 'names', 'images', 'jobs', 'models', 'metadata', 'idle']);
    const images = progress.filter((p) => p.phase === 'images');
    expect(images.at(-1)!.done).toBe(images.at(-1)!.total);
    expect(engine.progress).toEqual({ phase: 'idle', done: 0, total: 0 });
  });
});

describe('the name lists’ counts', () => {
  it('come with every report from the moment the lists are in until the run ends, per category and starred', async () => {
    const { server, engine, progress } = await world();
    await engine.sync();
    const images = serverImages(server);
    const categories = Object.fromEntries(
      ImageCategoryValues.map((category) => {
        const inCategory = images.filter((image) => image.image_category === category);
        return [category, { total: inCategory.length, starred: inCategory.filter((image) => image.starred).length }];
      }),
    );
    // The stand-in's gallery has starred images and assets, so each count is tested.
    expect(categories.general!.starred).toBeGreaterThan(0);
    expect(images.some((image) => image.image_category !== 'general')).toBe(true);

    const listedFrom = progress.findIndex((report) => report.listed !== undefined);
    expect(progress.slice(0, listedFrom).map((report) => report.phase)).not.toContain('images');
    const during = progress.slice(listedFrom).filter((report) => report.phase !== 'idle' && report.phase !== 'metadata');
    expect(during.map((report) => report.phase)).toContain('images');
    // Each board's counts are the board list's: general images and assets, as on the server.
    const boards = Object.fromEntries(
      [...server.state.gallery.boards.keys()].map((boardId) => {
        const onBoard = images.filter((image) => image.board_id === boardId);
        const general = onBoard.filter((image) => image.image_category === 'general').length;
        return [boardId, { images: general, assets: onBoard.length - general }];
      }),
    );
    expect(Object.values(boards).some((board) => board.images > 0 && board.assets > 0)).toBe(true);
    for (const report of during) expect(report.listed).toEqual({ categories, foreign: { total: 0, starred: 0 }, boards });
    expect(engine.progress.listed).toBeUndefined();
  });
});

describe('incremental sync', () => {
  it('finds stars, moves, category changes, deletes and uploads made behind the app', async () => {
    const { server, cache, engine, counting } = await world();
    await engine.sync();
    await engine.metadataIdle();
    const gallery = server.state.gallery;
    const images = serverImages(server);
    const board = [...gallery.boards.values()][0]!;
    gallery.setStarred([images[0]!.image_name, images[1]!.image_name], !images[0]!.starred);
    gallery.moveImages(
      images.slice(10, 13).map((image) => image.image_name),
      images[10]!.board_id === board.board_id ? null : board.board_id,
    );
    gallery.updateImage(images[20]!.image_name, { image_category: images[20]!.image_category === 'mask' ? 'user' : 'mask' });
    gallery.deleteImages([images[30]!.image_name]);
    const uploaded = gallery.addImage({
      image_origin: 'external',
      image_category: 'user',
      width: 64,
      height: 64,
      is_intermediate: false,
      board_id: null,
      session_id: null,
      node_id: null,
      metadata: JSON.stringify({ positive_prompt: 'an uploaded zyzzyva doodle' }),
      workflow: null,
      graph: null,
      source: { kind: 'pattern', seed: 1 },
    });
    counting.reset();

    const summary = await engine.sync();
    expect(summary).toMatchObject({ added: 1, moved: 3, deleted: 1, updated: 3 });
    expect(summary.text).toBe('+1 new, 3 moved, 1 deleted, 3 updated');
    expectSameGallery(cache, server);
    // Only the new image and the changed ones were fetched again.
    expect(counting.dtoNames.sort()).toEqual(
      [
        uploaded.image_name,
        images[0]!.image_name,
        images[1]!.image_name,
        ...images.slice(10, 13).map((i) => i.image_name),
        images[20]!.image_name,
      ].sort(),
    );
    await engine.metadataIdle();
    expect(counting.metadataNames).toEqual([uploaded.image_name]);
    expect(imagesOnly(cache.listImages(everything({ search: 'zyzzyva dood' }), 0, 10)).map((image) => image.image_name)).toEqual([
      uploaded.image_name,
    ]);
  });

  it('asks for nothing but lists when nothing changed', async () => {
    const { engine, counting } = await world();
    await engine.sync();
    await engine.metadataIdle();
    counting.reset();
    const summary = await engine.sync();
    expect(summary.text).toBe('up to date');
    expect(counting.dtoRequests()).toBe(0);
    expect(counting.count('queueItemsByIds')).toBe(0);
    expect(counting.count('imageMetadata')).toBe(0);
  });

  it('follows boards created, renamed, archived and deleted on the server', async () => {
    const { server, cache, engine } = await world();
    await engine.sync();
    const gallery = server.state.gallery;
    const [first, second] = [...gallery.boards.values()];
    const created = gallery.createBoard('Made elsewhere');
    first!.board_name = 'Renamed elsewhere';
    first!.archived = true;
    const moved = serverImages(server).filter((image) => image.board_id === second!.board_id);
    gallery.deleteBoard(second!.board_id, false);
    const summary = await engine.sync();
    const boards = new Map(cache.boardList(true).boards.map((board) => [board.board_id, board]));
    expect(boards.get(created.board_id)?.board_name).toBe('Made elsewhere');
    expect(boards.get(first!.board_id)).toMatchObject({ board_name: 'Renamed elsewhere', archived: true });
    expect(boards.has(second!.board_id)).toBe(false);
    expect(summary.moved).toBe(moved.length);
    expectSameGallery(cache, server);
  });

  it('fetches only new jobs and the unfinished ones', async () => {
    const { server, cache, engine, counting } = await world({ paused: true });
    await engine.sync();
    const unfinished = cache.unfinishedJobIds();
    expect(unfinished.length).toBeGreaterThan(0);
    server.state.queue.resume();
    await waitFor(() =>
      [...server.state.queue.store.items.values()].every((item) => ['completed', 'failed', 'canceled'].includes(item.status)),
    );
    counting.reset();
    await engine.sync();
    expect(counting.count('queueItemsByIds')).toBe(1);
    expect(cache.unfinishedJobIds()).toEqual([]);
    for (const id of unfinished) {
      expect(cache.job(id)?.status).toBe(statusOf(server, id));
    }
  });
});

describe('changes made here', () => {
  it('are not undone by a sync while the outbox still holds them', async () => {
    const { server, cache, engine } = await world();
    await engine.sync();
    const image = serverImages(server).find((i) => !i.starred)!;
    cache.setStarred([image.image_name], true);
    const entry = cache.outbox.add('images.star', { image_names: [image.image_name], starred: true });
    await engine.sync();
    expect(cache.imageDetails(image.image_name)?.image.starred).toBe(true);
    // The server refused; the action engineer's code removes the entry. The next sync corrects it.
    cache.outbox.remove(entry);
    const summary = await engine.sync();
    expect(cache.imageDetails(image.image_name)?.image.starred).toBe(false);
    expect(summary.updated).toBe(1);
  });

  it('keep a local delete hidden until the server stops listing the image', async () => {
    const { server, cache, engine } = await world();
    await engine.sync();
    const image = serverImages(server)[5]!;
    cache.markDeleted([image.image_name]);
    cache.outbox.add('images.delete', { image_names: [image.image_name] });
    expect((await engine.sync()).deleted).toBe(0);
    expect(cache.imageDetails(image.image_name)).toBeNull();
    server.state.gallery.deleteImages([image.image_name]);
    const summary = await engine.sync();
    expect(summary.deleted).toBe(0);
    expect(cache.totals().images).toBe(serverImages(server).length);
  });
});

describe('running syncs', () => {
  it('coalesces requests made during a run into one more run', async () => {
    const { engine, counting } = await world();
    const first = engine.sync();
    const second = engine.sync();
    const third = engine.sync();
    expect(third).toBe(second);
    await Promise.all([first, second, third]);
    expect(counting.count('listBoards')).toBe(2);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function statusOf(server: StandIn, id: number): string {
  const wire = server.state.queue.store.items.get(id)!.status;
  return {
    pending: 'pending',
    waiting: 'pending',
    in_progress: 'running',
    completed: 'completed',
    failed: 'failed',
    canceled: 'cancelled',
  }[wire];
}
