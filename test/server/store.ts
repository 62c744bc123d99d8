/**
 * The in-memory gallery: image records and boards, with the queries and mutations the routes
 * need. Counts and covers are computed on every read, as the real server does, so they stay true
 * however images move. Tests reach it as `standIn.state.gallery` to change things "behind the
 * app's back".
 */
import { randomUUID } from 'node:crypto';
import type { BoardSeed, Gallery, ImageCategory, ImageOrigin, ImageSeed } from './data/gallery';
import { imageGraph, imageWorkflow } from './data/gallery';
import { nowTimestamp } from './data/timestamps';
import { applyChanges, type RecordChanges, type RecordFilters } from './records';
import { SYSTEM_USER_ID } from './identity';
import { VideoStore, type VideoRecord } from './video-store';

export const IMAGE_CATEGORIES = ['general', 'mask', 'control', 'user', 'other'] as const satisfies readonly ImageCategory[];
export const IMAGE_ORIGINS = ['internal', 'external'] as const satisfies readonly ImageOrigin[];
export const BOARD_VISIBILITIES = ['private', 'shared', 'public'] as const;
export type BoardVisibility = (typeof BOARD_VISIBILITIES)[number];
export type Direction = 'ASC' | 'DESC';

/** Where an image's pixels come from; pixels are only made when someone asks for the file. */
export type PixelSource =
  | { kind: 'pattern'; seed: number }
  | { kind: 'solid'; color: { r: number; g: number; b: number; a: number }; mode: 'RGB' | 'RGBA' }
  | { kind: 'file'; png: Buffer };

/** A stored image: the seed's fields (its pixels now come from `source`), with metadata kept as the JSON text the server stores. */
export interface ImageRecord extends Omit<ImageSeed, 'metadata' | 'pixel_seed'> {
  /** The metadata JSON text as stored; what `search_term` scans and `/metadata` returns. */
  metadata: string | null;
  /** Stringified workflow and graph; `undefined` = derive from the seed on demand. */
  workflow: string | null | undefined;
  graph: string | null | undefined;
  source: PixelSource;
  /** Who made it (multi-user servers); `system` for the seed and in single-user mode. */
  user_id: string;
}

export interface BoardRecord {
  board_id: string;
  board_name: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  archived: boolean;
  board_visibility: BoardVisibility;
}

export interface ImageQuery extends RecordFilters {
  image_origin?: ImageOrigin | null;
}

export interface BoardStats {
  image_count: number;
  asset_count: number;
  /** The cover when it is an image; null when the board's top item is a video. */
  cover: ImageRecord | null;
  /** Non-intermediate videos on the board (6.14). */
  video_count: number;
  /** The cover when it is a video (at most one of `cover` and `cover_video` is set). */
  cover_video: VideoRecord | null;
}

/** The board id as `affected_boards` names it. */
const boardKey = (boardId: string | null): string => boardId ?? 'none';

const isAsset = (category: ImageCategory): boolean => category !== 'general';

/** True when `a` outranks `b` as a board cover: starred first, then newest. */
const outranks = (a: ImageRecord, b: ImageRecord): boolean => (a.starred !== b.starred ? a.starred : a.created_at > b.created_at);

export function imageFromSeed(seed: ImageSeed): ImageRecord {
  return {
    image_name: seed.image_name,
    image_origin: seed.image_origin,
    image_category: seed.image_category,
    width: seed.width,
    height: seed.height,
    created_at: seed.created_at,
    updated_at: seed.updated_at,
    is_intermediate: seed.is_intermediate,
    starred: seed.starred,
    board_id: seed.board_id,
    session_id: seed.session_id,
    node_id: seed.node_id,
    has_workflow: seed.has_workflow,
    embeds_workflow: seed.embeds_workflow,
    metadata: seed.metadata ? JSON.stringify(seed.metadata) : null,
    workflow: undefined,
    graph: undefined,
    source: { kind: 'pattern', seed: seed.pixel_seed },
    user_id: SYSTEM_USER_ID,
  };
}

export interface NewImage {
  image_origin: ImageOrigin;
  image_category: ImageCategory;
  width: number;
  height: number;
  is_intermediate: boolean;
  board_id: string | null;
  session_id: string | null;
  node_id: string | null;
  metadata: string | null;
  workflow: string | null;
  graph: string | null;
  source: PixelSource;
  /** The maker; `system` when left out (single-user mode, job outputs). */
  user_id?: string;
}

export class GalleryStore {
  readonly images = new Map<string, ImageRecord>();
  readonly boards = new Map<string, BoardRecord>();
  /** The videos beside the images (6.14): they share boards, counts and covers. */
  readonly videos: VideoStore;
  /** Every image, oldest first; list queries walk this instead of sorting. */
  private ordered: ImageRecord[] = [];

