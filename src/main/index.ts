import { app, protocol, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { createDesktopApp } from './desktop';
import { MEDIA_SCHEME, isTrustedSenderUrl } from './window/security';

/**
 * Bootstrap only: lifecycle, the media scheme, the window. Everything with logic lives in
 * services that run without Electron (see services.ts); desktop.ts is the thin glue between them.
 */
protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

const appUrl = process.env.ELECTRON_RENDERER_URL ?? `file://${join(import.meta.dirname, '../renderer/index.html')}`;
const isTrustedSender = (event: IpcMainInvokeEvent) => isTrustedSenderUrl(event.senderFrame?.url, appUrl);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(async () => {
      const desktop = await createDesktopApp({ appUrl, isTrustedSender, userDataDir: app.getPath('userData') });
      app.on('second-instance', () => desktop.focus());
      app.on('activate', () => desktop.focus());
      app.on('before-quit', () => void desktop.stop());
    })
    .catch((error: unknown) => {
      // Nothing started, so there is no window to say it in: the terminal hears it and the app ends.
      console.error('InvokeAI Gallery could not start:', error);
      app.exit(1);
    });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
