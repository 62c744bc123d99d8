import type { WebPreferences } from 'electron';

/**
 * The security decisions for the app's window, as plain data and pure functions so that they are
 * tested in Node without the Electron binary (test/unit/window-security.test.ts).
 */

/** The gallery shows only our own UI: isolation, sandbox and no Node in the renderer. */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

/** The custom scheme that serves cached thumbnails and images to the renderer. */
export const MEDIA_SCHEME = 'ivk-media';

/**
 * No remote content at all: main does every HTTP and Socket.IO call, so the renderer needs only
 * its own scripts and styles and images from the media scheme.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: ${MEDIA_SCHEME}:`,
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The origin the window's own pages load from (file:// in production, the dev server in dev). */
export function appOrigin(appUrl: string): string {
  const url = new URL(appUrl);
  return url.protocol === 'file:' ? 'file://' : url.origin;
}

function originOf(candidate: string): string | null {
  try {
    const url = new URL(candidate);
    return url.protocol === 'file:' ? 'file://' : url.origin;
  } catch {
    return null;
  }
}

/** IPC is answered only for frames showing our own pages. */
export function isTrustedSenderUrl(senderUrl: string | undefined, appUrl: string): boolean {
  return senderUrl !== undefined && originOf(senderUrl) === appOrigin(appUrl);
}

/** Links a user clicks may open in the browser: http(s) only, parsed, never other schemes. */
export function isSafeExternalUrl(candidate: string): boolean {
  const origin = originOf(candidate);
  return origin !== null && /^https?:\/\//.test(origin);
}
