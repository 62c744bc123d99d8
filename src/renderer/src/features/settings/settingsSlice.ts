import type { InvokeInput, InvokeOutput, Settings } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';

type CacheStats = InvokeOutput<'cache.stats'>;

type ConnectionTest = { state: 'idle' } | { state: 'testing'; url: string } | { state: 'done'; url: string; ok: boolean; message: string };

export interface SettingsSlice {
  settings: Settings | null;
  cacheStats: CacheStats | null;
  connectionTest: ConnectionTest;

  loadSettings: () => Promise<void>;
  saveSettings: (change: InvokeInput<'settings.update'>) => Promise<boolean>;
  testConnection: (serverUrl: string) => Promise<void>;
  clearCache: () => Promise<void>;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settings: null,
  cacheStats: null,
  connectionTest: { state: 'idle' },

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
