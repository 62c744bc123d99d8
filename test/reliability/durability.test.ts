import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { profileKeyFor } from '../../src/main/cache';
import type { AppStatus } from '../../src/shared/ipc';
import { converged, openApp, serverView, until } from './support/app';
import { spawnApp, type ChildApp } from './support/child';
import { readCacheFile } from './support/db-check';
import { startLoggedStandIn, type LoggedRequest, type LoggedStandIn } from './support/stand-in';

/**
 * What survives the app being killed (SIGKILL: no handler runs, nothing is flushed) in the middle
 * of its work, and a cache file damaged on disk. The app runs in a child process of its own
 * (support/child-app.ts) against a stand-in in this process, whose request log says when the app
 * is mid-way and counts what it asks for.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(images: number) {
  // A paused queue: no job makes images or events while the app syncs, so request counts are exact.
  const server = await startLoggedStandIn({ images, seed: 21, queueItems: 4, paused: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-durability-'));
  cleanups.push(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const cacheFile = join(dataDir, 'cache', profileKeyFor(server.url), 'cache.sqlite');
  const start = (): ChildApp => {
    const app = spawnApp(dataDir, server.url);
    cleanups.push(() => app.kill());
    return app;
  };
  return { server, dataDir, cacheFile, start };
}

const isDtoRequest = (request: LoggedRequest) => request.method === 'POST' && request.path === '/api/v1/images/images_by_names';
const metadataName = (request: LoggedRequest) => /^\/api\/v1\/images\/i\/([^/]+)\/metadata$/.exec(request.path)?.[1];

/** Kills the app when the `nth` request matching `match` reaches the server, before it is answered. */
function killAt(server: LoggedStandIn, app: ChildApp, match: (request: LoggedRequest) => boolean, nth: number): Promise<LoggedRequest> {
  let seen = 0;
  return new Promise((resolve) => {
    const stop = server.onRequest((request) => {
      if (!match(request) || ++seen !== nth) return;
      app.killNow();
      stop();
      resolve(request);
    });
  });
}

/**
 * Kills the app from inside the server's handler, right after it applied the change and before
 * it answers: the request was in flight when the app died, and the app cannot know it went through.
 */
function killAfterApplying(server: LoggedStandIn, method: 'setStarred' | 'createBoard', app: ChildApp): void {
  const gallery = server.state.gallery as unknown as Record<string, (...args: unknown[]) => unknown>;
  const original = gallery[method]!;
  gallery[method] = (...args: unknown[]) => {
    const result = original.apply(server.state.gallery, args);
    app.killNow();
    gallery[method] = original;
    return result;
  };
}

async function statusOf(app: ChildApp): Promise<AppStatus> {
  return app.call<AppStatus>('app.status');
}

/** A crash is not damage: the restarted app neither moves its cache aside nor says it did. */
function expectNoDamageReported(app: ChildApp): void {
  const notices = app.events.filter((event) => event.name === 'notice').map((event) => (event.payload as { message: string }).message);
  expect(notices.filter((message) => /damaged/.test(message))).toEqual([]);
}

function expectWhole(report: ReturnType<typeof readCacheFile>): void {
  expect(report.integrity).toBe('ok');
  expect(report.searchIndex).toBe('ok');
  expect(report.inconsistencies).toEqual([]);
}

