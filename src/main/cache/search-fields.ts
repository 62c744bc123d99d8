import { FIELD_TOKEN_DROPS, SLOTS_PER_MS } from './migrations';
import type { Condition, NumberCompare, ParsedQuery, ValidTerm } from '../../shared/query';
import { WORD } from '../../shared/query/words';
import type { Params } from './db';
import { promptHash } from './metadata-store';
import { inUserColumns, textExpression } from './search';

/**
 * The search language (src/shared/query) as SQL. Text stays with FTS5 whenever it can: clauses
 * of plain words (with their ORs) are the FTS5 match, as before fields existed, and excluded
 * words its NOT. Everything else is a predicate on the joined rows, `i` (images) and `m`
 * (image_metadata, LEFT JOINed when `metadata` is set); text inside a clause mixed with fields
 * is an FTS5 subquery.
 *
 * A required model, base, scheduler or LoRA term is also an FTS5 expression over the index's
 * `fields` tokens (migration 7, see walkToken), and a size, ratio, w or h term a test of sizes
 * that gallery.ts turns into size tokens, so words plus `model:jugg` are a single FTS5 walk in
 * gallery order that stops at LIMIT, instead of a walk of every match of the words checking each
 * one's metadata; field terms alone walk their tokens the same way (gallery.ts fieldRoute). The
 * token matches a superset (names compared without spaces and punctuation, cut to a prefix),
 * which the term's own predicate then narrows exactly on the rows the walk joins.
 *
 * Predicates on metadata columns carry a unary `+`, which keeps SQLite from answering them from
 * an index: a gallery page walks in id order and stops at LIMIT. A rare value is read from an
 * index on purpose, as a `driver` (see gallery.ts): a seed, steps or cfg from its column's index,
 * a name or size from its token's doclist in the search index.
 */
export interface FieldPlan {
  /** FTS5 expression (user columns implied) every result matches, or null. */
  include: string | null;
  /**
   * FTS5 expressions over the `fields` column every result matches: each a single prefix term
   * FTS5 reads from a prefix index (see walkToken), walked with the words or alone (gallery.ts).
   */
  tokens: string[];
  /**
   * The required size, ratio, w and h terms as tests of a size: gallery.ts turns them into
   * `fields` tokens of the sizes the gallery holds (`ratio:portrait` walks `"z832x1216" OR
   * "z896x1152"`), which only the cache knows.
   */
  sizes: SizeTest[];
  /** Id (creation time) bounds of every result, from date terms: FTS5 walks only that span. */
  ids: { from: number | null; to: number | null };
  /** FTS5 expressions no result matches (only with `include`). */
  exclude: string[];
  where: string[];
  params: Params;
  /** Whether `where` reads `m`. */
  metadata: boolean;
  /** Ways to list a superset of the results from an index: `sql` selects `image_id`. */
  drivers: Driver[];
}

/**
 * An index read listing a superset of a term's images. A name or size term's read is its token's
 * doclist, whose size is `estimate`d from facet_counts instead of by reading it: FTS5 answers a
 * prefix longer than its prefix indexes (`"mdreamshaper"*`) by merging every matching doclist
 * first, which took 17–40 ms at 1M just to learn that the term was too broad to start from.
 */
export interface Driver {
  sql: string;
  params: Params;
  estimate?: FacetEstimate;
}

/** The facet_counts rows a name or size term's token can match: `sql` is a condition on them. */
export interface FacetEstimate {
  sql: string;
  params: Params;
}

/** facet_counts' value squashed as the field tokens are (migration 7, FIELD_TOKEN_DROPS). */
const SQUASHED_VALUE = FIELD_TOKEN_DROPS.reduce((sql, drop) => `replace(${sql}, '${drop}', '')`, 'lower(value)');

export type SizeTest = (width: number, height: number) => boolean;

interface Predicate {
  sql: string;
  params: Params;
  metadata: boolean;
}

