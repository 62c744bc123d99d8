/**
 * The stand-in's videos: records beside the images (6.14.2 keeps them in their own `videos` and
 * `board_videos` tables), the queries the video and gallery routes run over them, and their files
 * (MP4 bytes, WebP first-frame thumbnails). Orders are 6.14.2's SQL: starred first when asked, then
 * `created_at`, then `video_name`, both in the asked direction.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { ImageCategory, ImageOrigin } from './data/gallery';
import { nowTimestamp } from './data/timestamps';
import { applyChanges, type RecordChanges, type RecordFilters } from './records';
import { renderMp4, type VideoSeed } from './data/videos';
import { SYSTEM_USER_ID } from './identity';
import { Lru, thumbnailSize } from './imaging';
import { firstFrame, probeMp4 } from './video-probe';

/** Where a video's bytes come from: an upload, or written on demand from a seed. */
export type VideoSource = { kind: 'file'; mp4: Buffer } | { kind: 'seed'; colour_seed: number };

export interface VideoRecord extends Omit<VideoSeed, 'metadata' | 'colour_seed' | 'fps'> {
  /** null when the probe could not tell (the real DTO then has `fps: null`). */
  fps: number | null;
  /** The metadata JSON text as stored; what `search_term` scans and `/metadata` returns. */
  metadata: string | null;
  source: VideoSource;
  /** Who made it; `system` for the seed and in single-user mode. */
  user_id: string;
}

export interface VideoQuery extends RecordFilters {
  video_origin?: ImageOrigin | null;
}

export interface NewVideo {
  video_origin: ImageOrigin;
  video_category: ImageCategory;
  width: number;
  height: number;
  duration: number;
  fps: number | null;
  is_intermediate: boolean;
  board_id: string | null;
  session_id: string | null;
  metadata: string | null;
  source: VideoSource;
  user_id?: string;
}

/** Ascending (created_at, video_name): SQLite's text order, which these strings share with JS. */
const byTime = (a: VideoRecord, b: VideoRecord): number =>
  a.created_at < b.created_at
    ? -1
    : a.created_at > b.created_at
      ? 1
      : a.video_name < b.video_name
        ? -1
        : a.video_name > b.video_name
          ? 1
          : 0;

export function videoFromSeed(seed: VideoSeed): VideoRecord {
  const { colour_seed, metadata, ...fields } = seed;
  return {
    ...fields,
    metadata: metadata ? JSON.stringify(metadata) : null,
    source: { kind: 'seed', colour_seed },
    user_id: SYSTEM_USER_ID,
  };
}

export class VideoStore {
  readonly videos = new Map<string, VideoRecord>();
  /** Every video, ascending by (created_at, video_name). */
  private ordered: VideoRecord[] = [];

  constructor(seeds: readonly VideoSeed[] = []) {
    for (const seed of seeds) this.videos.set(seed.video_name, videoFromSeed(seed));
    this.ordered = [...this.videos.values()].sort(byTime);
  }

  get size(): number {
    return this.videos.size;
  }

  get(name: string): VideoRecord | undefined {
    return this.videos.get(name);
  }

  /** Every video, oldest first. */
  all(): readonly VideoRecord[] {
    return this.ordered;
  }

  /** Matching videos in response order, and how many are starred (0 unless `starred_first`). */
  query(q: VideoQuery): { videos: VideoRecord[]; starredCount: number } {
    const starredFirst = q.starred_first ?? true;
    // SQLite's LIKE ignores ASCII case; the real server also lower-cases the term.
    const term = q.search_term ? q.search_term.toLowerCase() : null;
    const categories = q.categories && q.categories.length > 0 ? new Set(q.categories) : null;
    const board = q.board_id ?? null;
    const owner = q.owner ?? null;
    const matches = (v: VideoRecord): boolean => {
      if (q.video_origin && v.video_origin !== q.video_origin) return false;
      if (categories && !categories.has(v.video_category)) return false;
      if (q.is_intermediate != null && v.is_intermediate !== q.is_intermediate) return false;
      if (board === 'none' ? v.board_id !== null : board !== null && v.board_id !== board) return false;
      if (owner !== null && v.user_id !== owner) return false;
      if (term !== null && !(v.metadata?.toLowerCase().includes(term) || v.created_at.includes(term))) return false;
      return true;
    };
    const found = this.ordered.filter(matches);
    if ((q.order_dir ?? 'DESC') === 'DESC') found.reverse();
    if (!starredFirst) return { videos: found, starredCount: 0 };
    const starred = found.filter((v) => v.starred);
    return { videos: starred.concat(found.filter((v) => !v.starred)), starredCount: starred.length };
  }

