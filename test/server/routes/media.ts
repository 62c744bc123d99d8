/**
 * What the image, video and gallery routers share: the list filters (the origin under each API's
 * own key), the list and names routes (under each API's own result keys), and the PATCH body.
 */
import { listOwner, readableBoard } from '../access';
import type { ImageCategory, ImageOrigin } from '../data/gallery';
import { json, type RequestContext, type Router } from '../http';
import type { RecordChanges } from '../records';
import { IMAGE_CATEGORIES, IMAGE_ORIGINS, type Direction, type GalleryStore } from '../store';
import type { ParamReader } from '../validation';

export interface ListFilters {
  origin: ImageOrigin | null;
  categories: ImageCategory[] | null;
  is_intermediate: boolean | null;
  board_id: string | null;
  order_dir: Direction;
  starred_first: boolean;
  search_term: string | null;
}

/** The filters every list route reads; `originKey` is `image_origin`, `video_origin` or `origin`. */
export function readListFilters(q: ParamReader, originKey: string): ListFilters {
  return {
    origin: q.enumValue(originKey, IMAGE_ORIGINS, null),
    categories: q.enumList('categories', IMAGE_CATEGORIES),
    is_intermediate: q.bool('is_intermediate', null),
    board_id: q.str('board_id'),
    order_dir: q.enumValue('order_dir', ['ASC', 'DESC'] as const, 'DESC'),
    starred_first: q.bool('starred_first', true),
    search_term: q.str('search_term'),
  };
}

/** A list's query as the caller may run it: a board they may read; only their own items without one. */
export function scopedToCaller<Q extends { board_id?: string | null }>(
  ctx: RequestContext,
  gallery: GalleryStore,
  query: Q,
): Q & { owner: string | null } {
  if (query.board_id && query.board_id !== 'none' && !ctx.caller.is_admin) readableBoard(ctx.caller, gallery, query.board_id);
  return { ...query, owner: listOwner(ctx.caller, query.board_id) };
}

/** How one kind of record is listed: a page of DTOs at `<base>/`, every name at `<base>/names`. */
export interface ListRoutes<Q, R> {
  /** `/api/v1/images` or `/api/v1/videos`. */
  base: string;
  /** The names answer's list key: `image_names`, `video_names`. */
  namesKey: string;
  readQuery: (q: ParamReader) => Q;
  /** Matching records in response order, and how many are starred (0 unless starred first). */
  find: (ctx: RequestContext, query: Q) => { records: R[]; starredCount: number };
  name: (record: R) => string;
  dto: (record: R) => unknown;
}

export function registerListRoutes<Q, R>(router: Router, routes: ListRoutes<Q, R>): void {
  router.get(`${routes.base}/`, (ctx) => {
    const q = ctx.queryReader();
    const query = routes.readQuery(q);
    const offset = q.int('offset', 0, { ge: 0 });
    const limit = q.int('limit', 10, { ge: 0, le: 1000 });
    q.done();
    const { records } = routes.find(ctx, query);
    return json({ limit, offset, total: records.length, items: records.slice(offset, offset + limit).map(routes.dto) });
  });

  router.get(`${routes.base}/names`, (ctx) => {
    const q = ctx.queryReader();
    const query = routes.readQuery(q);
    q.done();
    const { records, starredCount } = routes.find(ctx, query);
    return json({ [routes.namesKey]: records.map(routes.name), starred_count: starredCount, total_count: records.length });
  });
}

/**
 * A PATCH body (`ImageRecordChanges`, `VideoRecordChanges`): unknown keys are allowed and ignored
 * (extra="allow"); session_id and the flags are strict; null means no change.
 */
export async function readChanges<C extends string>(ctx: RequestContext, categoryKey: C): Promise<RecordChanges<C>> {
  const body = await ctx.bodyReader({ embedded: false });
  const category = body.enumValue(categoryKey, IMAGE_CATEGORIES, { nullable: true });
  const session_id = body.str('session_id', { nullable: true });
  const is_intermediate = body.bool('is_intermediate', { strict: true, nullable: true });
  const starred = body.bool('starred', { strict: true, nullable: true });
  body.done();
  return {
    ...(category ? { [categoryKey]: category } : {}),
    ...(typeof session_id === 'string' ? { session_id } : {}),
    ...(typeof is_intermediate === 'boolean' ? { is_intermediate } : {}),
    ...(typeof starred === 'boolean' ? { starred } : {}),
  } as RecordChanges<C>;
}
