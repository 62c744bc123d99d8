import { z } from 'zod';
import { ResourceOrigin, WireImageCategory } from './images';
import { batchResult, namesResult, offsetPage, recordFields } from './lists';

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
  ...recordFields,
  video_subfolder: z.string().optional(),
  board_id: z.string().nullish(),
});
export type VideoDTO = z.infer<typeof VideoDTO>;

export const OffsetPaginatedVideoDTOs = offsetPage(VideoDTO);
export type OffsetPaginatedVideoDTOs = z.infer<typeof OffsetPaginatedVideoDTOs>;

export const VideoNamesResult = namesResult('video_names');
export type VideoNamesResult = z.infer<typeof VideoNamesResult>;

/** PATCH body (`VideoRecordChanges`). */
export const VideoChanges = z.strictObject({
  video_category: WireImageCategory.optional(),
  starred: z.boolean().optional(),
  is_intermediate: z.boolean().optional(),
});
export type VideoChanges = z.infer<typeof VideoChanges>;

const failedVideos = z.array(z.string());
export const StarredVideosResult = batchResult('starred_videos', 'failed_videos', failedVideos);
export const UnstarredVideosResult = batchResult('unstarred_videos', 'failed_videos', failedVideos);
export const DeleteVideosResult = batchResult('deleted_videos', 'failed_videos', failedVideos);
export type DeleteVideosResult = z.infer<typeof DeleteVideosResult>;
export const AddVideosToBoardResult = z.object({ added_videos: z.array(z.string()), affected_boards: z.array(z.string()) });
export const RemoveVideosFromBoardResult = z.object({ removed_videos: z.array(z.string()), affected_boards: z.array(z.string()) });
