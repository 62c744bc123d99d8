/**
 * What counts as a word: the characters the cache's FTS5 unicode61 tokenizer keeps (letters,
 * digits, private-use characters and the combining marks it folds away). Everything else only
 * separates words, so a term without one of these has nothing to search for.
 */
export const WORD = /[\p{L}\p{N}\p{Co}\p{Mn}]+/gu;

export function hasWord(text: string): boolean {
  return /[\p{L}\p{N}\p{Co}\p{Mn}]/u.test(text);
}
