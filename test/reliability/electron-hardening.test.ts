import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCache, isValidImageName } from '../../src/main/cache';
import { mediaResponse, parseMediaUrl, readMedia, type MediaResult } from '../../src/main/media';
import type { ServerSession } from '../../src/main/session';
import { encryptedTokenStore, type TokenCipher } from '../../src/main/settings/token-store';
import { windowGuards } from '../../src/main/window/guards';
import {
  CONTENT_SECURITY_POLICY,
  DEV_SERVER_CONTENT_SECURITY_POLICY,
  REACT_REFRESH_PREAMBLE_HASH,
  MAIN_WINDOW_WEB_PREFERENCES,
  isTrustedSenderUrl,
  metaContentSecurityPolicy,
} from '../../src/main/window/security';
import { imageBytes } from '../fixtures/images';

/**
 * Electron's security settings, checked without the Electron binary (it is not installed here):
 * the window's options, the handlers main-window.ts installs (window.open, navigation, webviews,
 * permissions, the CSP header), the media scheme, the token store, and the built files Electron
 * would load.
 */
const PACKAGED = 'file:///opt/InvokeAI Gallery/resources/app/out/renderer/index.html';
const REPO = join(import.meta.dirname, '..', '..');

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('the window', () => {
  it('isolates the page: context isolation, the sandbox, no Node anywhere, no webview, web security on, no auxclick', () => {
    expect(MAIN_WINDOW_WEB_PREFERENCES).toEqual({
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
    });
  });

  it('has a strict CSP: nothing by default, scripts and styles only from the app, no eval, no inline, no remote anything', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'ivk-media:']);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.has('frame-src') || policy.has('child-src') || policy.has('worker-src')).toBe(false);
    for (const [name, sources] of policy) {
      for (const source of sources)
        expect(source, `${name} ${source}`).not.toMatch(/^'unsafe-|^'wasm-unsafe-eval'$|^\*$|^https?:|^blob:|^filesystem:/);
    }
  });

  it("gives only Vite's dev server inline styles and its React Refresh preamble (by hash), and nothing else more", () => {
    const strict = directives(CONTENT_SECURITY_POLICY);
    const dev = directives(DEV_SERVER_CONTENT_SECURITY_POLICY);
    expect(dev.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('script-src')).toEqual(["'self'", REACT_REFRESH_PREAMBLE_HASH]);
    dev.set('style-src', strict.get('style-src')!);
    dev.set('script-src', strict.get('script-src')!);
    expect(dev).toEqual(strict);
  });

  it('opens no window: window.open is denied, and only http(s) links go to the user’s browser', () => {
    const opened: string[] = [];
    const guards = windowGuards(PACKAGED, (url) => opened.push(url));
    const safe = ['https://invoke.ai/docs', 'http://127.0.0.1:9090/'];
    const unsafe = [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,<script>alert(1)</script>',
      'ivk-media://images/a.png',
      'about:blank',
      'smb://host/share',
      'vbscript:x',
      '',
      'not a url',
    ];
    for (const url of [...safe, ...unsafe]) expect(guards.windowOpen({ url }), url).toEqual({ action: 'deny' });
    expect(opened).toEqual(safe);
  });

  it('never navigates or redirects away, not even to another page of its own, and attaches no webview', () => {
    const guards = windowGuards(PACKAGED, () => undefined);
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      PACKAGED.replace('index.html', 'other.html'),
      PACKAGED,
      'javascript:alert(1)',
    ]) {
      let prevented = 0;
      guards.navigation({ preventDefault: () => prevented++ }, url);
      expect(prevented, url).toBe(1);
    }
    let prevented = 0;
    guards.attachWebview({ preventDefault: () => prevented++ });
    expect(prevented).toBe(1);
  });

  it('denies every permission request and check, except writing to the clipboard from its own page', () => {
    const guards = windowGuards(PACKAGED, () => undefined);
    const permissions = [
      'clipboard-read',
      'clipboard-sanitized-write',
      'display-capture',
      'fullscreen',
      'geolocation',
      'idle-detection',
      'media',
      'mediaKeySystem',
      'midi',
      'midiSysex',
      'notifications',
      'pointerLock',
      'keyboardLock',
      'openExternal',
      'speaker-selection',
      'storage-access',
      'top-level-storage-access',
      'window-management',
      'fileSystem',
      'hid',
      'serial',
      'usb',
      'unknown',
    ];
    const ask = (url: string, permission: string) => {
      let granted: boolean | undefined;
      guards.permissionRequest({ getURL: () => url }, permission, (answer) => (granted = answer), { requestingUrl: url });
      const checked = guards.permissionCheck({ getURL: () => url }, permission, new URL(url).origin, { requestingUrl: url });
      expect(checked, `check ${permission} for ${url}`).toBe(granted);
      return granted;
    };
    const grantedToApp = permissions.filter((permission) => ask(`${PACKAGED}#/gallery`, permission));
    expect(grantedToApp).toEqual(['clipboard-sanitized-write']);
    for (const stranger of [
      'https://evil.example/',
      'file:///tmp/evil.html',
      'file:///opt/InvokeAI Gallery/resources/app/out/renderer/other.html',
    ]) {
      expect(
        permissions.filter((permission) => ask(stranger, permission)),
        stranger,
      ).toEqual([]);
    }
    // Without a URL to go by (no details, no page), nothing is granted.
    let granted: boolean | undefined;
    guards.permissionRequest(null, 'clipboard-sanitized-write', (answer) => (granted = answer));
    expect(granted).toBe(false);
  });

  it('sends its CSP as a header on every response, replacing any other, whatever its case', () => {
    const guards = windowGuards(PACKAGED, () => undefined);
    let sent: Record<string, string[]> | undefined;
    guards.headersReceived(
      {
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
          'Content-Type': ['text/html'],
          'CONTENT-SECURITY-POLICY': 'x',
        },
      },
      (response) => (sent = response.responseHeaders),
    );
    expect(sent).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    guards.headersReceived({}, (response) => (sent = response.responseHeaders));
    expect(sent).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    // Only the dev server's pages (`npm start`) get its variant.
    windowGuards('http://localhost:5173/', () => undefined).headersReceived({}, (response) => (sent = response.responseHeaders));
    expect(sent).toEqual({ 'Content-Security-Policy': [DEV_SERVER_CONTENT_SECURITY_POLICY] });
  });

  it('answers IPC only for its own page: another file of the same file:// origin is a stranger', () => {
    expect(isTrustedSenderUrl(`${PACKAGED}#/jobs`, PACKAGED)).toBe(true);
    expect(isTrustedSenderUrl(`${PACKAGED}?x=1`, PACKAGED)).toBe(true);
    expect(isTrustedSenderUrl('file:///tmp/evil.html', PACKAGED)).toBe(false);
    expect(isTrustedSenderUrl('file:///opt/InvokeAI%20Gallery/resources/app/out/renderer/../../../../../../tmp/x.html', PACKAGED)).toBe(
      false,
    );
    expect(isTrustedSenderUrl('https://evil.example/index.html', PACKAGED)).toBe(false);
    expect(isTrustedSenderUrl(undefined, PACKAGED)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173/#/x', 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5173.evil.example/', 'http://localhost:5173/')).toBe(false);
  });
});

