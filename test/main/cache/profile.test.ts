import { describe, expect, it } from 'vitest';
import { profileKeyFor } from '../../../src/main/cache';

describe('profileKeyFor', () => {
  it('is stable and the same for spellings of one address', () => {
    const key = profileKeyFor('http://127.0.0.1:9090');
    expect(profileKeyFor('http://127.0.0.1:9090/')).toBe(key);
    expect(profileKeyFor('HTTP://127.0.0.1:9090//')).toBe(key);
    expect(profileKeyFor(' http://127.0.0.1:9090/?x=1#top ')).toBe(key);
    expect(profileKeyFor('http://user:secret@127.0.0.1:9090/')).toBe(key);
    expect(key).toMatch(/^127\.0\.0\.1-9090-[0-9a-f]{12}$/);
  });

  it('gives each user of a multi-user server a cache of their own, and keeps the single-user key unchanged', () => {
    const server = profileKeyFor('http://127.0.0.1:9090');
    const ada = profileKeyFor('http://127.0.0.1:9090', 'c7f1a2e4-0000-4000-8000-000000000001');
    const bob = profileKeyFor('http://127.0.0.1:9090/', 'c7f1a2e4-0000-4000-8000-000000000002');
    expect(new Set([server, ada, bob]).size).toBe(3);
    expect(profileKeyFor('HTTP://127.0.0.1:9090//', 'c7f1a2e4-0000-4000-8000-000000000001')).toBe(ada);
    expect(profileKeyFor('http://127.0.0.1:9090', null)).toBe(server);
    expect(ada).toMatch(/^127\.0\.0\.1-9090-user-[0-9a-f]{12}$/);
    expect(ada).not.toContain('c7f1a2e4');
  });

  it('differs between schemes, ports, hosts and base paths', () => {
    const keys = [
      'http://host:9090',
      'https://host:9090',
      'http://host:9091',
      'http://other:9090',
      'http://host:9090/invoke',
      'http://host',
    ].map((url) => profileKeyFor(url));
    expect(new Set(keys).size).toBe(keys.length);
    expect(profileKeyFor('http://host:80/')).toBe(profileKeyFor('http://host'));
  });

  it('is a single safe file name whatever the address holds', () => {
    for (const url of ['http://[::1]:9090/', 'http://host/../../etc', 'http://host/a%2F..%2Fb', 'https://ex.com/a b/c\\d']) {
      const key = profileKeyFor(url);
      expect(key).toMatch(/^[a-z0-9][a-z0-9.-]*-[0-9a-f]{12}$/);
      expect(key).not.toContain('..');
      expect(key.length).toBeLessThan(80);
    }
  });

  it('refuses addresses that are not http(s)', () => {
    expect(() => profileKeyFor('file:///etc/passwd')).toThrow();
    expect(() => profileKeyFor('not a url')).toThrow();
  });
});
