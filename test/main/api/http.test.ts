import { describe, expect, it } from 'vitest';
import { normalizeBaseUrl, queryString } from '../../../src/main/api/http';

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
