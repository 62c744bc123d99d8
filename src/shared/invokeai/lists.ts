import { z } from 'zod';
import { ServerTime } from './time';

/**
 * Shapes the image and video routers share (components of shared/invokeai/openapi.json): their
 * DTOs' common fields, a page, a name list and a batch action's answer, each under the keys its
 * router names them by.
 */

const names = z.array(z.string());

/** The fields ImageDTO and VideoDTO both carry between their own, in the server's order. */
export const recordFields = {
  created_at: ServerTime,
  updated_at: ServerTime,
  deleted_at: ServerTime.nullish(),
  is_intermediate: z.boolean(),
  session_id: z.string().nullish(),
  node_id: z.string().nullish(),
  starred: z.boolean(),
  has_workflow: z.boolean(),
};

/** `OffsetPaginatedResults[T]`: one page of a list. */
export function offsetPage<T extends z.ZodType>(item: T) {
  return z.object({
    limit: z.number().int(),
    offset: z.number().int(),
    total: z.number().int(),
    items: z.array(item),
  });
}

/** `ImageNamesResult`, `VideoNamesResult`: every matching name, and the counts beside them. */
export function namesResult<Key extends string>(key: Key) {
  const list = { [key]: names } as Record<Key, typeof names>;
  return z.object({ ...list, starred_count: z.number().int(), total_count: z.number().int() });
}

/**
 * A batch's answer (`StarredImagesResult`, `DeleteVideosResult`, …): the names it acted on, the
 * ones it could not (optional where the image routes declare a default), the boards it touched.
 */
export function batchResult<Done extends string, Failed extends string, FailedList extends z.ZodType<string[] | undefined>>(
  done: Done,
  failed: Failed,
  failedList: FailedList,
) {
  const lists = { [done]: names, [failed]: failedList } as Record<Done, typeof names> & Record<Failed, FailedList>;
  return z.object({ ...lists, affected_boards: names });
}