describe('killed mid-way (SIGKILL)', () => {
  it('in the middle of a first sync: the cache opens whole, and the next start fetches only what it lacks', async () => {
    const { server, cacheFile, start } = await world(2600);
    const first = start();
    // The third batch of 1000 DTOs is asked for once the second has arrived and the first is
    // written (at most two fetched batches wait for the writer), so the kill lands while the
    // second is being written or before.
    await killAt(server, first, isDtoRequest, 3);
    await first.exited;

    const afterKill = readCacheFile(cacheFile);
    expectWhole(afterKill);
    // The first batch whole, and of the second only whole slices (100 a transaction).
    expect(afterKill.images).toBeGreaterThanOrEqual(1000);
    expect(afterKill.images).toBeLessThanOrEqual(2000);
    expect(afterKill.images % 100).toBe(0);

    // Counted from here: requests the killed process had sent have all arrived by now.
    const restartedAt = server.requests.length;
    const second = start();
    await second.ready;
    await until('the sync to complete', async () => (await statusOf(second)).last_sync !== null);
    const dtoCalls = server.requests.filter((request) => request.seq >= restartedAt && isDtoRequest(request));
    // Only the missing images are asked for, up to 1000 names a call: asking again for any stored
    // one would take a call more.
    expect(dtoCalls).toHaveLength(Math.ceil((serverView(server).images.size - afterKill.images) / 1000));
    expectNoDamageReported(second);
    await second.stop();
    const done = readCacheFile(cacheFile);
    expectWhole(done);
    expect(done.images).toBe(serverView(server).images.size);
  });

  it('in the middle of the prompts backfill: nothing half-written, and no prompt is asked for twice', async () => {
    const { server, cacheFile, start } = await world(400);
    const first = start();
    await killAt(server, first, (request) => metadataName(request) !== undefined, 150);
    await first.exited;

    const afterKill = readCacheFile(cacheFile);
    expectWhole(afterKill);
    const described = new Set(afterKill.described);
    expect(described.size).toBeGreaterThan(0);
    expect(described.size).toBeLessThan(afterKill.images);

    const restartedAt = Date.now();
    const firstRequestOfRestart = server.requests.length;
    const second = start();
    await second.ready;
    await until('the sync after the restart', async () => ((await statusOf(second)).last_sync?.finished_at.getTime() ?? 0) >= restartedAt);
    await second.call('metadataIdle');
    const asked = server.requests
      .filter((request) => request.seq >= firstRequestOfRestart)
      .flatMap((request) => metadataName(request) ?? []);
    expect(
      asked.filter((name) => described.has(name)),
      'prompts stored before the kill, asked for again',
    ).toEqual([]);
    expect(new Set(asked).size, 'prompts asked for twice after the restart').toBe(asked.length);
    expect(asked, 'every missing prompt asked for once').toHaveLength(afterKill.images - described.size);
    expectNoDamageReported(second);
    await second.stop();
    const done = readCacheFile(cacheFile);
    expectWhole(done);
    expect(done.described).toHaveLength(done.images);
  });

  it('with a star in flight: the star is sent again after the restart and applied once', async () => {
    const { server, cacheFile, start } = await world(150);
    const first = start();
    await first.ready;
    await until('the first sync', async () => (await statusOf(first)).last_sync !== null);
    const image = server.state.gallery
      .queryImages({ is_intermediate: false, starred_first: false })
      .images.find((candidate) => !candidate.starred)!;

    // The server applies the star, and the app dies before the answer reaches it.
    killAfterApplying(server, 'setStarred', first);
    await first.call('images.star', { image_names: [image.image_name], starred: true }).catch(() => undefined);
    await first.exited;
    expect(server.state.gallery.getImage(image.image_name)?.starred).toBe(true);

    const afterKill = readCacheFile(cacheFile);
    expectWhole(afterKill);
    expect(afterKill.outbox.map((entry) => entry.kind)).toEqual(['star']);

    const second = start();
    await second.ready;
    await until('the outbox to drain', async () => (await statusOf(second)).outbox === 0);
    expect(server.count('POST', '/api/v1/images/star')).toBe(2);
    expect(server.state.gallery.getImage(image.image_name)?.starred).toBe(true);
    expect(second.events.filter((event) => event.name === 'notice')).toEqual([]);
    await second.stop();
  });

  it('with a board being created: the board is made once, what was sent before is not sent again, what waited is sent once', async () => {
    const { server, cacheFile, start } = await world(150);
    const first = start();
    await first.ready;
    await until('the first sync', async () => (await statusOf(first)).last_sync !== null);
    const gallery = server.state.gallery;
    const visible = gallery.queryImages({ is_intermediate: false, starred_first: false }).images;
    const toStar = visible.find((candidate) => !candidate.starred)!.image_name;
    const toMove = visible.find((candidate) => candidate.board_id === null && candidate.image_name !== toStar)!.image_name;
    const target = [...gallery.boards.values()].find((board) => !board.archived)!;

    await first.call('images.star', { image_names: [toStar], starred: true });
    expect(server.count('POST', '/api/v1/images/star')).toBe(1);
    // The server makes the board, and the app dies before the answer reaches it.
    killAfterApplying(server, 'createBoard', first);
    const creating = first.call('boards.create', { name: 'Made before a crash' }).catch(() => undefined);
    // Queued behind the board: waits for it in the outbox.
    void first.call('images.move', { image_names: [toMove], board: target.board_id }).catch(() => undefined);
    await creating;
    await first.exited;
    expect([...gallery.boards.values()].filter((board) => board.board_name === 'Made before a crash')).toHaveLength(1);

    const afterKill = readCacheFile(cacheFile);
    expectWhole(afterKill);
    expect(afterKill.outbox.map((entry) => entry.kind)).toEqual(['board.create', 'move']);

    const second = start();
    await second.ready;
    await until('the outbox to drain', async () => (await statusOf(second)).outbox === 0);
    expect(server.count('POST', '/api/v1/images/star'), 'the star, sent before the crash').toBe(1);
    expect(server.count('POST', '/api/v1/boards/'), 'the board, made before the crash').toBe(1);
    expect([...gallery.boards.values()].filter((board) => board.board_name === 'Made before a crash')).toHaveLength(1);
    expect(server.count('POST', '/api/v1/board_images/batch'), 'the move, waiting behind it').toBe(1);
    expect(gallery.getImage(toMove)?.board_id).toBe(target.board_id);
    expectNoDamageReported(second);
    await second.stop();
    const done = readCacheFile(cacheFile);
    expectWhole(done);
    expect(done.outbox).toEqual([]);
  });

  it('between showing an action and queuing it: neither or both, never a change that is not sent', async () => {
    const server = await startLoggedStandIn({ images: 60, seed: 3, queueItems: 4, paused: true });
    const dataDir = mkdtempSync(join(tmpdir(), 'ivk-atomic-'));
    cleanups.push(async () => {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const app = await openApp({ dataDir, serverUrl: server.url });
    cleanups.push(() => app.stop());
    await until('the first sync', async () => (await app.status()).last_sync !== null);
    const image = server.state.gallery
      .queryImages({ is_intermediate: false, starred_first: false })
      .images.find((candidate) => !candidate.starred)!;
    // The write of the outbox entry fails, as a crash at that instant would stop it.
    const { outbox } = app.services.session().cache;
    const add = outbox.add.bind(outbox);
    outbox.add = () => {
      throw new Error('the process died here');
    };
    const refused = await app.envelope('images.star', { image_names: [image.image_name], starred: true });
    outbox.add = add;
    expect(refused.ok).toBe(false);
    expect(app.services.session().cache.imageDetails(image.image_name)?.image.starred).toBe(false);
    expect((await app.status()).outbox).toBe(0);
  });
});

function quickCheck(path: string): string {
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    try {
      return db
        .prepare('PRAGMA quick_check')
        .all()
        .map((row) => String(Object.values(row)[0]))
        .join('; ');
    } finally {
      db.close();
    }
  } catch (error) {
    return String(error);
  }
}

describe('a damaged cache file', () => {
  const DAMAGE = [
    {
      name: 'bytes overwritten in the middle',
      damage: (path: string) => {
        const bytes = readFileSync(path);
        const middle = Math.floor(bytes.length / 2);
        bytes.fill(0x41, middle, middle + 8192);
        writeFileSync(path, bytes);
      },
      keepsQueue: true,
      // Only reading every page finds it: the background quick_check, a moment after start.
      foundBeforeOpening: false,
    },
    {
      name: 'truncated to half its size',
      damage: (path: string) => truncateSync(path, Math.floor(statSync(path).size / 2)),
      keepsQueue: true,
      foundBeforeOpening: true,
    },
    {
      name: 'a header that is not SQLite’s',
      damage: (path: string) => {
        const bytes = readFileSync(path);
        bytes.fill(0x00, 0, 100);
        writeFileSync(path, bytes);
      },
      keepsQueue: false,
      foundBeforeOpening: true,
    },
  ];

  it.each(DAMAGE)(
    '$name: detected at start, moved aside (not deleted), rebuilt from the server, and the user is told',
    async ({ damage, keepsQueue, foundBeforeOpening }) => {
      const server = await startLoggedStandIn({ images: 300, seed: 8, queueItems: 4, paused: true });
      const dataDir = mkdtempSync(join(tmpdir(), 'ivk-damaged-'));
      cleanups.push(async () => {
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      });
      const cacheFile = join(dataDir, 'cache', profileKeyFor(server.url), 'cache.sqlite');

      // A synced cache with prompts, and one action queued while the server was away.
      let app = await openApp({ dataDir, serverUrl: server.url });
      await until('the first sync', async () => (await app.status()).last_sync !== null);
      await app.services.session().sync.metadataIdle();
      const image = server.state.gallery
        .queryImages({ is_intermediate: false, starred_first: false })
        .images.find((candidate) => !candidate.starred)!;
      await server.goDown();
      await until('offline', () =>
        app.services
          .session()
          .probe()
          .then((online) => !online),
      );
      await app.call('images.star', { image_names: [image.image_name], starred: true });
      await app.stop();
      await server.comeBack();
      // Everything in the main file, as after a clean exit; then the damage.
      const db = new DatabaseSync(cacheFile);
      db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
      damage(cacheFile);
      const damagedBytes = readFileSync(cacheFile);

      app = await openApp({ dataDir, serverUrl: server.url });
      const notice = await until('the notice', () => app.notices('warning').find((message) => /local cache was damaged/.test(message)));
      expect(notice).toMatch(/moved aside to cache\.damaged-[\dTZ-]+\.sqlite and is being rebuilt from the server/);
      const told = app.events.some(
        (event) => event.name === 'status.changed' && /local cache was damaged/.test((event.payload as AppStatus).message ?? ''),
      );
      expect(told, 'app.status.message says so').toBe(true);
      // The queued star is still there, unless the header is gone and nothing can be read.
      if (keepsQueue) expect(notice).not.toMatch(/could not be read/);
      else expect(notice).toMatch(/Changes that were still waiting to be sent could not be read from it/);

      // The damaged file is kept beside the new one: byte for byte when it was never opened, and
      // still failing SQLite's check when the app had it open for a moment first.
      const folder = join(cacheFile, '..');
      const aside = readdirSync(folder).filter((name) => /^cache\.damaged-.*\.sqlite$/.test(name));
      expect(aside).toHaveLength(1);
      const asidePath = join(folder, aside[0]!);
      if (foundBeforeOpening) expect(readFileSync(asidePath).equals(damagedBytes)).toBe(true);
      else expect(quickCheck(asidePath)).not.toBe('ok');

      // Rebuilt from the server; the queued star (when it could be read) reaches the server.
      await converged(app.services, server);
      if (keepsQueue)
        await until('the kept star to reach the server', () => server.state.gallery.getImage(image.image_name)?.starred === true);
      await until('the status to clear', async () => (await app.status()).message === null);
      await app.stop();
      expect(existsSync(cacheFile)).toBe(true);
      expectWhole(readCacheFile(cacheFile));
    },
  );
});
