import { contextBridge, ipcRenderer, webUtils } from 'electron';
import {
  EVENT_CHANNEL_PREFIX,
  INVOKE_CHANNEL_PREFIX,
  IvkError,
  eventContract,
  invokeContract,
  type IpcEnvelope,
  type IvkBridge,
} from '../shared/ipc';

/**
 * Exposes `window.ivk`, built from the IPC contract: only the contract's channels can be
 * invoked or listened to, and the renderer never sees ipcRenderer itself.
 */
const bridge: IvkBridge = {
  async invoke(channel, input) {
    if (!Object.hasOwn(invokeContract, channel)) throw new IvkError('unknown_channel', `Unknown channel "${String(channel)}"`);
    const envelope = (await ipcRenderer.invoke(INVOKE_CHANNEL_PREFIX + channel, input)) as IpcEnvelope<never>;
    if (envelope.ok) return envelope.value;
    throw new IvkError(envelope.error.code, envelope.error.message);
  },
  on(event, listener) {
    if (!Object.hasOwn(eventContract, event)) throw new IvkError('unknown_channel', `Unknown event "${String(event)}"`);
    const channel = EVENT_CHANNEL_PREFIX + event;
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload as never);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
  pathsForFiles(files) {
    // The executor turns a throw into a rejection, as for the contract's other calls.
    return new Promise((resolve) => resolve(files.map((file) => webUtils.getPathForFile(file)).filter((path) => path !== '')));
  },
};

contextBridge.exposeInMainWorld('ivk', bridge);
