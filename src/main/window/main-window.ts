import { BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY, isSafeExternalUrl, mainWindowWebPreferences } from './security';

/**
 * Every window-level guard in one place: no navigation away from the app, no new windows (safe
 * links go to the user's browser), no permissions, and the CSP sent as a header as well as the
 * page's meta tag.
 */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

function hardenWindow(window: BrowserWindow): void {
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-redirect', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.on('preload-error', (_event, path, error) => console.error(`preload ${path} failed:`, error));
}

export function createMainWindow(appUrl: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    backgroundColor: '#141518',
    title: 'InvokeAI Gallery',
    webPreferences: mainWindowWebPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  hardenWindow(window);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);
  return window;
}
