import { diffWords } from 'diff';

/** A run of a prompt: unchanged, or only in the later prompt, or only in the earlier one. */
export interface WordRun {
  text: string;
  change: 'same' | 'added' | 'removed';
}

/**
 * Two prompts compared word by word (jsdiff's word tokenizer: words and punctuation, spacing kept
 * with them), in reading order. Joining the `same` and `removed` runs gives `before` back; the
 * `same` and `added` runs give `after`.
 */
export function wordDiff(before: string, after: string): WordRun[] {
  return diffWords(before, after).map((part) => ({
    text: part.value,
    change: part.added ? 'added' : part.removed ? 'removed' : 'same',
  }));
}

/** What each side of a side-by-side diff shows: the earlier prompt with its removals, the later with its additions. */
export function diffSides(before: string, after: string): { before: WordRun[]; after: WordRun[] } {
  const runs = wordDiff(before, after);
  return {
    before: runs.filter((run) => run.change !== 'added'),
    after: runs.filter((run) => run.change !== 'removed'),
  };
}
