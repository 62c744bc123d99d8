import { protocol, safeStorage, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { registerIpc, sendEvent } from './ipc/electron';
import { mediaResponse } from './media';
import { createAppServices } from './services';
import { encryptedTokenStore } from './settings/token-store';
import { createMainWindow, hardenSession } from './window/main-window';
import { MEDIA_SCHEME } from './window/security';

/**
 * The Electron-only glue: safeStorage for the token, the media scheme, IPC and the window. Kept
 * thin on purpose; whatever has logic is in services that tests run without Electron.
 */
export interface DesktopOptions {
  appUrl: string;
  userDataDir: string;
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean;
}

export async function createDesktopApp(options: DesktopOptions) {
  hardenSession(options.appUrl);
  const services = await createAppServices({
    rootDir: options.userDataDir,
    // The bearer token for multi-user servers, encrypted by the OS keychain; never in plain text.
    tokens: encryptedTokenStore(join(options.userDataDir, 'token.bin'), safeStorage),
    // `npm run demo` points the app at its stand-in without touching the user's saved settings.
    ...(process.env.IVK_SERVER_URL ? { serverUrl: process.env.IVK_SERVER_URL } : {}),
  });

  protocol.handle(MEDIA_SCHEME, (request) => mediaResponse(services.media.fromUrl, request));

  const unregister = registerIpc(services.handlers, options.isTrustedSender, { describeError: services.describeError });
  let window: BrowserWindow = createMainWindow(options.appUrl);
  const unsubscribe = services.onEvent((event, payload) => sendEvent(window, event, payload as never));
  await services.start();

  return {
    focus() {
      if (window.isDestroyed()) window = createMainWindow(options.appUrl);
      if (window.isMinimized()) window.restore();
      window.focus();
    },
    async stop() {
      unsubscribe();
      unregister();
      await services.stop();
    },
  };
}
