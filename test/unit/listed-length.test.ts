import { describe, expect, it } from 'vitest';
import type { GalleryQuery, ListedImages } from '../../src/shared/ipc';
import { listedLength } from '../../src/shared/listed';

const listed: ListedImages = {
  categories: {
    general: { total: 900, starred: 40 },
    user: { total: 50, starred: 5 },
    control: { total: 30, starred: 0 },
    mask: { total: 15, starred: 1 },
    other: { total: 5, starred: 0 },
  },
  foreign: { total: 20, starred: 2 },
  boards: { 'board-1': { images: 70, assets: 7 } },
};

const everything: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };
const lengthOf = (change: Partial<GalleryQuery>) => listedLength(listed, { ...everything, ...change });

describe('the length a running sync’s name lists give a view', () => {
  it('counts every category and other users’ images in the whole gallery, whatever the order', () => {
    expect(lengthOf({})).toBe(1020);
    expect(lengthOf({ order: 'oldest', starredFirst: true })).toBe(1020);
  });

  it('counts the categories a filter keeps, and only their starred images when starred only', () => {
    expect(lengthOf({ categories: ['general'] })).toBe(900);
    expect(lengthOf({ categories: ['user', 'control', 'mask', 'other'] })).toBe(100);
    expect(lengthOf({ categories: ['mask'] })).toBe(15);
    expect(lengthOf({ categories: ['user', 'control', 'mask', 'other'], starredOnly: true })).toBe(6);
    expect(lengthOf({ starredOnly: true })).toBe(48);
  });

  it('counts a board from the board list: its images, its assets or both, whatever the order', () => {
    expect(lengthOf({ board: 'board-1' })).toBe(77);
    expect(lengthOf({ board: 'board-1', categories: ['general'], order: 'oldest' })).toBe(70);
    expect(lengthOf({ board: 'board-1', categories: ['other', 'mask', 'control', 'user'] })).toBe(7);
  });

  it('gives no length for views the lists do not count, nor without a running sync', () => {
    expect(lengthOf({ board: 'none' })).toBeNull();
    expect(lengthOf({ board: 'board-2' })).toBeNull();
    expect(lengthOf({ board: 'board-1', starredOnly: true })).toBeNull();
    expect(lengthOf({ board: 'board-1', categories: ['mask'] })).toBeNull();
    expect(lengthOf({ search: 'fox' })).toBeNull();
    expect(listedLength(null, everything)).toBeNull();
  });
});
