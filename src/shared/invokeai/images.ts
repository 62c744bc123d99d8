import { z } from 'zod';
import { ServerTime } from './time';

/** Wire schemas for `/api/v1/images/*` (components of shared/invokeai/openapi.json). */

export const WireImageCategory = z.enum(['general', 'mask', 'control', 'user', 'other']);
export const ResourceOrigin = z.enum(['internal', 'external']);

export const ImageDTO = z.object({
  image_name: z.string(),
  image_url: z.string(),
  thumbnail_url: z.string(),
  image_origin: ResourceOrigin,
  image_category: WireImageCategory,
  width: z.number().int(),
  height: z.number().int(),
  created_at: ServerTime,
  updated_at: ServerTime,
  deleted_at: ServerTime.nullish(),
  is_intermediate: z.boolean(),
  session_id: z.string().nullish(),
  node_id: z.string().nullish(),
  starred: z.boolean(),
  has_workflow: z.boolean(),
  image_subfolder: z.string().optional(),
  board_id: z.string().nullish(),
});
export type ImageDTO = z.infer<typeof ImageDTO>;

export const ImageNamesResult = z.object({
  image_names: z.array(z.string()),
  starred_count: z.number().int(),
  total_count: z.number().int(),
});
export type ImageNamesResult = z.infer<typeof ImageNamesResult>;

export const OffsetPaginatedImageDTOs = z.object({
  limit: z.number().int(),
  offset: z.number().int(),
  total: z.number().int(),
  items: z.array(ImageDTO),
});
export type OffsetPaginatedImageDTOs = z.infer<typeof OffsetPaginatedImageDTOs>;

export const StarredImagesResult = z.object({
  starred_images: z.array(z.string()),
  affected_boards: z.array(z.string()),
  failed_images: z.array(z.string()).optional(),
});
export const UnstarredImagesResult = z.object({
  unstarred_images: z.array(z.string()),
  affected_boards: z.array(z.string()),
  failed_images: z.array(z.string()).optional(),
});
export const DeleteImagesResult = z.object({
  deleted_images: z.array(z.string()),
  failed_images: z.array(z.string()).optional(),
  affected_boards: z.array(z.string()),
});
export type DeleteImagesResult = z.infer<typeof DeleteImagesResult>;

/** Image metadata has no fixed schema; these are the core keys the gallery shows. */
export const ImageMetadata = z.looseObject({
  positive_prompt: z.string().nullish(),
  negative_prompt: z.string().nullish(),
  seed: z.number().nullish(),
  steps: z.number().nullish(),
  cfg_scale: z.number().nullish(),
  scheduler: z.string().nullish(),
  width: z.number().nullish(),
  height: z.number().nullish(),
  generation_mode: z.string().nullish(),
  model: z.looseObject({ name: z.string().nullish(), base: z.string().nullish(), key: z.string().nullish() }).nullish(),
});
export type ImageMetadata = z.infer<typeof ImageMetadata>;
