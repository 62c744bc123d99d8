import { z } from 'zod';
import { ResourceOrigin, WireImageCategory } from './images';
import { ServerTime } from './time';

/**
 * Wire schemas for `/api/v1/videos/*` (InvokeAI 6.14; components of shared/invokeai/openapi.json).
 * A server older than 6.14 has none of these routes.
 */

export const VideoDTO = z.object({
  video_name: z.string(),
  video_url: z.string(),
  thumbnail_url: z.string(),
  video_origin: ResourceOrigin,
  video_category: WireImageCategory,
  width: z.number().int(),
  height: z.number().int(),
  /** Seconds. */
  duration: z.number(),
  fps: z.number().nullish(),
  created_at: ServerTime,
  updated_at: ServerTime,
  deleted_at: ServerTime.nullish(),
  is_intermediate: z.boolean(),
  session_id: z.string().nullish(),
  node_id: z.string().nullish(),
  starred: z.boolean(),
  has_workflow: z.boolean(),
  video_subfolder: z.string().optional(),
  board_id: z.string().nullish(),
});
export type VideoDTO = z.infer<typeof VideoDTO>;

export const OffsetPaginatedVideoDTOs = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  total: z.number().int(),
  items: z.array(VideoDTO),
});
export type OffsetPaginatedVideoDTOs = z.infer<typeof OffsetPaginatedVideoDTOs>;

export const VideoNamesResult = z.object({
  video_names: z.array(z.string()),
  starred_count: z.number().int(),
  total_count: z.number().int(),
});
export type VideoNamesResult = z.infer<typeof VideoNamesResult>;

/** PATCH body (`VideoRecordChanges`). */
export const VideoChanges = z.strictObject({
  video_category: WireImageCategory.optional(),
  starred: z.boolean().optional(),
  is_intermediate: z.boolean().optional(),
});
export type VideoChanges = z.infer<typeof VideoChanges>;

export const StarredVideosResult = z.object({
  starred_videos: z.array(z.string()),
  failed_videos: z.array(z.string()),
  affected_boards: z.array(z.string()),
});
export const UnstarredVideosResult = z.object({
  unstarred_videos: z.array(z.string()),
  failed_videos: z.array(z.string()),
  affected_boards: z.array(z.string()),
});
export const DeleteVideosResult = z.object({
  deleted_videos: z.array(z.string()),
  failed_videos: z.array(z.string()),
  affected_boards: z.array(z.string()),
});
export type DeleteVideosResult = z.infer<typeof DeleteVideosResult>;
export const AddVideosToBoardResult = z.object({ added_videos: z.array(z.string()), affected_boards: z.array(z.string()) });
export const RemoveVideosFromBoardResult = z.object({ removed_videos: z.array(z.string()), affected_boards: z.array(z.string()) });
