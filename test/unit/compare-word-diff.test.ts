import { describe, expect, it } from 'vitest';
import { diffSides, wordDiff } from '../../src/shared/compare';

const join = (runs: readonly { text: string }[]) => runs.map((run) => run.text).join('');

describe('word diff of two prompts', () => {
  it('marks a replaced word as removed from the first prompt and added to the second', () => {
    const runs = wordDiff('a red fox in the forest', 'a blue fox in the forest');
    expect(runs.filter((run) => run.change === 'removed').map((run) => run.text)).toEqual(['red']);
    expect(runs.filter((run) => run.change === 'added').map((run) => run.text)).toEqual(['blue']);
  });

  it('marks words added at the end and punctuation removed in the middle', () => {
    const runs = wordDiff('a fox, at night', 'a fox at night, cinematic lighting');
    expect(runs.filter((run) => run.change === 'removed').map((run) => run.text.trim())).toEqual([',']);
    expect(join(runs.filter((run) => run.change === 'added'))).toBe(', cinematic lighting');
  });

  it('gives each side back exactly, with only its own changes', () => {
    const before = 'masterpiece, portrait of an old sailor, oil painting';
    const after = 'portrait of a young sailor, oil painting, dramatic light';
    const sides = diffSides(before, after);
    expect(join(sides.before)).toBe(before);
    expect(join(sides.after)).toBe(after);
    expect(sides.before.some((run) => run.change === 'added')).toBe(false);
    expect(sides.after.some((run) => run.change === 'removed')).toBe(false);
    expect(join(sides.before.filter((run) => run.change === 'removed')).split(/\W+/)).toEqual(
      expect.arrayContaining(['masterpiece', 'an', 'old']),
    );
    expect(join(sides.after.filter((run) => run.change === 'added')).split(/\W+/)).toEqual(
      expect.arrayContaining(['a', 'young', 'dramatic']),
    );
  });

  it('finds nothing changed in equal prompts, and everything added to an empty one', () => {
    expect(wordDiff('same words', 'same words').every((run) => run.change === 'same')).toBe(true);
    expect(wordDiff('', 'new words')).toEqual([{ text: 'new words', change: 'added' }]);
  });
});
