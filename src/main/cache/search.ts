/**
 * Turns what a person types into an FTS5 query that can never be a syntax error: the text is cut
 * into words the way the unicode61 tokenizer cuts it (letters, digits, private-use characters and
 * the combining marks it folds away), every other character (quotes, operators, brackets,
 * colons, stars) only separates words, and each word becomes a quoted prefix term. Every term
 * must match (AND), anywhere in the searchable columns; a word still being typed matches every
 * longer word, so "ligh" finds "lighthouse".
 *
 * A run of words joined by punctuation without spaces ("neon-lit", a pasted
 * "5f0c1c7e-1b7a-….png") is one term that matches either as a phrase in the prompts or as the
 * joined-up token the image name is indexed as.
 */
const WORD = /[\p{L}\p{N}\p{Co}\p{Mn}]+/gu;
/** Enough for any real search; a pasted essay must not become a thousand-term query. */
const MAX_WORDS = 16;
const MAX_WORD_LENGTH = 64;

/** The columns user text may match; `flags` holds the view filters (see the schema). */
const USER_COLUMNS = '{positive_prompt negative_prompt model_name image_name}';

/** The terms of a search: each a list of words that were joined by punctuation. */
export function searchTerms(text: string): string[][] {
  const terms = new Map<string, string[]>();
  for (const chunk of text.normalize('NFC').split(/\s+/)) {
    const words = (chunk.match(WORD) ?? []).map((word) => word.slice(0, MAX_WORD_LENGTH)).slice(0, MAX_WORDS);
    if (words.length > 0) terms.set(words.join(' ').toLowerCase(), words);
  }
  return [...terms.values()].slice(0, MAX_WORDS);
}

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"*`;

function termExpression(words: string[]): string {
  if (words.length === 1) return quoted(words[0]!);
  return `(${quoted(words.join(' '))} OR ${quoted(words.join(''))})`;
}

export type StarFilter = 'any' | 'starred' | 'unstarred';

/** The parts of a gallery view a search narrows by. */
export interface SearchScope {
  board: string;
  categories: readonly string[];
}

/**
 * The view's filters as terms on the `flags` column, spelled as the schema's search_rows view
 * writes them: `b<board id without hyphens>` (`b` alone for Uncategorized), `c<category>`,
 * `starred`.
 */
function filterTerms(scope: SearchScope): string[] {
  const terms: string[] = [];
  if (scope.board !== 'all') {
    const token = scope.board === 'none' ? 'b' : `b${scope.board.replaceAll('-', '')}`;
    terms.push(`flags : "${token.replaceAll('"', '""')}"`);
  }
  const categories = [...new Set(scope.categories)];
  if (categories.length > 0 && categories.length < ALL_CATEGORIES) {
    terms.push(`flags : (${categories.map((category) => `"c${category}"`).join(' OR ')})`);
  }
  return terms;
}

const ALL_CATEGORIES = 5;

/**
 * The MATCH expression for `text` within a view, or null when the text holds no word (then there
 * is nothing to search and the caller shows the unsearched view). Every filter is an FTS5 term,
 * so the whole view is one walk in rowid order.
 */
export function matchExpression(text: string, scope: SearchScope = { board: 'all', categories: [] }, stars: StarFilter = 'any'): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  const all = [`${USER_COLUMNS} : (${terms.map(termExpression).join(' AND ')})`, ...filterTerms(scope)];
  if (stars === 'starred') all.push('flags : starred');
  const expression = all.join(' AND ');
  return stars === 'unstarred' ? `(${expression}) NOT flags : starred` : expression;
}
