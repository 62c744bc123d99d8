/**
 * `/api/v1/videos/*` as 6.14.2 serves them (`app/api/routers/videos.py`): lists and names, DTOs,
 * MP4 bytes with Range, first-frame WebP thumbnails, metadata, upload (the same checks in the same
 * order), star, board membership, PATCH and delete. On a multi-user server every route checks the
 * caller the way that router does; its rules differ from the image rules in small ways (a missing
 * video is a 403 for a non-admin's change, a batch skips refusals), so they live here.
 */
import busboy from 'busboy';
import { assertUploadBoard, type Caller } from '../access';
import { HttpError, json, type Reply, type RequestContext, type Router } from '../http';
import type { StandInState } from '../state';
import { IMAGE_CATEGORIES, parseMetadata, type BoardRecord, type GalleryStore } from '../store';
import { ValidationFailure, type ParamReader } from '../validation';
import { videoDTO, videoThumbnailUrl, videoUrl, type VideoQuery, type VideoRecord } from '../video-store';
import { isMp4File, probeMp4 } from '../video-probe';
import { readChanges, readListFilters, registerListRoutes, scopedToCaller } from './media';

/** 6.14.2's `MAX_UPLOAD_SIZE`: 1 GiB a file. */
export const MAX_VIDEO_UPLOAD_BYTES = 1024 * 1024 * 1024;
/** The ingress cap the upload middleware applies to the whole body: the file cap plus 10 MiB. */
const requestCap = (fileCap: number): number => fileCap + 10 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024 * 1024;
/** The Range answer's most bytes at once (`RANGE_CHUNK_SIZE`); clients ask again for more. */
const RANGE_CHUNK = 1024 * 1024;
const BATCH = { maxItems: 1000, itemMaxLength: 255 };

const notFound = (): HttpError => new HttpError(404, 'Not Found');

/** Cache headers of video bytes and thumbnails: a year, or never on a multi-user server. */
const videoCache = (ctx: RequestContext): string => (ctx.multiuser ? 'private, no-store' : 'max-age=31536000');

// ---------------------------------------------------------------- who may do what

/** Star, update or delete (`_assert_video_owner`): admin, owner, the board's owner, or a public board. */
function mayModify(caller: Caller, gallery: GalleryStore, name: string): boolean {
  if (caller.is_admin) return true;
  const video = gallery.videos.get(name);
  if (!video) return false;
  if (video.user_id === caller.user_id) return true;
  const board = video.board_id === null ? undefined : gallery.getBoard(video.board_id);
  return board !== undefined && (board.user_id === caller.user_id || board.board_visibility === 'public');
}

function assertModifiable(caller: Caller, gallery: GalleryStore, name: string): void {
  if (!mayModify(caller, gallery, name)) throw new HttpError(403, 'Not authorized to modify this video');
}

/** Move between boards (`_assert_video_direct_owner`): admin or the video's own maker only. */
function assertDirectOwner(caller: Caller, gallery: GalleryStore, name: string): void {
  if (caller.is_admin || gallery.videos.get(name)?.user_id === caller.user_id) return;
  throw new HttpError(403, 'Not authorized to move this video');
}

/** The board videos are put on or taken off: 404 first (even for an admin), then admin, owner or public. */
function writableBoard(caller: Caller, gallery: GalleryStore, boardId: string): BoardRecord {
  const board = gallery.getBoard(boardId);
  if (!board) throw new HttpError(404, 'Board not found');
  if (caller.is_admin || board.user_id === caller.user_id || board.board_visibility === 'public') return board;
  throw new HttpError(403, 'Not authorized to modify this board');
}

/**
 * The video a read names (`_assert_video_read_access`): admin, owner, or on a shared or public
 * board. A refused non-admin learns whether it exists (404 "Video not found") or not (403); an
 * admin's miss is the route's own bare 404.
 */
function readableVideo(ctx: RequestContext, gallery: GalleryStore): VideoRecord {
  const { caller } = ctx;
  const video = gallery.videos.get(ctx.param('video_name'));
  if (caller.is_admin) {
    if (!video) throw notFound();
    return video;
  }
  if (!video) throw new HttpError(404, 'Video not found');
  if (video.user_id === caller.user_id) return video;
  const board = video.board_id === null ? undefined : gallery.getBoard(video.board_id);
  if (board && board.board_visibility !== 'private') return video;
  throw new HttpError(403, 'Not authorized to access this video');
}

// ---------------------------------------------------------------- queries

