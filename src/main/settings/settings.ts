import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/**
 * The user's choices that outlive a session, in `settings.json` under the app's data folder.
 * The token is not here: it goes to a TokenStore (safeStorage in Electron).
 */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:9090';

const StoredSettings = z.object({
  server_url: z.url({ protocol: /^https?$/ }).catch(DEFAULT_SERVER_URL),
  /** Where caches live; default `<data folder>/cache`. */
  cache_dir: z.string().min(1).nullable().catch(null),
  /**
   * Server URL -> the id of the user signed in there (multi-user servers), which picks that
   * user's cache. An id, not a secret: the token is in the TokenStore.
   */
  users: z.record(z.string(), z.string()).catch({}),
});
export type StoredSettings = z.infer<typeof StoredSettings>;

/** Where the bearer token of a multi-user server is kept. */
export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
}

/** For tests and the command line: the token lives only in memory (or comes from IVK_TOKEN). */
export function memoryTokens(initial: string | null = null): TokenStore {
  let token = initial;
  return {
    get: () => token,
    set: (next) => {
      token = next;
    },
  };
}

export class SettingsStore {
  private readonly file: string;
  private current: StoredSettings;

  constructor(
    readonly rootDir: string,
    defaults: Partial<StoredSettings> = {},
  ) {
    this.file = join(rootDir, 'settings.json');
    this.current = StoredSettings.parse({ server_url: DEFAULT_SERVER_URL, cache_dir: null, users: {}, ...this.readFile(), ...defaults });
  }

  get(): StoredSettings {
    return { ...this.current };
  }

  /** The user signed in on the current server, or null (single-user, or signed out). */
  get userId(): string | null {
    return this.current.users[this.current.server_url] ?? null;
  }

  /** Records (or with null, forgets) who is signed in on the current server. */
  setUser(userId: string | null): void {
    const { [this.current.server_url]: _previous, ...others } = this.current.users;
    this.update({ users: userId === null ? others : { ...others, [this.current.server_url]: userId } });
  }

  get cacheDir(): string {
    return this.current.cache_dir ?? join(this.rootDir, 'cache');
  }

  update(changes: Partial<StoredSettings>): StoredSettings {
    this.current = StoredSettings.parse({ ...this.current, ...changes });
    mkdirSync(dirname(this.file), { recursive: true });
    // Write then rename, so a crash mid-write never leaves a half file behind.
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.current, null, 2));
    renameSync(`${this.file}.tmp`, this.file);
    return this.get();
  }

  private readFile(): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
}
