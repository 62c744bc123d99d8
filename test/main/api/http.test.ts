import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Http, isLoopbackHost, normalizeBaseUrl, queryString } from '../../../src/main/api/http';

describe('normalizeBaseUrl', () => {
  it('keeps a base path and drops trailing slashes', () => {
    expect(normalizeBaseUrl('http://127.0.0.1:9090')).toBe('http://127.0.0.1:9090');
    expect(normalizeBaseUrl('http://127.0.0.1:9090/')).toBe('http://127.0.0.1:9090');
    expect(normalizeBaseUrl('https://example.org/invoke/')).toBe('https://example.org/invoke');
    expect(normalizeBaseUrl('https://example.org/a/b//')).toBe('https://example.org/a/b');
  });

  it('refuses addresses that are not http or https', () => {
    expect(() => normalizeBaseUrl('ftp://example.org')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeBaseUrl('not a url')).toThrow();
  });
});

describe('queryString', () => {
  it('repeats the key for arrays, as FastAPI reads them', () => {
    expect(queryString({ categories: ['general', 'user'], board_id: 'none' })).toBe('?categories=general&categories=user&board_id=none');
  });

  it('leaves out undefined and null, and writes booleans as FastAPI parses them', () => {
    expect(queryString({ a: undefined, b: null, c: false, d: true, e: 0 })).toBe('?c=false&d=true&e=0');
    expect(queryString({})).toBe('');
  });

  it('escapes values', () => {
    expect(queryString({ search_term: 'a cat & a dog' })).toBe('?search_term=a+cat+%26+a+dog');
  });
});

describe('compression', () => {
  it('asks a server on this machine for uncompressed answers, and leaves any other to choose', async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers['accept-encoding']);
      response.setHeader('content-type', 'application/json');
      response.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const http = new Http({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 5000, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
      await expect(http.json({ method: 'GET', route: 'x' }, z.object({ ok: z.boolean() }), 'Ok')).resolves.toEqual({ ok: true });
      expect(seen).toEqual(['identity']);
    } finally {
      server.close();
    }
    expect(['localhost', '127.0.0.1', '127.8.0.2', '[::1]'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['example.org', '192.168.1.20', '10.0.0.5', '127.example.org'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
