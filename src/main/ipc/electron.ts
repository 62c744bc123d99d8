import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNEL_PREFIX, INVOKE_CHANNEL_PREFIX, invokeContract, type EventName, type EventPayload } from '../../shared/ipc';
import { dispatch, type DispatchOptions, type Handlers } from './dispatch';

/**
 * The only file that touches ipcMain. Every channel of the contract gets one handler that first
 * checks the sender (a frame of our own window, loaded from our own origin) and then goes
 * through `dispatch`, so no handler can forget validation or the sender check.
 */
export function registerIpc(
  handlers: Handlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  options: DispatchOptions,
): () => void {
  const channels = Object.keys(invokeContract);
  for (const channel of channels) {
    ipcMain.handle(INVOKE_CHANNEL_PREFIX + channel, (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'forbidden_sender', message: 'This window may not call the app.' } };
      }
      return dispatch(handlers, channel, input, options);
    });
  }
  return () => channels.forEach((channel) => ipcMain.removeHandler(INVOKE_CHANNEL_PREFIX + channel));
}

export function sendEvent<E extends EventName>(window: BrowserWindow, event: E, payload: EventPayload<E>): void {
  if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL_PREFIX + event, payload);
}
