import type { VideoDTO } from '../../shared/invokeai';
import { batches, placeholders, type Db, type Params } from './db';
import { allocateId, timeMs, type UpsertOptions, type UpsertResult } from './images';
import { SLOTS_PER_MS } from './migrations';

/**
 * Videos (InvokeAI 6.14) in the images table, `kind = 'video'` (migration 6): the row's
 * `image_name` is the video's name, `image_url` its `video_url`, and `duration`/`fps` are set.
 * Every gallery read, count, facet and search then includes them as it includes images.
 */

const MAX_MS = Math.floor(Number.MAX_SAFE_INTEGER / SLOTS_PER_MS) - 1;

interface ExistingRow {
  id: number;
  kind: string;
  board_id: string | null;
  category: string;
  starred: number;
  is_intermediate: number;
  updated_at: number | null;
  touched_at: number;
}

const UPDATE_SQL = `UPDATE images SET board_id = ?, category = ?, starred = ?, is_intermediate = ?, updated_at = ?,
  width = ?, height = ?, image_url = ?, thumbnail_url = ?, image_origin = ?, session_id = ?, node_id = ?,
  has_workflow = ?, image_subfolder = ?, duration = ?, fps = ?, touched_at = ? WHERE id = ?`;
const INSERT_SQL = `INSERT INTO images (id, kind, image_name, board_id, category, starred, is_intermediate, updated_at,
  width, height, image_url, thumbnail_url, image_origin, session_id, node_id, has_workflow, image_subfolder,
  duration, fps, touched_at, created_at) VALUES (?, 'video', ${placeholders(19)})`;

/**
 * Writes VideoDTOs. Like images, a new video's id is its creation time (gallery order), an
 * existing one keeps its id, and a tombstone stays one until the server stops listing the video.
 * Metadata is the caller's (see Cache.upsertVideos): videos never wait in the image backfill.
 */
export function upsertVideos(db: Db, dtos: readonly VideoDTO[], options: UpsertOptions = {}): UpsertResult {
  const result: UpsertResult = { added: [], moved: [], updated: [], skipped: [] };
  const now = Date.now();
  db.transaction('upsert videos', () => {
    for (const dto of dtos) upsertOne(db, dto, now, options, result);
  });
  return result;
}

function upsertOne(db: Db, dto: VideoDTO, now: number, options: UpsertOptions, result: UpsertResult): void {
  const existing = db.get<ExistingRow>(
    'video by name',
    'SELECT id, kind, board_id, category, starred, is_intermediate, updated_at, touched_at FROM images WHERE image_name = ?',
    [dto.video_name],
  );
  const ms = Math.min(Math.max(timeMs(dto.created_at) ?? 0, 0), MAX_MS);
  const values: Params = [
    dto.board_id ?? null,
    dto.video_category,
    dto.starred ? 1 : 0,
    dto.is_intermediate ? 1 : 0,
    timeMs(dto.updated_at),
    dto.width,
    dto.height,
    dto.video_url,
    dto.thumbnail_url,
    dto.video_origin,
    dto.session_id ?? null,
    dto.node_id ?? null,
    dto.has_workflow ? 1 : 0,
    dto.video_subfolder ?? null,
    dto.duration,
    dto.fps ?? null,
    now,
  ];
  if (!existing) {
    db.run('insert video', INSERT_SQL, [allocateId(db, ms), dto.video_name, ...values, ms]);
    result.added.push(dto.video_name);
    return;
  }
  if (options.skipTouchedSince !== undefined && existing.touched_at >= options.skipTouchedSince) {
    result.skipped.push(dto.video_name);
    return;
  }
  const moved = (existing.board_id ?? null) !== (dto.board_id ?? null);
  const changed =
    existing.starred !== (dto.starred ? 1 : 0) ||
    existing.category !== dto.video_category ||
    existing.is_intermediate !== (dto.is_intermediate ? 1 : 0);
  // Every sync re-reads every video: one the server left as it was costs a read, not a write.
  if (existing.kind === 'video' && !moved && !changed && existing.updated_at === timeMs(dto.updated_at)) return;
  if (existing.kind !== 'video' || Math.floor(existing.id / SLOTS_PER_MS) !== ms) {
    db.run('rekey video', 'DELETE FROM images WHERE id = ?', [existing.id]);
    db.run('insert video', INSERT_SQL, [allocateId(db, ms), dto.video_name, ...values, ms]);
  } else {
    db.run('update video', UPDATE_SQL, [...values, existing.id]);
  }
  if (moved) result.moved.push(dto.video_name);
  else if (changed) result.updated.push(dto.video_name);
}

/** What the video sync compares: every cached video (videos are few), tombstones included. */
export interface VideoState {
  video_name: string;
  deleted: number;
  touched_at: number;
  metadata_state: number;
}

export function videoStates(db: Db): VideoState[] {
  return db.all(
    'video states',
    `SELECT image_name AS video_name, deleted, touched_at, metadata_state FROM images INDEXED BY images_videos WHERE kind = 'video'`,
  );
}

/** Which of `names` are videos (the rest are images, or unknown): a lookup by the unique name index. */
export function videoNamesAmong(db: Db, names: readonly string[]): Set<string> {
  const videos = new Set<string>();
  for (const batch of batches(names, 500)) {
    const rows = db.all<{ image_name: string }>(
      'videos among names',
      `SELECT image_name FROM images WHERE image_name IN (${placeholders(batch.length)}) AND kind = 'video'`,
      batch,
    );
    for (const row of rows) videos.add(row.image_name);
  }
  return videos;
}

/** Visible videos per (board key, category); '' is Uncategorized. */
export function videoCounts(db: Db): { board_key: string; category: string; n: number }[] {
  return db.all(
    'video counts',
    `SELECT coalesce(board_id, '') AS board_key, category, count(*) AS n FROM images INDEXED BY images_videos
     WHERE kind = 'video' AND deleted = 0 AND is_intermediate = 0 GROUP BY 1, 2`,
  );
}
