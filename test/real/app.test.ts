import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api, graphBlank, graphMissingImage } from '../contract/harness';
import {
  ALL,
  Cleanup,
  REAL_URL,
  appTag,
  cacheGallery,
  expectSameGallery,
  expectSameOrder,
  onRealServer,
  openApp,
  serverGallery,
  serverImage,
  until,
  uploadBehind,
  whenOnline,
  writeImage,
  type App,
} from './app-support';
import { startRelay } from './proxy';
import { parseServerTime } from '../../src/shared/invokeai';
import { imageItems, imagesOnly } from '../support/gallery-items';

/**
 * The app's main-process services (cache, sync, live events, uploads, actions, offline mode)
 * against the real InvokeAI 6.14.2 that `npm run test:real` started. Every test opens its own
 * services on a fresh data folder, makes its own boards, images and jobs through the real API,
 * and deletes them afterwards, so the files sharing the server may run in any order.
 */
const Q = '/api/v1/queue/default';

let api: Api;
let cleanup: Cleanup;
let tag: string;

beforeEach(() => {
  api = new Api(REAL_URL);
  cleanup = new Cleanup();
  cleanup.add(() => api.cleanup());
  tag = appTag();
});

afterEach(async () => {
  await cleanup.run();
});

async function open(url = REAL_URL, options: Parameters<typeof openApp>[1] = {}): Promise<App> {
  return cleanup.app(await openApp(url, options));
}

