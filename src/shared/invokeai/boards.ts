import { z } from 'zod';
import { ServerTime } from './time';

/** Wire schemas for `/api/v1/boards/*` and `/api/v1/board_images/*`. */

export const BoardDTO = z.object({
  board_id: z.string(),
  board_name: z.string(),
  user_id: z.string(),
  created_at: ServerTime,
  updated_at: ServerTime,
  deleted_at: ServerTime.nullish(),
  cover_image_name: z.string().nullish(),
  archived: z.boolean(),
  board_visibility: z.string().optional(),
  cover_video_name: z.string().nullish(),
  image_count: z.number().int(),
  video_count: z.number().int().optional(),
  asset_count: z.number().int(),
  owner_username: z.string().nullish(),
});
export type BoardDTO = z.infer<typeof BoardDTO>;

/** `GET /boards/{board_id}/image_names`: a board's image names, in no promised order. */
export const BoardImageNames = z.array(z.string());

export const BoardVisibility = z.enum(['private', 'shared', 'public']);

/** PATCH body; the server rejects unknown keys with 422, hence strict. */
export const BoardChanges = z.strictObject({
  board_name: z.string().max(300).optional(),
  cover_image_name: z.string().nullable().optional(),
  archived: z.boolean().optional(),
  board_visibility: BoardVisibility.optional(),
});
export type BoardChanges = z.infer<typeof BoardChanges>;

export const DeleteBoardResult = z.object({
  board_id: z.string(),
  deleted_board_images: z.array(z.string()),
  deleted_images: z.array(z.string()),
  deleted_board_videos: z.array(z.string()).optional(),
  deleted_videos: z.array(z.string()).optional(),
  failed_images: z.array(z.string()).optional(),
  failed_videos: z.array(z.string()).optional(),
});
export type DeleteBoardResult = z.infer<typeof DeleteBoardResult>;

export const AddImagesToBoardResult = z.object({
  added_images: z.array(z.string()),
  affected_boards: z.array(z.string()),
  failed_images: z.array(z.string()).optional(),
});
export const RemoveImagesFromBoardResult = z.object({
  removed_images: z.array(z.string()),
  affected_boards: z.array(z.string()),
  failed_images: z.array(z.string()).optional(),
});
