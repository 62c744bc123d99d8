import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStatus, Board, ImagePage, UploadItem } from '../../src/shared/ipc';
import { imageBytes } from '../fixtures/images';
import { ALL, cacheDiff, cacheView, converged, openApp, serverView, until, type App } from './support/app';
import { startLoggedStandIn, type LoggedRequest, type LoggedStandIn } from './support/stand-in';

/**
 * The fault matrix: every fault the stand-in can make, during each thing the app does with the
 * server. In every cell, while the fault is on, the app
 *   - keeps answering IPC reads from the cache (`images.page`),
 *   - says what is going on (`app.status`: connection and message),
 *   - loses no cached record and no queued action;
 * and once the fault clears it converges on its own: the cache equals the server, the outbox is
 * empty, the status is online with no message. The app runs with its production timers (a sync
 * every minute) except the offline probe, which runs every 100 ms instead of 5 s, so convergence
 * comes from the app's own triggers (back online, socket reconnect, the retry after a failed
 * sync), not from a periodic sync that would hide a missing one.
 */

interface Fault {
  name: string;
  on(server: LoggedStandIn): void | Promise<void>;
  off(server: LoggedStandIn): void | Promise<void>;
  /** What the status must say once the activity has met the fault. */
  shows(status: AppStatus): boolean;
}

