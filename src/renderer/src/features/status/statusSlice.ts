import type { AppStatus } from '../../../../shared/ipc';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';

export interface StatusSlice {
  status: AppStatus | null;
  statusChanged: (status: AppStatus) => void;
  refreshStatus: () => Promise<void>;
  syncRequested: () => Promise<void>;
}

export const createStatusSlice: SliceCreator<StatusSlice> = (set, get) => ({
  status: null,
  statusChanged: (status) => set({ status }),
  refreshStatus: async () => {
    try {
      set({ status: await invoke('app.status', {}) });
    } catch (error) {
      get().actionFailed('read the connection status', error);
    }
  },
  syncRequested: async () => {
    try {
      await invoke('sync.now', {});
    } catch (error) {
      get().actionFailed('sync with the server', error);
    }
  },
});
