import type { BoardDTO, VideoDTO } from '../../shared/invokeai';
import type { RunContext } from './context';
import { isGone, isUnreadable } from './errors';
import type { ImageChanges } from './images';
import { forEachPooled } from './pool';

/** The server's cap on a page of `GET /videos/`. */
const PAGE = 1000;
const METADATA_CONCURRENCY = 4;
/** Other users' boards listed at once; the server serialises them anyway. */
const LIST_CONCURRENCY = 4;

/**
 * Brings the cached videos (InvokeAI 6.14) in line with the server's, adding to `changes`.
 *
 * Videos are few (hundreds where images are hundreds of thousands) and there is no videos-by-names
 * route, so every run re-reads all their DTOs in pages of 1000: one request for most galleries,
 * and every star, move, category change or deletion made behind the app's back is in it. New
 * videos get their metadata here, written with the row, so they never wait in the image backfill
 * (whose route would not know them). A server older than 6.14 has no videos: cached ones go.
 *
 * As for images, rows written after the listing began and videos a pending outbox entry is about
 * are left alone: the local change is newer than the server's answer.
 */
export async function syncVideos(ctx: RunContext, changes: ImageChanges, boards: readonly BoardDTO[] = []): Promise<void> {
  const listedAt = Date.now();
  const listed = await withOtherUsersBoards(ctx, await listVideos(ctx), boards);
  const states = new Map(ctx.cache.videoStates().map((state) => [state.video_name, state]));
  const pending = ctx.cache.outbox.referencedStrings();

  const entries: { dto: VideoDTO; metadata?: Record<string, unknown> | null }[] = [];
  const needMetadata = listed.filter((dto) => (states.get(dto.video_name)?.metadata_state ?? 0) === 0);
  const metadata = new Map<string, Record<string, unknown> | null>();
  await forEachPooled(needMetadata, METADATA_CONCURRENCY, async (dto) => {
    metadata.set(dto.video_name, await videoMetadata(ctx, dto.video_name));
  });
  for (const dto of listed) {
    if (pending.has(dto.video_name)) continue;
    entries.push(metadata.has(dto.video_name) ? { dto, metadata: metadata.get(dto.video_name) ?? null } : { dto });
  }
  const written = ctx.cache.upsertVideos(entries, { skipTouchedSince: listedAt });
  changes.added += written.added.length;
  changes.moved += written.moved.length;
  changes.updated += written.updated.length;

  const names = new Set(listed.map((dto) => dto.video_name));
  const gone = [...states.values()].filter(
    (state) => !names.has(state.video_name) && state.touched_at < listedAt && !pending.has(state.video_name),
  );
  if (gone.length > 0) await ctx.cache.removeImages(gone.map((state) => state.video_name));
  changes.deleted += gone.filter((state) => state.deleted === 0).length;
}

/**
 * On a multi-user server a non-admin's list holds only their own videos, while the shared and
 * public boards of other users that the board list shows hold others' videos too (6.14.2's
 * `get_many` filters by owner unless a board is named). As for images (sync/images.ts), those
 * boards are listed one by one and merged in, so they show what the server shows and a sync does
 * not take their videos for deleted.
 */
async function withOtherUsersBoards(ctx: RunContext, own: VideoDTO[], boards: readonly BoardDTO[]): Promise<VideoDTO[]> {
  const viewer = ctx.viewer;
  const others = viewer && !viewer.is_admin ? boards.filter((board) => board.user_id !== viewer.user_id) : [];
  if (others.length === 0) return own;
  const seen = new Set(own.map((dto) => dto.video_name));
  const merged = [...own];
  await forEachPooled(others, LIST_CONCURRENCY, async (board) => {
    for (const dto of await listVideos(ctx, board.board_id)) {
      if (seen.has(dto.video_name)) continue;
      seen.add(dto.video_name);
      merged.push(dto);
    }
  });
  return merged;
}

/** Every non-intermediate video's DTO (of one board if named); none when the server has no video routes. */
async function listVideos(ctx: RunContext, boardId?: string): Promise<VideoDTO[]> {
  const videos: VideoDTO[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await ctx.api.videoPage(
      {
        offset,
        limit: PAGE,
        is_intermediate: false,
        starred_first: false,
        order_dir: 'DESC',
        ...(boardId === undefined ? {} : { board_id: boardId }),
      },
      { signal: ctx.signal },
    );
    if (page === null) return [];
    videos.push(...page.items);
    if (page.items.length < PAGE || offset + PAGE >= page.total) return videos;
  }
}

/** A video's metadata; null when it has none or the server cannot give it (the video still shows). */
async function videoMetadata(ctx: Pick<RunContext, 'api' | 'signal'>, name: string): Promise<Record<string, unknown> | null> {
  try {
    return await ctx.api.videoMetadata(name, { signal: ctx.signal });
  } catch (error) {
    if (isGone(error) || isUnreadable(error)) return null;
    throw error;
  }
}

/**
 * New videos announced by invocation_complete (a job's `video_output`): their DTOs and metadata
 * are fetched and cached at once, so they show without waiting for the next sync. There is no
 * videos-by-names route: one DTO a video, and a job makes one. A video already gone (or not this
 * user's to see) is left to the next sync; an intermediate one is never shown.
 */
export async function addVideos(ctx: Pick<RunContext, 'api' | 'cache' | 'signal'>, names: readonly string[]): Promise<VideoDTO[]> {
  const entries: { dto: VideoDTO; metadata: Record<string, unknown> | null }[] = [];
  for (const name of names) {
    let dto: VideoDTO;
    try {
      dto = await ctx.api.video(name, { signal: ctx.signal });
    } catch (error) {
      if (isGone(error)) continue;
      throw error;
    }
    if (dto.is_intermediate) continue;
    entries.push({ dto, metadata: await videoMetadata(ctx, name) });
  }
  if (entries.length > 0) ctx.cache.upsertVideos(entries);
  return entries.map((entry) => entry.dto);
}
