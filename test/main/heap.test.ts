import { describe, expect, it } from 'vitest';
import { HeapPolicy } from '../../src/main/heap';

/** The main process's heap policy (src/main/heap.ts): which V8 mode is set, and when. */
function recorded() {
  const calls: boolean[] = [];
  return { calls, policy: new HeapPolicy((lean) => calls.push(lean)) };
}

describe('heap policy', () => {
  it('leaves V8 alone until an entry point makes the heap lean', () => {
    const { calls, policy } = recorded();
    const release = policy.holdRoomy();
    release();
    expect(calls).toEqual([]);
    policy.makeLean();
    expect(calls).toEqual([true]);
  });

  it('is roomy while any bulk fetch holds it, lean again after the last', () => {
    const { calls, policy } = recorded();
    policy.makeLean();
    const first = policy.holdRoomy();
    const second = policy.holdRoomy();
    expect(calls).toEqual([true, false]);
    first();
    first();
    expect(calls).toEqual([true, false]);
    second();
    expect(calls).toEqual([true, false, true]);
  });

  it('made lean during a hold, turns lean only when the hold ends', () => {
    const { calls, policy } = recorded();
    const release = policy.holdRoomy();
    policy.makeLean();
    expect(calls).toEqual([]);
    release();
    expect(calls).toEqual([true]);
  });
});
