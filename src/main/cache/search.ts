import { WORD } from '../../shared/query/words';

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

/**
 * One typed text term as an FTS5 expression over the user columns' words, or null when it holds
 * no word. A quoted phrase is its words in that order (the last one a prefix, as it may still be
 * being typed).
 */
export function textExpression(text: string, phrase: boolean): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  if (phrase) return quoted(terms.flat().join(' '));
  return terms.map(termExpression).join(' AND ');
}

/** An expression confined to the columns user text may match. */
export function inUserColumns(expression: string): string {
  return `${USER_COLUMNS} : (${expression})`;
}

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

/** Of all visible images, the share in the view's board, in its categories, and starred (0..1). */
export interface Shares {
  board: number;
  categories: number;
  starred: number;
}

/** How a search runs: an FTS5 match, plus filters checked on the image rows it joins to. */
export interface SearchPlan {
  match: string;
  where: string[];
  params: (string | number)[];
}

/**
 * A filter matching at most this share of the gallery is an FTS5 term; a broader one is checked
 * on the joined row. FTS5 intersects sparse terms by skipping through their doclists, but a dense
 * term (every "general" image, an Uncategorized holding most of the gallery) must be advanced
 * across long gaps between candidates: at 1M images, adding `cgeneral` to a board + starred
 * search took it from 2.6 to 15 ms, while checking it on the few joined rows is nearly free.
 */
const SPARSE = 0.25;

const ASSET_TOKENS = ['user', 'control', 'mask', 'other'] as const;
const ALL_CATEGORIES = 5;

const flagsAny = (tokens: readonly string[]) => `flags : (${tokens.map((token) => `"${token.replaceAll('"', '""')}"`).join(' OR ')})`;

/**
 * The plan for `text` within a view, or null when the text holds no word (then there is nothing
 * to search and the caller shows the unsearched view). Filters become `flags` terms spelled as
 * the schema's search_rows view writes them (`b<board id without hyphens>`, `b` alone for
 * Uncategorized, `c<category>`, `starred`) when they are sparse, row checks otherwise.
 */
export function searchPlan(text: string, scope: SearchScope, stars: StarFilter, shares: Shares): SearchPlan | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return matchPlan(terms.map(termExpression).join(' AND '), [], [], scope, stars, shares);
}

/**
 * The plan for a search already written as FTS5 expressions: `user` (text, in the user columns;
 * null for field terms alone) and every one of `tokens` (whole expressions over the field tokens)
 * must match, none of `userExclude` may (see search-fields.ts, which turns the search language
 * into these). At least one of `user` and `tokens` must be given.
 *
 * `joined` says the caller joins every match's row anyway (to check field terms): then a filter
 * that only excludes (the asset categories, the starred images of a starred-first view's second
 * walk) is checked on that row rather than walked as an FTS5 NOT, which advances the excluded
 * doclists past every candidate: for `samurai model:real ratio:landscape` they were more entries
 * than the words' and token's own (10 ms of the 12 ms walk at 1M).
 */
export function matchPlan(
  user: string | null,
  tokens: readonly string[],
  userExclude: readonly string[],
  scope: SearchScope,
  stars: StarFilter,
  shares: Shares,
  joined = false,
): SearchPlan {
  const include = [...(user === null ? [] : [inUserColumns(user)]), ...tokens];
  const exclude = userExclude.map(inUserColumns);
  const plan: SearchPlan = { match: '', where: [], params: [] };

  if (scope.board !== 'all') {
    if (shares.board <= SPARSE) include.push(flagsAny([scope.board === 'none' ? 'b' : `b${scope.board.replaceAll('-', '')}`]));
    else if (scope.board === 'none') plan.where.push('i.board_id IS NULL');
    else {
      plan.where.push('i.board_id = ?');
      plan.params.push(scope.board);
    }
  }

  const categories = [...new Set(scope.categories)];
  if (categories.length > 0 && categories.length < ALL_CATEGORIES) {
    const excluded = ['general', ...ASSET_TOKENS].filter((category) => !categories.includes(category));
    if (shares.categories <= SPARSE) include.push(flagsAny(categories.map((category) => `c${category}`)));
    else if (1 - shares.categories <= SPARSE && !joined) exclude.push(flagsAny(excluded.map((category) => `c${category}`)));
    else {
      plan.where.push(`i.category IN (${categories.map(() => '?').join(', ')})`);
      plan.params.push(...categories);
    }
  }

  if (stars === 'starred') {
    if (shares.starred <= SPARSE) include.push('flags : starred');
    else plan.where.push('i.starred = 1');
  } else if (stars === 'unstarred') {
    if (shares.starred <= SPARSE && !joined) exclude.push('flags : starred');
    else plan.where.push('i.starred = 0');
  }

  const positive = include.join(' AND ');
  plan.match = exclude.length ? `(${positive}) NOT (${exclude.join(' OR ')})` : positive;
  return plan;
}
