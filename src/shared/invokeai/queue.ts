import { z } from 'zod';
import { ServerTime } from './time';

/** Wire schemas for `/api/v1/queue/{queue_id}/*`. */

/** Queue status spellings on the wire; the app's JobStatus maps them (see models.ts). */
export const WireQueueStatus = z.enum(['pending', 'in_progress', 'waiting', 'completed', 'failed', 'canceled']);
export type WireQueueStatus = z.infer<typeof WireQueueStatus>;

/**
 * `GET .../i/{id}` leaves null fields out while other routes send them as null, so every
 * optional field is nullish. `session` is a huge graph: only `results` matters to a gallery.
 */
export const SessionQueueItem = z.object({
  item_id: z.number().int(),
  status: WireQueueStatus,
  status_sequence: z.number().int().nullish(),
  priority: z.number().int(),
  batch_id: z.string(),
  origin: z.string().nullish(),
  destination: z.string().nullish(),
  session_id: z.string(),
  error_type: z.string().nullish(),
  error_message: z.string().nullish(),
  error_traceback: z.string().nullish(),
  created_at: ServerTime,
  updated_at: ServerTime,
  started_at: ServerTime.nullish(),
  completed_at: ServerTime.nullish(),
  queue_id: z.string(),
  user_id: z.string().optional(),
  session: z.looseObject({
    id: z.string(),
    results: z.record(z.string(), z.unknown()).nullish(),
  }),
  workflow: z.looseObject({ id: z.string().nullish() }).nullish(),
  /** Set on the copy `retry_items_by_id` makes: the item it retries. */
  retried_from_item_id: z.number().int().nullish(),
});
export type SessionQueueItem = z.infer<typeof SessionQueueItem>;

export const QueueItemIds = z.object({
  item_ids: z.array(z.number().int()),
  total_count: z.number().int(),
});
export type QueueItemIds = z.infer<typeof QueueItemIds>;

const QueueCounts = {
  pending: z.number().int(),
  in_progress: z.number().int(),
  /** From 6.14. */
  waiting: z.number().int().optional(),
  completed: z.number().int(),
  failed: z.number().int(),
  canceled: z.number().int(),
  total: z.number().int(),
};

export const SessionQueueStatus = z.object({
  queue_id: z.string(),
  item_id: z.number().int().nullish(),
  batch_id: z.string().nullish(),
  session_id: z.string().nullish(),
  ...QueueCounts,
  user_pending: z.number().int().nullish(),
  user_in_progress: z.number().int().nullish(),
});
export type SessionQueueStatus = z.infer<typeof SessionQueueStatus>;

export const BatchStatus = z.object({
  queue_id: z.string(),
  batch_id: z.string(),
  origin: z.string().nullish(),
  destination: z.string().nullish(),
  ...QueueCounts,
});
export type BatchStatus = z.infer<typeof BatchStatus>;

/**
 * What `enqueue_batch` takes (openapi `Batch`). Nodes are invocations of any of hundreds of
 * types, so they stay open records; the server validates them.
 */
export const BatchInput = z.object({
  batch_id: z.string().optional(),
  origin: z.string().nullish(),
  destination: z.string().nullish(),
  data: z.array(z.array(z.looseObject({ node_path: z.string(), field_name: z.string(), items: z.array(z.unknown()) }))).nullish(),
  graph: z.looseObject({
    id: z.string().optional(),
    nodes: z.record(z.string(), z.looseObject({ id: z.string(), type: z.string() })),
    edges: z.array(
      z.object({
        source: z.object({ node_id: z.string(), field: z.string() }),
        destination: z.object({ node_id: z.string(), field: z.string() }),
      }),
    ),
  }),
  runs: z.number().int().min(1).optional(),
});
export type BatchInput = z.input<typeof BatchInput>;

export const EnqueueBatchResult = z.object({
  queue_id: z.string(),
  enqueued: z.number().int(),
  requested: z.number().int(),
  priority: z.number().int(),
  item_ids: z.array(z.number().int()),
  batch: z.looseObject({ batch_id: z.string() }),
});
export type EnqueueBatchResult = z.infer<typeof EnqueueBatchResult>;

/** `PUT .../cancel_by_batch_ids` and `.../cancel_all_except_current`. */
export const CanceledResult = z.object({ canceled: z.number().int() });
export type CanceledResult = z.infer<typeof CanceledResult>;

/** `PUT .../prune` and `.../clear`. */
export const DeletedResult = z.object({ deleted: z.number().int() });
export type DeletedResult = z.infer<typeof DeletedResult>;

/** `PUT .../retry_items_by_id`: the ids retried (the originals, not the new items' ids). */
export const RetryItemsResult = z.object({ queue_id: z.string(), retried_item_ids: z.array(z.number().int()) });
export type RetryItemsResult = z.infer<typeof RetryItemsResult>;

/** `is_started` is false while paused; `is_processing` while an item runs. */
export const SessionProcessorStatus = z.object({ is_started: z.boolean(), is_processing: z.boolean() });
export type SessionProcessorStatus = z.infer<typeof SessionProcessorStatus>;

export const SessionQueueAndProcessorStatus = z.object({ queue: SessionQueueStatus, processor: SessionProcessorStatus });
export type SessionQueueAndProcessorStatus = z.infer<typeof SessionQueueAndProcessorStatus>;
