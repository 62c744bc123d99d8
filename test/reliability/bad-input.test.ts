import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { dispatch, type Handlers } from '../../src/main/ipc/dispatch';
import { invokeContract, type IpcEnvelope, type UploadItem } from '../../src/shared/ipc';
import { decodeWire, encodeWire } from '../../src/shared/wire-json';
import { PDF_BYTES, imageBytes } from '../fixtures/images';
import { startHost, type Host } from '../host/host';
import { ALL, cacheDiff, openApp, until, type App } from './support/app';
import { startLoggedStandIn, type LoggedStandIn } from './support/stand-in';

/**
 * Input the app must refuse, or answer for file by file: IPC calls of the wrong shape, huge,
 * unknown or hostile, through the real `dispatch` and over the test host's WebSocket; and uploads
 * of every kind of bad file, including hundreds at once.
 */

let server: LoggedStandIn;
let dataDir: string;
let app: App;
/** How many times each real handler ran: refused input must not reach one. */
const ran = new Map<string, number>();
let counted: Handlers;

beforeAll(async () => {
  server = await startLoggedStandIn({ images: 120, seed: 17, queueItems: 6, paused: true });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-bad-input-'));
  app = await openApp({ dataDir, serverUrl: server.url });
  await until('the first sync', async () => (await app.status()).last_sync !== null);
  counted = Object.fromEntries(
    Object.entries(app.services.handlers).map(([channel, handler]) => [
      channel,
      (input: unknown) => {
        ran.set(channel, (ran.get(channel) ?? 0) + 1);
        return (handler as (input: unknown) => unknown)(input);
      },
    ]),
  ) as Handlers;
});