  constructor(gallery?: Pick<Gallery, 'boards' | 'images'> & Partial<Pick<Gallery, 'videos'>>) {
    this.videos = new VideoStore(gallery?.videos ?? []);
    if (!gallery) return;
    for (const b of gallery.boards) this.boards.set(b.board_id, boardFromSeed(b));
    for (const seed of gallery.images) {
      const record = imageFromSeed(seed);
      this.images.set(record.image_name, record);
      this.ordered.push(record);
    }
    this.ordered.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  }

  get imageCount(): number {
    return this.images.size;
  }

  getImage(name: string): ImageRecord | undefined {
    return this.images.get(name);
  }

  getBoard(id: string): BoardRecord | undefined {
    return this.boards.get(id);
  }

  // ---------------------------------------------------------------- queries

  /** Matching images in response order, and how many of them are starred. */
  queryImages(q: ImageQuery): { images: ImageRecord[]; starredCount: number } {
    const starredFirst = q.starred_first ?? true;
    const term = q.search_term ? q.search_term.toLowerCase() : null;
    const categories = q.categories && q.categories.length > 0 ? new Set(q.categories) : null;
    const board = q.board_id ?? null;
    const owner = q.owner ?? null;
    const starred: ImageRecord[] = [];
    const rest: ImageRecord[] = [];
    const matches = (r: ImageRecord): boolean => {
      if (q.image_origin && r.image_origin !== q.image_origin) return false;
      if (categories && !categories.has(r.image_category)) return false;
      if (q.is_intermediate !== undefined && q.is_intermediate !== null && r.is_intermediate !== q.is_intermediate) return false;
      if (board === 'none' ? r.board_id !== null : board !== null && r.board_id !== board) return false;
      if (owner !== null && r.user_id !== owner) return false;
      if (term !== null && !(r.metadata?.toLowerCase().includes(term) || r.created_at.includes(term))) return false;
      return true;
    };
    const desc = (q.order_dir ?? 'DESC') === 'DESC';
    const list = this.ordered;
    for (let i = desc ? list.length - 1 : 0; desc ? i >= 0 : i < list.length; desc ? i-- : i++) {
      const r = list[i]!;
      if (!matches(r)) continue;
      if (starredFirst && r.starred) starred.push(r);
      else rest.push(r);
    }
    return { images: starred.length > 0 ? starred.concat(rest) : rest, starredCount: starredFirst ? starred.length : 0 };
  }

  /** Counts and cover for every board, in one pass over the images. */
  boardStats(): Map<string, BoardStats> {
    const stats = new Map<string, BoardStats>();
    for (const id of this.boards.keys()) stats.set(id, { image_count: 0, asset_count: 0, cover: null, video_count: 0, cover_video: null });
    for (const r of this.ordered) {
      if (r.board_id === null || r.is_intermediate) continue;
      const s = stats.get(r.board_id);
      if (!s) continue;
      if (isAsset(r.image_category)) s.asset_count++;
      else s.image_count++;
      if (!s.cover || outranks(r, s.cover)) s.cover = r;
    }
    // 6.14.2 ranks images and videos together by (starred, created_at, kind, name), all
    // descending; 'video' sorts after 'image', so a video wins a tie.
    for (const v of this.videos.all()) {
      if (v.board_id === null || v.is_intermediate) continue;
      const s = stats.get(v.board_id);
      if (!s) continue;
      s.video_count++;
      const best = s.cover_video ?? s.cover;
      // On a full tie the video wins over an image ('video' > 'image'), and the greater name over another video.
      const wins =
        !best ||
        (v.starred !== best.starred
          ? v.starred
          : v.created_at !== best.created_at
            ? v.created_at > best.created_at
            : best !== s.cover_video || v.video_name > s.cover_video.video_name);
      if (wins) {
        s.cover_video = v;
        s.cover = null;
      }
    }
    return stats;
  }

  /** `owner` keeps only that user's images (a non-admin's Uncategorized). */
  boardImageNames(
    boardId: string,
    categories: readonly ImageCategory[] | null,
    isIntermediate: boolean | null,
    owner: string | null = null,
  ): string[] {
    const target = boardId === 'none' ? null : boardId;
    const cats = categories && categories.length > 0 ? new Set(categories) : null;
    const names: string[] = [];
    for (const r of this.ordered) {
      if (r.board_id !== target) continue;
      if (cats && !cats.has(r.image_category)) continue;
      if (isIntermediate !== null && r.is_intermediate !== isIntermediate) continue;
      if (owner !== null && r.user_id !== owner) continue;
      names.push(r.image_name);
    }
    return names;
  }

