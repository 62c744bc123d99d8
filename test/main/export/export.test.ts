import { mkdtempSync, statSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportRunner, NOT_CACHED_OFFLINE, folderName, stamp } from '../../../src/main/export';
import type { AppServices } from '../../../src/main/services';
import type { ExportJob } from '../../../src/shared/ipc';
import type { StandIn } from '../../server';
import { ALL, countingSupply, fileSha, serverSha, startSyncedWorld, type SyncedWorld } from './support';
import { callChannel } from '../../support/services';

/**
 * Export against the stand-in on loopback: originals byte for byte (cache first, then `/full`),
 * the two name patterns, never overwriting, resume after cancel and after the app stopped, and
 * offline exports of what is cached.
 */

let server: StandIn;
let dataDir: string;
let services: AppServices;
let out: string;
let names: string[];

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);

async function idle(id: string): Promise<ExportJob> {
  return services.exports().idle(id);
}

let world: SyncedWorld;

beforeAll(async () => {
  world = await startSyncedWorld({ images: 60, seed: 14, prefix: 'ivk-export-' });
  ({ server, dataDir, services, names } = world);
});

afterAll(() => world.close());

beforeEach(() => {
  out = mkdtempSync(join(tmpdir(), 'ivk-export-out-'));
});

describe('export', () => {
  it('writes the server’s originals byte for byte, from the cache when there and from /full otherwise', async () => {
    const picked = names.slice(0, 12);
    // Half of them viewed before, so their full image is a cache file.
    for (const name of picked.slice(0, 6)) expect((await services.media.get('images', name)).ok).toBe(true);
    const job = await call<ExportJob>('images.export.start', {
      source: { kind: 'names', image_names: picked },
      out_dir: out,
      pattern: 'name',
      sidecar: false,
    });
    const done = await idle(job.id);
    expect(done).toMatchObject({ state: 'done', total: 12, written: 12, skipped: 0, failed: 0 });
    expect((await readdir(out)).sort()).toEqual([...picked].sort());
    for (const name of picked) expect(await fileSha(join(out, name))).toBe(await serverSha(server.url, name));
    expect(done.bytes).toBe(picked.reduce((sum, name) => sum + statSync(join(out, name)).size, 0));
  });

  it('names files board/date_time_name and writes a JSON sidecar with the cached metadata', async () => {
    const entries = services.session().cache.exportEntries(names.slice(0, 8));
    const job = await call<ExportJob>('images.export.start', {
      source: { kind: 'names', image_names: entries.map((entry) => entry.image_name) },
      out_dir: out,
      pattern: 'board_date_name',
      sidecar: true,
    });
    expect(await idle(job.id)).toMatchObject({ state: 'done', written: 8 });
    for (const entry of entries) {
      const path = join(out, folderName(entry.board_name), `${stamp(entry.created_at)}_${entry.image_name}`);
      expect(await fileSha(path)).toBe(await serverSha(server.url, entry.image_name));
      const sidecar = JSON.parse(await readFile(`${path}.json`, 'utf8')) as Record<string, unknown>;
      expect(sidecar).toMatchObject({ image_name: entry.image_name, board_name: entry.board_name, metadata: entry.metadata });
      expect(sidecar.created_at).toBe(entry.created_at.toISOString());
    }
    expect(entries.some((entry) => entry.metadata !== null)).toBe(true);
  });

  it('exports a whole view with exceptions, as a selection of "all in this view" sends it', async () => {
    const except = names.slice(0, 5);
    const job = await call<ExportJob>('images.export.start', {
      source: { kind: 'query', query: ALL, except },
      out_dir: out,
      pattern: 'name',
      sidecar: false,
    });
    expect(await idle(job.id)).toMatchObject({ state: 'done', total: names.length - 5, written: names.length - 5 });
    const files = await readdir(out);
    expect(files.some((file) => except.includes(file))).toBe(false);
  });

  it('never overwrites a file that is already there, and says so', async () => {
    const [kept, ...rest] = names.slice(0, 4) as [string, ...string[]];
    await writeFile(join(out, kept), 'mine, not the server’s');
    const job = await call<ExportJob>('images.export.start', {
      source: { kind: 'names', image_names: [kept, ...rest] },
      out_dir: out,
      pattern: 'name',
      sidecar: false,
    });
    expect(await idle(job.id)).toMatchObject({ state: 'done', written: 3, skipped: 1, failed: 0 });
    expect(await readFile(join(out, kept), 'utf8')).toBe('mine, not the server’s');
    const result = services
      .exports()
      .results(job.id)
      .find((entry) => entry.image_name === kept);
    expect(result).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('already in the folder') as unknown });
  });

  it('refuses a relative folder with a sentence, and loses nothing', async () => {
    await expect(
      call('images.export.start', {
        source: { kind: 'names', image_names: names.slice(0, 1) },
        out_dir: 'relative/dir',
        pattern: 'name',
        sidecar: false,
      }),
    ).rejects.toThrow(/full folder path/);
  });

  it('resumes a cancelled export without fetching or rewriting the finished files', async () => {
    const session = services.session();
    await session.cache.images.clear();
    const journalDir = join(dataDir, 'journal-cancel');
    let id = '';
    const counting = countingSupply(session, (_name, count) => {
      if (count === 10) runner.cancel(id);
    });
    const runner: ExportRunner = new ExportRunner({ journalDir, images: counting.supply, onProgress: () => undefined, concurrency: 2 });
    id = (await runner.start({ image_names: names, out_dir: out, pattern: 'name', sidecar: false })).id;
    const cancelled = await runner.idle(id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.written).toBeGreaterThanOrEqual(10);
    expect(cancelled.written).toBeLessThan(names.length);
    const firstRun = runner.results(id).filter((result) => result.outcome === 'written');
    const mtimes = new Map(firstRun.map((result) => [result.image_name, statSync(join(out, result.path!)).mtimeMs]));

    await runner.resume(id);
    const done = await runner.idle(id);
    expect(done).toMatchObject({ state: 'done', written: names.length, skipped: 0, failed: 0 });
    // Each image fetched exactly once across both runs; the first run's files untouched.
    expect(counting.fetched.length).toBe(names.length);
    expect(new Set(counting.fetched).size).toBe(names.length);
    for (const [name, mtime] of mtimes) expect(statSync(join(out, name)).mtimeMs).toBe(mtime);
    for (const name of names.slice(0, 10)) expect(await fileSha(join(out, name))).toBe(await serverSha(server.url, name));
  });

  it('resumes an export the app stopped in the middle of, from its journal, in a new runner', async () => {
    const session = services.session();
    await session.cache.images.clear();
    const journalDir = join(dataDir, 'journal-interrupted');
    const before = countingSupply(session, (_name, count) => {
      if (count === 15) void first.stop();
    });
    const first: ExportRunner = new ExportRunner({ journalDir, images: before.supply, onProgress: () => undefined, concurrency: 3 });
    const { id } = await first.start({ image_names: names, out_dir: out, pattern: 'name', sidecar: false });
    await first.idle(id);
    const finished = first.results(id).filter((result) => result.outcome === 'written').length;
    expect(finished).toBeLessThan(names.length);

    const after = countingSupply(session);
    const second = new ExportRunner({ journalDir, images: after.supply, onProgress: () => undefined });
    const [listed] = await second.list();
    expect(listed).toMatchObject({ id, state: 'interrupted', written: finished, total: names.length });
    await second.resume(id);
    expect(await second.idle(id)).toMatchObject({ state: 'done', written: names.length, failed: 0 });
    expect(after.fetched.length).toBe(names.length - finished);
    expect((await readdir(out)).length).toBe(names.length);
  });

  it('offline, exports what is cached and lists what is not; back online, the rest follows', async () => {
    const session = services.session();
    await session.cache.images.clear();
    const picked = names.slice(0, 20);
    const cached = picked.slice(0, 5);
    for (const name of cached) expect((await services.media.get('images', name)).ok).toBe(true);
    await server.goDown();
    try {
      expect(await session.probe()).toBe(false);
      const job = await call<ExportJob>('images.export.start', {
        source: { kind: 'names', image_names: picked },
        out_dir: out,
        pattern: 'name',
        sidecar: false,
      });
      const done = await idle(job.id);
      expect(done).toMatchObject({ state: 'done', written: 5, failed: 15, not_cached: 15 });
      expect(done.failures.map((failure) => failure.image_name).sort()).toEqual(picked.slice(5).sort());
      expect(done.failures.every((failure) => failure.reason === NOT_CACHED_OFFLINE)).toBe(true);
      expect((await readdir(out)).sort()).toEqual([...cached].sort());
    } finally {
      await server.comeBack();
    }
    expect(await session.probe()).toBe(true);
    const [last] = (await call<ExportJob[]>('images.export.list', {})).slice(-1);
    await call('images.export.resume', { id: last!.id });
    expect(await idle(last!.id)).toMatchObject({ state: 'done', written: 20, failed: 0, not_cached: 0 });
    for (const name of picked) expect(await fileSha(join(out, name))).toBe(await serverSha(server.url, name));
  });
});
