import type { GalleryItem, GalleryQuery } from '../../shared/ipc';
import { ImageCategoryValues } from '../../shared/models';
import { placeholders, type Db, type Params } from './db';
import { IMAGE_COLUMNS, galleryItemFromRow, type ImageRow } from './images';
import { parseQuery } from '../../shared/query';
import { matchPlan, type Shares, type StarFilter } from './search';
import { compileSearch, isEmptyPlan, type Driver, type FacetEstimate, type FieldPlan } from './search-fields';

/**
 * The gallery's reads: a page of any view, and its exact size.
 *
 * Every page is a walk in gallery order that stops at LIMIT. Without search text the walk is an
 * index range chosen for the view's shape (board or not, starred or not); with search text it is
 * FTS5's own rowid-ordered walk of the matches, with the view's narrow filters inside the match
 * and its broad ones checked on the joined rows (see search.ts), or for field terms alone one of
 * the reads fieldRoute chooses. "Starred first" is two walks, the starred images then the rest,
 * split at the number of starred images in the view (see listImages); a search's starred walk
 * reads the starred images' own index (migration 9).
 */

const VISIBLE = 'i.deleted = 0 AND i.is_intermediate = 0';
const IMAGE_SELECT = IMAGE_COLUMNS.split(',')
  .map((column) => `i.${column.trim()}`)
  .join(', ');

interface Filters {
  clauses: string[];
  params: Params;
}

/** Board and category filters of an unsearched view; intermediates and tombstones never show. */
function filters(query: GalleryQuery): Filters {
  const clauses = [VISIBLE];
  const params: Params = [];
  if (query.board === 'none') clauses.push('i.board_id IS NULL');
  else if (query.board !== 'all') {
    clauses.push('i.board_id = ?');
    params.push(query.board);
  }
  const categories = [...new Set(query.categories)];
  if (categories.length > 0 && categories.length < ImageCategoryValues.length) {
    clauses.push(`i.category IN (${placeholders(categories.length)})`);
    params.push(...categories);
  }
  return { clauses, params };
}

function starClause(stars: StarFilter): string[] {
  if (stars === 'starred') return ['i.starred = 1'];
  if (stars === 'unstarred') return ['i.starred = 0'];
  return [];
}

/** The covering index whose order is the view's order (see the schema's index comment). */
function indexFor(query: GalleryQuery, stars: StarFilter): string {
  const byStar = stars !== 'any';
  if (query.board === 'all') return byStar ? 'images_starred' : 'images_visible';
  return byStar ? 'images_board_starred' : 'images_board';
}

function direction(query: GalleryQuery): 'ASC' | 'DESC' {
  return query.order === 'newest' ? 'DESC' : 'ASC';
}

const plans = new Map<string, FieldPlan>();

/** The search text as SQL, remembered per text: a page and its count come in bursts. */
function fieldPlan(search: string): FieldPlan {
  let plan = plans.get(search);
  if (plan === undefined) {
    plan = compileSearch(parseQuery(search));
    if (plans.size >= 64) plans.clear();
    plans.set(search, plan);
  }
  return plan;
}

/**
 * A term matching fewer images than this is read from its index and the matches sorted; a
 * broader one is checked while walking the gallery in order, which reaches a page of 200 within
 * a few thousand rows at most (a term matching 4,000 of 1M images needs 50,000 rows walked for
 * its first page, about what sorting 4,000 matches costs).
 */
export const DRIVE_BELOW = 4000;

/** The rarest term's index read, when it is rare enough to start from (see DRIVE_BELOW). */
function chooseDriver(counts: GalleryCounts, plan: FieldPlan, driveBelow: number): Driver | null {
  let best: Driver | null = null;
  let fewest = driveBelow;
  for (const driver of plan.drivers) {
    const n = driver.estimate ? counts.facetTotal(driver.estimate) : counts.termSize(driver, fewest);
    if (n < fewest) {
      best = driver;
      fewest = n;
    }
  }
  return best;
}

