import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, isSafeExternalUrl, isTrustedSenderUrl } from '../../src/main/window/security';

describe('main window security', () => {
  it('has a CSP that allows no remote content and no eval', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((directive) => {
        const [name, ...sources] = directive.split(' ');
        return [name, sources];
      }),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['img-src']).toEqual(["'self'", 'data:', 'ivk-media:']);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
  });

  it('answers IPC only for frames of our own origin', () => {
    const packaged = 'file:///opt/app/out/renderer/index.html';
    expect(isTrustedSenderUrl('file:///opt/app/out/renderer/index.html#/jobs', packaged)).toBe(true);
    expect(isTrustedSenderUrl('https://evil.example/', packaged)).toBe(false);
    expect(isTrustedSenderUrl(undefined, packaged)).toBe(false);
    const dev = 'http://localhost:5173/';
    expect(isTrustedSenderUrl('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isTrustedSenderUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isTrustedSenderUrl('http://localhost:5173.evil.example/', dev)).toBe(false);
    expect(isTrustedSenderUrl('not a url', dev)).toBe(false);
  });

  it('opens only http and https links outside the app', () => {
    expect(isSafeExternalUrl('https://invoke.ai/docs')).toBe(true);
    expect(isSafeExternalUrl('http://127.0.0.1:9090/')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ivk-media://thumbnails/x.png', '']) {
      expect(isSafeExternalUrl(url)).toBe(false);
    }
  });
});
