import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus, Board, IpcEnvelope, UploadItem } from '../../src/shared/ipc';
import { imageBytes } from '../fixtures/images';
import { openApp, until, type App } from './support/app';
import { startLoggedStandIn, type LoggedStandIn } from './support/stand-in';

/**
 * The bearer token goes to the server in the Authorization header and nowhere else: not into a
 * file under the data folder (settings, cache, WAL, thumbnails), not into an error, a notice or
 * the status, not into anything written to the console. A recognisable token is used through a
 * sync, actions, an upload, media, a server that fails and one that is gone.
 */
const TOKEN = 'ivk-secret-4e1c9b7a2f-DO-NOT-LEAK';
const ROTATED = 'ivk-secret-rotated-88d1e5-DO-NOT-LEAK';
const FORMS = (token: string) => [token, Buffer.from(token).toString('base64'), Buffer.from(token, 'utf16le').toString('latin1')];

let server: LoggedStandIn;
let dataDir: string;
let app: App;
const written: string[] = [];

beforeEach(async () => {
  written.length = 0;
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      written.push(args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' '));
    });
  }
  server = await startLoggedStandIn({ images: 80, seed: 23, queueItems: 6, jobStepMs: 2 });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-secrets-'));
});

afterEach(async () => {
  await app?.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the token', () => {
  it('is sent as a bearer header and appears in no file, error, notice, status or console line', async () => {
    app = await openApp({ dataDir, serverUrl: server.url, token: TOKEN });
    await until('the first sync', async () => (await app.status()).last_sync !== null);
    await app.services.session().sync.metadataIdle();
    const failures: IpcEnvelope<unknown>[] = [];
    const attempt = async (channel: string, input: unknown) => {
      const envelope = await app.envelope(channel, input);
      if (!envelope.ok) failures.push(envelope);
      return envelope;
    };

    // Media, actions and an upload: files, rows and outbox entries written with the token in use.
    const names = server.state.gallery
      .queryImages({ is_intermediate: false, starred_first: false })
      .images.map((image) => image.image_name);
    for (const name of names.slice(0, 5)) expect((await app.services.media.get('thumbnails', name)).ok).toBe(true);
    expect((await app.services.media.get('images', names[0]!)).ok).toBe(true);
    await app.call('images.star', { image_names: names.slice(0, 3), starred: true });
    const board = await app.call<Board>('boards.create', { name: 'Secret-free' });
    await app.call('images.move', { image_names: names.slice(3, 5), board: board.board_id });
    await app.call('images.delete', { image_names: [names[5]!] });
    const file = join(dataDir, 'upload.png');
    writeFileSync(file, await imageBytes('png', 20, 20));
    await app.call<UploadItem[]>('uploads.start', { paths: [file], board_id: null, category: 'user' });
    await until('the upload', async () => (await app.call<UploadItem[]>('uploads.list')).every((item) => item.state === 'done'));

    // Failures of every kind, each with words for the user.
    server.faults.add({ pathPrefix: '/api/v1/boards/', errorRate: 1 });
    await attempt('boards.rename', { board_id: board.board_id, name: 'Fails on the server' });
    server.faults.clear();
    const doomed = [...server.state.gallery.boards.values()].find((candidate) => candidate.board_id !== board.board_id)!;
    server.state.gallery.deleteBoard(doomed.board_id, false);
    await attempt('boards.rename', { board_id: doomed.board_id, name: 'Deleted elsewhere' });
    await until('the conflict notice', () => app.notices('error').length > 0);
    await attempt('settings.testConnection', { server_url: 'http://127.0.0.1:9' });
    await attempt('images.details', { image_name: 'missing.png' });
    await server.goDown();
    await until('offline', () =>
      app.services
        .session()
        .probe()
        .then((online) => !online),
    );
    await attempt('images.star', { image_names: [names[6]!], starred: true });
    await server.comeBack();
    await until('back online with the outbox sent', async () => {
      const status = await app.status();
      return status.connection === 'online' && status.outbox === 0;
    });

    // A new token through the settings: the next requests carry it, and it is not stored in plain text either.
    const rotatedAt = server.requests.length;
    await app.call('settings.update', { token: ROTATED });
    expect((await app.call<{ has_token: boolean }>('settings.get')).has_token).toBe(true);
    await app.call('sync.now');
    await until('a request with the new token', () => server.requests.slice(rotatedAt).some((request) => request.path.startsWith('/api/')));
    await app.stop();

    // Every API request carried the token as a bearer header, the new one after the change.
    const api = server.requests.filter((request) => request.path.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(20);
    expect(new Set(api.filter((request) => request.seq < rotatedAt).map((request) => request.authorization))).toEqual(
      new Set([`Bearer ${TOKEN}`]),
    );
    expect(new Set(api.map((request) => request.authorization))).toEqual(new Set([`Bearer ${TOKEN}`, `Bearer ${ROTATED}`]));
    expect(api.at(-1)?.authorization).toBe(`Bearer ${ROTATED}`);
    for (const request of server.requests) expect(`${request.path}${request.query}`).not.toContain(TOKEN);

    // Nowhere else.
    const words = [
      ...failures.map((failure) => (failure.ok ? '' : failure.error.message)),
      ...app.notices(),
      ...app.events.filter((event) => event.name === 'status.changed').map((event) => (event.payload as AppStatus).message ?? ''),
      ...app.events.map((event) => JSON.stringify(event.payload)),
      ...written,
    ];
    expect(failures.length).toBeGreaterThan(0);
    expect(app.notices().length).toBeGreaterThan(0);
    for (const token of [TOKEN, ROTATED]) {
      for (const form of FORMS(token)) {
        expect(
          words.filter((text) => text.includes(form)),
          `"${form}" in messages or console`,
        ).toEqual([]);
        for (const path of filesUnder(dataDir)) {
          if (statSync(path).size === 0) continue;
          expect(readFileSync(path).includes(Buffer.from(form, 'latin1')), `"${form}" in ${path}`).toBe(false);
        }
      }
    }
    expect(filesUnder(dataDir).some((path) => path.endsWith('cache.sqlite'))).toBe(true);
  });
});