/**
 * FTS5 matches joined to their rows, in match order. With field terms the metadata comes first
 * (every indexed image has a metadata row: see the schema), so a failing field term costs one
 * lookup in the narrow index and never reads the image row.
 */
function ftsSource(table: SearchIndex, metadata: boolean): string {
  return metadata
    ? `${table} AS f CROSS JOIN image_metadata AS m ON m.image_id = f.rowid CROSS JOIN images AS i ON i.id = f.rowid`
    : `${table} AS f CROSS JOIN images AS i ON i.id = f.rowid`;
}

/**
 * The search index a walk reads: the starred images have their own (migration 9), since a search
 * matching few of them would otherwise walk every image's index to find them all.
 */
type SearchIndex = 'images_fts' | 'starred_fts';

/** Metadata by image (a rowid lookup: since migration 8 the row is small, its document compressed). */
export const METADATA_JOIN = 'LEFT JOIN image_metadata AS m ON m.image_id = i.id';

/**
 * FROM, WHERE and parameters of a view narrowed by field terms only, read from `driver` (a rare
 * term's index) or, without one, by walking the view's gallery index and checking each row.
 */
function fieldSource(
  query: GalleryQuery,
  stars: StarFilter,
  fields: FieldPlan,
  driver: Driver | null,
): { from: string; where: string; params: Params } {
  const { clauses, params } = filters(query);
  const from = driver
    ? `(${driver.sql}) AS d CROSS JOIN images AS i ON i.id = d.image_id`
    : `images AS i INDEXED BY ${indexFor(query, stars)}`;
  return {
    from: `${from} ${fields.metadata ? METADATA_JOIN : ''}`,
    where: [...clauses, ...starClause(stars), ...fields.where].join(' AND '),
    params: [...(driver?.params ?? []), ...params, ...fields.params],
  };
}

/** Sizes with more matching values than this are not worth an FTS5 OR: the term stays a row check. */
const MAX_SIZE_TOKENS = 16;

/**
 * The `fields` tokens a walk matches: the name tokens, and for each required size, ratio, w or h
 * term the OR of the tokens of the sizes the gallery holds that pass it (`"z0x0"`, which no image
 * has, when none does). Even a third of the gallery is worth walking: the walk then joins only
 * rows of those sizes, and joined rows are random reads (`steps:50 ratio:portrait`, starred walk:
 * 2.3 ms walking the sizes, 6–16 ms checking every starred image). The index holds only images
 * with metadata, which any word needs; a search of field terms alone uses size tokens only while
 * every visible image has its metadata (during a first sync the others would be missed).
 */
function walkTokens(counts: GalleryCounts, fields: FieldPlan): string[] {
  if (fields.sizes.length === 0 || (fields.include === null && !counts.allIndexed())) return fields.tokens;
  const known = counts.sizes();
  const tokens = fields.sizes.flatMap((test) => {
    const passing = known.filter((size) => test(size.width, size.height));
    if (passing.length > MAX_SIZE_TOKENS) return [];
    const terms = passing.map((size) => `"z${size.width}x${size.height}"`);
    return [`fields : (${terms.length > 0 ? terms.join(' OR ') : '"z0x0"'})`];
  });
  return [...fields.tokens, ...tokens];
}

/**
 * How a search without words is read: from its rarest term's index when one is rare enough (see
 * DRIVE_BELOW), else by an FTS5 walk of its field tokens (`match`), else (no name or size term:
 * `steps:50 ratio:portrait`) by walking the view's gallery index. The token walk reads only the
 * images holding the token, in gallery order, where the index walk reads and checks every image
 * of the view: for `scheduler:euler_a w:>1000` (one starred image in 24 matches) the starred walk
 * read ~4,800 rows, each a random read of the image row and its metadata (17–29 ms at 1M).
 *
 * Newest first, a date term ending before the newest image keeps the index walk: FTS5 walks
 * backwards from the end of its doclists to the span instead of seeking to it (`base:sd-1
 * date:2024-01..2024-03`: 17 ms, against 2 ms in the index, which seeks).
 */
