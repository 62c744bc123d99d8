import type { Account, InvokeInput, InvokeOutput, Settings } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';

type CacheStats = InvokeOutput<'cache.stats'>;

type ConnectionTest = { state: 'idle' } | { state: 'testing'; url: string } | { state: 'done'; url: string; ok: boolean; message: string };

export interface SettingsSlice {
  settings: Settings | null;
  cacheStats: CacheStats | null;
  connectionTest: ConnectionTest;
  /** The server's accounts and who is signed in; null until asked (main asks the server). */
  account: Account | null;

  loadSettings: () => Promise<void>;
  saveSettings: (change: InvokeInput<'settings.update'>) => Promise<boolean>;
  testConnection: (serverUrl: string) => Promise<void>;
  clearCache: () => Promise<void>;
  loadAccount: () => Promise<void>;
  /** Resolves null once signed in, else why not (shown in the form, beside the fields). */
  signIn: (input: InvokeInput<'account.signIn'>) => Promise<string | null>;
  /** `removeCache`: also delete this user's cache (and any changes still queued in it). */
  signOut: (removeCache: boolean) => Promise<void>;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settings: null,
  cacheStats: null,
  connectionTest: { state: 'idle' },
  account: null,

  loadSettings: async () => {
    set({ connectionTest: { state: 'idle' } });
    try {
      const [settings, cacheStats] = await Promise.all([invoke('settings.get', {}), invoke('cache.stats', {})]);
      set({ settings, cacheStats });
    } catch (error) {
      get().actionFailed('read the settings', error);
    }
  },

  saveSettings: async (change) => {
    try {
      set({ settings: await invoke('settings.update', change) });
      get().noticeShown({ level: 'info', message: 'Settings saved.' });
      return true;
    } catch (error) {
      get().actionFailed('save the settings', error);
      return false;
    }
  },

  testConnection: async (url) => {
    set({ connectionTest: { state: 'testing', url } });
    try {
      const result = await invoke('settings.testConnection', { server_url: url });
      set({ connectionTest: { state: 'done', url, ok: result.ok, message: result.message } });
    } catch (error) {
      set({ connectionTest: { state: 'done', url, ok: false, message: error instanceof Error ? error.message : String(error) } });
    }
  },

  loadAccount: async () => {
    try {
      set({ account: await invoke('account.get', {}) });
    } catch (error) {
      get().actionFailed('ask the server about sign-in', error);
    }
  },

  signIn: async (input) => {
    try {
      const account = await invoke('account.signIn', input);
      set({ account });
      get().noticeShown({ level: 'info', message: `Signed in as ${account.user?.display_name ?? account.user?.email ?? input.email}.` });
      return null;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  },

  signOut: async (removeCache) => {
    try {
      set({ account: await invoke('account.signOut', { remove_cache: removeCache }) });
      set({ cacheStats: await invoke('cache.stats', {}) });
      get().noticeShown({
        level: 'info',
        message: removeCache
          ? 'Signed out, and your cache is removed from this computer.'
          : 'Signed out. Your cache stays on this computer for your next sign-in.',
      });
    } catch (error) {
      get().actionFailed('sign out', error);
    }
  },

  clearCache: async () => {
    try {
      await invoke('cache.clear', {});
      set({ cacheStats: await invoke('cache.stats', {}) });
      get().noticeShown({ level: 'info', message: 'The cache is cleared; the gallery fills again from the server.' });
      get().galleryWentStale();
      void get().refreshBoards();
    } catch (error) {
      get().actionFailed('clear the cache', error);
    }
  },
});
