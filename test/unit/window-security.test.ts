import { createHash } from 'node:crypto';
import react from '@vitejs/plugin-react';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  DEV_SERVER_CONTENT_SECURITY_POLICY,
  REACT_REFRESH_PREAMBLE_HASH,
  contentSecurityPolicyFor,
  isSafeExternalUrl,
  isTrustedSenderUrl,
  metaContentSecurityPolicy,
} from '../../src/main/window/security';

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split('; ').map((directive): [string, string[]] => {
      const [name = '', ...sources] = directive.split(' ');
      return [name, sources];
    }),
  );
}

describe('main window security', () => {
  it('has a CSP that allows no remote content, no eval and no inline style', () => {
    const policy = directives(CONTENT_SECURITY_POLICY);
    expect(policy['default-src']).toEqual(["'none'"]);
    expect(policy['script-src']).toEqual(["'self'"]);
    expect(policy['style-src']).toEqual(["'self'"]);
    expect(policy['connect-src']).toEqual(["'self'"]);
    expect(policy['img-src']).toEqual(["'self'", 'data:', 'ivk-media:']);
    // <video> plays MP4s from the media scheme and nowhere else.
    expect(policy['media-src']).toEqual(['ivk-media:']);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:/);
  });

  it('allows the dev server inline styles and the React Refresh preamble by its hash, and changes nothing else for it', () => {
    const strict = directives(CONTENT_SECURITY_POLICY);
    const dev = directives(DEV_SERVER_CONTENT_SECURITY_POLICY);
    expect(dev['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev['script-src']).toEqual(["'self'", REACT_REFRESH_PREAMBLE_HASH]);
    expect({ ...dev, 'style-src': strict['style-src'], 'script-src': strict['script-src'] }).toEqual(strict);
    expect(contentSecurityPolicyFor('http://localhost:5173/')).toBe(DEV_SERVER_CONTENT_SECURITY_POLICY);
    expect(contentSecurityPolicyFor('file:///opt/app/out/renderer/index.html')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('allows exactly the React Refresh preamble that the installed @vitejs/plugin-react injects on the dev server', () => {
    // The dev server serves index.html from "/", so the preamble's base is "/".
    const preamble = react.preambleCode.replace('__BASE__', '/');
    expect(REACT_REFRESH_PREAMBLE_HASH).toBe(`'sha256-${createHash('sha256').update(preamble).digest('base64')}'`);
  });

  it('puts the policy in a meta tag without frame-ancestors, which works only as a header', () => {
    const meta = directives(metaContentSecurityPolicy(CONTENT_SECURITY_POLICY));
    const { 'frame-ancestors': frameAncestors, ...rest } = directives(CONTENT_SECURITY_POLICY);
    expect(frameAncestors).toEqual(["'none'"]);
    expect(meta).toEqual(rest);
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