function fieldRoute(
  counts: GalleryCounts,
  query: GalleryQuery,
  fields: FieldPlan,
  driveBelow = counts.driveBelow,
): { driver: Driver | null } | 'match' {
  const driver = chooseDriver(counts, fields, driveBelow);
  if (driver !== null || walkTokens(counts, fields).length === 0) return { driver };
  const endsEarly = query.order === 'newest' && fields.ids.to !== null && fields.ids.to <= counts.newestId();
  return endsEarly ? { driver: null } : 'match';
}

/**
 * Free text with a field term this rare (`fox seed:1234`) starts from the term's index and asks
 * FTS5 about each of its images (a rowid lookup per term), instead of walking every match of the
 * words to find the few that hold the term.
 */
const PROBE_BELOW = 500;

/** The shares of a view of the whole gallery (no filter to plan). */
const NO_SHARES: Shares = { board: 1, categories: 1, starred: 0 };

function probedSource(
  counts: GalleryCounts,
  query: GalleryQuery,
  stars: StarFilter,
  fields: FieldPlan,
): { from: string; where: string; params: Params } | null {
  if (fields.include === null) return null;
  const driver = chooseDriver(counts, fields, Math.min(PROBE_BELOW, counts.driveBelow));
  if (driver === null) return null;
  const { clauses, params } = filters(query);
  // Only the words are asked of FTS5: the view's filters and the field terms are checked on the
  // row itself, where each probe of a flags token would be one more doclist seek.
  const match = matchPlan(fields.include, [], fields.exclude, { board: 'all', categories: [] }, 'any', NO_SHARES).match;
  return {
    from: `(${driver.sql}) AS d CROSS JOIN images AS i ON i.id = d.image_id ${fields.metadata ? METADATA_JOIN : ''}`,
    where: [
      ...clauses,
      ...starClause(stars),
      ...fields.where,
      'EXISTS (SELECT 1 FROM images_fts WHERE images_fts MATCH ? AND rowid = i.id)',
    ].join(' AND '),
    params: [...driver.params, ...params, ...fields.params, match],
  };
}

/** The id span of the search's date terms, as bounds FTS5 applies while walking (`f.rowid`). */
function rowidSpan(fields: FieldPlan): { where: string[]; params: Params } {
  const where: string[] = [];
  const params: Params = [];
  if (fields.ids.from !== null) {
    where.push('f.rowid >= ?');
    params.push(fields.ids.from);
  }
  if (fields.ids.to !== null) {
    where.push('f.rowid < ?');
    params.push(fields.ids.to);
  }
  return { where, params };
}

/**
 * An FTS5 walk: the words and/or field tokens matched, the rest checked on the joined rows.
 * `reading` says the caller reads every match's row whatever the plan (facets do).
 */
function matchSource(counts: GalleryCounts, query: GalleryQuery, stars: StarFilter, fields: FieldPlan, shares: Shares, reading = false) {
  // Walking starred_fts, the stars need no term of their own.
  const table: SearchIndex = stars === 'starred' ? 'starred_fts' : 'images_fts';
  const joined = reading || fields.where.length > 0 || fields.ids.from !== null || fields.ids.to !== null;
  const plan = matchPlan(
    fields.include,
    walkTokens(counts, fields),
    fields.exclude,
    query,
    stars === 'starred' ? 'any' : stars,
    shares,
    joined,
  );
  const span = rowidSpan(fields);
  const where = [...plan.where, ...fields.where, ...span.where];
  return {
    table,
    match: plan.match,
    /** Nothing to check on the rows: FTS5 alone answers. */
    bare: where.length === 0,
    from: ftsSource(table, fields.metadata),
    where: [`${table} MATCH ?`, ...where].join(' AND '),
    params: [plan.match, ...plan.params, ...fields.params, ...span.params],
  };
}

