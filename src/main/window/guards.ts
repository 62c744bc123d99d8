import {
  contentSecurityPolicyFor,
  isNavigationAllowed,
  isPermissionAllowed,
  windowOpenDecision,
  withContentSecurityPolicy,
} from './security';

/**
 * The handlers main-window.ts installs on the window and its session, built from the pure rules
 * in security.ts. They take the few fields they read, so tests call them with plain objects, and
 * main-window.ts stays the glue that hands them to Electron. They use no `this`: typed as function
 * properties, they are handed over unbound.
 */
export interface PreventableEvent {
  preventDefault(): void;
}

export interface WindowGuards {
  /** `webContents.setWindowOpenHandler`. */
  windowOpen: (details: { url: string }) => { action: 'deny' };
  /** `will-navigate` and `will-redirect`. */
  navigation: (event: PreventableEvent, url: string) => void;
  /** `will-attach-webview`: no webview, whatever the page asks. */
  attachWebview: (event: PreventableEvent) => void;
  /** `session.setPermissionRequestHandler`. */
  permissionRequest: (
    webContents: { getURL(): string } | null,
    permission: string,
    callback: (granted: boolean) => void,
    details?: { requestingUrl?: string },
  ) => void;
  /** `session.setPermissionCheckHandler`. */
  permissionCheck: (
    webContents: { getURL(): string } | null,
    permission: string,
    requestingOrigin: string,
    details?: { requestingUrl?: string },
  ) => boolean;
  /** `session.webRequest.onHeadersReceived`: the CSP for `appUrl` (security.ts, contentSecurityPolicyFor). */
  headersReceived: (
    details: { responseHeaders?: Record<string, string | string[]> },
    callback: (response: { responseHeaders: Record<string, string[]> }) => void,
  ) => void;
}

export function windowGuards(appUrl: string, openExternal: (url: string) => void): WindowGuards {
  const policy = contentSecurityPolicyFor(appUrl);
  const requester = (webContents: { getURL(): string } | null, details?: { requestingUrl?: string }) =>
    details?.requestingUrl ?? webContents?.getURL();
  return {
    windowOpen({ url }) {
      const decision = windowOpenDecision(url);
      if (decision.openExternally !== null) openExternal(decision.openExternally);
      return { action: decision.action };
    },
    navigation(event, url) {
      if (!isNavigationAllowed(url)) event.preventDefault();
    },
    attachWebview(event) {
      event.preventDefault();
    },
    permissionRequest(webContents, permission, callback, details) {
      callback(isPermissionAllowed(permission, requester(webContents, details), appUrl));
    },
    permissionCheck(webContents, permission, _requestingOrigin, details) {
      return isPermissionAllowed(permission, requester(webContents, details), appUrl);
    },
    headersReceived(details, callback) {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
    },
  };
}