describe.skipIf(!onRealServer)('the app against the real InvokeAI 6.14.2', () => {
  it('copies the server exactly on the first sync: images, boards, stars, categories, counts, jobs, metadata, models', async () => {
    // Something of our own beside what --populate made: a starred asset on a board of ours.
    const board = await api.createBoard(`${tag} first sync`);
    await uploadBehind(api, { prompt: `${tag} lantern`, category: 'control', boardId: board.board_id, starred: true });

    const app = await open();
    const summary = await app.session().sync.sync();
    const server = await serverGallery(api);

    // The comparison only means something when the server has a bit of everything.
    expect(new Set(server.images.map((image) => image.image_category)).size, 'categories on the server').toBe(5);
    expect(server.images.some((image) => image.starred)).toBe(true);
    expect(server.boards.some((b) => b.archived)).toBe(true);
    expect([...new Set(server.jobs.map((job) => job.status))]).toEqual(expect.arrayContaining(['completed', 'failed', 'cancelled']));

    expectSameGallery(cacheGallery(app.session().cache), server);
    await expectSameOrder(app.session().cache, api);
    expect(summary).toMatchObject({
      images: server.images.length,
      boards: server.boards.length,
      jobs: server.jobs.length,
      added: server.images.length,
      moved: 0,
      deleted: 0,
      updated: 0,
    });
    expect(summary.text).toBe(`+${server.images.length} new, ${server.jobs.length} new jobs`);

    // Failed jobs keep the server's error; every job output links back to its job.
    const failed = server.jobs.filter((job) => job.status === 'failed');
    expect(failed.every((job) => /ImageRecordNotFoundException/.test(job.error ?? ''))).toBe(true);
    const completed = server.jobs.find((job) => job.status === 'completed' && job.session_id)!;
    expect(app.session().cache.jobOutputs(String(completed.item_id)).length).toBeGreaterThan(0);

    // Prompts arrive in the background and match the server's metadata, field for field.
    await app.session().sync.metadataIdle();
    const withMetadata = server.images.slice(0, 12);
    for (const image of withMetadata) {
      const meta = (await api.get(`/api/v1/images/i/${image.image_name}/metadata`)).json as Record<string, any> | null;
      const details = app.session().cache.imageDetails(image.image_name)!;
      expect(details.metadata_loaded, image.image_name).toBe(true);
      expect(details.image.metadata, image.image_name).toEqual(meta);
      expect(details.positive_prompt, image.image_name).toBe(meta?.positive_prompt ?? null);
      expect(details.seed, image.image_name).toBe(meta?.seed ?? null);
    }

    expect(await app.call('settings.testConnection', { server_url: REAL_URL })).toMatchObject({ ok: true, version: '6.14.2' });

    // The installed models, the tiny embeddings among them.
    const { models } = (await api.get('/api/v2/models/')).json as { models: { key: string; name: string; base: string; type: string }[] };
    const cached = app.session().cache.models();
    expect(cached.map((m) => m.key).sort()).toEqual(models.map((m) => m.key).sort());
    expect(cached.filter((m) => m.type === 'embedding').length).toBe(models.filter((m) => m.type === 'embedding').length);
  });

  it('follows stars, moves, category changes, uploads and deletes made behind its back, and counts them', async () => {
    const boardA = await api.createBoard(`${tag} A`);
    const boardB = await api.createBoard(`${tag} B`);
    const [toStar, toUnstar, toBoardA, toBoardB, toControl, toDelete, toHide] = await Promise.all([
      uploadBehind(api, { prompt: `${tag} one` }),
      uploadBehind(api, { prompt: `${tag} two`, starred: true }),
      uploadBehind(api, { prompt: `${tag} three` }),
      uploadBehind(api, { prompt: `${tag} four`, category: 'user' }),
      uploadBehind(api, { prompt: `${tag} five` }),
      uploadBehind(api, { prompt: `${tag} six` }),
      uploadBehind(api, { prompt: `${tag} seven` }),
    ]);
    const leaveBoard = await uploadBehind(api, { prompt: `${tag} eight`, boardId: boardA.board_id });

    const app = await open();
    await app.session().sync.sync();
    expectSameGallery(cacheGallery(app.session().cache), await serverGallery(api));

    // Behind the app's back, through the real API.
    expect((await api.post('/api/v1/images/star', { image_names: [toStar] })).status).toBe(200);
    expect((await api.post('/api/v1/images/unstar', { image_names: [toUnstar] })).status).toBe(200);
    expect((await api.post('/api/v1/board_images/batch', { board_id: boardA.board_id, image_names: [toBoardA] })).status).toBe(201);
    expect((await api.post('/api/v1/board_images/batch', { board_id: boardB.board_id, image_names: [toBoardB] })).status).toBe(201);
    expect((await api.post('/api/v1/board_images/batch/delete', { image_names: [leaveBoard] })).status).toBe(201);
    expect((await api.patch(`/api/v1/images/i/${toControl}`, { image_category: 'control' })).status).toBe(200);
    expect((await api.patch(`/api/v1/images/i/${toHide}`, { is_intermediate: true })).status).toBe(200);
    expect((await api.post('/api/v1/images/delete', { image_names: [toDelete] })).status).toBe(200);
    const added = [
      await uploadBehind(api, { prompt: `${tag} new one`, category: 'user', boardId: boardB.board_id }),
      await uploadBehind(api, { prompt: `${tag} new two` }),
    ];
    expect((await api.patch(`/api/v1/boards/${boardA.board_id}`, { board_name: `${tag} A renamed` })).status).toBe(201);
    await api.createBoard(`${tag} C`);

    const summary = await app.session().sync.sync();
    const server = await serverGallery(api);
    expectSameGallery(cacheGallery(app.session().cache), server);
    await expectSameOrder(app.session().cache, api);

    // 3 moved (into A, into B, out of A), 3 updated (star, unstar, category); the image made
    // intermediate left the gallery, so it is counted with the deleted one.
    expect(summary).toMatchObject({
      added: 2,
      moved: 3,
      updated: 3,
      deleted: 2,
      images: server.images.length,
      boards: server.boards.length,
    });
    expect(summary.text).toBe('+2 new, 3 moved, 2 deleted, 3 updated');
    const cache = app.session().cache;
    for (const name of added) expect(cache.imageDetails(name), name).not.toBeNull();
    expect(cache.imageDetails(toDelete)).toBeNull();
    expect(cache.imageDetails(toHide)).toBeNull();
    expect(cache.boardList(true).boards.find((b) => b.board_id === boardA.board_id)?.board_name).toBe(`${tag} A renamed`);

    // Nothing changed since: the next run says so.
    const again = await app.session().sync.sync();
    expect(again).toMatchObject({ added: 0, moved: 0, updated: 0, deleted: 0 });
    expect(again.text).toBe('up to date');
  });

  it('uploads a real PNG, JPEG and WebP to the right board and category, and refuses a PDF and an empty file locally', async () => {
    const board = await api.createBoard(`${tag} uploads`);
    const dir = mkdtempSync(join(tmpdir(), 'ivk-real-uploads-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const png = await writeImage(join(dir, 'sunset.png'), 'png', 64, 48, '#d0643a');
    const jpeg = await writeImage(join(dir, 'photo.jpg'), 'jpeg', 80, 60, '#2f7d4f');
    const pdf = join(dir, 'report.png');
    writeFileSync(pdf, '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n');
    const empty = join(dir, 'empty.png');
    writeFileSync(empty, '');
    // A WebP with a name beyond ASCII: the multipart file name must survive the real server.
    const webp = join(dir, 'Été à l’aube ☀.webp');
    await sharp({ create: { width: 30, height: 20, channels: 4, background: '#8844aa80' } })
      .webp()
      .toFile(webp);

    const before = (await api.get('/api/v1/images/names', { is_intermediate: false })).json.image_names.length as number;
    const app = await open();
    await app.call('uploads.start', { paths: [png, pdf], board_id: board.board_id, category: 'control' });
    await app.call('uploads.start', { paths: [jpeg, empty, webp], board_id: null, category: 'user' });
    await app.session().uploads.idle();

    const items = await app.call('uploads.list', {});
    const item = (file: string) => items.find((candidate) => candidate.file_name === file)!;
    expect(item('sunset.png')).toMatchObject({ state: 'done', progress: 1, error: null });
    expect(item('photo.jpg')).toMatchObject({ state: 'done', progress: 1, error: null });
    expect(item('report.png')).toMatchObject({ state: 'failed', image_name: null });
    expect(item('report.png').error).toMatch(/PDF/);
    expect(item('empty.png')).toMatchObject({ state: 'failed', image_name: null, error: 'The file is empty.' });
    expect(item('Été à l’aube ☀.webp')).toMatchObject({ state: 'done', error: null });
    for (const done of [item('sunset.png'), item('photo.jpg'), item('Été à l’aube ☀.webp')]) api.trackImage(done.image_name!);

    // On the server: exactly the two good files, each where it was sent.
    const onServer = {
      png: await serverImage(api, item('sunset.png').image_name!),
      jpeg: await serverImage(api, item('photo.jpg').image_name!),
    };
    expect(onServer.png).toMatchObject({
      board_id: board.board_id,
      image_category: 'control',
      width: 64,
      height: 48,
      is_intermediate: false,
      image_origin: 'external',
    });
    expect(onServer.jpeg).toMatchObject({ image_category: 'user', width: 80, height: 60, is_intermediate: false });
    expect(onServer.jpeg.board_id ?? null).toBeNull();
    const after = (await api.get('/api/v1/images/names', { is_intermediate: false })).json.image_names.length as number;
    expect(await serverImage(api, item('Été à l’aube ☀.webp').image_name!)).toMatchObject({
      image_category: 'user',
      width: 30,
      height: 20,
    });
    expect(after - before).toBe(3);

    // In the cache at once, as the server describes them (no sync needed).
    const cache = app.session().cache;
    expect(cache.imageDetails(item('sunset.png').image_name!)?.image).toMatchObject({
      board_id: board.board_id,
      image_category: 'control',
    });
    expect(cache.imageDetails(item('photo.jpg').image_name!)?.image).toMatchObject({ board_id: null, image_category: 'user' });
    // Server time is UTC without a zone; read as such it is now, give or take the clock.
    const created = cache.imageDetails(item('sunset.png').image_name!)!.image.created_at as Date;
    expect(Math.abs(created.getTime() - Date.now())).toBeLessThan(60_000);
    // The server keeps everything as PNG: the JPEG comes back as a PNG under a .png name.
    expect(item('photo.jpg').image_name).toMatch(/\.png$/);
    // Media are fetched from the server only while online (the session was never started here).
    expect(await app.session().probe()).toBe(true);
    const full = await app.services.media.get('images', item('photo.jpg').image_name!);
    expect(full.ok && full.contentType).toBe('image/png');
    const thumbnail = await app.services.media.get('thumbnails', item('sunset.png').image_name!);
    expect(thumbnail.ok && thumbnail.contentType).toBe('image/webp');
  });

  it('lives a job through the socket: pending, running, completed, and its output lands in the cache', async () => {
    const board = await api.createBoard(`${tag} jobs`);
    const app = await open(REAL_URL, { start: true });
    await whenOnline(app);
    const cache = app.session().cache;
    const invalid: unknown[] = [];
    app.session().events.on('invalid_event', (problem) => invalid.push(problem));

    // Every status the cache shows for our jobs, in order, read at each event the app emits.
    const seen = new Map<number, string[]>();
    const record = () => {
      for (const [id, statuses] of seen) {
        const status = cache.job(id)?.status;
        if (status && statuses.at(-1) !== status) statuses.push(status);
      }
    };
    app.services.onEvent(record);

    // Paused, so that "pending" lasts long enough to be seen; the server announces no pending
    // status, the app learns it from batch_enqueued and a sync.
    expect((await api.put(`${Q}/processor/pause`)).status).toBe(200);
    cleanup.add(() => api.put(`${Q}/processor/resume`));
    const res = await api.enqueue(
      graphBlank({ boardId: board.board_id, width: 48, height: 32, metadata: { positive_prompt: `${tag} blank` } }),
      { runs: 2 },
    );
    const [first, second] = res.json.item_ids as number[];
    seen.set(first!, []).set(second!, []);
    await until(
      'both jobs pending in the cache',
      () => cache.job(first!)?.status === 'pending' && cache.job(second!)?.status === 'pending',
    );
    record();

    // One is cancelled through the app while it waits.
    await app.call('jobs.cancel', { job_id: String(second) });
    await until('the cancelled job in the cache', () => cache.job(second!)?.status === 'cancelled');
    expect((await api.get(`${Q}/i/${second}`)).json.status).toBe('canceled');

    expect((await api.put(`${Q}/processor/resume`)).status).toBe(200);
    await until('the job to complete in the cache', () => cache.job(first!)?.status === 'completed', 30_000);
    record();
    expect(seen.get(first!)).toEqual(['pending', 'running', 'completed']);
    expect(seen.get(second!)).toEqual(['pending', 'cancelled']);
    expect(
      app.events.some(
        (e) =>
          e.name === 'job.progress' &&
          (e.payload as { job_id: string; status: string }).job_id === String(first) &&
          (e.payload as { status: string }).status === 'running',
      ),
    ).toBe(true);

    const outputs = await until('the output image in the cache', () => {
      const found = cache.jobOutputs(String(first));
      return found.length > 0 ? found : null;
    });
    const item = (await api.get(`${Q}/i/${first}`)).json;
    const serverOutputs = (await api.get('/api/v1/images/names', { board_id: board.board_id })).json.image_names as string[];
    expect(outputs.map((image) => image.image_name)).toEqual(serverOutputs);
    expect(outputs[0]).toMatchObject({
      board_id: board.board_id,
      image_category: 'general',
      width: 48,
      height: 32,
      session_id: item.session_id,
    });
    const job = cache.job(first!)!;
    expect(job.started_at).toBeInstanceOf(Date);
    expect(job.completed_at).toBeInstanceOf(Date);
    expect(job.metadata).toMatchObject({ session_id: item.session_id, batch_id: item.batch_id, wire_status: 'completed' });
    expect(cache.imageDetails(outputs[0]!.image_name)?.job_id).toBe(String(first));
    // The output shows up in the board's counts and in the gallery.
    expect(cache.boardList(true).boards.find((b) => b.board_id === board.board_id)).toMatchObject({ image_count: 1, asset_count: 0 });
    expect(imagesOnly(cache.pageImages({ ...ALL, board: board.board_id }, 0, 10).items).map((image) => image.image_name)).toEqual(
      serverOutputs,
    );

    // A job that fails: the real server says `failed` before `invocation_error`; the cache keeps its error.
    const failing = (await api.enqueue(graphMissingImage())).json.item_ids[0] as number;
    seen.set(failing, []);
    await until('the failed job in the cache', () => cache.job(failing)?.status === 'failed', 30_000);
    expect(cache.job(failing)!.error).toMatch(/^ImageRecordNotFoundException: /);
    // Whether a sync saw it pending or running first depends on timing; it never goes backwards.
    const order = ['pending', 'running', 'failed'];
    const failedSeen = seen.get(failing)!.map((status) => order.indexOf(status));
    expect(failedSeen.at(-1)).toBe(2);
    expect(failedSeen).toEqual([...failedSeen].sort((a, b) => a - b));
    expect(failedSeen).not.toContain(-1);

    // Cancelled behind the app's back by batch id: the server sends queue_items_canceled and no
    // status change for a pending item; the app's sync finds out.
    expect((await api.put(`${Q}/processor/pause`)).status).toBe(200);
    const batch = (await api.enqueue(graphBlank())).json;
    const pendingId = batch.item_ids[0] as number;
    seen.set(pendingId, []);
    await until('the new job pending in the cache', () => cache.job(pendingId)?.status === 'pending');
    expect((await api.put(`${Q}/cancel_by_batch_ids`, { batch_ids: [batch.batch.batch_id] })).status).toBe(200);
    await until('the job cancelled behind its back in the cache', () => cache.job(pendingId)?.status === 'cancelled');
    expect((await api.put(`${Q}/processor/resume`)).status).toBe(200);

    // Every event the real server sent matched the app's schemas.
    expect(invalid).toEqual([]);
  });

  it('sends its actions to the real server: create, rename and archive a board, star, move, delete', async () => {
    const [a, b, c] = await Promise.all([
      uploadBehind(api, { prompt: `${tag} alpha` }),
      uploadBehind(api, { prompt: `${tag} beta`, category: 'user' }),
      uploadBehind(api, { prompt: `${tag} gamma` }),
    ]);
    const app = await open(REAL_URL, { start: true });
    await whenOnline(app);

    // A name the query string has to carry intact: accents, emoji, an ampersand, quotes, a plus.
    const odd = await app.call('boards.create', { name: `${tag} Ünïcødé 🎨 & "quotes" + 'more'` });
    api.trackBoard(odd.board_id);
    expect((await api.get(`/api/v1/boards/${odd.board_id}`)).json.board_name).toBe(`${tag} Ünïcødé 🎨 & "quotes" + 'more'`);

    const board = await app.call('boards.create', { name: `${tag} made by the app` });
    api.trackBoard(board.board_id);
    expect(board.pending).toBe(false);
    expect(board.board_id).not.toMatch(/^local-/);
    expect((await api.get(`/api/v1/boards/${board.board_id}`)).json).toMatchObject({
      board_name: `${tag} made by the app`,
      archived: false,
    });

    await app.call('images.star', { image_names: [a, b], starred: true });
    expect((await serverImage(api, a)).starred).toBe(true);
    expect((await serverImage(api, b)).starred).toBe(true);
    await app.call('images.star', { image_names: [b], starred: false });
    expect((await serverImage(api, b)).starred).toBe(false);
    // The server stamps updated_at on a star; the app reads the images back, so the cache has it too.
    for (const name of [a, b]) {
      expect(app.session().cache.imageDetails(name)?.image.updated_at, name).toEqual(
        parseServerTime((await serverImage(api, name)).updated_at),
      );
    }

    await app.call('images.move', { image_names: [a, b], board: board.board_id });
    expect((await serverImage(api, a)).board_id).toBe(board.board_id);
    expect((await serverImage(api, b)).board_id).toBe(board.board_id);
    await app.call('images.move', { image_names: [b], board: 'none' });
    expect((await serverImage(api, b)).board_id ?? null).toBeNull();

    await app.call('boards.rename', { board_id: board.board_id, name: `${tag} renamed by the app` });
    await app.call('boards.archive', { board_id: board.board_id, archived: true });
    expect((await api.get(`/api/v1/boards/${board.board_id}`)).json).toMatchObject({
      board_name: `${tag} renamed by the app`,
      archived: true,
      image_count: 1,
    });

    await app.call('images.delete', { image_names: [c] });
    expect(await serverImage(api, c)).toBeNull();
    expect(app.session().cache.imageDetails(c)).toBeNull();

    // Nothing waits, nothing went wrong, and a sync finds the server where the app left it.
    expect((await app.call('app.status', {})).outbox).toBe(0);
    expect(app.events.filter((e) => e.name === 'notice')).toEqual([]);
    const summary = await app.session().sync.sync();
    expect(summary.text).toBe('up to date');
    expectSameGallery(cacheGallery(app.session().cache), await serverGallery(api));

    // Deleting the board keeps its image, now Uncategorized, on both sides.
    await app.call('boards.delete', { board_id: board.board_id, include_images: false });
    api.forgetBoard(board.board_id);
    expect(
      (await api.get('/api/v1/boards/', { all: true, include_archived: true })).json.map((x: { board_id: string }) => x.board_id),
    ).not.toContain(board.board_id);
    expect((await serverImage(api, a)).board_id ?? null).toBeNull();
    expect(app.session().cache.imageDetails(a)?.image.board_id).toBeNull();
    await app.session().sync.sync();
    expectSameGallery(cacheGallery(app.session().cache), await serverGallery(api));

    // A board deleted with its images takes them off the server too.
    const doomed = await app.call('boards.create', { name: `${tag} doomed` });
    api.trackBoard(doomed.board_id);
    await app.call('images.move', { image_names: [a, b], board: doomed.board_id });
    await app.call('boards.delete', { board_id: doomed.board_id, include_images: true });
    api.forgetBoard(doomed.board_id);
    expect(await serverImage(api, a)).toBeNull();
    expect(await serverImage(api, b)).toBeNull();
    expect(app.session().cache.imageDetails(a)).toBeNull();
    expect(app.events.filter((e) => e.name === 'notice')).toEqual([]);
    const last = await app.session().sync.sync();
    expect(last).toMatchObject({ added: 0, moved: 0, updated: 0 });
    expectSameGallery(cacheGallery(app.session().cache), await serverGallery(api));
  });

  it('ends conflicts with changes made behind its back in a clear notice and the server state', async () => {
    const board = await api.createBoard(`${tag} vanishing`);
    const [kept, gone] = await Promise.all([uploadBehind(api, { prompt: `${tag} kept` }), uploadBehind(api, { prompt: `${tag} gone` })]);
    const app = await open(REAL_URL, { start: true });
    await whenOnline(app);

    // Behind its back: the board and one image are deleted. The app still shows both.
    expect((await api.delete(`/api/v1/boards/${board.board_id}`, undefined, { include_images: false })).status).toBe(200);
    api.forgetBoard(board.board_id);
    expect((await api.post('/api/v1/images/delete', { image_names: [gone] })).status).toBe(200);

    // Moving into the vanished board: the real server answers 404 "Board not found".
    await app.call('images.move', { image_names: [kept], board: board.board_id });
    const notices = () => app.events.filter((e) => e.name === 'notice').map((e) => e.payload as { level: string; message: string });
    const moveNotice = await until('a notice about the move', () =>
      notices().find((n) => /^Moving 1 image to a board failed/.test(n.message)),
    );
    expect(moveNotice).toMatchObject({ level: 'error' });
    expect(moveNotice.message).toMatch(/Board not found/);
    // Starring the deleted image: the server silently leaves it out; the app says so.
    await app.call('images.star', { image_names: [gone], starred: true });
    const starNotice = await until('a notice about the star', () => notices().find((n) => /^Starring 1 image/.test(n.message)));
    expect(starNotice).toMatchObject({ level: 'warning' });
    expect(starNotice.message).toMatch(/no longer exist on the server/);

    // The conflict syncs: the cache ends as the server is, outbox empty.
    await until(
      'the cache to follow the server',
      () => app.session().cache.imageDetails(gone) === null && app.session().cache.imageDetails(kept)?.image.board_id === null,
    );
    await until('an empty outbox', async () => (await app.call('app.status', {})).outbox === 0);
    await app.session().sync.sync();
    expectSameGallery(cacheGallery(app.session().cache), await serverGallery(api));
  });

  it('restarts offline from its cache: browse, filter, search, thumbnails; an action made offline reaches the server when it is back', async () => {
    const board = await api.createBoard(`${tag} offline`);
    const names = [
      await uploadBehind(api, { prompt: `${tag} harbour at dawn`, boardId: board.board_id }),
      await uploadBehind(api, { prompt: `${tag} harbour at night`, boardId: board.board_id, category: 'user', starred: true }),
      await uploadBehind(api, { prompt: `${tag} mountain`, boardId: board.board_id }),
    ];
    // The app reaches the server through a relay: closing it kills the address the cache is
    // kept under, while the shared server runs on.
    const relay = await startRelay(REAL_URL);
    cleanup.add(() => relay.close());

    const first = await open(relay.url, { start: true });
    await whenOnline(first);
    await first.session().sync.metadataIdle();
    for (const name of names.slice(0, 2)) expect((await first.services.media.get('thumbnails', name)).ok).toBe(true);
    const online = cacheGallery(first.session().cache);
    const server = await serverGallery(api);
    expectSameGallery(online, server);
    await first.stop();
    await relay.close();

    const app = await open(relay.url, { dataDir: first.dataDir, start: true, probeIntervalMs: 200 });
    const status = await app.call('app.status', {});
    expect(status.connection).toBe('offline');
    expect(status.offline_since).toBeInstanceOf(Date);
    expect(status.message).toMatch(/cannot be reached/);
    expect(status.last_sync).toMatchObject({ images: server.images.length, boards: server.boards.length, jobs: server.jobs.length });

    // Everything browsable, exactly as it was online.
    expectSameGallery(cacheGallery(app.session().cache), server);
    const page = (query: Partial<typeof ALL>) => app.call('images.page', { query: { ...ALL, ...query }, offset: 0, limit: 1000 });
    const namesOf = async (query: Partial<typeof ALL>) =>
      imageItems((await page(query)).items)
        .map((image) => image.image_name)
        .sort();
    expect((await page({})).total).toBe(server.images.length);
    expect(await namesOf({ board: board.board_id })).toEqual([...names].sort());
    expect(await namesOf({ board: board.board_id, categories: ['user', 'control', 'mask', 'other'] })).toEqual([names[1]]);
    expect((await page({ categories: ['user', 'control', 'mask', 'other'] })).total).toBe(server.all.asset_count);
    expect((await page({ starredOnly: true })).total).toBe(server.images.filter((image) => image.starred).length);
    expect((await page({ board: 'none' })).total).toBe(server.uncategorized.image_count + server.uncategorized.asset_count);
    // Search over the prompts the backfill fetched while online.
    expect(await namesOf({ search: `${tag} harbour` })).toEqual([names[0], names[1]].sort());
    expect(await namesOf({ search: 'mountain', board: board.board_id })).toEqual([names[2]]);
    const details = await app.call('images.details', { image_name: names[0]! });
    expect(details).toMatchObject({
      positive_prompt: `${tag} harbour at dawn`,
      seed: 1234,
      steps: 2,
      board_name: `${tag} offline`,
      metadata_loaded: true,
    });
    expect((await app.call('jobs.page', { statuses: [], offset: 0, limit: 500 })).total).toBe(server.jobs.length);
    expect((await app.call('jobs.page', { statuses: ['failed'], offset: 0, limit: 500 })).total).toBe(
      server.jobs.filter((j) => j.status === 'failed').length,
    );

    // Thumbnails fetched online are served from disk; one never fetched says why it is missing.
    const thumb = await app.services.media.get('thumbnails', names[0]!);
    expect(thumb.ok && thumb.contentType).toBe('image/webp');
    expect(await app.services.media.get('thumbnails', names[2]!)).toMatchObject({ ok: false, status: 404 });

    // Actions made offline wait in the outbox, and reach the server, in order, when it is back:
    // a star, and a board made offline (under a local id) with an image moved into it.
    await app.call('images.star', { image_names: [names[2]!], starred: true });
    const made = await app.call('boards.create', { name: `${tag} made offline` });
    expect(made).toMatchObject({ pending: true });
    expect(made.board_id).toMatch(/^local-/);
    await app.call('images.move', { image_names: [names[0]!], board: made.board_id });
    expect((await app.call('app.status', {})).outbox).toBe(3);
    expect((await serverImage(api, names[2]!)).starred).toBe(false);
    await relay.reopen();
    await until('the outbox to drain once the server is back', async () => (await app.call('app.status', {})).outbox === 0);
    expect((await app.call('app.status', {})).connection).toBe('online');
    expect((await serverImage(api, names[2]!)).starred).toBe(true);
    const created = (
      (await api.get('/api/v1/boards/', { all: true, include_archived: true })).json as { board_id: string; board_name: string }[]
    ).find((b) => b.board_name === `${tag} made offline`)!;
    expect(created).toBeDefined();
    api.trackBoard(created.board_id);
    expect((await serverImage(api, names[0]!)).board_id).toBe(created.board_id);
    expect(app.session().cache.imageDetails(names[0]!)?.image.board_id).toBe(created.board_id);
    await app.session().sync.sync();
    expectSameGallery(cacheGallery(app.session().cache), await serverGallery(api));

    // The socket comes back by itself and subscribes again: a job's live updates reach the cache.
    await until('the socket to reconnect', () => app.session().events.state === 'connected', 40_000);
    const itemId = (await api.enqueue(graphBlank({ boardId: board.board_id }))).json.item_ids[0] as number;
    await until('the job to complete in the cache', () => app.session().cache.job(itemId)?.status === 'completed', 30_000);
    await until('its output in the cache', () => app.session().cache.jobOutputs(String(itemId)).length === 1);
  });
});
