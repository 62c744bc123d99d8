import { z } from 'zod';
import { batchResult, namesResult, offsetPage, recordFields } from './lists';

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
  ...recordFields,
  image_subfolder: z.string().optional(),
  board_id: z.string().nullish(),
});
export type ImageDTO = z.infer<typeof ImageDTO>;

/** `images_by_names`' answer: the DTOs asked for, in that order. */
export const ImageDTOList = z.array(ImageDTO);

export const ImageNamesResult = namesResult('image_names');
export type ImageNamesResult = z.infer<typeof ImageNamesResult>;

export const OffsetPaginatedImageDTOs = offsetPage(ImageDTO);
export type OffsetPaginatedImageDTOs = z.infer<typeof OffsetPaginatedImageDTOs>;

const failedImages = z.array(z.string()).optional();
export const StarredImagesResult = batchResult('starred_images', 'failed_images', failedImages);
export const UnstarredImagesResult = batchResult('unstarred_images', 'failed_images', failedImages);
export const DeleteImagesResult = batchResult('deleted_images', 'failed_images', failedImages);
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
