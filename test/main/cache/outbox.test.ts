import { describe, expect, it } from 'vitest';
import { imageDto, query, useCaches } from './fixtures';

const open = useCaches();

describe('outbox', () => {
  it('keeps entries in the order they were added, across a restart', () => {
    const cache = open();
    const first = cache.outbox.add('images.star', { image_names: ['a.png'], starred: true });
    const second = cache.outbox.add('boards.create', { temp_id: 'local-1', name: 'New' });
    expect(second).toBeGreaterThan(first);
    expect(cache.outbox.list()).toEqual([
      {
        id: first,
        kind: 'images.star',
        payload: { image_names: ['a.png'], starred: true },
        created_at: expect.any(Date),
        attempts: 0,
        last_error: null,
      },
      {
        id: second,
        kind: 'boards.create',
        payload: { temp_id: 'local-1', name: 'New' },
        created_at: expect.any(Date),
        attempts: 0,
        last_error: null,
      },
    ]);
    expect(cache.outbox.count()).toBe(2);
  });

  it('records failed attempts and removes finished entries', () => {
    const cache = open();
    const id = cache.outbox.add('images.delete', { image_names: ['a.png'] });
    cache.outbox.markFailed(id, 'server unreachable');
    cache.outbox.markFailed(id, 'HTTP 500');
    expect(cache.outbox.list()[0]).toMatchObject({ attempts: 2, last_error: 'HTTP 500' });
    cache.outbox.remove(id);
    expect(cache.outbox.list()).toEqual([]);
  });

  it('never reuses the id of a removed entry', () => {
    const cache = open();
    const id = cache.outbox.add('x', {});
    cache.outbox.remove(id);
    expect(cache.outbox.add('x', {})).toBeGreaterThan(id);
  });

  it('tells which names and ids pending entries mention, whatever their shape', () => {
    const cache = open();
    cache.outbox.add('images.move', { image_names: ['a.png', 'b.png'], board: { id: 'board-1' } });
    cache.outbox.add('boards.rename', ['board-2', 3]);
    expect(cache.outbox.referencedStrings()).toEqual(new Set(['a.png', 'b.png', 'board-1', 'board-2']));
  });

  it('is written together with the local change it sends, or not at all', () => {
    const cache = open();
    const image = imageDto();
    cache.upsertImages([image]);
    expect(() =>
      cache.atomically(() => {
        cache.setStarred([image.image_name], true);
        cache.outbox.add('images.star', { image_names: [image.image_name] });
        throw new Error('crash before commit');
      }),
    ).toThrow('crash before commit');
    expect(cache.outbox.count()).toBe(0);
    expect(cache.countImages(query({ starredOnly: true }))).toBe(0);
    cache.atomically(() => {
      cache.setStarred([image.image_name], true);
      cache.outbox.add('images.star', { image_names: [image.image_name] });
    });
    expect(cache.outbox.count()).toBe(1);
    expect(cache.countImages(query({ starredOnly: true }))).toBe(1);
  });
});
