import { protocol, safeStorage, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerIpc, sendEvent } from './ipc/electron';
import { createAppServices, type TokenStore } from './services';
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

/** The bearer token for multi-user servers, encrypted by the OS keychain; never in plain text. */
function safeStorageTokens(file: string): TokenStore {
  return {
    get() {
      if (!safeStorage.isEncryptionAvailable()) return null;
      try {
        return safeStorage.decryptString(readFileSync(file));
      } catch {
        return null;
      }
    },
    set(token) {
      if (token === null) return rmSync(file, { force: true });
      if (!safeStorage.isEncryptionAvailable()) throw new Error('The system keychain is not available, so the token cannot be stored safely.');
      writeFileSync(file, safeStorage.encryptString(token), { mode: 0o600 });
    },
  };
}

export async function createDesktopApp(options: DesktopOptions) {
  hardenSession();
  const services = await createAppServices({
    rootDir: options.userDataDir,
    tokens: safeStorageTokens(join(options.userDataDir, 'token.bin')),
    // `npm run demo` points the app at its stand-in without touching the user's saved settings.
    ...(process.env.IVK_SERVER_URL ? { serverUrl: process.env.IVK_SERVER_URL } : {}),
  });

  protocol.handle(MEDIA_SCHEME, async (request) => {
    const media = await services.media.fromUrl(request.url);
    if (!media.ok) return new Response(media.reason, { status: media.status, headers: { 'Content-Type': 'text/plain' } });
    return new Response(new Uint8Array(media.bytes), {
      headers: { 'Content-Type': media.contentType, 'Cache-Control': 'private, max-age=31536000, immutable' },
    });
  });

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
