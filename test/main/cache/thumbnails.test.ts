import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidImageNameError, isValidImageName } from '../../../src/main/cache';
import { useCaches } from './fixtures';

const open = useCaches();
const NAME = '5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11.png';

const TRAVERSALS = [
  '../x',
  '..',
  '.',
  'a/b',
  'a\\b',
  '%2e%2e',
  '%2e%2e%2fetc%2fpasswd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  'c:x',
  'a\0.png',
  '',
  '.hidden',
  'x..png',
  'name.',
  'nul.png',
  'CON',
  'a'.repeat(201),
  'ünïcode.png',
  'sp ace.png',
];

describe('image names', () => {
  it("accept InvokeAI's names", () => {
    expect(isValidImageName(NAME)).toBe(true);
    expect(isValidImageName('Upload_2026-08-19.v2.png')).toBe(true);
  });

  it.each(TRAVERSALS)('refuse %j', (name) => {
    expect(isValidImageName(name)).toBe(false);
  });

  it('never yield a path outside the folder', () => {
    const cache = open();
    const root = dirname(dirname(cache.thumbnails.pathFor(NAME)));
    for (const name of TRAVERSALS) {
      expect(() => cache.thumbnails.pathFor(name)).toThrow(InvalidImageNameError);
      expect(cache.thumbnails.has(name)).toBe(false);
    }
    expect(cache.thumbnails.pathFor(NAME).startsWith(root + sep)).toBe(true);
  });

  it('make reads of invalid names answer "not cached" and writes fail', async () => {
    const cache = open();
    await expect(cache.thumbnails.read('../cache.sqlite')).resolves.toBeNull();
    await expect(cache.thumbnails.write('../evil', new Uint8Array(1))).rejects.toThrow(InvalidImageNameError);
  });
});

describe('thumbnail files', () => {
  it('write, read back, report and remove by image name', async () => {
    const cache = open();
    expect(cache.thumbnails.has(NAME)).toBe(false);
    await cache.thumbnails.write(NAME, new Uint8Array([1, 2, 3]));
    expect(cache.thumbnails.has(NAME)).toBe(true);
    expect(cache.thumbnails.pathFor(NAME)).toMatch(/thumbnails[\\/]5f[\\/]5f0c1c7e-1b7a-4c9e-9a51-2f6f1b0e8a11\.png\.webp$/);
    expect([...(await cache.thumbnails.read(NAME))!]).toEqual([1, 2, 3]);
    expect(cache.thumbnails.stats()).toEqual({ files: 1, bytes: 3 });
    await cache.thumbnails.remove([NAME]);
    expect(await cache.thumbnails.read(NAME)).toBeNull();
    expect(cache.thumbnails.stats()).toEqual({ files: 0, bytes: 0 });
  });

  it('replace a file whole and leave no temporary files behind', async () => {
    const cache = open();
    await Promise.all([cache.thumbnails.write(NAME, new Uint8Array(10).fill(1)), cache.thumbnails.write(NAME, new Uint8Array(10).fill(2))]);
    const bytes = readFileSync(cache.thumbnails.pathFor(NAME));
    expect(new Set(bytes).size).toBe(1);
    const root = dirname(dirname(cache.thumbnails.pathFor(NAME)));
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
  });

  it('forget files deleted behind the cache', async () => {
    const cache = open();
    await cache.thumbnails.write(NAME, new Uint8Array(5));
    const { rmSync } = await import('node:fs');
    rmSync(cache.thumbnails.pathFor(NAME));
    expect(await cache.thumbnails.read(NAME)).toBeNull();
    expect(cache.thumbnails.stats().files).toBe(0);
  });
});

describe('full image cache', () => {
  it('evicts the least recently used images beyond its cap', async () => {
    const cache = open({ imageCacheBytes: 250 });
    const names = ['a.png', 'b.png', 'c.png'];
    for (const name of names) {
      await cache.images.write(name, new Uint8Array(100));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(cache.images.has('a.png')).toBe(false);
    expect(cache.images.has('b.png')).toBe(true);
    expect(cache.images.has('c.png')).toBe(true);
    expect(cache.images.stats()).toEqual({ files: 2, bytes: 200 });
  });
});
