import {
  ClipboardItem,
  clipboard,
  dialog,
  nativeImage,
  protocol,
  safeStorage,
  shell,
  type BrowserWindow,
  type IpcMainInvokeEvent,
} from 'electron';
import { join } from 'node:path';
import { registerIpc, sendEvent } from './ipc/electron';
import type { DesktopShell } from './handoff';
import { heap } from './heap';
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
  heap.makeLean();
  const services = createAppServices({
    rootDir: options.userDataDir,
    // The bearer token for multi-user servers, encrypted by the OS keychain; never in plain text.
    tokens: encryptedTokenStore(join(options.userDataDir, 'token.bin'), safeStorage),
    // `npm run demo` points the app at its stand-in without touching the user's saved settings.
    ...(process.env.IVK_SERVER_URL ? { serverUrl: process.env.IVK_SERVER_URL } : {}),
    // Called only from IPC, after the window below exists.
    shell: desktopShell(() => window),
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

/** Drag out, copy, show and open as Electron does them; which files they get is decided in src/main/handoff. */
function desktopShell(window: () => BrowserWindow): DesktopShell {
  return {
    async pickFolder() {
      const picked = await dialog.showOpenDialog(window(), { title: 'Export to folder', properties: ['openDirectory', 'createDirectory'] });
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
    startDrag(files, icon) {
      // nativeImage reads PNG and JPEG, not the server's WebP thumbnails: then a small copy of the image.
      const thumbnail = nativeImage.createFromPath(icon);
      const image = thumbnail.isEmpty() ? nativeImage.createFromPath(files[0]!).resize({ width: 96 }) : thumbnail;
      window().webContents.startDrag({ file: files[0]!, files: [...files], icon: image });
    },
    async copyImage(path) {
      const image = nativeImage.createFromPath(path);
      if (image.isEmpty()) return false;
      // Electron 45's clipboard takes web ClipboardItems; PNG is what every OS clipboard reads.
      await clipboard.write([new ClipboardItem({ 'image/png': new Blob([new Uint8Array(image.toPNG())], { type: 'image/png' }) })]);
      return true;
    },
    showInFolder: (path) => shell.showItemInFolder(path),
    openPath: (path) => shell.openPath(path),
  };
}
