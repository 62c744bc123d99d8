import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens, type TokenStore } from '../../src/main/settings/settings';
import type { AppStatus, GalleryQuery } from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import { callChannel, until } from '../support/services';

/**
 * One cache per server and user: two accounts on one computer never see each other's cache,
 * signing in as someone else switches cache, and signing out keeps or removes the user's cache.
 */
const ADA = { email: 'ada@example.com', password: 'ada password here', display_name: 'Ada', is_admin: true };
const BOB = { email: 'bob@example.com', password: 'bob password here', display_name: 'Bob', is_admin: false };
const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

let server: StandIn;
let dataDir: string;
let tokens: TokenStore;
let services: AppServices;

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);

const total = async () => (await call<{ total: number }>('images.page', { query: ALL, offset: 0, limit: 1 })).total;
const starredInCache = (name: string) => services.session().cache.imageDetails(name)?.image.starred;
const signIn = (who: typeof ADA) => call('account.signIn', { email: who.email, password: who.password, remember_me: false });
const synced = () => until('a sync', () => services.session().sync.lastSummary() !== null);

beforeEach(async () => {
  server = await startStandIn({ images: 25, seed: 5, queueItems: 4, users: [ADA, BOB] });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-account-caches-'));
  tokens = memoryTokens();
  services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens, probeIntervalMs: 100 });
  await services.start();
});

afterEach(async () => {
  await services.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('caches per server and user', () => {
  it('opens a cache of its own for each user, keeps a signed-out user’s cache and queued changes for their next sign-in', async () => {
    const withoutUser = services.session().cache.dir;
    await signIn(ADA);
    const adasDir = services.session().cache.dir;
    expect(adasDir).not.toBe(withoutUser);
    await synced();
    const images = server.state.gallery.queryImages({ is_intermediate: false, starred_first: false }).images;
    expect(await total()).toBe(images.length);

    // Ada stars an image while the server is away: it waits in her cache's outbox.
    const image = images.find((candidate) => !candidate.starred)!;
    await server.goDown();
    await until('offline', async () => (await call<AppStatus>('app.status', {})).connection === 'offline');
    await call('images.star', { image_names: [image.image_name], starred: true });
    expect(starredInCache(image.image_name)).toBe(true);

    // Signed out (the server is still away, so its logout fails: the token is forgotten anyway).
    await call('account.signOut', { remove_cache: false });
    expect(tokens.get()).toBeNull();
    expect(services.session().cache.dir).toBe(withoutUser);
    expect(await total()).toBe(0);
    expect(existsSync(join(adasDir, 'cache.sqlite'))).toBe(true);

    // Bob on the same computer: his own cache, which never held Ada's queued star.
    await server.comeBack();
    await signIn(BOB);
    const bobsDir = services.session().cache.dir;
    expect(new Set([withoutUser, adasDir, bobsDir]).size).toBe(3);
    await synced();
    // Bob, not an admin, is not even shown the seed's images (they are `system`'s, on private boards).
    expect(starredInCache(image.image_name)).toBeUndefined();
    expect((await call<AppStatus>('app.status', {})).outbox).toBe(0);
    expect(server.state.gallery.getImage(image.image_name)?.starred).toBe(false);

    // Ada again: her cache comes back with her change, which is sent now.
    await call('account.signOut', { remove_cache: false });
    await signIn(ADA);
    expect(services.session().cache.dir).toBe(adasDir);
    expect(starredInCache(image.image_name)).toBe(true);
    await until('Ada’s queued star to reach the server', () => server.state.gallery.getImage(image.image_name)?.starred);
  });

  it('removes the user’s cache on sign-out when asked, and a restart opens the signed-in user’s cache', async () => {
    await signIn(ADA);
    const adasDir = services.session().cache.dir;
    await synced();

    // A restart (the token and the user are remembered) opens Ada's cache again.
    await services.stop();
    services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens, probeIntervalMs: 100 });
    await services.start();
    expect(services.session().cache.dir).toBe(adasDir);
    expect(await total()).toBeGreaterThan(0);

    await call('account.signOut', { remove_cache: true });
    expect(existsSync(adasDir)).toBe(false);
    expect(await total()).toBe(0);
    expect(tokens.get()).toBeNull();
  });

  it('keeps a pasted token’s data in its own user’s cache, never in the one anyone signed out sees', async () => {
    await services.stop();
    const ada = server.accounts!.byEmail(ADA.email)!;
    tokens.set(server.accounts!.issue(ada, false));
    services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens, probeIntervalMs: 100 });
    await services.start();
    await synced();
    const adasDir = services.session().cache.dir;
    expect(await total()).toBeGreaterThan(0);

    // Bob signs in at this computer: a fresh cache of his own.
    await signIn(BOB);
    expect(services.session().cache.dir).not.toBe(adasDir);
    await call('account.signOut', { remove_cache: true });
    // Signed out: the cache without a user, which holds nobody's images.
    expect(services.session().cache.dir).not.toBe(adasDir);
    expect(await total()).toBe(0);

    // Ada signs in through Settings: the cache her pasted token filled is hers.
    await signIn(ADA);
    expect(services.session().cache.dir).toBe(adasDir);
    expect(await total()).toBeGreaterThan(0);
  });

  it('switches to the cache of the user a newly pasted token names', async () => {
    await signIn(ADA);
    const adasDir = services.session().cache.dir;
    const bobsToken = server.accounts!.issue(server.accounts!.byEmail(BOB.email)!, false);
    await call('settings.update', { token: bobsToken });
    expect(services.session().cache.dir).not.toBe(adasDir);
    expect(await call('account.get', {})).toMatchObject({ user: { email: BOB.email } });
  });
});
