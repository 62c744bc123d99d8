import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvokeClient } from '../../../src/main/api';
import { SqlitePendingUploadStore, UploadRunner, type UploadRunnerOptions } from '../../../src/main/uploads';
import type { ImageDTO } from '../../../src/shared/invokeai';
import type { UploadItem } from '../../../src/shared/ipc';
import { makeFixtures, type Fixtures } from '../../fixtures/images';
import { startStandIn, type StandIn } from '../../server';

let server: StandIn;
let client: InvokeClient;
let files: Fixtures;
const databases: DatabaseSync[] = [];

beforeAll(async () => {
  server = await startStandIn({ images: 20, queueItems: 4, seed: 9 });
  client = new InvokeClient({ baseUrl: server.url, retry: { retries: 0 } });
  files = await makeFixtures();
});
afterEach(() => {
  server.faults.clear();
  for (const db of databases.splice(0)) if (db.isOpen) db.close();
});
afterAll(async () => {
  await server.close();
  await rm(files.dir, { recursive: true, force: true });
});

function memoryStore(): SqlitePendingUploadStore {
  const db = new DatabaseSync(':memory:');
  databases.push(db);
  return new SqlitePendingUploadStore(db);
}

function runner(overrides: Partial<UploadRunnerOptions> = {}) {
  const uploaded: ImageDTO[] = [];
  const changes: UploadItem[][] = [];
  const instance = new UploadRunner({
    api: client,
    store: memoryStore(),
    onUploaded: (dto) => {
      uploaded.push(dto);
    },
    onChange: (items) => changes.push(items),
    ...overrides,
  });
  return { runner: instance, uploaded, changes };
}

const byName = (items: UploadItem[]) => Object.fromEntries(items.map((i) => [i.file_name, i]));

describe('UploadRunner against the stand-in', () => {
  it('drops a non-image file with a clear error and uploads the rest', async () => {
    const { runner: r, uploaded } = runner();
    const started = r.start({
      paths: [files.png, files.pdfAsPng, files.jpeg, files.truncatedPng, files.webp, files.missing, files.empty],
      board_id: null,
    });
    expect(started.every((i) => i.state === 'queued')).toBe(true);
    await r.idle();

    const items = byName(r.list());
    for (const name of ['good.png', 'good.jpg', 'good.webp']) {
      expect(items[name]).toMatchObject({ state: 'done', progress: 1, error: null });
      expect(items[name]?.image_name).toMatch(/\.png$/);
    }
    expect(items['document.png']).toMatchObject({
      state: 'failed',
      image_name: null,
      error: 'It looks like a PDF document, not an image. Only PNG, JPEG and WebP images and MP4 videos can be uploaded.',
    });
    expect(items['truncated.png']?.error).toMatch(/PNG image is cut short/);
    expect(items['gone.png']?.error).toMatch(/not found/);
    expect(items['empty.png']?.error).toBe('The file is empty.');

    expect(uploaded.map((d) => d.image_name).sort()).toEqual(['good.png', 'good.jpg', 'good.webp'].map((n) => items[n]?.image_name).sort());
    for (const dto of uploaded) {
      expect(dto).toMatchObject({ image_category: 'user', image_origin: 'external', board_id: null });
      expect((await client.image(dto.image_name)).image_name).toBe(dto.image_name);
    }
  });

  it('uploads into the chosen board and category', async () => {
    const board = await client.createBoard('Runner target');
    const { runner: r, uploaded } = runner();
    r.start({ paths: [files.png], board_id: board.board_id, category: 'control' });
    await r.idle();
    expect(uploaded[0]).toMatchObject({ board_id: board.board_id, image_category: 'control' });
  });

  it('reports each file going from queued to uploading to done', async () => {
    const { runner: r, changes } = runner();
    const [item] = r.start({ paths: [files.jpeg], board_id: null });
    await r.idle();
    const states = changes.map((items) => items.find((i) => i.id === item?.id)?.state);
    expect(states[0]).toBe('queued');
    expect(states).toContain('uploading');
    expect(states.at(-1)).toBe('done');
  });

  it('uploads no more files at once than its concurrency', async () => {
    server.faults.add({ pathPrefix: '/api/v1/images/upload', latencyMs: 200 });
    const { runner: r, changes } = runner({ concurrency: 2 });
    r.start({ paths: [files.png, files.jpeg, files.webp, files.jpegNoExtension, files.png], board_id: null });
    await r.idle();
    const most = Math.max(...changes.map((items) => items.filter((i) => i.state === 'uploading').length));
    expect(most).toBe(2);
    expect(r.list().every((i) => i.state === 'done')).toBe(true);
  });

  it('reports a refusal by the server in words and does not keep the upload', async () => {
    const store = memoryStore();
    const { runner: r } = runner({ store });
    r.start({ paths: [files.png], board_id: 'no-such-board' });
    await r.idle();
    const [item] = r.list();
    expect(item?.state).toBe('failed');
    expect(item?.error).toMatch(/^Not found on the server/);
    expect(store.list()).toEqual([]);
  });

  it('keeps an upload queued while the server is down, across a restart, and sends it when it is back', async () => {
    const dbFile = join(files.dir, 'app.sqlite');
    const firstDb = new DatabaseSync(dbFile);
    databases.push(firstDb);
    const first = runner({ store: new SqlitePendingUploadStore(firstDb) });

    await server.goDown();
    try {
      first.runner.start({ paths: [files.png, files.webp, files.pdfAsPng], board_id: null });
      await first.runner.idle();
      const items = byName(first.runner.list());
      expect(items['good.png']).toMatchObject({ state: 'queued', error: expect.stringMatching(/^Waiting for the server/) });
      expect(items['good.webp']?.state).toBe('queued');
      expect(items['document.png']?.state).toBe('failed');
      expect(first.uploaded).toEqual([]);
    } finally {
      firstDb.close();
      await server.comeBack();
    }

    // The app restarts: a new runner over the same database file.
    const secondDb = new DatabaseSync(dbFile);
    databases.push(secondDb);
    const store = new SqlitePendingUploadStore(secondDb);
    const second = runner({ store });
    expect(second.runner.list().map((i) => [i.file_name, i.state])).toEqual([
      ['good.png', 'queued'],
      ['good.webp', 'queued'],
    ]);
    second.runner.retryPending();
    await second.runner.idle();
    expect(second.runner.list().map((i) => i.state)).toEqual(['done', 'done']);
    expect(second.uploaded).toHaveLength(2);
    expect(store.list()).toEqual([]);
  });

  it('retries pending uploads only once when asked twice', async () => {
    const store = memoryStore();
    await server.goDown();
    const { runner: r, uploaded } = runner({ store });
    try {
      r.start({ paths: [files.png], board_id: null });
      await r.idle();
    } finally {
      await server.comeBack();
    }
    r.retryPending();
    r.retryPending();
    await r.idle();
    expect(uploaded).toHaveLength(1);
  });

  it('counts an upload as done even when the cache callback fails', async () => {
    const { runner: r } = runner({
      onUploaded: () => {
        throw new Error('cache is closed');
      },
    });
    r.start({ paths: [files.png], board_id: null });
    await r.idle();
    expect(r.list()[0]?.state).toBe('done');
  });
});