function readVideoQuery(q: ParamReader): VideoQuery {
  const { origin, ...filters } = readListFilters(q, 'video_origin');
  return { video_origin: origin, ...filters };
}

// ---------------------------------------------------------------- bytes

/** 6.14.2's `_parse_range_header`: inclusive [start, end], or null when malformed or unsatisfiable. */
export function parseRange(header: string, size: number): [number, number] | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || size <= 0) return null;
  const [, from, to] = match as unknown as [string, string, string];
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    return suffix === 0 ? null : [Math.max(size - suffix, 0), size - 1];
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Number(to);
  if (start > end || start >= size) return null;
  return [start, Math.min(end, size - 1)];
}

function fullVideo(ctx: RequestContext, state: StandInState, head: boolean): Reply {
  const video = readableVideo(ctx, state.gallery);
  const file = state.videoFiles.mp4(video);
  const common = {
    'accept-ranges': 'bytes',
    'cache-control': videoCache(ctx),
    'content-disposition': `inline; filename="${video.video_name}"`,
  };
  if (head)
    return { status: 200, body: Buffer.alloc(0), contentType: 'video/mp4', headers: { ...common, 'content-length': String(file.length) } };
  const range = ctx.req.headers.range;
  if (range === undefined) return { status: 200, body: file, contentType: 'video/mp4', headers: common };
  const parsed = parseRange(range, file.length);
  if (!parsed) {
    // The real answer has no media type of its own: Starlette's Response() sends none.
    return {
      status: 416,
      body: Buffer.alloc(0),
      contentType: 'video/mp4',
      headers: { ...common, 'content-range': `bytes */${file.length}` },
    };
  }
  const [start, end] = parsed;
  const chunk = file.subarray(start, Math.min(end + 1, start + RANGE_CHUNK));
  return {
    status: 206,
    body: chunk,
    contentType: 'video/mp4',
    headers: { ...common, 'content-range': `bytes ${start}-${start + chunk.length - 1}/${file.length}` },
  };
}

// ---------------------------------------------------------------- upload

interface VideoUpload {
  file: Buffer | null;
  metadata: string | null;
  /** The first refusal met while the body streamed in (the real parser raises at that point). */
  problem: HttpError | null;
  malformed: boolean;
}

/** Parses the multipart body the way 6.14.2's streaming parser does, refusing as soon as it would. */
function readVideoUpload(ctx: RequestContext, fileCap: number): Promise<VideoUpload> {
  return new Promise((resolve) => {
    const upload: VideoUpload = { file: null, metadata: null, problem: null, malformed: false };
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: ctx.req.headers, limits: { fieldSize: MAX_METADATA_BYTES + 1 } });
    } catch {
      upload.malformed = true;
      ctx.req.resume();
      ctx.req.on('end', () => resolve(upload));
      return;
    }
    let files = 0;
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || upload.problem) {
        stream.resume();
        return;
      }
      files++;
      const accepted = info.mimeType.startsWith('video/mp4') || (info.filename ?? '').toLowerCase().endsWith('.mp4');
      if (files > 1) upload.problem = new HttpError(422, 'Expected exactly one video file');
      else if (!accepted) upload.problem = new HttpError(415, 'Not a supported video file');
      if (upload.problem) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > fileCap) upload.problem ??= new HttpError(413, `Video upload exceeds maximum size (${fileCap} bytes)`);
        else chunks.push(chunk);
      });
      stream.on('end', () => {
        if (!upload.problem) upload.file = Buffer.concat(chunks);
      });
    });
    parser.on('field', (name, value, info) => {
      if (name !== 'metadata' || upload.problem) return;
      if (info.valueTruncated || Buffer.byteLength(value) > MAX_METADATA_BYTES) {
        upload.problem = new HttpError(413, `Video metadata exceeds maximum size (${MAX_METADATA_BYTES} bytes)`);
      } else upload.metadata = value;
    });
    parser.on('close', () => resolve(upload));
    parser.on('error', () => {
      upload.malformed = true;
      ctx.req.resume();
      resolve(upload);
    });
    ctx.req.pipe(parser);
  });
}

// ---------------------------------------------------------------- routes

export interface VideoRouteOptions {
  /** The per-file upload cap (default 1 GiB, as on 6.14.2); tests lower it to see the 413. */
  maxUploadBytes?: number;
}

