import type { VideoDTO } from '../../shared/invokeai';
import { batches, placeholders, type Db } from './db';
import { upsertRows, type GalleryRow, type RowKind, type UpsertOptions, type UpsertResult } from './upsert';

/**
 * Videos (InvokeAI 6.14) in the images table, `kind = 'video'` (migration 6): the row's
 * `image_name` is the video's name, `image_url` its `video_url`, and `duration`/`fps` are set.
 * Every gallery read, count, facet and search then includes them as it includes images.
 */

/** A VideoDTO as a gallery row. */
function videoRow(dto: VideoDTO): GalleryRow {
  return {
    kind: 'video',
    dto,
    name: dto.video_name,
    category: dto.video_category,
    url: dto.video_url,
    origin: dto.video_origin,
    subfolder: dto.video_subfolder,
    duration: dto.duration,
    fps: dto.fps ?? null,
  };
}

/** Videos go in one transaction; every sync re-reads every video, so one the server left as it was costs a read, not a write. */
const VIDEO_ROWS: RowKind<VideoDTO> = { toRow: videoRow, label: 'upsert videos', skipUnchanged: true };

/**
 * Writes VideoDTOs (see upsertRows). Metadata is the caller's (see Cache.upsertVideos): videos
 * never wait in the image backfill.
 */
export function upsertVideos(db: Db, dtos: readonly VideoDTO[], options: UpsertOptions = {}): UpsertResult {
  return upsertRows(db, dtos, VIDEO_ROWS, options);
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
