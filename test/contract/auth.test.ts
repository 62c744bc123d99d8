/**
 * Sign-in on a multi-user server (6.12+, NOTES.md §7), on the stand-in and on a real 6.14.2 in
 * multi-user mode: the mode probe, login, who am I, logout, the refreshed token, and the 401s of a
 * missing, broken or revoked token, over raw HTTP, through the app's client and on the socket.
 * A single-user server's answers to the same routes are pinned too.
 */
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { InvokeClient } from '../../src/main/api/client';
import { userIdOfToken } from '../../src/main/account/token-user';
import { ApiError } from '../../src/main/api/errors';
import { runTag, useTarget } from './harness';
import { ADMIN, bearer, MEMBER, signIn, useMultiUserTarget } from './multiuser';
import { expectComponent, expectDetail, expectResponse, expectValidationError } from './schema';

/** Resolves 'connected' or the connect_error message of a socket that sends `auth`. */
function socketOutcome(url: string, auth?: { token: string }): Promise<string> {
  const socket = io(url, { path: '/ws/socket.io', transports: ['websocket'], forceNew: true, reconnection: false, timeout: 10_000, auth });
  return new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (err) => resolve(err.message));
  }).finally(() => socket.close());
}

describe('multi-user server: sign-in', () => {
  const t = useMultiUserTarget();

  it('says it is multi-user and set up, without naming the admin, to a caller with no token', async () => {
    const res = await t.anonymous.get('/api/v1/auth/status');
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/auth/status', res);
    expect(res.json).toEqual({ setup_required: false, multiuser_enabled: true, strict_password_checking: false, admin_email: null });
    // A token the server no longer takes does not stop the probe: the app asks it after a 401.
    const stale = await t.anonymous.request('GET', '/api/v1/auth/status', { headers: bearer('not.a.token') });
    expect(stale.status).toBe(200);
  });

  it('answers the version without a token and refuses everything else with 401', async () => {
    expect((await t.anonymous.get('/api/v1/app/version')).status).toBe(200);
    expectDetail(await t.anonymous.get('/api/v1/images/names'), 401, 'Authentication required');
    expectDetail(await t.anonymous.get('/api/v1/boards/', { all: true }), 401, 'Authentication required');
    const me = await t.anonymous.get('/api/v1/auth/me');
    expectDetail(me, 401, 'Missing authentication credentials');
    expect(me.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('signs the member in for a day (a week with remember_me) and says who the token stands for', async () => {
    const res = await t.anonymous.post('/api/v1/auth/login', { email: MEMBER.email, password: MEMBER.password });
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/auth/login', res);
    expect(res.json.expires_in).toBe(86_400);
    expect(res.json.user).toMatchObject({ email: MEMBER.email, display_name: MEMBER.display_name, is_admin: false, is_active: true });
    expect(res.json.token.split('.')).toHaveLength(3);
    expect(res.headers.get('set-cookie')).toMatch(/^invokeai_media_token=.+HttpOnly.+Path=\/api\/v1/i);
    const me = await t.anonymous.request('GET', '/api/v1/auth/me', { headers: bearer(res.json.token) });
    expect(me.status).toBe(200);
    expectComponent('UserDTO', me.json);
    expect(me.json.user_id).toBe(res.json.user.user_id);
    // The app files a token's data under the user its claim names (src/main/account/token-user.ts).
    expect(userIdOfToken(res.json.token)).toBe(res.json.user.user_id);
    const week = await t.anonymous.post('/api/v1/auth/login', { email: MEMBER.email, password: MEMBER.password, remember_me: true });
    expect(week.json.expires_in).toBe(604_800);
  });

  it('refuses a wrong password with 401 and an address without @ with 422', async () => {
    const wrong = await t.anonymous.post('/api/v1/auth/login', { email: MEMBER.email, password: 'not-the-password' });
    expectDetail(wrong, 401, 'Incorrect email or password');
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expectDetail(
      await t.anonymous.post('/api/v1/auth/login', { email: 'nobody@example.com', password: 'x' }),
      401,
      'Incorrect email or password',
    );
    expectValidationError(
      await t.anonymous.post('/api/v1/auth/login', { email: 'no-at-sign', password: 'x' }),
      ['body', 'email'],
      'value_error',
    );
  });

  it('refuses a broken token with 401, worded per route', async () => {
    const token = await signIn(t.anonymous, MEMBER);
    const broken = `${token.slice(0, -4)}AAAA`;
    expectDetail(await t.anonymous.request('GET', '/api/v1/images/names', { headers: bearer(broken) }), 401, 'Invalid or expired token');
    const me = await t.anonymous.request('GET', '/api/v1/auth/me', { headers: bearer(broken) });
    expectDetail(me, 401, 'Invalid or expired authentication token');
    expect((await t.anonymous.request('GET', '/api/v1/images/names', { headers: bearer(token) })).status).toBe(200);
  });

  it('hands back a fresh token on a successful mutating call, not on a read', async () => {
    const token = await signIn(t.anonymous, MEMBER);
    const read = await t.anonymous.request('GET', '/api/v1/boards/', { query: { all: true }, headers: bearer(token) });
    expect(read.status).toBe(200);
    expect(read.headers.get('x-refreshed-token')).toBeNull();
    const made = await t.anonymous.request('POST', '/api/v1/boards/', { query: { board_name: runTag() }, headers: bearer(token) });
    expect(made.status).toBe(201);
    const fresh = made.headers.get('x-refreshed-token');
    expect(fresh).toBeTruthy();
    expect((await t.anonymous.request('GET', '/api/v1/auth/me', { headers: bearer(fresh!) })).json.email).toBe(MEMBER.email);
    await t.anonymous.request('DELETE', `/api/v1/boards/${made.json.board_id}`, { headers: bearer(fresh!) });
  });

  it('logs out without revoking the token: only the media cookie goes', async () => {
    const token = await signIn(t.anonymous, MEMBER);
    const res = await t.anonymous.request('POST', '/api/v1/auth/logout', { headers: bearer(token) });
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/auth/logout', res);
    expect(res.json).toEqual({ success: true });
    expect(res.headers.get('set-cookie')).toMatch(/^invokeai_media_token=""; .*Max-Age=0/);
    expect(res.headers.get('x-refreshed-token')).toBeNull();
    expect((await t.anonymous.request('GET', '/api/v1/auth/me', { headers: bearer(token) })).status).toBe(200);
    expectDetail(await t.anonymous.post('/api/v1/auth/logout'), 401, 'Missing authentication credentials');
  });

  it('keeps the admin routes from the member with 403', async () => {
    const token = await signIn(t.anonymous, MEMBER);
    expectDetail(await t.anonymous.request('GET', '/api/v1/auth/users', { headers: bearer(token) }), 403, 'Admin privileges required');
  });

  it('revokes every older token of a user whose password the admin changed, and drops their socket', async () => {
    const admin = await signIn(t.anonymous, ADMIN);
    const account = { email: `${runTag()}@example.com`, password: 'First-pass-123' };
    const made = await t.anonymous.request('POST', '/api/v1/auth/users', {
      json: { ...account, display_name: 'Temp' },
      headers: bearer(admin),
    });
    expect(made.status).toBe(201);
    const old = await signIn(t.anonymous, account);
    const socket = io(t.url, {
      path: '/ws/socket.io',
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: { token: old },
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const dropped = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    const changed = await t.anonymous.request('PATCH', `/api/v1/auth/users/${made.json.user_id}`, {
      json: { password: 'Second-pass-456' },
      headers: bearer(admin),
    });
    expect(changed.status).toBe(200);
    expect(changed.json.token_epoch).toBe(1);
    expect(await dropped).toBe('io server disconnect');
    expectDetail(await t.anonymous.request('GET', '/api/v1/images/names', { headers: bearer(old) }), 401, 'User not found or inactive');
    const me = await t.anonymous.request('GET', '/api/v1/auth/me', { headers: bearer(old) });
    expectDetail(me, 401, 'User account is inactive or does not exist');
    const fresh = await signIn(t.anonymous, { ...account, password: 'Second-pass-456' });
    expect((await t.anonymous.request('GET', '/api/v1/auth/me', { headers: bearer(fresh) })).status).toBe(200);
  });

  it('connects a socket only with a valid token', async () => {
    const token = await signIn(t.anonymous, MEMBER);
    expect(await socketOutcome(t.url)).toBe('Connection rejected by server');
    expect(await socketOutcome(t.url, { token: `${token.slice(0, -4)}AAAA` })).toBe('Connection rejected by server');
    expect(await socketOutcome(t.url, { token })).toBe('connected');
  });

  it("works through the app's client: status, login, me with the stored token, logout, and a 401 as an ApiError", async () => {
    let stored: string | null = null;
    const client = new InvokeClient({ baseUrl: t.url, getToken: () => stored, retry: { retries: 0 } });
    expect((await client.authStatus()).multiuser_enabled).toBe(true);
    const wrong = await client.login(MEMBER.email, 'nope', false).catch((err: unknown) => err);
    expect(wrong).toBeInstanceOf(ApiError);
    expect((wrong as ApiError).status).toBe(401);
    expect((wrong as ApiError).detail).toBe('Incorrect email or password');
    const signedIn = await client.login(MEMBER.email, MEMBER.password, false);
    stored = signedIn.token;
    expect((await client.me()).email).toBe(MEMBER.email);
    await client.logout();
    stored = `${signedIn.token.slice(0, -4)}AAAA`;
    const refused = await client.me().catch((err: unknown) => err);
    expect((refused as ApiError).status).toBe(401);
  });
});

describe('single-user server: no sign-in', () => {
  const t = useTarget();

  it('says it is single-user, refuses login with 403 and asks for a token on me and logout', async () => {
    const status = await t.api.get('/api/v1/auth/status');
    expectResponse('get', '/api/v1/auth/status', status);
    expect(status.json).toMatchObject({ setup_required: false, multiuser_enabled: false, admin_email: null });
    expectDetail(
      await t.api.post('/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password }),
      403,
      'Multiuser mode is disabled. Authentication is not required in single-user mode.',
    );
    expectDetail(await t.api.get('/api/v1/auth/me'), 401, 'Missing authentication credentials');
    expectDetail(await t.api.post('/api/v1/auth/logout'), 401, 'Missing authentication credentials');
    expectDetail(
      await t.api.request('GET', '/api/v1/auth/me', { headers: bearer('junk') }),
      401,
      'Invalid or expired authentication token',
    );
    expect((await t.api.get('/api/v1/images/names')).status).toBe(200);
  });
});