export function registerVideoRoutes(router: Router, state: StandInState, options: VideoRouteOptions = {}): void {
  const { gallery, videoFiles } = state;
  const { videos } = gallery;
  const fileCap = options.maxUploadBytes ?? MAX_VIDEO_UPLOAD_BYTES;

  registerListRoutes(router, {
    base: '/api/v1/videos',
    namesKey: 'video_names',
    readQuery: readVideoQuery,
    find: (ctx, query) => {
      const { videos: records, starredCount } = videos.query(scopedToCaller(ctx, gallery, query));
      return { records, starredCount };
    },
    name: (v) => v.video_name,
    dto: videoDTO,
  });

  router.get('/api/v1/videos/i/{video_name}', (ctx) => json(videoDTO(readableVideo(ctx, gallery))));

  router.get('/api/v1/videos/i/{video_name}/metadata', (ctx) => json(parseMetadata(readableVideo(ctx, gallery).metadata)));

  // Uploads keep no workflow or graph (the real route passes none), and seeded videos carry none.
  router.get('/api/v1/videos/i/{video_name}/workflow', (ctx) => {
    readableVideo(ctx, gallery);
    return json({ workflow: null, graph: null });
  });

  // URLs are built from the name alone: an admin gets them even for a video that does not exist.
  router.get('/api/v1/videos/i/{video_name}/urls', (ctx) => {
    const name = ctx.param('video_name');
    if (!ctx.caller.is_admin) readableVideo(ctx, gallery);
    return json({ video_name: name, video_url: videoUrl(name), thumbnail_url: videoThumbnailUrl(name) });
  });

  router.get('/api/v1/videos/i/{video_name}/full', (ctx) => fullVideo(ctx, state, false));
  router.head('/api/v1/videos/i/{video_name}/full', (ctx) => fullVideo(ctx, state, true));

  router.get('/api/v1/videos/i/{video_name}/thumbnail', async (ctx) => ({
    status: 200,
    body: await videoFiles.thumbnail(readableVideo(ctx, gallery)),
    contentType: 'image/webp',
    headers: { 'cache-control': videoCache(ctx) },
  }));

  router.patch('/api/v1/videos/i/{video_name}', async (ctx) => {
    const changes = await readChanges(ctx, 'video_category');
    const name = ctx.param('video_name');
    assertModifiable(ctx.caller, gallery, name);
    const updated = videos.update(name, changes);
    if (!updated) throw new HttpError(400, 'Failed to update video');
    return json(videoDTO(updated));
  });

  router.delete('/api/v1/videos/i/{video_name}', (ctx) => {
    const name = ctx.param('video_name');
    assertModifiable(ctx.caller, gallery, name);
    const video = videos.get(name);
    if (!video) throw new HttpError(404, 'Video not found');
    videos.delete([name]);
    videoFiles.forget(name);
    return json({ affected_boards: [video.board_id ?? 'none'], deleted_videos: [name], failed_videos: [] });
  });

  /**
   * A batch: names the caller may not change are skipped, names that do not exist (an admin's
   * only; a member's are refusals) are `failed_videos`, as the real loop's exceptions fall.
   */
  const batch = (ctx: RequestContext, names: readonly string[], act: (video: VideoRecord) => void) => {
    const done: string[] = [];
    const failed: string[] = [];
    const boards = new Set<string>();
    for (const name of new Set(names)) {
      if (!mayModify(ctx.caller, gallery, name)) continue;
      const video = videos.get(name);
      if (!video) {
        failed.push(name);
        continue;
      }
      boards.add(video.board_id ?? 'none');
      act(video);
      done.push(name);
    }
    return { done, failed, affected: [...boards] };
  };
  const readBatch = async (ctx: RequestContext): Promise<string[]> => {
    const body = await ctx.bodyReader({ embedded: false });
    const names = body.strList('video_names', BATCH);
    body.done();
    return names;
  };

  for (const [path, starred, key] of [
    ['/api/v1/videos/star', true, 'starred_videos'],
    ['/api/v1/videos/unstar', false, 'unstarred_videos'],
  ] as const) {
    router.post(path, async (ctx) => {
      const { done, failed, affected } = batch(ctx, await readBatch(ctx), (video) => videos.update(video.video_name, { starred }));
      return json({ affected_boards: affected, [key]: done, failed_videos: failed });
    });
  }

  router.post('/api/v1/videos/delete', async (ctx) => {
    const { done, failed, affected } = batch(ctx, await readBatch(ctx), (video) => {
      videos.delete([video.video_name]);
      videoFiles.forget(video.video_name);
    });
    return json({ affected_boards: affected, deleted_videos: done, failed_videos: failed });
  });

  router.delete('/api/v1/videos/uncategorized', (ctx) => {
    const owner = ctx.caller.is_admin ? null : ctx.caller.user_id;
    const names = videos.namesWhere((v) => v.board_id === null && (owner === null || v.user_id === owner));
    const { done, affected } = batch(ctx, names, (video) => {
      videos.delete([video.video_name]);
      videoFiles.forget(video.video_name);
    });
    return json({ affected_boards: affected, deleted_videos: done, failed_videos: [] });
  });

  router.post('/api/v1/videos/board', async (ctx) => {
    const body = await ctx.bodyReader({ embedded: false });
    const boardId = body.str('board_id', { required: true });
    const name = body.str('video_name', { required: true });
    body.done();
    writableBoard(ctx.caller, gallery, boardId);
    assertDirectOwner(ctx.caller, gallery, name);
    const old = videos.move(name, boardId);
    if (old === undefined) throw new HttpError(500, 'Failed to add video to board');
    return json({ affected_boards: [...new Set([boardId, old ?? 'none'])], added_videos: [name] });
  });

  router.delete('/api/v1/videos/board', async (ctx) => {
    const body = await ctx.bodyReader();
    const name = body.str('video_name', { required: true });
    body.done();
    const old = videos.get(name)?.board_id ?? null;
    // Either the video's own maker, or someone who may change the board it is on.
    try {
      assertDirectOwner(ctx.caller, gallery, name);
    } catch (refusal) {
      if (old === null) throw refusal;
      writableBoard(ctx.caller, gallery, old);
    }
    videos.move(name, null);
    return json({ affected_boards: [...new Set([old ?? 'none', 'none'])], removed_videos: [name] });
  });

  router.post('/api/v1/videos/upload', async (ctx) => {
    try {
      return await upload(ctx);
    } catch (error) {
      if (ctx.req.readableEnded) throw error;
      // 6.14.2's upload middleware closes the connection when the route answers before the
      // body has arrived in full, so a client still sending sees the socket go.
      if (error instanceof ValidationFailure) return { status: 422, json: { detail: error.errors }, headers: { connection: 'close' } };
      if (error instanceof HttpError) return { status: error.status, json: { detail: error.detail }, headers: { connection: 'close' } };
      throw error;
    }
  });

  const upload = async (ctx: RequestContext): Promise<Reply> => {
    const q = ctx.queryReader();
    const category = q.enumValue('video_category', IMAGE_CATEGORIES, null, { required: true });
    const isIntermediate = q.bool('is_intermediate', null, { required: true });
    const boardId = q.str('board_id');
    const sessionId = q.str('session_id');
    // The ingress middleware refuses an oversized body by its Content-Length before anything else.
    const declared = Number(ctx.req.headers['content-length'] ?? NaN);
    if (declared > requestCap(fileCap))
      throw new HttpError(413, `Video upload exceeds maximum request size (${requestCap(fileCap)} bytes)`);
    q.done();
    // The board is checked before any of the body is read.
    assertUploadBoard(ctx.caller, gallery, boardId);
    const type = String(ctx.req.headers['content-type'] ?? '');
    if (!/^multipart\/form-data\s*;.*boundary=/i.test(type)) throw new HttpError(422, 'Expected a multipart/form-data video upload');
    const parsed = await readVideoUpload(ctx, fileCap);
    if (parsed.problem) throw parsed.problem;
    if (parsed.malformed) throw new HttpError(422, 'Malformed multipart body');
    if (!parsed.file) throw new HttpError(422, 'Expected a video file in the upload');
    if (parsed.metadata !== null && !parseMetadata(parsed.metadata)) throw new HttpError(422, 'Metadata must be a JSON object');
    if (!isMp4File(parsed.file)) throw new HttpError(415, 'Not an MP4 video file');
    // ffmpeg's probe on the real server; a track that is not H.264, or no frame at all, fails it.
    const probe = probeMp4(parsed.file);
    if (!probe || probe.codec !== 'h264' || probe.samples.length === 0 || probe.width <= 0 || probe.height <= 0) {
      throw new HttpError(415, 'Failed to read video');
    }
    const created = videos.add({
      video_origin: 'external',
      video_category: category!,
      width: probe.width,
      height: probe.height,
      duration: probe.duration,
      fps: probe.fps,
      is_intermediate: isIntermediate === true,
      board_id: boardId,
      session_id: sessionId,
      metadata: parsed.metadata,
      source: { kind: 'file', mp4: parsed.file },
      user_id: ctx.caller.user_id,
    });
    return json(videoDTO(created), 201, { location: videoUrl(created.video_name) });
  };
}
