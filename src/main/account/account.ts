import type { UserDTO } from '../../shared/invokeai';
import type { Account } from '../../shared/ipc';
import { ApiError } from '../api';
import { AppError } from '../errors';
import type { Handlers } from '../ipc/dispatch';
import type { ServerSession } from '../session';
import type { TokenStore } from '../settings/settings';

type Channel = 'account.get' | 'account.signIn' | 'account.signOut';

export interface AccountOptions {
  session: () => ServerSession;
  tokens: TokenStore;
  /**
   * Opens this user's cache in a new session (null: the server's cache without a user), or,
   * for the user the session already holds, sends what waited; `removeCache` deletes the closed
   * session's cache folder first.
   */
  switchUser: (userId: string | null, options: { removeCache: boolean }) => Promise<void>;
}

/**
 * Signing in to a multi-user InvokeAI (6.12+) with e-mail and password. Main makes every call and
 * keeps the token in the token store (safeStorage in the desktop app); the renderer only ever
 * sees who is signed in. The real server's logout revokes nothing, so signing out is forgetting
 * the token here; the server is told too, which clears its media cookie.
 */
export function accountServices(options: AccountOptions): { handlers: Pick<Handlers, Channel> } {
  const { tokens } = options;

  async function read(): Promise<Account> {
    const session = options.session();
    let multiUser: boolean;
    try {
      multiUser = (await session.api.authStatus({ timeoutMs: 5_000 })).multiuser_enabled;
    } catch (error) {
      session.noteFailure(error);
      return { mode: 'unknown', user: null, sign_in_required: options.session().signInRequired };
    }
    if (!multiUser) return { mode: 'single_user', user: null, sign_in_required: false };
    if (tokens.get() === null) return { mode: 'multi_user', user: null, sign_in_required: true };
    try {
      const user = await session.api.me({ timeoutMs: 5_000 });
      return { mode: 'multi_user', user: userOf(user), sign_in_required: options.session().signInRequired };
    } catch (error) {
      // A 401 puts the session into "sign in again"; anything else leaves the user unknown for now.
      session.noteFailure(error);
      return { mode: 'multi_user', user: null, sign_in_required: options.session().signInRequired };
    }
  }

  const handlers: Pick<Handlers, Channel> = {
    'account.get': read,
    async 'account.signIn'(input) {
      const session = options.session();
      let result;
      try {
        result = await session.api.login(input.email, input.password, input.remember_me);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          throw new AppError('invalid_input', 'The e-mail or the password is not right. Check both and try again.');
        }
        if (error instanceof ApiError && error.status === 403) {
          throw new AppError('http', `The server refused the sign-in: ${error.detail ?? 'forbidden'}.`);
        }
        throw error;
      }
      tokens.set(result.token);
      // Another account (or the first sign-in) opens that user's own cache; the same one again
      // sends what waited for it.
      // Another account (or the first sign-in) opens that user's own cache; the same user again
      // (an expired sign-in) sends what waited in theirs.
      await options.switchUser(result.user.user_id, { removeCache: false });
      return { mode: 'multi_user', user: userOf(result.user), sign_in_required: false };
    },
    async 'account.signOut'(input) {
      try {
        await options.session().api.logout();
      } catch {
        // Logout revokes nothing on the server; forgetting the token below is what signs out.
      }
      tokens.set(null);
      // The next person at this computer must not see this user's cached images.
      await options.switchUser(null, { removeCache: input.remove_cache });
      options.session().signedOut();
      return read();
    },
  };
  return { handlers };
}

function userOf(user: UserDTO): NonNullable<Account['user']> {
  return { email: user.email, display_name: user.display_name ?? null, is_admin: user.is_admin };
}