afterAll(async () => {
  await app?.stop();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const refuse = (channel: string, input: unknown) =>
  dispatch(counted, channel, input, { describeError: app.services.describeError, validateOutputs: true });

function expectRefused(envelope: IpcEnvelope<unknown>, code: string): void {
  expect(envelope.ok, JSON.stringify(envelope).slice(0, 200)).toBe(false);
  if (envelope.ok) return;
  expect(envelope.error.code).toBe(code);
  // The error names the problem without echoing a huge or hostile input back.
  expect(envelope.error.message.length).toBeLessThan(400);
}

describe('IPC input through dispatch, with the real handlers', () => {
  const CHANNELS = Object.keys(invokeContract);

  it('refuses unknown channels, whatever they look like, before any handler runs', async () => {
    ran.clear();
    for (const channel of [
      'nope',
      '',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      'images.page ',
      'IMAGES.PAGE',
      'images.page\u0000',
      '../images.page',
      'x'.repeat(1_000_000),
    ]) {
      expectRefused(await refuse(channel, {}), 'unknown_channel');
    }
    expect([...ran.keys()]).toEqual([]);
  });

  it.each(CHANNELS)('%s: refuses inputs of the wrong type or shape before its handler runs', async (channel) => {
    ran.clear();
    const wrong: unknown[] = [
      null,
      undefined,
      7,
      'images',
      true,
      [],
      [{}],
      { unexpected: true },
      JSON.parse('{"__proto__": {"polluted": 1}}'),
    ];
    for (const input of wrong) expectRefused(await refuse(channel, input), 'invalid_input');
    expect(ran.get(channel) ?? 0).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses wrong field types and out-of-range values', async () => {
    ran.clear();
    const cases: [string, unknown][] = [
      ['images.page', { query: ALL, offset: '0', limit: 10 }],
      ['images.page', { query: ALL, offset: -1, limit: 10 }],
      ['images.page', { query: ALL, offset: 0, limit: 1_000_000 }],
      ['images.page', { query: ALL, offset: 0.5, limit: 10 }],
      ['images.page', { query: { ...ALL, order: 'random' }, offset: 0, limit: 10 }],
      ['images.page', { query: { ...ALL, categories: ['general', 'secrets'] }, offset: 0, limit: 10 }],
      ['images.star', { image_names: 'a.png', starred: true }],
      ['images.star', { image_names: [], starred: true }],
      ['images.star', { image_names: [7], starred: 'yes' }],
      ['images.move', { image_names: ['a.png'], board: '' }],
      ['boards.create', { name: '   ' }],
      ['boards.archive', { board_id: 'x', archived: 'true' }],
      ['jobs.page', { statuses: ['done'], offset: 0, limit: 10 }],
      ['settings.update', { server_url: 'file:///etc/passwd' }],
      ['settings.update', { server_url: 'javascript:alert(1)' }],
      ['settings.testConnection', { server_url: 'ftp://127.0.0.1/' }],
      ['uploads.start', { paths: [], board_id: null, category: 'user' }],
      ['uploads.start', { paths: ['/tmp/a.png'], board_id: null, category: 'secret' }],
    ];
    for (const [channel, input] of cases) expectRefused(await refuse(channel, input), 'invalid_input');
    expect([...ran.keys()]).toEqual([]);
  });

  it('refuses huge strings and lists without echoing them', async () => {
    ran.clear();
    const huge = 'x'.repeat(5_000_000);
    const cases: [string, unknown][] = [
      ['images.page', { query: { ...ALL, search: huge }, offset: 0, limit: 10 }],
      ['images.details', { image_name: huge }],
      ['images.star', { image_names: Array.from({ length: 200_001 }, (_, i) => `${i}.png`), starred: true }],
      ['boards.create', { name: huge }],
      ['boards.rename', { board_id: huge, name: 'x' }],
      ['settings.update', { token: huge }],
      ['uploads.start', { paths: [`/tmp/${huge}.png`], board_id: null, category: 'user' }],
      ['uploads.start', { paths: Array.from({ length: 1001 }, (_, i) => `/tmp/${i}.png`), board_id: null, category: 'user' }],
      ['jobs.cancel', { job_id: huge }],
    ];
    for (const [channel, input] of cases) expectRefused(await refuse(channel, input), 'invalid_input');
    expect([...ran.keys()]).toEqual([]);
  });

  it('answers path-traversal and injection attempts with a refusal, never a file or a changed table', async () => {
    const names = [
      '../../../etc/passwd',
      '..\\..\\cache.sqlite',
      '/etc/passwd',
      'a/../../b.png',
      '%2e%2e%2fcache.sqlite',
      'x.png\u0000.webp',
      'CON.png',
    ];
    for (const name of names) {
      expectRefused(await refuse('images.details', { image_name: name }), 'not_found');
      for (const kind of ['thumbnails', 'images'] as const) {
        const media = await app.services.media.get(kind, name);
        expect(media.ok, `${kind}/${name}`).toBe(false);
      }
    }
    expectRefused(await refuse('jobs.cancel', { job_id: '../1' }), 'invalid_input');
    const before = app.services.session().cache.countImages(ALL);
    const outputs = await refuse('jobs.outputs', { job_id: '1; DROP TABLE images; --' });
    expect(outputs).toEqual({ ok: true, value: [] });
    // Search text is the user's words, never FTS5 syntax the cache would choke on.
    for (const search of [
      '"',
      '"unbalanced',
      'NEAR(a b',
      '*',
      'a OR',
      '^x',
      'col:x',
      "'; DROP TABLE images; --",
      '\u0000',
      '(((',
      'AND AND',
    ]) {
      const page = await refuse('images.page', { query: { ...ALL, search }, offset: 0, limit: 5 });
      expect(page.ok, `search ${JSON.stringify(search)}: ${JSON.stringify(page).slice(0, 200)}`).toBe(true);
    }
    expect(app.services.session().cache.countImages(ALL)).toBe(before);
    // A board named like a path is only a name: nothing appears on disk for it.
    const board = await app.call<{ board_name: string }>('boards.create', { name: '../../outside' });
    expect(board.board_name).toBe('../../outside');
    expect(readdirSync(join(dataDir, '..')).includes('outside')).toBe(false);
    for (const url of [
      'ivk-media://thumbnails/..%2F..%2Fsettings.json',
      'ivk-media://images/%2e%2e',
      'ivk-media://thumbnails/a%00.png',
      'ivk-media://../etc/passwd',
    ]) {
      expect((await app.services.media.fromUrl(url)).ok, url).toBe(false);
    }
  });
});

describe('IPC over the test host’s WebSocket', () => {
  let host: Host;
  let hostDir: string;
  let socket: WebSocket;
  const answers = new Map<number, IpcEnvelope<unknown>>();

  beforeAll(async () => {
    hostDir = mkdtempSync(join(tmpdir(), 'ivk-bad-host-'));
    host = await startHost({ serverUrl: server.url, dataDir: hostDir });
    socket = new WebSocket(`${host.url.replace(/^http/, 'ws')}/ivk`);
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.on('message', (raw) => {
      const message = decodeWire(new TextDecoder().decode(Array.isArray(raw) ? Buffer.concat(raw) : raw)) as {
        type: string;
        id: number;
        envelope: IpcEnvelope<unknown>;
      };
      if (message.type === 'result') answers.set(message.id, message.envelope);
    });
  });

  afterAll(async () => {
    socket?.close();
    await host?.close();
    rmSync(hostDir, { recursive: true, force: true });
  });

  let nextId = 1;
  async function invoke(channel: unknown, input: unknown): Promise<IpcEnvelope<unknown>> {
    const id = nextId++;
    socket.send(encodeWire({ type: 'invoke', id, channel, input }));
    return until(`the answer to ${JSON.stringify(channel).slice(0, 40)}`, () => answers.get(id), 10_000);
  }

  it('refuses unknown channels, wrong types and huge input, and keeps answering', async () => {
    expectRefused(await invoke('shell.exec', { command: 'rm -rf /' }), 'unknown_channel');
    expectRefused(await invoke('__proto__', {}), 'unknown_channel');
    expectRefused(await invoke('images.page', { query: ALL, offset: 'zero', limit: 10 }), 'invalid_input');
    expectRefused(await invoke('images.details', { image_name: 'y'.repeat(2_000_000) }), 'invalid_input');
    expectRefused(await invoke('boards.list', null), 'invalid_input');
    const page = await invoke('images.page', { query: ALL, offset: 0, limit: 3 });
    expect(page.ok).toBe(true);
  });

  it('survives frames that are not calls at all', async () => {
    for (const frame of [
      'not json',
      '{"id": 1',
      '[]',
      'null',
      '{"channel": 7}',
      JSON.stringify({ id: 'x', channel: 'app.status' }),
      Buffer.from([0xff, 0xfe, 0x00]),
    ]) {
      socket.send(frame);
    }
    // A call whose channel is not even a string gets an error answer, not silence.
    expectRefused(await invoke({ name: 'images.page' }, {}), 'unknown_channel');
    expectRefused(await invoke(42, {}), 'unknown_channel');
    // The host still answers the next well-formed call.
    const status = await invoke('app.status', {});
    expect(status.ok).toBe(true);
  });
});

describe('uploads of bad files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ivk-bad-uploads-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function upload(paths: string[]): Promise<UploadItem[]> {
    const started = await app.call<UploadItem[]>('uploads.start', { paths, board_id: null, category: 'user' });
    const ids = new Set(started.map((item) => item.id));
    return until(
      'every file to have its result',
      async () => {
        const items = (await app.call<UploadItem[]>('uploads.list')).filter((item) => ids.has(item.id));
        return items.every((item) => item.state === 'done' || item.state === 'failed') ? items : null;
      },
      60_000,
    );
  }

  it('gives each kind of bad file its own clear reason, and uploads the good one beside them', async () => {
    const png = await imageBytes('png', 33, 21);
    const files: Record<string, Uint8Array> = {
      'empty.png': new Uint8Array(),
      'truncated.png': png.subarray(0, png.length - 30),
      'invoice.png': PDF_BYTES,
      'notes.jpg': new TextEncoder().encode('meeting notes\n'),
      'script.webp': new TextEncoder().encode('<script>alert(1)</script>'),
      'good.png': png,
    };
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    // Larger than the limit, without writing 60 MB: a sparse file behind a real PNG header.
    writeFileSync(join(dir, 'huge.png'), png);
    truncateSync(join(dir, 'huge.png'), 60 * 1024 * 1024);
    mkdirSync(join(dir, 'folder.png'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.png'));
    const paths = [...Object.keys(files), 'huge.png', 'folder.png', 'passwd.png', 'missing.png'].map((name) => join(dir, name));

    const results = Object.fromEntries((await upload(paths)).map((item) => [item.file_name, item]));
    const reasons = Object.fromEntries(Object.entries(results).map(([name, item]) => [name, item.error]));
    expect(reasons).toEqual({
      'empty.png': 'The file is empty.',
      'truncated.png': expect.stringMatching(/damaged or still being copied/),
      'invoice.png': 'It looks like a PDF document, not an image. Only PNG, JPEG and WebP images and MP4 videos can be uploaded.',
      'notes.jpg': expect.stringMatching(/not an image\. Only PNG, JPEG and WebP images and MP4 videos can be uploaded\./),
      'script.webp': expect.stringMatching(/not an image|not a PNG, JPEG or WebP image/),
      'good.png': null,
      'huge.png': 'The file is 60 MB; the upload limit is 50 MB.',
      'folder.png': 'It is a folder, not a file.',
      'passwd.png': expect.stringMatching(/not an image|not a PNG, JPEG or WebP image/),
      'missing.png': 'The file was not found: it may have been moved or deleted.',
    });
    expect(results['good.png']?.state).toBe('done');
    expect(Object.values(results).filter((item) => item.state === 'failed')).toHaveLength(9);
    // Only the good file reached the server.
    expect(server.count('POST', '/api/v1/images/upload')).toBe(1);
  });

  it('takes 300 files at once: each gets its own result, the good ones all land, in the cache too', async () => {
    const before = server.count('POST', '/api/v1/images/upload');
    const png = await imageBytes('png', 24, 24);
    const paths: string[] = [];
    for (let i = 0; i < 300; i++) {
      const path = join(dir, `batch-${String(i).padStart(3, '0')}.png`);
      // Every tenth file is not an image.
      writeFileSync(path, i % 10 === 9 ? PDF_BYTES : png);
      paths.push(path);
    }
    const changes = app.events.length;
    const results = await upload(paths);
    expect(results).toHaveLength(300);
    const failed = results.filter((item) => item.state === 'failed');
    expect(failed.map((item) => item.file_name)).toEqual(paths.filter((_, i) => i % 10 === 9).map((path) => path.split('/').pop()));
    expect(
      failed.every(
        (item) =>
          item.error === 'It looks like a PDF document, not an image. Only PNG, JPEG and WebP images and MP4 videos can be uploaded.',
      ),
    ).toBe(true);
    const done = results.filter((item) => item.state === 'done');
    expect(done).toHaveLength(270);
    expect(new Set(done.map((item) => item.image_name)).size).toBe(270);
    expect(server.count('POST', '/api/v1/images/upload') - before).toBe(270);
    for (const item of done) expect(server.state.gallery.getImage(item.image_name!), item.file_name).toBeDefined();
    await until(
      'the cache to hold them',
      () => cacheDiff(app.services, server).length === 0,
      15_000,
      () => cacheDiff(app.services, server).slice(0, 5),
    );
    // Progress is reported, not flooded: a bounded number of events per file.
    const uploadEvents = app.events.slice(changes).filter((event) => event.name === 'uploads.changed').length;
    expect(uploadEvents).toBeLessThan(300 * 6);
  });
});
