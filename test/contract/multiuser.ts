/**
 * The multi-user server of the contract suite: two accounts, an admin and a member. With
 * CONTRACT_MULTIUSER_URL (set by `npm run test:real`) it is a real 6.14.2 started with
 * `multiuser: true` and prepared by `prepareMultiUserServer`; otherwise each file gets a stand-in
 * in multi-user mode with the same accounts.
 */
import { afterAll, beforeAll } from 'vitest';
import { Api, type RequestOptions, type Res } from './harness';

export interface Account {
  email: string;
  password: string;
  display_name: string;
  is_admin: boolean;
}

export const ADMIN: Account = { email: 'ada.admin@example.com', password: 'Admin-pass-123', display_name: 'Ada Admin', is_admin: true };
export const MEMBER: Account = {
  email: 'max.member@example.com',
  password: 'Member-pass-123',
  display_name: 'Max Member',
  is_admin: false,
};

export interface MultiUserTarget {
  url: string;
  /** Calls without a token. */
  anonymous: Api;
}

export function useMultiUserTarget(): MultiUserTarget {
  const target = { url: '', anonymous: undefined as unknown as Api };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const fromEnv = process.env.CONTRACT_MULTIUSER_URL;
    if (fromEnv) target.url = fromEnv.replace(/\/+$/, '');
    else if (process.env.CONTRACT_SERVER === 'real') {
      throw new Error(
        'CONTRACT_MULTIUSER_URL is not set: run the sign-in suite through `npm run test:real`, which starts the multi-user server',
      );
    } else {
      const { startStandIn } = await import('../server/index');
      const server = await startStandIn({ port: 0, images: 20, seed: 20261207, users: [ADMIN, MEMBER] });
      target.url = server.url;
      close = () => server.close();
    }
    target.anonymous = new Api(target.url);
  });
  afterAll(async () => {
    await close?.();
  });
  return target;
}

/** Makes a fresh multi-user server usable: the first admin (setup), then the member. */
export async function prepareMultiUserServer(url: string): Promise<void> {
  const api = new Api(url);
  const setup = await api.post('/api/v1/auth/setup', { email: ADMIN.email, display_name: ADMIN.display_name, password: ADMIN.password });
  if (setup.status !== 200) throw new Error(`admin setup on ${url}: ${setup.status} ${setup.text}`);
  const token = await signIn(api, ADMIN);
  const member = await api.request('POST', '/api/v1/auth/users', {
    json: { email: MEMBER.email, display_name: MEMBER.display_name, password: MEMBER.password, is_admin: false },
    headers: bearer(token),
  });
  if (member.status !== 201) throw new Error(`creating the member on ${url}: ${member.status} ${member.text}`);
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** The suite's client with a user's token on every call (uploads, boards and cleanup included). */
export class UserApi extends Api {
  constructor(
    base: string,
    private readonly token: string,
  ) {
    super(base);
  }

  override request(method: string, path: string, opts: RequestOptions = {}): Promise<Res> {
    return super.request(method, path, { ...opts, headers: { ...bearer(this.token), ...opts.headers } });
  }
}

/** Logs in and answers the token; throws with the server's answer otherwise. */
export async function signIn(api: Api, account: Pick<Account, 'email' | 'password'>, rememberMe = false): Promise<string> {
  const res = await api.post('/api/v1/auth/login', { email: account.email, password: account.password, remember_me: rememberMe });
  if (res.status !== 200) throw new Error(`login ${account.email}: ${res.status} ${res.text}`);
  return res.json.token as string;
}