const FAULTS: Fault[] = [
  {
    name: 'latency',
    on: (server) => void server.faults.add({ latencyMs: 300 }),
    off: (server) => server.faults.clear(),
    // Slow is not broken: no alarm, and the app is not offline.
    shows: (status) => status.connection !== 'offline' && status.message === null,
  },
  {
    name: '5xx',
    on: (server) => void server.faults.add({ errorRate: 1, errorStatus: 500 }),
    off: (server) => server.faults.clear(),
    shows: (status) => /server failed \(500/.test(status.message ?? ''),
  },
  {
    name: 'dropped connection',
    on: (server) => void server.faults.add({ dropRate: 1, dropAfterFraction: 0.5 }),
    off: (server) => server.faults.clear(),
    shows: (status) => status.connection === 'offline' && /cannot be reached/.test(status.message ?? ''),
  },
  {
    name: 'malformed JSON',
    on: (server) => void server.faults.add({ malformedRate: 1 }),
    off: (server) => server.faults.clear(),
    shows: (status) => /damaged answer/.test(status.message ?? ''),
  },
  {
    name: 'server down then up',
    on: (server) => server.goDown(),
    off: (server) => server.comeBack(),
    shows: (status) => status.connection === 'offline' && status.offline_since !== null && /cannot be reached/.test(status.message ?? ''),
  },
  {
    name: 'socket drop',
    on: (server) => {
      server.faults.refuseSockets(true);
      server.faults.disconnectSockets();
    },
    off: (server) => server.faults.refuseSockets(false),
    // HTTP still works: online, and the status says live updates are interrupted.
    shows: (status) => status.connection === 'online' && /live updates/i.test(status.message ?? ''),
  },
];

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(): Promise<{ server: LoggedStandIn; dataDir: string; open: () => Promise<App> }> {
  // A paused queue: no job finishing on its own triggers a sync that would hide a missing one.
  const server = await startLoggedStandIn({ images: 150, seed: 5, queueItems: 4, jobStepMs: 2, paused: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-faults-'));
  cleanups.push(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const open = async () => {
    const app = await openApp({ dataDir, serverUrl: server.url, probeIntervalMs: 100 });
    cleanups.push(() => app.stop());
    return app;
  };
  return { server, dataDir, open };
}

/** An app that has synced once and is online with its socket connected. */
async function syncedApp(open: () => Promise<App>, server: LoggedStandIn): Promise<App> {
  const app = await open();
  await until('the first sync', async () => (await app.status()).last_sync !== null && cacheDiff(app.services, server).length === 0);
  await until('the live socket', () => app.services.session().events.state === 'connected');
  return app;
}

/**
 * Reads the gallery through IPC while the fault is on. For a slow server the answer must come
 * while one of the app's requests is still unanswered: reads never wait for the network.
 */
async function readsWhileFaulty(app: App, server: LoggedStandIn, fault: Fault): Promise<ImagePage> {
  const cached = app.services.session().cache.countImages(ALL);
  let held: LoggedRequest | undefined;
  if (fault.name === 'latency') {
    held = await until(
      'an app request held by the slow server',
      () => server.requests.find((request) => request.path.startsWith('/api/') && !request.done),
      5_000,
    );
  }
  const page = await app.call<ImagePage>('images.page', { query: ALL, offset: 0, limit: 500 });
  expect(page.total).toBe(app.services.session().cache.countImages(ALL));
  expect(page.total).toBeGreaterThanOrEqual(cached);
  if (held) expect(held.done, `answered before ${held.method} ${held.path}`).toBe(false);
  return page;
}

async function showsFault(app: App, fault: Fault): Promise<AppStatus> {
  return until(
    `the status to show the ${fault.name}`,
    async () => {
      const status = await app.status();
      return fault.shows(status) ? status : null;
    },
    15_000,
    () => app.status(),
  );
}

async function settled(app: App, server: LoggedStandIn): Promise<void> {
  await converged(app.services, server);
  await until(
    'online with nothing to report',
    async () => {
      const status = await app.status();
      return status.connection === 'online' && status.message === null && status.outbox === 0;
    },
    15_000,
    () => app.status(),
  );
}

/**
 * While the socket is away: once no sync is running, a job makes an image on the server. Its
 * event is lost with the socket, so only a sync after the reconnect can bring the image in.
 */
async function missAnEvent(app: App, server: LoggedStandIn): Promise<void> {
  await until('no sync running', async () => {
    const status = await app.status();
    return status.last_sync !== null && status.sync.phase === 'idle';
  });
  await runJobBehindTheBack(server);
  expect(cacheDiff(app.services, server).some((line) => line.endsWith('missing from the cache'))).toBe(true);
}

/** A job that runs on the server while the app may not hear of it (the socket is what carries it). */
async function runJobBehindTheBack(server: LoggedStandIn): Promise<void> {
  const before = server.state.gallery.imageCount;
  const response = await fetch(`${server.url}/api/v1/queue/default/enqueue_batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      prepend: false,
      batch: {
        runs: 1,
        graph: {
          id: 'g',
          nodes: { b: { id: 'b', type: 'blank_image', width: 32, height: 32, is_intermediate: false, use_cache: false } },
          edges: [],
        },
      },
    }),
  });
  expect(response.status).toBe(200);
  server.state.queue.resume();
  await until('the job to make its image', () => server.state.gallery.imageCount > before);
  server.state.queue.pause();
}

describe.each(FAULTS)('fault: $name', (fault) => {
  it('during the first sync: reads answer, the state is shown, and the cache fills once it clears', async () => {
    const { server, open } = await world();
    await fault.on(server);
    const app = await open();

    await showsFault(app, fault);
    await readsWhileFaulty(app, server, fault);
    // Only the socket is gone in that case; the sync itself works.
    if (fault.name !== 'socket drop') expect((await app.status()).last_sync).toBeNull();
    else await missAnEvent(app, server);

    await fault.off(server);
    await until(
      'the first sync to complete',
      async () => (await app.status()).last_sync !== null,
      15_000,
      () => app.status(),
    );
    await settled(app, server);
  });

  it('during an incremental sync: no cached record is lost, and changes made behind the app’s back arrive once it clears', async () => {
    const { server, open } = await world();
    const app = await syncedApp(open, server);
    const before = cacheView(app.services);

    // Behind the app's back: stars, a move, deletions, new images and a renamed board.
    const gallery = server.state.gallery;
    const names = [...serverView(server).images.keys()];
    const board = [...gallery.boards.values()].find((candidate) => !candidate.archived)!;
    gallery.setStarred(names.slice(0, 2), true);
    gallery.moveImages(names.slice(2, 4), board.board_id);
    gallery.deleteImages(names.slice(4, 6));
    gallery.updateBoard(board.board_id, { board_name: `${board.board_name} (renamed elsewhere)` });

    await fault.on(server);
    await app.call('sync.now');
    await showsFault(app, fault);
    await readsWhileFaulty(app, server, fault);
    if (fault.name === 'socket drop') await missAnEvent(app, server);
    // Every record the server still has is still in the cache while the fault is on.
    const during = cacheView(app.services);
    const stillOnServer = [...before.images.keys()].filter((name) => gallery.getImage(name));
    expect(stillOnServer.filter((name) => !during.images.has(name))).toEqual([]);

    await fault.off(server);
    await settled(app, server);
  });

  it('during uploads: each file gets its own result, no accepted file is lost, and they land once it clears', async () => {
    const { server, open } = await world();
    const app = await syncedApp(open, server);
    const dir = mkdtempSync(join(tmpdir(), 'ivk-fault-uploads-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    // Three real images of sizes no seeded image has, and a text file named like an image.
    const sizes = [
      [61, 41],
      [62, 42],
      [63, 43],
    ] as const;
    const paths: string[] = [];
    for (const [width, height] of sizes) {
      const path = join(dir, `upload-${width}x${height}.png`);
      writeFileSync(path, await imageBytes('png', width, height));
      paths.push(path);
    }
    const notAnImage = join(dir, 'notes.png');
    writeFileSync(notAnImage, 'not a picture\n');

    await fault.on(server);
    const started = await app.call<UploadItem[]>('uploads.start', { paths: [...paths, notAnImage], board_id: null, category: 'user' });
    expect(started.map((item) => item.file_name)).toEqual([...paths.map((path) => path.split('/').pop()), 'notes.png']);

    const items = () => app.call<UploadItem[]>('uploads.list');
    const byName = async (name: string) => (await items()).find((item) => item.file_name === name)!;
    await until('the non-image to be refused', async () => (await byName('notes.png')).state === 'failed');
    expect((await byName('notes.png')).error).toMatch(/not an image\. Only PNG, JPEG and WebP images and MP4 videos can be uploaded/);
    if (fault.name !== 'latency' && fault.name !== 'socket drop') await showsFault(app, fault);
    await readsWhileFaulty(app, server, fault);
    // While the server fails, an accepted file is waiting, never failed.
    for (const item of (await items()).filter((candidate) => candidate.file_name !== 'notes.png')) {
      expect(item.state, `${item.file_name}: ${item.error}`).not.toBe('failed');
    }

    await fault.off(server);
    await until(
      'every accepted file to be uploaded',
      async () => {
        const list = await items();
        return list.filter((item) => item.state === 'done').length === paths.length;
      },
      15_000,
      items,
    );
    await settled(app, server);
    const uploaded = [...server.state.gallery.images.values()].filter((image) => image.image_origin === 'external');
    for (const [width, height] of sizes) {
      const copies = uploaded.filter((image) => image.width === width && image.height === height).length;
      // A connection cut after the server stored the file leaves the app unsure: it uploads again
      // rather than lose the file (docs/RELIABILITY.md). Every other fault stores it exactly once.
      if (fault.name === 'dropped connection') expect(copies, `${width}x${height}`).toBeGreaterThanOrEqual(1);
      else expect(copies, `${width}x${height}`).toBe(1);
    }
  });

  it('during an outbox replay: every queued action survives, none is applied twice, and the server gets them all once it clears', async () => {
    const { server, open } = await world();
    const app = await syncedApp(open, server);
    const gallery = server.state.gallery;
    const visible = gallery.queryImages({ is_intermediate: false, starred_first: false }).images;
    const toStar = visible.find((image) => !image.starred)!.image_name;
    const toMove = visible.find((image) => image.board_id === null && image.image_name !== toStar)!.image_name;
    const toDelete = visible.find((image) => ![toStar, toMove].includes(image.image_name))!.image_name;
    const toRename = [...gallery.boards.values()].find((board) => !board.archived)!;
    const boardName = `Made during ${fault.name}`;

    await fault.on(server);
    // The board first: its answer is the one the fault cuts or garbles (the server made it).
    const board = await app.call<Board>('boards.create', { name: boardName });
    await app.call('images.star', { image_names: [toStar], starred: true });
    await app.call('images.move', { image_names: [toMove], board: board.board_id });
    await app.call('images.delete', { image_names: [toDelete] });
    await app.call('boards.rename', { board_id: toRename.board_id, name: 'Renamed during a fault' });

    if (fault.name !== 'latency' && fault.name !== 'socket drop') {
      const status = await showsFault(app, fault);
      expect(status.outbox).toBeGreaterThan(0);
    }
    await readsWhileFaulty(app, server, fault);
    // The cache shows every action at once, sent or not.
    const details = (name: string) => app.services.session().cache.imageDetails(name);
    expect(details(toStar)?.image.starred).toBe(true);
    expect(details(toMove)?.image.board_id).toBe(board.board_id);
    expect(details(toDelete)).toBeNull();

    await fault.off(server);
    await settled(app, server);
    const made = [...gallery.boards.values()].filter((candidate) => candidate.board_name === boardName);
    expect(made, 'exactly one board made').toHaveLength(1);
    expect(gallery.getImage(toStar)?.starred).toBe(true);
    expect(gallery.getImage(toMove)?.board_id).toBe(made[0]!.board_id);
    expect(gallery.getImage(toDelete)).toBeUndefined();
    expect(gallery.getBoard(toRename.board_id)?.board_name).toBe('Renamed during a fault');
    expect(app.notices('error'), 'no action given up').toEqual([]);
    expect(app.notices('warning'), 'no action reported as half done').toEqual([]);
  });
});