  intermediateCount(): number {
    let n = 0;
    for (const r of this.ordered) if (r.is_intermediate) n++;
    return n;
  }

  // ---------------------------------------------------------------- images

  addImage(input: NewImage): ImageRecord {
    const now = nowTimestamp();
    const record: ImageRecord = {
      image_name: `${randomUUID()}.png`,
      ...input,
      user_id: input.user_id ?? SYSTEM_USER_ID,
      // has_workflow means "a workflow or a graph" (the real server sets it for either).
      has_workflow: input.workflow !== null || input.graph !== null,
      embeds_workflow: input.workflow !== null,
      created_at: now,
      updated_at: now,
      starred: false,
    };
    this.images.set(record.image_name, record);
    // New rows are nearly always the newest; insert in place otherwise (clock changes).
    let at = this.ordered.length;
    while (at > 0 && this.ordered[at - 1]!.created_at > record.created_at) at--;
    this.ordered.splice(at, 0, record);
    return record;
  }

  /** Sets `starred` and returns the boards touched; missing names are skipped silently. */
  setStarred(names: readonly string[], starred: boolean): { changed: string[]; affectedBoards: string[] } {
    const changed: string[] = [];
    const boards = new Set<string>();
    const now = nowTimestamp();
    for (const name of new Set(names)) {
      const r = this.images.get(name);
      if (!r) continue;
      if (r.starred !== starred) r.updated_at = now;
      r.starred = starred;
      changed.push(name);
      boards.add(boardKey(r.board_id));
    }
    return { changed, affectedBoards: [...boards] };
  }

  /** Moves images to a board (or to Uncategorized with null). Does not touch `updated_at`. */
  moveImages(names: readonly string[], boardId: string | null): { moved: string[]; affectedBoards: string[] } {
    const moved: string[] = [];
    const boards = new Set<string>();
    for (const name of names) {
      const r = this.images.get(name);
      if (!r) continue;
      boards.add(boardKey(r.board_id));
      boards.add(boardKey(boardId));
      r.board_id = boardId;
      moved.push(name);
    }
    return { moved, affectedBoards: [...boards] };
  }

  /** Applies a PATCH's changes; `updated_at` moves when the category or a flag changes value. */
  updateImage(name: string, changes: RecordChanges<'image_category'>): ImageRecord | undefined {
    const r = this.images.get(name);
    return r && applyChanges(r, changes, ['image_category', 'is_intermediate', 'starred']);
  }

  deleteImages(names: readonly string[]): { deleted: string[]; missing: string[]; affectedBoards: string[] } {
    const deleted: string[] = [];
    const missing: string[] = [];
    const boards = new Set<string>();
    const gone = new Set<ImageRecord>();
    for (const name of new Set(names)) {
      const r = this.images.get(name);
      if (!r) {
        missing.push(name);
        continue;
      }
      this.images.delete(name);
      gone.add(r);
      deleted.push(name);
      boards.add(boardKey(r.board_id));
    }
    if (gone.size > 0) this.ordered = this.ordered.filter((r) => !gone.has(r));
    return { deleted, missing, affectedBoards: [...boards] };
  }

  /** Every image matching a predicate (used by "delete uncategorized" and "clear intermediates"). */
  namesWhere(predicate: (r: ImageRecord) => boolean): string[] {
    return this.ordered.filter(predicate).map((r) => r.image_name);
  }

  // ---------------------------------------------------------------- boards

  createBoard(name: string, userId: string = SYSTEM_USER_ID): BoardRecord {
    const now = nowTimestamp();
    const board: BoardRecord = {
      board_id: randomUUID(),
      board_name: name,
      user_id: userId,
      created_at: now,
      updated_at: now,
      archived: false,
      board_visibility: 'private',
    };
    this.boards.set(board.board_id, board);
    return board;
  }

  updateBoard(
    id: string,
    changes: { board_name?: string | null; archived?: boolean | null; board_visibility?: BoardVisibility | null },
  ): BoardRecord | undefined {
    const board = this.boards.get(id);
    if (!board) return undefined;
    if (changes.board_name != null) board.board_name = changes.board_name;
    if (changes.archived != null) board.archived = changes.archived;
    if (changes.board_visibility != null) board.board_visibility = changes.board_visibility;
    // The real trigger uses current_timestamp: no fractional seconds.
    board.updated_at = nowTimestamp(false);
    return board;
  }