/** One walk: the view narrowed to `stars`, from `offset`, at most `limit` rows. */
function walk(db: Db, counts: GalleryCounts, query: GalleryQuery, stars: StarFilter, offset: number, limit: number): GalleryItem[] {
  if (limit <= 0) return [];
  const fields = fieldPlan(query.search);
  const order = direction(query);
  if (isEmptyPlan(fields)) {
    const { clauses, params } = filters(query);
    const where = [...clauses, ...starClause(stars)].join(' AND ');
    return db
      .all<ImageRow>(
        'gallery page',
        `SELECT ${IMAGE_SELECT} FROM images AS i INDEXED BY ${indexFor(query, stars)}
         WHERE ${where} ORDER BY i.id ${order} LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      )
      .map(galleryItemFromRow);
  }
  const route = fields.include === null ? fieldRoute(counts, query, fields) : 'match';
  if (route !== 'match') {
    // The page's ids first, then their rows: a term read from its index sorts its matches, and
    // sorting ids is much cheaper than sorting whole rows.
    const { from, where, params } = fieldSource(query, stars, fields, route.driver);
    return db
      .all<ImageRow>(
        'field search page',
        `SELECT ${IMAGE_SELECT} FROM images AS i WHERE i.id IN (
           SELECT i.id FROM ${from} WHERE ${where} ORDER BY i.id ${order} LIMIT ? OFFSET ?
         ) ORDER BY i.id ${order}`,
        [...params, limit, offset],
      )
      .map(galleryItemFromRow);
  }
  const source = matchSource(counts, query, stars, fields, counts.shares(query));
  const probed = probedSource(counts, query, stars, fields);
  if (probed) {
    return db
      .all<ImageRow>(
        'probed search page',
        `SELECT ${IMAGE_SELECT} FROM images AS i WHERE i.id IN (
           SELECT i.id FROM ${probed.from} WHERE ${probed.where} ORDER BY i.id ${order} LIMIT ? OFFSET ?
         ) ORDER BY i.id ${order}`,
        [...probed.params, limit, offset],
      )
      .map(galleryItemFromRow);
  }
  if (source.bare) {
    // FTS5 alone walks the view in its rowid order and stops at LIMIT; only the page's rows are
    // then read from the table.
    return db
      .all<ImageRow>(
        'search page',
        `SELECT ${IMAGE_SELECT} FROM images AS i WHERE i.id IN (
           SELECT rowid FROM ${source.table} WHERE ${source.table} MATCH ? ORDER BY rowid ${order} LIMIT ? OFFSET ?
         ) ORDER BY i.id ${order}`,
        [source.match, limit, offset],
      )
      .map(galleryItemFromRow);
  }
  // CROSS JOIN keeps FTS5 as the outer loop, so its rowid order is still the result order and
  // the walk still stops at LIMIT; the broad filters and field terms are checked on each joined row.
  return db
    .all<ImageRow>(
      'search page',
      `SELECT ${IMAGE_SELECT} FROM ${source.from} WHERE ${source.where} ORDER BY f.rowid ${order} LIMIT ? OFFSET ?`,
      [...source.params, limit, offset],
    )
    .map(galleryItemFromRow);
}

/** How many images the view narrowed to `stars` holds. */
function count(db: Db, counts: GalleryCounts, query: GalleryQuery, stars: StarFilter, shares: Shares): number {
  const fields = fieldPlan(query.search);
  if (isEmptyPlan(fields)) {
    const { where, params } = countsFilter(query, stars);
    return db.get<{ n: number }>('gallery count', `SELECT coalesce(sum(n), 0) AS n FROM image_counts ${where}`, params)?.n ?? 0;
  }
  // A count reads every match, in any order: starting from a term's index pays off until the
  // term covers about half the gallery (a quarter of the images read for `model:x` of four).
  const driveBelow = Math.max(counts.driveBelow, Math.floor(counts.visibleTotal() / 2));
  const route = fields.include === null ? fieldRoute(counts, query, fields, driveBelow) : 'match';
  if (route !== 'match') {
    const { from, where, params } = fieldSource(query, stars, fields, route.driver);
    return db.get<{ n: number }>('field search count', `SELECT count(*) AS n FROM ${from} WHERE ${where}`, params)?.n ?? 0;
  }
  const source = matchSource(counts, query, stars, fields, shares);
  const probed = probedSource(counts, query, stars, fields);
  if (probed) {
    return (
      db.get<{ n: number }>('probed search count', `SELECT count(*) AS n FROM ${probed.from} WHERE ${probed.where}`, probed.params)?.n ?? 0
    );
  }
  if (source.bare) {
    return (
      db.get<{ n: number }>('search count', `SELECT count(*) AS n FROM ${source.table} WHERE ${source.table} MATCH ?`, [source.match])?.n ??
      0
    );
  }
  return db.get<{ n: number }>('search count', `SELECT count(*) AS n FROM ${source.from} WHERE ${source.where}`, source.params)?.n ?? 0;
}

/** A searched view as SQL parts: `i` is the image row and `m` its metadata (joined when `metadata`). */
export interface SearchedSource {
  from: string;
  where: string;
  params: Params;
  /** The gallery's newest-first order, as this source walks it. */
  newestFirst: string;
  metadata: boolean;
}

/** A searched view's rows (facets count over them); null for an unsearched view. */
export function searchedSource(db: Db, counts: GalleryCounts, query: GalleryQuery, stars: StarFilter): SearchedSource | null {
  const fields = fieldPlan(query.search);
  if (isEmptyPlan(fields)) return null;
  const route = fields.include === null ? fieldRoute(counts, query, fields) : 'match';
  if (route !== 'match') {
    const { from, where, params } = fieldSource(query, stars, fields, route.driver);
    return { from, where, params, newestFirst: 'i.id DESC', metadata: fields.metadata };
  }
  const { from, where, params } = matchSource(counts, query, stars, fields, counts.shares(query), true);
  return { from, where, params, newestFirst: 'f.rowid DESC', metadata: fields.metadata };
}

/** The rows of `image_counts` a view covers. */
export function countsFilter(query: Pick<GalleryQuery, 'board' | 'categories'>, stars: StarFilter): { where: string; params: Params } {
  const clauses: string[] = [];
  const params: Params = [];
  if (query.board !== 'all') {
    clauses.push('board_key = ?');
    params.push(query.board === 'none' ? '' : query.board);
  }
  const categories = [...new Set(query.categories)];
  if (categories.length > 0) {
    clauses.push(`category IN (${placeholders(categories.length)})`);
    params.push(...categories);
  }
  if (stars !== 'any') {
    clauses.push('starred = ?');
    params.push(stars === 'starred' ? 1 : 0);
  }
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/**
 * Exact counts, remembered until the next write: scrolling asks for the total with every page,
 * and counting every match of a common word costs tens of ms at a million images.
 */
export class GalleryCounts {
  private generation = -1;
  private readonly memo = new Map<string, number>();
  private knownSizes: { width: number; height: number }[] | null = null;
  private sizesGeneration = -1;

  /** @param driveBelow see DRIVE_BELOW (tests lower it to walk every field search). */
  constructor(
    private readonly db: Db,
    readonly driveBelow = DRIVE_BELOW,
  ) {}

  count(query: GalleryQuery, stars: StarFilter): number {
    return this.remember(['count', query.board, [...query.categories].sort(), query.search.trim(), stars], () =>
      count(this.db, this, query, stars, this.shares(query)),
    );
  }

  /** How much of the gallery the view's board, categories and stars each cover (plans searches). */
  shares(query: GalleryQuery): Shares {
    const total = this.visible({ board: 'all', categories: [] }, 'any');
    if (total === 0) return { board: 0, categories: 0, starred: 0 };
    return {
      board: this.visible({ board: query.board, categories: [] }, 'any') / total,
      categories: this.visible({ board: 'all', categories: query.categories }, 'any') / total,
      starred: this.visible({ board: 'all', categories: [] }, 'starred') / total,
    };
  }

  /** How many visible images hold the facet values `estimate` picks (a LoRA counted per image). */
  facetTotal(estimate: FacetEstimate): number {
    return this.remember(['facets', estimate.sql, estimate.params], () => {
      const sql = `SELECT coalesce(sum(n), 0) AS n FROM facet_counts WHERE ${estimate.sql}`;
      return this.db.get<{ n: number }>('search term size', sql, estimate.params)?.n ?? 0;
    });
  }

  /** How many images `driver` lists, counted up to `limit` (a broad `steps:50` reads 4,000 index entries). */
  termSize(driver: Driver, limit: number): number {
    return this.remember(['term', driver.sql, driver.params, limit], () => {
      const sql = `SELECT count(*) AS n FROM (${driver.sql} LIMIT ?)`;
      return this.db.get<{ n: number }>('search term size', sql, [...driver.params, limit])?.n ?? 0;
    });
  }

  /** Whether every visible image has its metadata, so is in the search index. */
  allIndexed(): boolean {
    return (
      this.remember(['todo'], () => {
        const sql =
          'SELECT EXISTS (SELECT 1 FROM images INDEXED BY images_metadata_todo WHERE metadata_state = 0 AND deleted = 0 AND is_intermediate = 0) AS n';
        return this.db.get<{ n: number }>('metadata to fetch', sql)?.n ?? 0;
      }) === 0
    );
  }

  /** The sizes of the visible images, from facet_counts. */
  sizes(): { width: number; height: number }[] {
    const generation = this.db.generation;
    if (this.knownSizes === null || this.sizesGeneration !== generation) {
      const rows = this.db.all<{ value: string; n: number }>(
        'known sizes',
        "SELECT value, sum(n) AS n FROM facet_counts WHERE facet = 'size' GROUP BY value",
      );
      this.knownSizes = rows.flatMap(({ value, n }) => {
        const match = /^(\d+)x(\d+)$/.exec(value);
        return match && n > 0 ? [{ width: Number(match[1]), height: Number(match[2]) }] : [];
      });
      this.sizesGeneration = generation;
    }
    return this.knownSizes;
  }

  /** The id of the newest image (visible or not): where a newest-first FTS5 walk starts. */
  newestId(): number {
    return this.remember(['newest'], () => this.db.get<{ id: number | null }>('newest image', 'SELECT max(id) AS id FROM images')?.id ?? 0);
  }

  /** Every visible image. */
  visibleTotal(): number {
    return this.visible({ board: 'all', categories: [] }, 'any');
  }

  private visible(scope: Pick<GalleryQuery, 'board' | 'categories'>, stars: StarFilter): number {
    return this.remember(['visible', scope.board, [...scope.categories].sort(), stars], () => {
      const { where, params } = countsFilter(scope, stars);
      return this.db.get<{ n: number }>('gallery count', `SELECT coalesce(sum(n), 0) AS n FROM image_counts ${where}`, params)?.n ?? 0;
    });
  }

  private remember(key: unknown[], compute: () => number): number {
    const generation = this.db.generation;
    if (this.generation !== generation) {
      this.memo.clear();
      this.generation = generation;
    }
    const text = JSON.stringify(key);
    let n = this.memo.get(text);
    if (n === undefined) {
      n = compute();
      if (this.memo.size >= 256) this.memo.clear();
      this.memo.set(text, n);
    }
    return n;
  }
}

/**
 * Images `offset`..`offset + limit` of the view, in its order. With starred first, the starred
 * walk runs first; when it ends inside the page it has counted the starred images itself, so a
 * first page never needs a count, and deeper pages take it from the memo.
 */
export function listImages(db: Db, counts: GalleryCounts, query: GalleryQuery, offset: number, limit: number): GalleryItem[] {
  if (query.starredOnly) return walk(db, counts, query, 'starred', offset, limit);
  if (!query.starredFirst) return walk(db, counts, query, 'any', offset, limit);
  const head = walk(db, counts, query, 'starred', offset, limit);
  if (head.length === limit) return head;
  const starred = head.length > 0 || offset === 0 ? offset + head.length : counts.count(query, 'starred');
  return [...head, ...walk(db, counts, query, 'unstarred', Math.max(0, offset - starred), limit - head.length)];
}

/** The exact number of images in the view. */
export function countImages(counts: GalleryCounts, query: GalleryQuery): number {
  return counts.count(query, query.starredOnly ? 'starred' : 'any');
}
