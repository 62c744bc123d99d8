import type { IvkBridge } from '../../shared/ipc';

declare global {
  interface Window {
    ivk: IvkBridge;
  }
}
