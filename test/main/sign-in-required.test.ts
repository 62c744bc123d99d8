import { mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { SIGN_IN_REQUIRED, SIGNED_OUT } from '../../src/main/session';
import { memoryTokens, type TokenStore } from '../../src/main/settings/settings';
import type { AppStatus, UploadItem } from '../../src/shared/ipc';
import { makeFixtures, type Fixtures } from '../fixtures/images';
import { startStandIn, type StandIn } from '../server';
import { callChannel, until } from '../support/services';

/**
 * A multi-user server that stops accepting the app's token (it expired, or a password change
 * revoked it): nothing the user did is dropped or retried in a loop; it all waits for a new
 * token, then goes in order.
 */
const ADMIN = { email: 'admin@example.com', password: 'correct horse battery', display_name: 'Admin', is_admin: true };

let server: StandIn;
let dataDir: string;
let files: Fixtures;
let tokens: TokenStore;
let services: AppServices;
let requests: string[];

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);

const status = () => call<AppStatus>('app.status', {});
const admin = () => server.accounts!.byEmail(ADMIN.email)!;
const freshToken = () => server.accounts!.issue(admin(), false);
const expiredToken = () => server.accounts!.issue(admin(), false, -60);

beforeEach(async () => {
  requests = [];
  server = await startStandIn({
    images: 30,
    seed: 17,
    queueItems: 4,
    users: [ADMIN],
    onRequest: (request) => requests.push(`${request.method} ${request.url}`),
  });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-sign-in-'));
  files = await makeFixtures();
  tokens = memoryTokens(freshToken());
  services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens, probeIntervalMs: 100, syncIntervalMs: 200 });
  await services.start();
  await services.session().sync.sync();
  await until('the socket', () => services.session().events.state === 'connected');
});

afterEach(async () => {
  await services.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  await rm(files.dir, { recursive: true, force: true });
});