  add(input: NewVideo): VideoRecord {
    const now = nowTimestamp();
    const record: VideoRecord = {
      ...input,
      video_name: `${randomUUID()}.mp4`,
      user_id: input.user_id ?? SYSTEM_USER_ID,
      node_id: null,
      has_workflow: false,
      created_at: now,
      updated_at: now,
      starred: false,
    };
    this.videos.set(record.video_name, record);
    let at = this.ordered.length;
    while (at > 0 && byTime(this.ordered[at - 1]!, record) > 0) at--;
    this.ordered.splice(at, 0, record);
    return record;
  }

  /** A generated clip, as a test makes one behind the app's back: external, `user`, no metadata. */
  addClip(clip: {
    width: number;
    height: number;
    duration: number;
    fps: number;
    colour_seed: number;
    board_id?: string | null;
    user_id?: string;
  }): VideoRecord {
    const { colour_seed, board_id = null, ...rest } = clip;
    return this.add({
      ...rest,
      video_origin: 'external',
      video_category: 'user',
      is_intermediate: false,
      board_id,
      session_id: null,
      metadata: null,
      source: { kind: 'seed', colour_seed },
    });
  }

  /** Applies a PATCH's changes; `updated_at` moves when a value changes (the real trigger). */
  update(name: string, changes: RecordChanges<'video_category'>): VideoRecord | undefined {
    const v = this.videos.get(name);
    return v && applyChanges(v, changes, ['video_category', 'session_id', 'is_intermediate', 'starred']);
  }

  /** Puts a video on a board (null: Uncategorized); answers the board it was on. */
  move(name: string, boardId: string | null): string | null | undefined {
    const v = this.videos.get(name);
    if (!v) return undefined;
    const old = v.board_id;
    v.board_id = boardId;
    return old;
  }

  delete(names: readonly string[]): VideoRecord[] {
    const gone: VideoRecord[] = [];
    for (const name of new Set(names)) {
      const v = this.videos.get(name);
      if (!v) continue;
      this.videos.delete(name);
      gone.push(v);
    }
    if (gone.length > 0) {
      const doomed = new Set(gone);
      this.ordered = this.ordered.filter((v) => !doomed.has(v));
    }
    return gone;
  }

  namesWhere(predicate: (v: VideoRecord) => boolean): string[] {
    return this.ordered.filter(predicate).map((v) => v.video_name);
  }
}

// ---------------------------------------------------------------- files

/** The MP4 bytes and the first-frame WebP thumbnail of each video, written once and kept in LRUs. */
export class VideoFiles {
  private readonly mp4s = new Lru<Buffer>(64);
  private readonly thumbs = new Lru<Buffer>(1024);

  mp4(v: VideoRecord): Buffer {
    if (v.source.kind === 'file') return v.source.mp4;
    const cached = this.mp4s.get(v.video_name);
    if (cached) return cached;
    const fps = v.fps ?? 12;
    const bytes = renderMp4({ width: v.width, height: v.height, duration: v.duration, fps, colour_seed: v.source.colour_seed });
    this.mp4s.set(v.video_name, bytes);
    return bytes;
  }

  /**
   * Like the real server: the first frame, fitted in 256×256, as WebP. A stream the stand-in
   * cannot decode (any H.264 but the tests' I_PCM) gets a mid-grey frame of the same size.
   */
  async thumbnail(v: VideoRecord): Promise<Buffer> {
    const cached = this.thumbs.get(v.video_name);
    if (cached) return cached;
    const probe = probeMp4(this.mp4(v));
    const frame = probe ? firstFrame(probe) : null;
    const { width, height } = thumbnailSize(v.width, v.height);
    const source = frame
      ? sharp(frame.pixels, { raw: { width: frame.width, height: frame.height, channels: frame.channels } })
      : sharp({ create: { width: v.width, height: v.height, channels: 3, background: { r: 128, g: 128, b: 128 } } });
    const webp = await source.resize(width, height, { fit: 'fill' }).webp({ quality: 80 }).toBuffer();
    this.thumbs.set(v.video_name, webp);
    return webp;
  }

  forget(name: string): void {
    this.mp4s.delete(name);
    this.thumbs.delete(name);
  }
}

// ---------------------------------------------------------------- DTOs

export const videoUrl = (name: string): string => `api/v1/videos/i/${name}/full`;
export const videoThumbnailUrl = (name: string): string => `api/v1/videos/i/${name}/thumbnail`;

/** VideoDTO in the real server's field order (the URLs come right after the name). */
export function videoDTO(v: VideoRecord): Record<string, unknown> {
  return {
    video_name: v.video_name,
    video_url: videoUrl(v.video_name),
    thumbnail_url: videoThumbnailUrl(v.video_name),
    video_origin: v.video_origin,
    video_category: v.video_category,
    width: v.width,
    height: v.height,
    duration: v.duration,
    fps: v.fps,
    created_at: v.created_at,
    updated_at: v.updated_at,
    deleted_at: null,
    is_intermediate: v.is_intermediate,
    session_id: v.session_id,
    node_id: v.node_id,
    starred: v.starred,
    has_workflow: v.has_workflow,
    video_subfolder: '',
    board_id: v.board_id,
  };
}
