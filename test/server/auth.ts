/**
 * Accounts and tokens of a multi-user server (InvokeAI 6.12+, `multiuser: true`), as 6.14.2 does
 * them (NOTES.md §7 and §13, checked on the real server):
 * - HS256 JWTs carrying `user_id`, `email`, `is_admin`, `remember_me`, `token_epoch` and `exp`;
 *   one day, or seven with `remember_me`.
 * - A token is honoured while its user exists, is active and its epoch is the user's: a password
 *   change bumps the epoch and so revokes every older token. Logout revokes nothing (the real
 *   server's logout only clears the media cookie), so a client must forget the token itself.
 * - Two families of 401 sentences: the `/auth/*` routes' own dependency (with
 *   `WWW-Authenticate: Bearer`) and the middleware guarding every other route (without it).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http';

export interface UserSeed {
  email: string;
  password: string;
  display_name?: string | null;
  is_admin?: boolean;
}

export interface UserRecord {
  user_id: string;
  email: string;
  display_name: string | null;
  is_admin: boolean;
  is_active: boolean;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
  token_epoch: number;
  password: string;
}

interface TokenClaims {
  user_id: string;
  email: string;
  is_admin: boolean;
  remember_me: boolean;
  token_epoch: number;
  exp: number;
}

/** Why a token was refused; each guard words it its own way. */
export type TokenProblem = 'missing' | 'invalid' | 'inactive';

export const DAY_SECONDS = 86_400;
export const REMEMBER_ME_SECONDS = 7 * DAY_SECONDS;

/** UserDTO timestamps are ISO with a `T` and microseconds, unlike image and queue timestamps. */
const userTime = (date = new Date()): string => date.toISOString().replace('Z', '000');
/** `last_login_at` as login writes it: with a zone marker. */
const loginTime = (date = new Date()): string => date.toISOString().replace('Z', '000Z');

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export type UserDTO = Omit<UserRecord, 'password'>;

export class Accounts {
  private readonly secret = randomBytes(32);
  private readonly users = new Map<string, UserRecord>();
  /** Called when a user's tokens are revoked, so their sockets can be dropped. */
  onRevoked: (userId: string) => void = () => undefined;

  constructor(seeds: readonly UserSeed[]) {
    for (const seed of seeds) this.create(seed);
  }

  get hasAdmin(): boolean {
    return [...this.users.values()].some((u) => u.is_admin && u.is_active);
  }

  create(seed: UserSeed): UserDTO {
    const email = seed.email.trim().toLowerCase();
    if ([...this.users.values()].some((u) => u.email === email)) throw new HttpError(409, 'User with this email already exists');
    const now = userTime();
    const user: UserRecord = {
      user_id: randomUUID(),
      email,
      display_name: seed.display_name ?? null,
      is_admin: seed.is_admin ?? false,
      is_active: true,
      created_at: now,
      updated_at: now,
      last_login_at: null,
      token_epoch: 0,
      password: seed.password,
    };
    this.users.set(user.user_id, user);
    return dto(user);
  }

  list(): UserDTO[] {
    return [...this.users.values()].map(dto);
  }

  get(userId: string): UserDTO | undefined {
    const user = this.users.get(userId);
    return user && dto(user);
  }

  byEmail(email: string): UserDTO | undefined {
    const user = [...this.users.values()].find((u) => u.email === email.trim().toLowerCase());
    return user && dto(user);
  }

  /** Checks e-mail and password; a match records the login. */
  authenticate(email: string, password: string): UserDTO | null {
    const user = [...this.users.values()].find((u) => u.email === email.trim().toLowerCase());
    if (!user || user.password !== password) return null;
    if (user.is_active) {
      const now = new Date();
      user.last_login_at = loginTime(now);
      user.updated_at = userTime(now);
    }
    return dto(user);
  }

  /** Changes what an admin may change; a new password revokes the user's tokens. */
  update(userId: string, changes: { display_name?: string | null; password?: string; is_admin?: boolean; is_active?: boolean }): UserDTO {
    const user = this.users.get(userId);
    if (!user) throw new HttpError(404, 'User not found');
    if (changes.display_name !== undefined) user.display_name = changes.display_name;
    if (changes.is_admin !== undefined) user.is_admin = changes.is_admin;
    if (changes.is_active !== undefined) user.is_active = changes.is_active;
    if (changes.password !== undefined) {
      user.password = changes.password;
      user.token_epoch += 1;
    }
    user.updated_at = userTime();
    if (changes.password !== undefined || changes.is_active === false) this.onRevoked(user.user_id);
    return dto(user);
  }

  issue(user: UserDTO, rememberMe: boolean, lifetimeSeconds = rememberMe ? REMEMBER_ME_SECONDS : DAY_SECONDS): string {
    const claims: TokenClaims = {
      user_id: user.user_id,
      email: user.email,
      is_admin: user.is_admin,
      remember_me: rememberMe,
      token_epoch: user.token_epoch,
      exp: Math.floor(Date.now() / 1000) + lifetimeSeconds,
    };
    const head = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
    return `${head}.${b64url(createHmac('sha256', this.secret).update(head).digest())}`;
  }

  /** The user a bearer token stands for, or why it is refused. */
  verify(token: string | null): { user: UserDTO; claims: TokenClaims } | { problem: TokenProblem } {
    if (!token) return { problem: 'missing' };
    const [head, body, signature] = token.split('.');
    if (!head || !body || !signature) return { problem: 'invalid' };
    const expected = createHmac('sha256', this.secret).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { problem: 'invalid' };
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { problem: 'invalid' };
    }
    if (typeof claims.exp !== 'number' || claims.exp <= Date.now() / 1000) return { problem: 'invalid' };
    const user = this.users.get(claims.user_id);
    if (!user || !user.is_active || user.token_epoch !== claims.token_epoch) return { problem: 'inactive' };
    return { user: dto(user), claims };
  }
}

function dto(user: UserRecord): UserDTO {
  const { password: _password, ...rest } = user;
  return rest;
}

/** The bearer token of a request's Authorization header, or null. */
export function bearerOf(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

/** The 401 of the middleware that guards every route outside `/auth/*` (no WWW-Authenticate). */
export function middlewareRefusal(problem: TokenProblem): HttpError {
  const detail = { missing: 'Authentication required', invalid: 'Invalid or expired token', inactive: 'User not found or inactive' }[
    problem
  ];
  return new HttpError(401, detail);
}

/** The 401 of the `/auth/*` routes' own dependency, with `WWW-Authenticate: Bearer`. */
export function dependencyRefusal(problem: TokenProblem): HttpError {
  const detail = {
    missing: 'Missing authentication credentials',
    invalid: 'Invalid or expired authentication token',
    inactive: 'User account is inactive or does not exist',
  }[problem];
  return new HttpError(401, detail, { 'www-authenticate': 'Bearer' });
}
