import { describe, expect, it } from 'vitest';
import type { ImageState } from '../../../src/main/cache';
import { CachedStates } from '../../../src/main/sync/states';

const state = (index: number): ImageState => ({
  image_name: `image-${index}.png`,
  board_id: index % 3 === 0 ? null : `board-${index % 7}`,
  category: ['general', 'user', 'control', 'mask', 'other'][index % 5]!,
  starred: index % 2,
  is_intermediate: index % 11 === 0 ? 1 : 0,
  deleted: index % 13 === 0 ? 1 : 0,
  touched_at: 1_780_000_000_000 + index * 1.5,
});

describe('cached image states, packed', () => {
  it('give back every state as it was added, past their first capacity', () => {
    const states = new CachedStates();
    const added = Array.from({ length: 10_000 }, (_, index) => state(index));
    for (const one of added) states.add(one);
    expect(states.size).toBe(10_000);
    expect([...states.unlisted(new Set(), Infinity)]).toEqual(added);
    expect(states.get('image-4242.png')).toEqual(added[4242]);
    expect(states.has('image-9999.png')).toBe(true);
    expect(states.has('image-10000.png')).toBe(false);
    expect(states.get('image-10000.png')).toBeUndefined();
  });

  it('start empty', () => {
    const states = new CachedStates();
    expect(states.size).toBe(0);
    expect([...states.unlisted(new Set(), Infinity)]).toEqual([]);
  });

  it('give back only the states the server no longer lists and nothing rewrote since', () => {
    const states = new CachedStates();
    const added = Array.from({ length: 100 }, (_, index) => state(index));
    for (const one of added) states.add(one);
    const listed = new Set(added.filter((_, index) => index % 4 !== 0).map((one) => one.image_name));
    const before = added[50]!.touched_at;
    expect([...states.unlisted(listed, before)]).toEqual(added.filter((_, index) => index % 4 === 0 && index < 50));
  });
});
