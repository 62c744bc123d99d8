import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import type { GalleryQuery } from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import { callChannel, until } from '../support/services';

const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

/** What happened, in order: the server's requests for name lists, and the window's first page. */
let log: string[];
let server: StandIn;
let dataDir: string;
let services: AppServices | null = null;

async function open(): Promise<AppServices> {
  services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens: memoryTokens(), probeIntervalMs: 100 });
  await services.start();
  return services;
}

beforeEach(async () => {
  log = [];
  server = await startStandIn({
    // Three batches of DTOs, so a first sync has a middle.
    images: 2500,
    seed: 5,
    onRequest: (request) => {
      if (request.url?.startsWith('/api/v1/images/names')) log.push('names');
    },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-startup-'));
});

afterEach(async () => {
  await services?.stop();
  services = null;
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the start-up sync', () => {
  it('starts at once on an empty cache, which has nothing to paint', async () => {
    await open();
    await until('the first name list', () => log.includes('names'));
  });

  it('waits on a warm start until the window has its first page, then syncs', async () => {
    const first = await open();
    await first.session().sync.sync();
    await first.stop();
    log = [];

    const warm = await open();
    // Long enough for a sync that did not wait to have asked for its name list already.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(log).toEqual([]);
    const page = await callChannel<{ total: number }>(warm, 'images.page', { query: ALL, offset: 0, limit: 100 });
    log.push('page');
    expect(page.total).toBeGreaterThan(0);
    await until('the start-up sync', () => log.includes('names'));
    expect(log[0]).toBe('page');
  });

  it('still syncs on a warm start when no window asks for a page', async () => {
    const first = await open();
    await first.session().sync.sync();
    await first.stop();
    log = [];

    await open();
    await until('the start-up sync', () => log.includes('names'), 15_000);
  });
});

describe('rows a first sync writes', () => {
  it('are announced to the window while the run goes on, not only when it ends', async () => {
    const opened = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens: memoryTokens(), probeIntervalMs: 100 });
    services = opened;
    let finished = false;
    const announced: { during: boolean; cached: number }[] = [];
    opened.onEvent((name, payload) => {
      if (name === 'gallery.changed' && (payload as { images: boolean }).images)
        announced.push({ during: !finished, cached: opened.session().cache.totals().images });
    });
    const session = opened.session();
    await session.sync.sync();
    finished = true;
    const during = announced.filter((event) => event.during);
    expect(during.length).toBeGreaterThan(0);
    // The first one comes with the first batch written, before the whole list is in.
    expect(during[0]!.cached).toBeGreaterThan(0);
    expect(during[0]!.cached).toBeLessThan(session.cache.totals().images);
  });

  it('are announced up to the last one while the run goes on, though it landed within the pause between two', async () => {
    // The batches come in milliseconds, within one pause; the jobs after them take a while.
    server.faults.add({ pathPrefix: '/api/v1/queue/', latencyMs: 1500 });
    const opened = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens: memoryTokens(), probeIntervalMs: 100 });
    services = opened;
    let finished = false;
    const announced: number[] = [];
    opened.onEvent((name, payload) => {
      if (name === 'gallery.changed' && (payload as { images: boolean }).images && !finished)
        announced.push(opened.session().cache.totals().images);
    });
    const session = opened.session();
    await session.sync.sync();
    finished = true;
    expect(announced).toContain(session.cache.totals().images);
  });
});