describe('the media scheme', () => {
  let dataDir: string;
  let thumbnail: Uint8Array;
  const calls: string[] = [];
  let session: ServerSession;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ivk-media-'));
    thumbnail = await imageBytes('webp', 8, 8);
    const cache = openCache({ dataDir, profileKey: 'server-1', slowQueryMs: Number.POSITIVE_INFINITY });
    await cache.thumbnails.write('a1b2.png', thumbnail);
    // Files beside the media folders, which no media address may reach.
    writeFileSync(join(dataDir, 'settings.json'), '{"secret": true}');
    writeFileSync(join(cache.dir, 'thumbnails', 'a1', 'a1b2.png'), 'not the thumbnail');
    // Online, so a name that passes the checks would be asked of the server: none may be.
    session = {
      cache,
      isOnline: true,
      api: {
        thumbnail: (name: string) => (calls.push(`thumbnail ${name}`), Promise.resolve(thumbnail)),
        fullImage: (name: string) => (calls.push(`image ${name}`), Promise.resolve(thumbnail)),
      },
      noteFailure: () => undefined,
    } as unknown as ServerSession;
  });

  afterAll(() => {
    session.cache.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('maps only plain image names, and every one of them to a file inside its cache folder', () => {
    const hostile = [
      '..',
      '.',
      '../settings.json',
      '..%2Fsettings.json',
      'a/b.png',
      'a\\b.png',
      '/etc/passwd',
      'C:\\x.png',
      '.hidden',
      'x.png.',
      'x.png\u0000.webp',
      'CON',
      'nul.png',
      'com1.txt',
      'ａ.png',
      '\u2024\u2024',
      '',
      'x'.repeat(201),
      ' a.png',
      'a.png ',
    ];
    for (const name of hostile) expect(isValidImageName(name), JSON.stringify(name)).toBe(false);
    const root = join(session.cache.dir, 'thumbnails');
    for (const name of ['a1b2.png', 'ab', 'A-b_c.1.png', `${'7'.repeat(36)}.png`, '0']) {
      expect(isValidImageName(name), name).toBe(true);
      const inside = relative(root, session.cache.thumbnails.pathFor(name));
      expect(inside.startsWith('..') || isAbsolute(inside), `${name} -> ${inside}`).toBe(false);
    }
  });

  it('parses only ivk-media://thumbnails/<name> and ivk-media://images/<name>', () => {
    expect(parseMediaUrl('ivk-media://thumbnails/a1b2.png')).toEqual({ kind: 'thumbnails', name: 'a1b2.png' });
    expect(parseMediaUrl('ivk-media://images/a%31b2.png')).toEqual({ kind: 'images', name: 'a1b2.png' });
    for (const url of [
      'ivk-media://settings/a.png',
      'ivk-media://thumbnails/',
      'ivk-media://thumbnails/a/b.png',
      'ivk-media://thumbnails/%E0%A4%A',
      'file:///etc/passwd',
      'not a url',
      'ivk-media://thumbnails',
    ]) {
      expect(parseMediaUrl(url), url).toBeNull();
    }
  });

  it('refuses every address outside the cache, without reading a file or asking the server', async () => {
    for (const name of [
      '../../settings.json',
      '..%2F..%2Fsettings.json',
      'a1b2.png/../../../settings.json',
      '/etc/passwd',
      '.',
      '..',
      'a1b2.png\u0000',
    ]) {
      for (const kind of ['thumbnails', 'images'] as const) {
        const result = await readMedia(session, kind, name);
        expect(result, `${kind}/${name}`).toMatchObject({ ok: false, status: 400 });
      }
    }
    expect(calls).toEqual([]);
    // The cached thumbnail is served from disk, with its type read from its bytes.
    const served = await readMedia(session, 'thumbnails', 'a1b2.png');
    expect(served).toMatchObject({ ok: true, contentType: 'image/webp' });
    expect(calls).toEqual([]);
  });

  it('answers the scheme: GET only, refusals in plain text, images typed by their bytes, nothing sniffable', async () => {
    const fromUrl = async (url: string): Promise<MediaResult> => {
      const parsed = parseMediaUrl(url);
      return parsed ? readMedia(session, parsed.kind, parsed.name) : { ok: false, status: 400, reason: 'Not a media address' };
    };
    const ok = await mediaResponse(fromUrl, { method: 'GET', url: 'ivk-media://thumbnails/a1b2.png' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('image/webp');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await ok.arrayBuffer())).toEqual(new Uint8Array(thumbnail));

    const post = await mediaResponse(fromUrl, { method: 'POST', url: 'ivk-media://thumbnails/a1b2.png' });
    expect(post.status).toBe(405);
    for (const url of ['ivk-media://thumbnails/..%2F..%2F..%2Fsettings.json', 'ivk-media://elsewhere/a.png', 'file:///etc/passwd']) {
      const refused = await mediaResponse(fromUrl, { method: 'GET', url });
      expect(refused.status, url).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await refused.text()).not.toMatch(/secret/);
    }
  });
});

