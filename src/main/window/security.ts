import type { WebPreferences } from 'electron';

/**
 * The security decisions for the app's window, as plain data and pure functions so that they are
 * tested in Node without the Electron binary (test/unit/window-security.test.ts).
 */

/**
 * The gallery shows only our own UI: isolation, the sandbox and no Node in the renderer, and no
 * middle-click (`auxclick`) events, which the app has no use for. main-window.ts writes these keys
 * as a literal at `new BrowserWindow(...)`, where a reader and electronegativity's static checks see
 * them, and `satisfies MainWindowWebPreferences` there makes the compiler hold it to these values.
 */
export const MAIN_WINDOW_WEB_PREFERENCES = {
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
  disableBlinkFeatures: 'Auxclick',
} as const satisfies WebPreferences;

/** Exactly the pinned preferences, plus the preload script's path. */
export type MainWindowWebPreferences = typeof MAIN_WINDOW_WEB_PREFERENCES & { preload: string };

/** The custom scheme that serves cached thumbnails and images to the renderer. */
export const MEDIA_SCHEME = 'ivk-media';

function contentSecurityPolicy({ scripts, styles }: { scripts: string; styles: string }): string {
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    `style-src ${styles}`,
    `img-src 'self' data: ${MEDIA_SCHEME}:`,
    // <video> plays cached or proxied MP4s from the media scheme only.
    `media-src ${MEDIA_SCHEME}:`,
    "connect-src 'self'",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * No remote content at all: main does every HTTP and Socket.IO call, so the renderer needs only
 * its own scripts and styles, and images and videos from the media scheme. No inline styles either: React's
 * `style` props are set through the CSSOM (`element.style`), which style-src does not govern.
 */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy({ scripts: "'self'", styles: "'self'" });

/**
 * The one inline script Vite's dev server adds to the page: @vitejs/plugin-react's React Refresh
 * preamble, allowed by its hash rather than by 'unsafe-inline'. test/unit/window-security.test.ts
 * recomputes it from the installed plugin, so an upgrade that changes the preamble fails there.
 */
export const REACT_REFRESH_PREAMBLE_HASH = "'sha256-Z2/iFzh9VMlVkEOar1f/oSHWwQk3ve1qk/C2WdsC4Xk='";

/**
 * Only for Vite's dev server (`npm start`): hot reload injects CSS as `<style>` elements and runs
 * the React Refresh preamble inline. The built app's policy plus exactly those two, nothing else.
 */
export const DEV_SERVER_CONTENT_SECURITY_POLICY = contentSecurityPolicy({
  scripts: `'self' ${REACT_REFRESH_PREAMBLE_HASH}`,
  styles: "'self' 'unsafe-inline'",
});

/** The policy for pages of `appUrl`: the dev server's when the app is served over http(s), else the strict one. */
export function contentSecurityPolicyFor(appUrl: string): string {
  return /^https?:$/.test(new URL(appUrl).protocol) ? DEV_SERVER_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
}

/** The policy as a meta tag carries it: without frame-ancestors, which works only as a header. */
export function metaContentSecurityPolicy(policy: string): string {
  return policy
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors '))
    .join('; ');
}

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

/**
 * IPC is answered only for frames showing our own pages. Packaged, the page is a file, and every
 * file has the same `file://` origin, so the file itself must be ours: the same path as the app's
 * index.html (a hash or query does not matter).
 */
export function isTrustedSenderUrl(senderUrl: string | undefined, appUrl: string): boolean {
  if (senderUrl === undefined || originOf(senderUrl) !== appOrigin(appUrl)) return false;
  if (new URL(appUrl).protocol !== 'file:') return true;
  return new URL(senderUrl).pathname === new URL(appUrl).pathname;
}

/** Links a user clicks may open in the browser: http(s) only, parsed, never other schemes. */
export function isSafeExternalUrl(candidate: string): boolean {
  const origin = originOf(candidate);
  return origin !== null && /^https?:\/\//.test(origin);
}

/**
 * The window's page never changes: every navigation (a link, a form, a script setting location,
 * a redirect) is refused. Same-document changes (the hash) are not navigations and never ask.
 */
export function isNavigationAllowed(_targetUrl: string): boolean {
  return false;
}

/** `window.open` and target=_blank: never a new window; a safe link opens in the user's browser. */
export function windowOpenDecision(url: string): { action: 'deny'; openExternally: string | null } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) ? url : null };
}

/**
 * Web permissions: none, for anyone, except writing plain text to the clipboard ("Copy prompt")
 * for the app's own page, which Chromium asks as `clipboard-sanitized-write`. Reading the
 * clipboard, the camera, notifications, geolocation, opening other apps and every other request
 * are refused.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string | undefined, appUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isTrustedSenderUrl(requestingUrl, appUrl);
}

/** Response headers with `policy` in place of any other CSP (whatever case the name had). */
export function withContentSecurityPolicy(
  headers: Record<string, string | string[]> | undefined,
  policy: string,
): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [policy];
  return result;
}