describe('a token the server no longer accepts', () => {
  it('keeps queued actions, asks for a sign-in, does not retry in a loop, and sends them in order once a new token is set', async () => {
    const [first, second] = server.state.gallery
      .queryImages({ is_intermediate: false, starred_first: false })
      .images.filter((i) => !i.starred);
    tokens.set(expiredToken());

    await call('images.star', { image_names: [first!.image_name], starred: true });
    await call('images.star', { image_names: [second!.image_name], starred: true });

    const waiting = await until('the sign-in prompt', async () => {
      const now = await status();
      return now.sign_in_required ? now : null;
    });
    expect(waiting).toMatchObject({ connection: 'online', outbox: 2, message: SIGN_IN_REQUIRED });
    // Shown as starred at once (the cache), not yet on the server.
    expect(services.session().cache.imageDetails(first!.image_name)?.image.starred).toBe(true);
    expect(server.state.gallery.getImage(first!.image_name)?.starred).toBe(false);

    // Several probe and sync intervals later: still waiting, and the server was not hammered.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stars = requests.filter((line) => line.startsWith('POST /api/v1/images/star')).length;
    expect(stars).toBe(1);
    expect(await status()).toMatchObject({ sign_in_required: true, outbox: 2 });

    await call('settings.update', { token: freshToken() });
    await until('the outbox to drain', async () => (await status()).outbox === 0);
    expect(server.state.gallery.getImage(first!.image_name)?.starred).toBe(true);
    expect(server.state.gallery.getImage(second!.image_name)?.starred).toBe(true);
    expect(await status()).toMatchObject({ sign_in_required: false, message: null });
  });

  it('keeps uploads queued with the reason, and uploads them once a new token is set', async () => {
    tokens.set(expiredToken());
    const before = server.state.gallery.queryImages({ is_intermediate: false }).images.length;
    await call('uploads.start', { paths: [files.png, files.jpeg], board_id: null, category: 'user' });

    const waiting = await until('both uploads to wait', async () => {
      const items = await call<UploadItem[]>('uploads.list', {});
      return items.length === 2 && items.every((item) => item.state === 'queued' && item.error?.includes('sign in')) ? items : null;
    });
    expect(waiting).toHaveLength(2);
    expect((await status()).sign_in_required).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await call<UploadItem[]>('uploads.list', {})).map((item) => item.state)).toEqual(['queued', 'queued']);
    expect(server.state.gallery.queryImages({ is_intermediate: false }).images.length).toBe(before);

    await call('settings.update', { token: freshToken() });
    await until('both uploads to finish', async () =>
      (await call<UploadItem[]>('uploads.list', {})).every((item) => item.state === 'done' && item.image_name !== null),
    );
    expect(server.state.gallery.queryImages({ is_intermediate: false }).images.length).toBe(before + 2);
    expect((await status()).sign_in_required).toBe(false);
  });

  it('notices a revoked token from the dropped socket alone, before any action is sent', async () => {
    // A password change revokes every older token and drops the user's sockets, as on 6.14.2.
    server.accounts!.update(admin().user_id, { password: 'a new password entirely' });
    await until('the sign-in prompt', async () => (await status()).sign_in_required);
    expect((await status()).connection).toBe('online');

    await call('settings.update', { token: freshToken() });
    await until('the socket to come back', () => services.session().events.state === 'connected');
    expect((await status()).sign_in_required).toBe(false);
  });

  it('leaves single-user servers alone when the socket is refused', async () => {
    const single = await startStandIn({ images: 5, seed: 3, queueItems: 4 });
    const otherDir = mkdtempSync(join(tmpdir(), 'ivk-sign-in-single-'));
    const app = createAppServices({ rootDir: otherDir, serverUrl: single.url, tokens: memoryTokens(), probeIntervalMs: 100 });
    try {
      single.faults.refuseSockets(true);
      await app.start();
      await until('the server to answer', () => app.session().isOnline);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(app.session().status().sign_in_required).toBe(false);
    } finally {
      await app.stop();
      await single.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('signing in and out (account.*)', () => {
  it('tells a multi-user server from a single-user one, and says who is signed in', async () => {
    expect(await call('account.get', {})).toEqual({
      mode: 'multi_user',
      user: { email: ADMIN.email, display_name: ADMIN.display_name, is_admin: true },
      sign_in_required: false,
    });
    const single = await startStandIn({ images: 5, seed: 3, queueItems: 4 });
    try {
      await call('settings.update', { server_url: single.url });
      expect(await call('account.get', {})).toEqual({ mode: 'single_user', user: null, sign_in_required: false });
    } finally {
      await single.close();
    }
  });

  it('refuses a wrong password with a sentence, keeping the token it had', async () => {
    const before = tokens.get();
    await expect(call('account.signIn', { email: ADMIN.email, password: 'wrong', remember_me: false })).rejects.toThrow(
      'invalid_input: The e-mail or the password is not right. Check both and try again.',
    );
    expect(tokens.get()).toBe(before);
  });

  it('signs in with e-mail and password into the token store only, and sends what waited', async () => {
    const image = server.state.gallery.queryImages({ is_intermediate: false, starred_first: false }).images.find((i) => !i.starred)!;
    tokens.set(expiredToken());
    await call('images.star', { image_names: [image.image_name], starred: true });
    await until('the sign-in prompt', async () => (await status()).sign_in_required);
    expect((await call<{ user: unknown }>('account.get', {})).user).toBeNull();

    const account = await call('account.signIn', { email: ` ${ADMIN.email.toUpperCase()} `, password: ADMIN.password, remember_me: true });
    expect(account).toEqual({
      mode: 'multi_user',
      user: { email: ADMIN.email, display_name: ADMIN.display_name, is_admin: true },
      sign_in_required: false,
    });
    const token = tokens.get()!;
    expect(server.accounts!.verify(token)).toHaveProperty('user.email', ADMIN.email);
    // Nothing the renderer can read carries the token.
    expect(JSON.stringify([account, await call('settings.get', {}), await status()])).not.toContain(token);
    await until('the star to reach the server', () => server.state.gallery.getImage(image.image_name)?.starred);
  });

  it('signs out: forgets the token, tells the server, and keeps new changes queued', async () => {
    const image = server.state.gallery.queryImages({ is_intermediate: false, starred_first: false }).images.find((i) => !i.starred)!;
    const account = await call('account.signOut', { remove_cache: false });
    expect(account).toEqual({ mode: 'multi_user', user: null, sign_in_required: true });
    expect(tokens.get()).toBeNull();
    expect(requests).toContain('POST /api/v1/auth/logout');
    expect(await status()).toMatchObject({ sign_in_required: true, message: SIGNED_OUT });

    await call('images.star', { image_names: [image.image_name], starred: true });
    expect((await status()).outbox).toBe(1);
    expect(server.state.gallery.getImage(image.image_name)?.starred).toBe(false);
  });
});