describe('the token store', () => {
  /** A stand-in for safeStorage that visibly transforms the text, as real encryption does. */
  function cipher(available = true): TokenCipher {
    return {
      isEncryptionAvailable: () => available,
      encryptString: (text) => Buffer.from(`enc:${Buffer.from(text).toString('base64').split('').reverse().join('')}`),
      decryptString: (data) => {
        const text = data.toString();
        if (!text.startsWith('enc:')) throw new Error('not ours');
        return Buffer.from(text.slice(4).split('').reverse().join(''), 'base64').toString();
      },
    };
  }
  const TOKEN = 'ivk-token-7f3a9c1e-do-not-leak';

  it('keeps the token only encrypted on disk, readable back, removable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivk-token-'));
    try {
      const file = join(dir, 'token.bin');
      const store = encryptedTokenStore(file, cipher());
      expect(store.get()).toBeNull();
      store.set(TOKEN);
      expect(readFileSync(file).toString()).not.toContain(TOKEN);
      expect(store.get()).toBe(TOKEN);
      store.set(null);
      expect(existsSync(file)).toBe(false);
      expect(store.get()).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stores nothing without a keychain, says why, and reads a damaged file as no token', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivk-token-'));
    try {
      const file = join(dir, 'token.bin');
      const store = encryptedTokenStore(file, cipher(false));
      expect(() => store.set(TOKEN)).toThrow(/keychain is not available/);
      expect(existsSync(file)).toBe(false);
      writeFileSync(file, 'garbage');
      expect(encryptedTokenStore(file, cipher()).get()).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the built app (npm run build)', () => {
  const built = (path: string) => {
    const file = join(REPO, 'out', path);
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first.`);
    return readFileSync(file, 'utf8');
  };

  it('serves the renderer with the same CSP as a meta tag (frame-ancestors is header-only), no inline style or script', () => {
    const html = built('renderer/index.html');
    const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/g)];
    expect(metas).toHaveLength(1);
    expect(metas[0]![1]).toBe(metaContentSecurityPolicy(CONTENT_SECURITY_POLICY));
    expect(metas[0]![1]).not.toContain('unsafe-inline');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=/);
  });

  it('has a preload that requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const preload = built('preload/index.cjs');
    const required = [...preload.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((match) => match[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/\bimport\s*\(/);
    expect(preload).toMatch(/exposeInMainWorld\(\s*["']ivk["']/);
  });

  it('builds the window with every pinned preference written at new BrowserWindow(...)', () => {
    const main = built('main/index.js');
    const calls = main.split('new BrowserWindow(').slice(1);
    expect(calls).toHaveLength(1);
    // The call's options, up to the first line that closes it.
    const options = calls[0]!.slice(0, calls[0]!.search(/\n\s*\}\);/));
    for (const [key, value] of Object.entries(MAIN_WINDOW_WEB_PREFERENCES)) {
      expect(options, key).toMatch(new RegExp(`\\b${key}: ${JSON.stringify(value)},?\\n`));
    }
  });
});
