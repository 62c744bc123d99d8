/**
 * `/api/v1/gallery/*` (6.14): images and videos in one stream, as 6.14.2's `UNION ALL` orders it:
 * starred first when asked, then `created_at`, then `kind` and `name` as tie-breakers, every key
 * in the asked direction (`app/services/gallery/gallery_default.py`). Filters apply to both halves
 * alike; on a multi-user server a non-admin's list without a board, or of Uncategorized, holds
 * only their own items.
 */
import { json, type RequestContext, type Router } from '../http';
import type { StandInState } from '../state';
import { thumbnailUrl, imageUrl, type ImageRecord } from '../store';
import type { ParamReader } from '../validation';
import { videoThumbnailUrl, videoUrl, type VideoRecord } from '../video-store';
import { readListFilters, scopedToCaller, type ListFilters } from './media';

type Item = { kind: 'image'; record: ImageRecord } | { kind: 'video'; record: VideoRecord };

const nameOf = (item: Item): string => (item.kind === 'image' ? item.record.image_name : item.record.video_name);

const readGalleryQuery = (q: ParamReader): ListFilters => readListFilters(q, 'origin');

/** -1 when `a` comes first: (starred DESC,) created_at, kind, name, in the asked direction. */
function compare(a: Item, b: Item, starredFirst: boolean, sign: 1 | -1): number {
  if (starredFirst && a.record.starred !== b.record.starred) return a.record.starred ? -1 : 1;
  const keys: [string, string][] = [
    [a.record.created_at, b.record.created_at],
    [a.kind, b.kind],
    [nameOf(a), nameOf(b)],
  ];
  for (const [x, y] of keys) if (x !== y) return x < y ? -sign : sign;
  return 0;
}

export function registerGalleryRoutes(router: Router, state: StandInState): void {
  const { gallery } = state;

  /** Every matching item in the real order, and how many are starred (0 unless `starred_first`). */
  const items = (ctx: RequestContext, query: ListFilters, createdDate: string | null = null): { items: Item[]; starredCount: number } => {
    const { owner } = scopedToCaller(ctx, gallery, query);
    const common = {
      categories: query.categories,
      is_intermediate: query.is_intermediate,
      board_id: query.board_id,
      order_dir: query.order_dir,
      starred_first: query.starred_first,
      search_term: query.search_term,
      owner,
    };
    const onDate = (created: string): boolean => createdDate === null || created.startsWith(`${createdDate} `);
    const images: Item[] = gallery
      .queryImages({ ...common, image_origin: query.origin })
      .images.filter((r) => onDate(r.created_at))
      .map((record) => ({ kind: 'image', record }));
    const videos: Item[] = gallery.videos
      .query({ ...common, video_origin: query.origin })
      .videos.filter((v) => onDate(v.created_at))
      .map((record) => ({ kind: 'video', record }));
    const sign = query.order_dir === 'ASC' ? 1 : -1;
    // The image list is already in order but for exact created_at ties, which the real breaks by name.
    const tied = images.some((item, i) => i > 0 && item.record.created_at === images[i - 1]!.record.created_at);
    const ordered = videos.length === 0 && !tied ? images : [...images, ...videos].sort((a, b) => compare(a, b, query.starred_first, sign));
    const starredCount = query.starred_first ? ordered.filter((item) => item.record.starred).length : 0;
    return { items: ordered, starredCount };
  };

  router.get('/api/v1/gallery/items/', (ctx) => {
    const q = ctx.queryReader();
    const query = readGalleryQuery(q);
    const offset = q.int('offset', 0, { ge: 0 });
    const limit = q.int('limit', 10, { ge: 0, le: 1000 });
    q.done();
    const found = items(ctx, query).items;
    return json({
      limit,
      offset,
      total: found.length,
      items: found.slice(offset, offset + limit).map((item) => galleryItem(item, query.board_id)),
    });
  });

  router.get('/api/v1/gallery/item_names', (ctx) => {
    const q = ctx.queryReader();
    const query = readGalleryQuery(q);
    const createdDate = q.str('created_date');
    q.done();
    const { items: found, starredCount } = items(ctx, query, createdDate);
    return json({ item_names: found.map(nameOf), starred_count: starredCount, total_count: found.length });
  });

  router.get('/api/v1/gallery/items/names', (ctx) => {
    const q = ctx.queryReader();
    const query = readGalleryQuery(q);
    q.done();
    const { items: found, starredCount } = items(ctx, query);
    return json({
      items: found.map((item) => ({ kind: item.kind, name: nameOf(item) })),
      starred_count: starredCount,
      total_count: found.length,
    });
  });
}

/**
 * One GalleryItem. Its `board_id` is what the real SQL selects: null when the list asked for
 * Uncategorized, the board otherwise.
 */
function galleryItem(item: Item, boardFilter: string | null): Record<string, unknown> {
  const boardId = boardFilter === 'none' ? null : item.record.board_id;
  if (item.kind === 'image') {
    const r = item.record;
    return {
      kind: 'image',
      name: r.image_name,
      full_url: imageUrl(r.image_name),
      thumbnail_url: thumbnailUrl(r.image_name),
      width: r.width,
      height: r.height,
      category: r.image_category,
      starred: r.starred,
      is_intermediate: r.is_intermediate,
      board_id: boardId,
      created_at: r.created_at,
      duration: null,
      fps: null,
    };
  }
  const v = item.record;
  return {
    kind: 'video',
    name: v.video_name,
    full_url: videoUrl(v.video_name),
    thumbnail_url: videoThumbnailUrl(v.video_name),
    width: v.width,
    height: v.height,
    category: v.video_category,
    starred: v.starred,
    is_intermediate: v.is_intermediate,
    board_id: boardId,
    created_at: v.created_at,
    duration: v.duration,
    fps: v.fps,
  };
}
