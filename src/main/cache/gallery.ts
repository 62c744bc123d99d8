import type { GalleryQuery } from '../../shared/ipc';
import { ImageCategoryValues, type IvkImage } from '../../shared/models';
import { placeholders, type Db, type Params } from './db';
import { IMAGE_COLUMNS, imageFromRow, type ImageRow } from './images';
import { searchPlan, type SearchPlan, type Shares, type StarFilter } from './search';

/**
 * The gallery's reads: a page of any view, and its exact size.
 *
 * Every page is a walk in gallery order that stops at LIMIT. Without search text the walk is an
 * index range chosen for the view's shape (board or not, starred or not); with search text it is
 * FTS5's own rowid-ordered walk of the matches, with the view's narrow filters inside the match
 * and its broad ones checked on the joined rows (see search.ts). "Starred first" is two walks,
 * the starred images then the rest, split at the number of starred images in the view (see
 * listImages).
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

/** One walk: the view narrowed to `stars`, from `offset`, at most `limit` rows. */
function walk(db: Db, counts: GalleryCounts, query: GalleryQuery, stars: StarFilter, offset: number, limit: number): IvkImage[] {
  if (limit <= 0) return [];
  const plan = searchPlan(query.search, query, stars, counts.shares(query));
  if (plan === null) {
    const { clauses, params } = filters(query);
    const where = [...clauses, ...starClause(stars)].join(' AND ');
    return db
      .all<ImageRow>(
        'gallery page',
        `SELECT ${IMAGE_SELECT} FROM images AS i INDEXED BY ${indexFor(query, stars)}
         WHERE ${where} ORDER BY i.id ${direction(query)} LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      )
      .map(imageFromRow);
  }
  const order = direction(query);
  if (plan.where.length === 0) {
    // FTS5 alone walks the view in its rowid order and stops at LIMIT; only the page's rows are
    // then read from the table.
    return db
      .all<ImageRow>(
        'search page',
        `SELECT ${IMAGE_SELECT} FROM images AS i WHERE i.id IN (
           SELECT rowid FROM images_fts WHERE images_fts MATCH ? ORDER BY rowid ${order} LIMIT ? OFFSET ?
         ) ORDER BY i.id ${order}`,
        [plan.match, limit, offset],
      )
      .map(imageFromRow);
  }
  // CROSS JOIN keeps FTS5 as the outer loop, so its rowid order is still the result order and
  // the walk still stops at LIMIT; the broad filters are checked on each joined row.
  return db
    .all<ImageRow>(
      'search page',
      `SELECT ${IMAGE_SELECT} FROM images_fts AS f CROSS JOIN images AS i ON i.id = f.rowid
       WHERE images_fts MATCH ? AND ${plan.where.join(' AND ')} ORDER BY f.rowid ${order} LIMIT ? OFFSET ?`,
      [plan.match, ...plan.params, limit, offset],
    )
    .map(imageFromRow);
}

/** How many images the view narrowed to `stars` holds. */
function count(db: Db, query: GalleryQuery, stars: StarFilter, plan: SearchPlan | null): number {
  if (plan === null) {
    const { where, params } = countsFilter(query, stars);
    return db.get<{ n: number }>('gallery count', `SELECT coalesce(sum(n), 0) AS n FROM image_counts ${where}`, params)?.n ?? 0;
  }
  if (plan.where.length === 0) {
    return db.get<{ n: number }>('search count', 'SELECT count(*) AS n FROM images_fts WHERE images_fts MATCH ?', [plan.match])?.n ?? 0;
  }
  return (
    db.get<{ n: number }>(
      'search count',
      `SELECT count(*) AS n FROM images_fts AS f CROSS JOIN images AS i ON i.id = f.rowid
       WHERE images_fts MATCH ? AND ${plan.where.join(' AND ')}`,
      [plan.match, ...plan.params],
    )?.n ?? 0
  );
}

/** The rows of `image_counts` a view covers. */
function countsFilter(query: Pick<GalleryQuery, 'board' | 'categories'>, stars: StarFilter): { where: string; params: Params } {
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

  constructor(private readonly db: Db) {}

  count(query: GalleryQuery, stars: StarFilter): number {
    return this.remember(['count', query.board, [...query.categories].sort(), query.search.trim(), stars], () =>
      count(this.db, query, stars, searchPlan(query.search, query, stars, this.shares(query))),
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
export function listImages(db: Db, counts: GalleryCounts, query: GalleryQuery, offset: number, limit: number): IvkImage[] {
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