const likePrefix = (value: string) => `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const LIKE = "LIKE ? ESCAPE '\\'";

const METADATA_COLUMN = {
  model: 'model_name',
  base: 'model_base',
  scheduler: 'scheduler',
  seed: 'seed',
  steps: 'steps',
  cfg: 'cfg_scale',
} as const;

function compare(column: string, c: NumberCompare): { sql: string; params: Params } {
  if (c.op !== 'range') return { sql: `${column} ${c.op} ?`, params: [c.value] };
  const parts: string[] = [];
  const params: Params = [];
  if (c.from !== null) {
    parts.push(`${column} >= ?`);
    params.push(c.from);
  }
  if (c.to !== null) {
    parts.push(`${column} <= ?`);
    params.push(c.to);
  }
  return { sql: parts.join(' AND '), params };
}

function predicate(condition: Condition): Predicate | null {
  const rows = (sql: string, params: Params = []): Predicate => ({ sql, params, metadata: false });
  const meta = (sql: string, params: Params = []): Predicate => ({ sql, params, metadata: true });
  switch (condition.field) {
    case 'text': {
      const expression = textExpression(condition.text, condition.phrase);
      return expression === null
        ? null
        : rows('i.id IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)', [inUserColumns(expression)]);
    }
    case 'model':
    case 'base':
    case 'scheduler':
      return meta(`+m.${METADATA_COLUMN[condition.field]} ${LIKE}`, [likePrefix(condition.value)]);
    case 'lora':
      return rows(`EXISTS (SELECT 1 FROM image_loras AS l WHERE l.image_id = i.id AND l.name ${LIKE})`, [likePrefix(condition.value)]);
    case 'board':
      // "board:uncat" finds Uncategorized, which has no row of its own.
      return rows(
        `(i.board_id IN (SELECT board_id FROM boards WHERE board_name ${LIKE}) OR (i.board_id IS NULL AND 'Uncategorized' ${LIKE}))`,
        [likePrefix(condition.value), likePrefix(condition.value)],
      );
    case 'seed':
    case 'steps':
    case 'cfg': {
      const { sql, params } = compare(`+m.${METADATA_COLUMN[condition.field]}`, condition.compare);
      return meta(sql, params);
    }
    case 'w':
    case 'h': {
      const { sql, params } = compare(condition.field === 'w' ? 'i.width' : 'i.height', condition.compare);
      return rows(sql, params);
    }
    case 'size':
      return rows('i.width = ? AND i.height = ?', [condition.width, condition.height]);
    case 'ratio':
      return rows({ portrait: 'i.height > i.width', landscape: 'i.width > i.height', square: 'i.width = i.height' }[condition.ratio]);
    case 'date': {
      // Ids are creation ms × SLOTS_PER_MS (see migrations.ts): a date span is an id range, which
      // every gallery walk reads straight from its index.
      const parts: string[] = [];
      const params: Params = [];
      if (condition.from !== null) {
        parts.push('i.id >= ?');
        params.push(condition.from * SLOTS_PER_MS);
      }
      if (condition.to !== null) {
        parts.push('i.id < ?');
        params.push(condition.to * SLOTS_PER_MS);
      }
      return rows(parts.join(' AND '), params);
    }
    case 'category':
      return rows('i.category = ?', [condition.category]);
    case 'is':
      return rows('i.starred = 1');
    case 'has':
      return condition.flag === 'workflow' ? rows('i.has_workflow = 1') : meta('m.positive IS NOT NULL');
    case 'job':
      return rows(`i.id IN (${outputsOfJobs(JOB_ITEMS)})`, [condition.itemId, condition.itemId]);
    case 'batch':
      return rows(`i.id IN (${outputsOfJobs(BATCH_ITEMS)})`, [likePrefix(condition.value), likePrefix(condition.value)]);
    case 'prompt':
      return rows(`i.id IN (${STACK_IMAGES})`, [promptHash(condition.prompt), condition.prompt]);
  }
}

/**
 * The images the queue items chosen by `items` (a SELECT of `jobs` rows, aliased `j`) made: those
 * of their sessions, and those their results name (an identical earlier run, `use_cache`, answers
 * with its own image, which keeps the earlier session id). As `image_id`s, for a driver.
 */
function outputsOfJobs(items: string): string {
  return `SELECT i2.id AS image_id FROM images AS i2 WHERE i2.session_id IN (SELECT j.session_id ${items})
    UNION SELECT i2.id FROM images AS i2 WHERE i2.image_name IN
      (SELECT json_extract(o.value, '$.image.image_name') ${items.replace('FROM jobs AS j', 'FROM jobs AS j, json_each(j.outputs) AS o')})`;
}

const JOB_ITEMS = 'FROM jobs AS j WHERE j.item_id = ?';
const BATCH_ITEMS = `FROM jobs AS j WHERE j.batch_id ${LIKE}`;
/** The images of one prompt stack (migration 8: a stack is its prompt's id), by the exact prompt and its hash. */
const STACK_IMAGES = 'SELECT image_id FROM image_prompts WHERE stack = (SELECT id FROM prompts WHERE hash = ? AND text = ?)';

/** An index read listing every image the term can hold, for terms rare enough to start from. */
function driver(condition: Condition): Driver | null {
  const tokens = fieldTokens(condition);
  // A name or size is read from its search-index token: every indexed image is a visible one.
  if (tokens !== null) {
    const estimate = facetEstimate(condition);
    return {
      sql: 'SELECT rowid AS image_id FROM images_fts WHERE images_fts MATCH ?',
      params: [tokens],
      ...(estimate ? { estimate } : {}),
    };
  }
  switch (condition.field) {
    case 'seed':
    case 'steps':
    case 'cfg': {
      const { sql, params } = compare(METADATA_COLUMN[condition.field], condition.compare);
      return { sql: `SELECT image_id FROM image_metadata WHERE ${sql}`, params };
    }
    case 'job':
      return { sql: outputsOfJobs(JOB_ITEMS), params: [condition.itemId, condition.itemId] };
    case 'batch':
      return { sql: outputsOfJobs(BATCH_ITEMS), params: [likePrefix(condition.value), likePrefix(condition.value)] };
    case 'prompt':
      return { sql: STACK_IMAGES, params: [promptHash(condition.prompt), condition.prompt] };
    default:
      return null;
  }
}

/** The facet_counts rows whose values a name or size term's token matches (see Driver). */
function facetEstimate(condition: Condition): FacetEstimate | null {
  switch (condition.field) {
    case 'model':
    case 'base':
    case 'scheduler':
    case 'lora':
      return { sql: `facet = ? AND ${SQUASHED_VALUE} ${LIKE}`, params: [condition.field, likePrefix(squash(condition.value))] };
    case 'size':
      return { sql: 'facet = ? AND value = ?', params: ['size', `${condition.width}x${condition.height}`] };
    default:
      return null;
  }
}

function squash(value: string): string {
  let squashed = value.toLowerCase();
  for (const drop of FIELD_TOKEN_DROPS) squashed = squashed.replaceAll(drop, '');
  return squashed;
}

/** A field value as migration 7 tokenizes it: lower case, FIELD_TOKEN_DROPS removed, then split into words. */
function tokenWords(tag: string, value: string): string[] {
  return `${tag}${squash(value)}`.match(WORD) ?? [];
}

const TOKEN_TAGS = { model: 'm', base: 'b', scheduler: 's', lora: 'l' } as const;

/** The `fields` expression a required term implies (a superset of its matches), or null. */
export function fieldTokens(condition: Condition): string | null {
  switch (condition.field) {
    case 'model':
    case 'base':
    case 'scheduler':
    case 'lora':
      // A phrase of the squashed value's words, the last a prefix: "model:dream" is `"mdream"*`.
      return `fields : "${tokenWords(TOKEN_TAGS[condition.field], condition.value).join(' ')}"*`;
    case 'size':
      return `fields : "z${condition.width}x${condition.height}"`;
    default:
      return null;
  }
}

/** The longest prefix the search index has an index for (migration 7's `prefix = '1 2 3 4 5 6'`). */
const PREFIX_INDEXED = 6;

/**
 * The token a walk filters by: the term's first word cut to PREFIX_INDEXED characters, a wider
 * superset than fieldTokens' phrase (`model:dreamshaper` walks `"mdream"*`), which the term's own
 * predicate narrows on the joined rows. FTS5 reads such a prefix straight from its prefix index
 * and walks it in order; a longer one it answers by first merging the doclist of every matching
 * token, which for `"mdreamshaper"*` took 17–40 ms at 1M before the walk could start.
 */
export function walkToken(condition: Condition): string | null {
  switch (condition.field) {
    case 'model':
    case 'base':
    case 'scheduler':
    case 'lora': {
      const first = tokenWords(TOKEN_TAGS[condition.field], condition.value)[0];
      return first === undefined ? null : `fields : "${[...first].slice(0, PREFIX_INDEXED).join('')}"*`;
    }
    default:
      return null;
  }
}

/** A size, ratio, w or h term as a test of a size (what its predicate says of the image row). */
function sizeTest(condition: Condition): SizeTest | null {
  switch (condition.field) {
    case 'size':
      return (width, height) => width === condition.width && height === condition.height;
    case 'ratio':
      return {
        portrait: (w: number, h: number) => h > w,
        landscape: (w: number, h: number) => w > h,
        square: (w: number, h: number) => w === h,
      }[condition.ratio];
    case 'w':
      return (width) => holds(condition.compare, width);
    case 'h':
      return (_, height) => holds(condition.compare, height);
    default:
      return null;
  }
}

function holds(c: NumberCompare, value: number): boolean {
  switch (c.op) {
    case 'range':
      return (c.from === null || value >= c.from) && (c.to === null || value <= c.to);
    case '=':
      return value === c.value;
    case '>':
      return value > c.value;
    case '>=':
      return value >= c.value;
    case '<':
      return value < c.value;
    case '<=':
      return value <= c.value;
  }
}

const isPlainText = (term: ValidTerm) => term.condition.field === 'text';

export function compileSearch(parsed: ParsedQuery): FieldPlan {
  const plan: FieldPlan = {
    include: null,
    tokens: [],
    sizes: [],
    ids: { from: null, to: null },
    exclude: [],
    where: [],
    params: [],
    metadata: false,
    drivers: [],
  };
  const include: string[] = [];
  for (const clause of parsed.clauses) {
    // Words (and ORs of words) go to FTS5 as today; an excluded word is its NOT.
    if (clause.every(isPlainText) && clause.every((term) => !term.negate)) {
      const parts = clause.flatMap((term) => {
        const c = term.condition as Extract<Condition, { field: 'text' }>;
        return textExpression(c.text, c.phrase) ?? [];
      });
      if (parts.length > 0) include.push(parts.length === 1 ? parts[0]! : `(${parts.map((part) => `(${part})`).join(' OR ')})`);
      continue;
    }
    if (clause.length === 1 && isPlainText(clause[0]!)) {
      const c = clause[0]!.condition as Extract<Condition, { field: 'text' }>;
      const expression = textExpression(c.text, c.phrase);
      if (expression !== null) plan.exclude.push(expression);
      continue;
    }
    const parts: Predicate[] = [];
    for (const term of clause) {
      const p = predicate(term.condition);
      if (p === null) continue;
      parts.push(term.negate ? { ...p, sql: `NOT coalesce((${p.sql}), 0)` } : p);
    }
    if (parts.length === 0) continue;
    plan.where.push(parts.length === 1 ? parts[0]!.sql : `(${parts.map((p) => `(${p.sql})`).join(' OR ')})`);
    plan.params.push(...parts.flatMap((p) => p.params));
    plan.metadata ||= parts.some((p) => p.metadata);
    if (clause.length === 1 && !clause[0]!.negate) {
      const condition = clause[0]!.condition;
      const d = driver(condition);
      if (d) plan.drivers.push(d);
      const token = walkToken(condition);
      if (token !== null) plan.tokens.push(token);
      const size = sizeTest(condition);
      if (size !== null) plan.sizes.push(size);
      if (condition.field === 'date') {
        const { from, to } = plan.ids;
        if (condition.from !== null) plan.ids.from = Math.max(from ?? 0, condition.from * SLOTS_PER_MS);
        if (condition.to !== null) plan.ids.to = Math.min(to ?? Number.MAX_SAFE_INTEGER, condition.to * SLOTS_PER_MS);
      }
    }
  }
  if (include.length > 0) plan.include = include.join(' AND ');
  else if (plan.exclude.length > 0) {
    // FTS5 has no "everything but": without a word to match, excluded words are a subquery.
    plan.where.push('i.id NOT IN (SELECT rowid FROM images_fts WHERE images_fts MATCH ?)');
    plan.params.push(inUserColumns(plan.exclude.map((expression) => `(${expression})`).join(' OR ')));
    plan.exclude = [];
  }
  return plan;
}

/** Nothing to narrow by: the view unsearched. */
export function isEmptyPlan(plan: FieldPlan): boolean {
  return plan.include === null && plan.where.length === 0;
}
