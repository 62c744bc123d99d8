import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import { dispatch } from '../../src/main/ipc/dispatch';
import type { EventName, GalleryQuery } from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import { callChannel, until } from '../support/services';

/**
 * The services the UI talks to, end to end against the stand-in: IPC handlers, actions and their
 * outbox, offline mode, live job events and media. Layers below have their own suites
 * (test/main/{api,cache,sync,uploads}).
 */
const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

let server: StandIn;
let dataDir: string;
let services: AppServices;
let events: { name: EventName; payload: unknown }[];

async function open(): Promise<AppServices> {
  const opened = createAppServices({
    rootDir: dataDir,
    serverUrl: server.url,
    tokens: memoryTokens(),
    probeIntervalMs: 100,
  });
  opened.onEvent((name, payload) => events.push({ name, payload }));
  await opened.start();
  return opened;
}

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);

/** Enqueues one model-free `blank_image` job, as the real server runs it; answers its item id. */
async function enqueueBlank(options: { useCache: boolean; size: number }): Promise<number> {
  const node = {
    id: 'blank',
    type: 'blank_image',
    width: options.size,
    height: options.size,
    is_intermediate: false,
    use_cache: options.useCache,
  };
  const response = await fetch(`${server.url}/api/v1/queue/default/enqueue_batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prepend: false, batch: { runs: 1, graph: { id: 'g', nodes: { blank: node }, edges: [] } } }),
  });
  return ((await response.json()) as { item_ids: number[] }).item_ids[0]!;
}

beforeEach(async () => {
  server = await startStandIn({ images: 200, seed: 11, queueItems: 20, jobStepMs: 5 });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-services-'));
  events = [];
  services = await open();
  await services.session().sync.sync();
});

afterEach(async () => {
  await services.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('services behind the IPC contract', () => {
  it('pages the synced gallery with an exact total', async () => {
    const visible = server.state.gallery.queryImages({ is_intermediate: false }).images.length;
    const page = await call<{ items: unknown[]; total: number }>('images.page', { query: ALL, offset: 0, limit: 50 });
    expect(page.total).toBe(visible);
    expect(page.items).toHaveLength(50);
  });

  it('gives a searched page and its count in two calls that agree with the page and total of one', async () => {
    // The model is in the metadata: the background backfill must have written it.
    await services.session().sync.metadataIdle();
    const query = { ...ALL, search: 'model:d -zzz' };
    const page = await call<{ items: { image_name: string }[]; total: number }>('images.page', { query, offset: 0, limit: 1 });
    expect(page.total).toBeGreaterThan(1);
    const items = await call<{ image_name: string }[]>('images.list', { query, offset: 0, limit: 1 });
    expect(items.map((item) => item.image_name)).toEqual(page.items.map((item) => item.image_name));
    expect(await call<number>('images.count', { query })).toBe(page.total);
  });

  it('names a whole view in one call, in the order the grid shows it', async () => {
    const query = { ...ALL, starredFirst: true };
    const page = await call<{ items: { image_name: string }[]; total: number }>('images.page', { query, offset: 0, limit: 1000 });
    const names = await call<string[]>('images.names', { query, offset: 0, limit: page.total });
    expect(names).toEqual(page.items.map((image) => image.image_name));
    expect(await call<string[]>('images.names', { query, offset: 10, limit: 5 })).toEqual(names.slice(10, 15));
  });

  it('reads the prompt of an image the viewer opens before the background backfill has it', async () => {
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
    // Every metadata request fails while the first sync runs, so the backfill has no prompts yet.
    server.faults.add({ pathPrefix: '/api/v1/images/i/', errorRate: 1 });
    services = await open();
    await services.session().sync.sync();
    const cache = services.session().cache;
    const image = server.state.gallery
      .queryImages({ is_intermediate: false })
      .images.find((candidate) => cache.imageDetails(candidate.image_name)?.metadata_loaded === false)!;
    expect(image).toBeDefined();
    server.faults.clear();
    const metadata = (await (await fetch(`${server.url}/api/v1/images/i/${image.image_name}/metadata`)).json()) as {
      positive_prompt: string;
    };
    const details = await call<{ metadata_loaded: boolean; positive_prompt: string | null }>('images.details', {
      image_name: image.image_name,
    });
    expect(details).toMatchObject({ metadata_loaded: true, positive_prompt: metadata.positive_prompt });
  });

  it('stars an image on the server and in the cache at once', async () => {
    const image = server.state.gallery.queryImages({ is_intermediate: false, starred_first: false }).images.find((r) => !r.starred)!;
    await call('images.star', { image_names: [image.image_name], starred: true });
    expect(server.state.gallery.getImage(image.image_name)?.starred).toBe(true);
    const details = await call<{ image: { starred: boolean } }>('images.details', { image_name: image.image_name });
    expect(details.image.starred).toBe(true);
    expect(events.some((event) => event.name === 'gallery.changed')).toBe(true);
  });

  it('stars a selection larger than the server takes in one call, and says which names were gone', async () => {
    const real = server.state.gallery.queryImages({ is_intermediate: false }).images.map((image) => image.image_name);
    const gone = Array.from({ length: 1500 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}.png`);
    await call('images.star', { image_names: [...real, ...gone], starred: true });
    expect(real.every((name) => server.state.gallery.getImage(name)?.starred)).toBe(true);
    const notice = events.find((event) => event.name === 'notice');
    expect(notice?.payload).toMatchObject({ level: 'warning', message: expect.stringMatching(/1,500 images no longer exist/) });
  });

  it('creates a board on the server and answers with the server id', async () => {
    const board = await call<{ board_id: string; pending: boolean }>('boards.create', { name: 'Sketches' });
    expect(server.state.gallery.getBoard(board.board_id)?.board_name).toBe('Sketches');
    expect(board.pending).toBe(false);
  });

  it('queues actions while the server is down, shows them, and replays them in order when it is back', async () => {
    const [first, second] = server.state.gallery.queryImages({ is_intermediate: false, board_id: 'none' }).images;
    await server.goDown();
    await until('offline', () =>
      services
        .session()
        .probe()
        .then((online) => !online),
    );
    expect(services.session().status().connection).toBe('offline');
    expect(services.session().status().offline_since).toBeInstanceOf(Date);

    // Offline: a new board, two images moved into it, one starred: all visible in the cache now.
    const board = await call<{ board_id: string; pending: boolean }>('boards.create', { name: 'Made offline' });
    expect(board.pending).toBe(true);
    await call('images.move', { image_names: [first!.image_name, second!.image_name], board: board.board_id });
    await call('images.star', { image_names: [first!.image_name], starred: true });
    const inBoard = await call<{ total: number }>('images.page', { query: { ...ALL, board: board.board_id }, offset: 0, limit: 10 });
    expect(inBoard.total).toBe(2);
    expect((await call<{ outbox: number }>('app.status', {})).outbox).toBe(3);

    await server.comeBack();
    await until('the outbox to drain', async () => (await call<{ outbox: number }>('app.status', {})).outbox === 0);
    const created = [...server.state.gallery.boards.values()].find((b) => b.board_name === 'Made offline');
    expect(created).toBeDefined();
    expect(server.state.gallery.getImage(first!.image_name)?.board_id).toBe(created!.board_id);
    expect(server.state.gallery.getImage(second!.image_name)?.board_id).toBe(created!.board_id);
    expect(server.state.gallery.getImage(first!.image_name)?.starred).toBe(true);
    // The local board became the server's board; nothing is left under the local id.
    const list = await call<{ boards: { board_id: string; board_name: string }[] }>('boards.list', { include_archived: true });
    expect(list.boards.filter((b) => b.board_name === 'Made offline').map((b) => b.board_id)).toEqual([created!.board_id]);
  });

  it('keeps queued actions across a restart', async () => {
    const image = server.state.gallery.queryImages({ is_intermediate: false, starred_first: false }).images.find((r) => !r.starred)!;
    await server.goDown();
    await until('offline', () =>
      services
        .session()
        .probe()
        .then((online) => !online),
    );
    await call('images.star', { image_names: [image.image_name], starred: true });
    await services.stop();

    await server.comeBack();
    services = await open();
    await until('the replay after restart', () => server.state.gallery.getImage(image.image_name)?.starred === true);
  });

  it('ends a conflict in a clear message and puts the server state back', async () => {
    const board = await call<{ board_id: string }>('boards.create', { name: 'Doomed' });
    const image = server.state.gallery.queryImages({ is_intermediate: false, board_id: 'none' }).images[0]!;
    await server.goDown();
    await until('offline', () =>
      services
        .session()
        .probe()
        .then((online) => !online),
    );
    await call('images.move', { image_names: [image.image_name], board: board.board_id });
    // Behind the app's back, someone deletes the board the images were moved to.
    server.state.gallery.deleteBoard(board.board_id, false);
    await server.comeBack();

    const notice = await until('a notice', () => events.find((event) => event.name === 'notice'));
    expect(JSON.stringify(notice.payload)).toMatch(/Moving 1 image to a board failed/);
    await until('the cache to follow the server', async () => {
      const details = await call<{ image: { board_id: string | null } }>('images.details', { image_name: image.image_name });
      return details.image.board_id === null;
    });
    expect(server.state.gallery.getImage(image.image_name)?.board_id ?? null).toBeNull();
  });

  it('opens offline from the cache: every filter and search works, and it knows since when', async () => {
    const someWord = (await call<{ items: { image_name: string }[] }>('images.page', { query: ALL, offset: 0, limit: 1 })).items[0]!;
    await services.session().sync.metadataIdle();
    await services.stop();
    await server.goDown();

    services = await open();
    const status = await call<{ connection: string; offline_since: Date | null; last_sync: unknown }>('app.status', {});
    expect(status.connection).toBe('offline');
    expect(status.offline_since).toBeInstanceOf(Date);
    expect(status.last_sync).not.toBeNull();
    const assets = await call<{ total: number }>('images.page', {
      query: { ...ALL, categories: ['user', 'control', 'mask', 'other'] },
      offset: 0,
      limit: 10,
    });
    expect(assets.total).toBe(
      server.state.gallery.queryImages({ is_intermediate: false, categories: ['user', 'control', 'mask', 'other'] }).images.length,
    );
    const byName = await call<{ items: { image_name: string }[] }>('images.page', {
      query: { ...ALL, search: someWord.image_name.slice(0, 8) },
      offset: 0,
      limit: 10,
    });
    expect(byName.items.map((image) => image.image_name)).toContain(someWord.image_name);
    // A thumbnail fetched while online is still served; one never fetched is a clear 404.
    await server.comeBack();
  });

  it('turns socket events into job updates and new images without a sync', async () => {
    const before = (await call<{ total: number }>('images.page', { query: ALL, offset: 0, limit: 1 })).total;
    const itemId = await enqueueBlank({ useCache: false, size: 64 });
    await until('the job to complete in the cache', () => services.session().cache.job(itemId)?.status === 'completed');
    expect(events.some((event) => event.name === 'job.progress' && (event.payload as { job_id: string }).job_id === String(itemId))).toBe(
      true,
    );
    const outputs = await until('the output image', () =>
      call<unknown[]>('jobs.outputs', { job_id: String(itemId) }).then((o) => o.length > 0 && o),
    );
    expect(outputs).toHaveLength(1);
    await until(
      'the gallery total to grow',
      async () => (await call<{ total: number }>('images.page', { query: ALL, offset: 0, limit: 1 })).total === before + 1,
    );
  });

  it('lists the output of a job whose node reused an earlier identical run (use_cache)', async () => {
    const enqueue = () => enqueueBlank({ useCache: true, size: 48 });
    const first = await enqueue();
    await until('the first job', () => services.session().cache.job(first)?.status === 'completed');
    const second = await enqueue();
    await until('the second job', () => services.session().cache.job(second)?.status === 'completed');
    await services.session().syncNow();
    const firstOutputs = await until('the first output', () =>
      call<{ image_name: string }[]>('jobs.outputs', { job_id: String(first) }).then((outputs) => (outputs.length > 0 ? outputs : null)),
    );
    const original = firstOutputs[0];
    const reused = await call<{ image_name: string }[]>('jobs.outputs', { job_id: String(second) });
    expect(reused.map((image) => image.image_name)).toEqual([original!.image_name]);
  });

  it('serves media only for valid image names', async () => {
    const name = server.state.gallery.queryImages({ is_intermediate: false }).images[0]!.image_name;
    const thumbnail = await services.media.fromUrl(`ivk-media://thumbnails/${name}`);
    expect(thumbnail.ok && thumbnail.contentType).toBe('image/webp');
    const cached = await services.media.get('thumbnails', name);
    expect(cached.ok).toBe(true);
    for (const bad of ['../settings.json', '..%2F..%2Fetc%2Fpasswd', 'a/b.png', '/etc/passwd', 'x.png\0.webp', '']) {
      const result = await services.media.get('thumbnails', bad);
      expect(result.ok, bad).toBe(false);
    }
    for (const url of [
      'ivk-media://thumbnails/..%2Fcache.sqlite',
      'ivk-media://elsewhere/a.png',
      'ivk-media://thumbnails/a/b',
      'file:///etc/passwd',
    ]) {
      expect((await services.media.fromUrl(url)).ok, url).toBe(false);
    }
  });

  it('refuses bad IPC input before it touches anything', async () => {
    const envelope = await dispatch(
      services.handlers,
      'images.page',
      { query: { ...ALL, board: '' }, offset: -1, limit: 10 },
      { describeError: services.describeError },
    );
    expect(envelope.ok).toBe(false);
    expect(!envelope.ok && envelope.error.code).toBe('invalid_input');
  });

  it('tests a server address without switching to it', async () => {
    const good = await call<{ ok: boolean; version: string | null }>('settings.testConnection', { server_url: server.url });
    expect(good).toMatchObject({ ok: true, version: '6.14.2' });
    const bad = await call<{ ok: boolean; message: string }>('settings.testConnection', { server_url: 'http://127.0.0.1:9' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/cannot be reached/);
  });
});