  /**
   * Deletes a board; its images are deleted too, or moved to Uncategorized. With `onlyOf` (a
   * non-admin owner) only that user's images are deleted; other users' contributions to a public
   * board fall back to Uncategorized, as on the real server.
   */
  deleteBoard(
    id: string,
    includeImages: boolean,
    onlyOf: string | null = null,
  ): { unlinked: string[]; deleted: string[]; unlinkedVideos: string[]; deletedVideos: string[] } | undefined {
    if (!this.boards.delete(id)) return undefined;
    // Videos go the same way as the images: deleted (only the owner's, for a non-admin), or unlinked.
    const videoNames = this.videos.namesWhere((v) => v.board_id === id);
    const doomedVideos = includeImages ? videoNames.filter((name) => onlyOf === null || this.videos.get(name)!.user_id === onlyOf) : [];
    const deletedVideos = this.videos.delete(doomedVideos).map((v) => v.video_name);
    for (const name of videoNames) this.videos.move(name, null);
    const videos = { unlinkedVideos: includeImages ? [] : videoNames, deletedVideos };
    const names = this.ordered.filter((r) => r.board_id === id).map((r) => r.image_name);
    if (includeImages) {
      const doomed = onlyOf === null ? names : names.filter((name) => this.images.get(name)!.user_id === onlyOf);
      const deleted = this.deleteImages(doomed).deleted;
      this.moveImages(
        names.filter((name) => this.images.has(name)),
        null,
      );
      return { unlinked: [], deleted, ...videos };
    }
    this.moveImages(names, null);
    return { unlinked: names, deleted: [], ...videos };
  }

  /** Boards for listing: archived ones only when asked; sorted like the real SQL. */
  listBoards(opts: {
    includeArchived: boolean;
    orderBy: 'created_at' | 'board_name';
    direction: Direction;
    caseInsensitive: boolean;
  }): BoardRecord[] {
    const key = (b: BoardRecord): string =>
      opts.orderBy === 'created_at' ? b.created_at : opts.caseInsensitive ? b.board_name.toLowerCase() : b.board_name;
    const sign = opts.direction === 'ASC' ? 1 : -1;
    return [...this.boards.values()]
      .filter((b) => opts.includeArchived || !b.archived)
      .sort((a, b) => (key(a) < key(b) ? -sign : key(a) > key(b) ? sign : 0));
  }

  // ---------------------------------------------------------------- files

  /** The stringified graph that made an image (null for uploads). */
  graphOf(r: ImageRecord): string | null {
    if (r.graph !== undefined) return r.graph;
    return imageGraph({
      session_id: r.session_id,
      image_origin: r.image_origin,
      metadata: parseMetadata(r.metadata) as ImageSeed['metadata'],
    });
  }

  workflowOf(r: ImageRecord): string | null {
    if (r.workflow !== undefined) return r.workflow;
    return imageWorkflow({
      session_id: r.session_id,
      embeds_workflow: r.embeds_workflow,
      metadata: parseMetadata(r.metadata) as ImageSeed['metadata'],
    });
  }
}

export function parseMetadata(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function boardFromSeed(seed: BoardSeed): BoardRecord {
  return { ...seed, user_id: SYSTEM_USER_ID };
}

// ---------------------------------------------------------------- DTOs

export const imageUrl = (name: string): string => `api/v1/images/i/${name}/full`;
export const thumbnailUrl = (name: string): string => `api/v1/images/i/${name}/thumbnail`;

export function imageDTO(r: ImageRecord): Record<string, unknown> {
  return {
    image_name: r.image_name,
    image_url: imageUrl(r.image_name),
    thumbnail_url: thumbnailUrl(r.image_name),
    image_origin: r.image_origin,
    image_category: r.image_category,
    width: r.width,
    height: r.height,
    created_at: r.created_at,
    updated_at: r.updated_at,
    deleted_at: null,
    is_intermediate: r.is_intermediate,
    session_id: r.session_id,
    node_id: r.node_id,
    starred: r.starred,
    has_workflow: r.has_workflow,
    image_subfolder: '',
    board_id: r.board_id,
  };
}

/**
 * `owner_username` is filled only in list responses (the owner's display name, "System" for the
 * single-user owner) and null on single reads, creates and updates.
 */
export function boardDTO(b: BoardRecord, stats: BoardStats | undefined, ownerUsername: string | null = null): Record<string, unknown> {
  return {
    board_id: b.board_id,
    board_name: b.board_name,
    user_id: b.user_id,
    created_at: b.created_at,
    updated_at: b.updated_at,
    deleted_at: null,
    cover_image_name: stats?.cover?.image_name ?? null,
    archived: b.archived,
    board_visibility: b.board_visibility,
    cover_video_name: stats?.cover_video?.video_name ?? null,
    image_count: stats?.image_count ?? 0,
    video_count: stats?.video_count ?? 0,
    asset_count: stats?.asset_count ?? 0,
    owner_username: ownerUsername,
  };
}
