import { z } from 'zod';
import { ServerTime } from './time';
import { BatchStatus, SessionQueueStatus, WireQueueStatus } from './queue';

/**
 * Socket.IO event payloads (openapi.json `*Event` components). Every event carries `timestamp`
 * in Unix seconds. `user_id` and `status_sequence` are recent (6.12, 6.13), so they may be
 * missing from older servers. `invocation` and `result` are unions of hundreds of node types
 * that grow every release: only the fields the gallery reads are checked, the rest passes through.
 */

const Event = z.object({ timestamp: z.number() });

export const QueueItemStatusChangedEvent = Event.extend({
  queue_id: z.string(),
  item_id: z.number().int(),
  batch_id: z.string(),
  origin: z.string().nullish(),
  destination: z.string().nullish(),
  user_id: z.string().optional(),
  status: WireQueueStatus,
  status_sequence: z.number().int().nullish(),
  error_type: z.string().nullish(),
  error_message: z.string().nullish(),
  error_traceback: z.string().nullish(),
  created_at: ServerTime,
  updated_at: ServerTime,
  started_at: ServerTime.nullish(),
  completed_at: ServerTime.nullish(),
  batch_status: BatchStatus,
  queue_status: SessionQueueStatus,
  session_id: z.string(),
});
export type QueueItemStatusChangedEvent = z.infer<typeof QueueItemStatusChangedEvent>;

/** The node being run: dispatch on `type`; `id` is the prepared node id. */
export const EventInvocation = z.looseObject({ id: z.string(), type: z.string() });

const InvocationEvent = Event.extend({
  queue_id: z.string(),
  item_id: z.number().int(),
  batch_id: z.string(),
  origin: z.string().nullish(),
  destination: z.string().nullish(),
  user_id: z.string().optional(),
  session_id: z.string(),
  invocation: EventInvocation,
  /** The node's id in the graph as enqueued. */
  invocation_source_id: z.string(),
});

export const InvocationStartedEvent = InvocationEvent;
export type InvocationStartedEvent = z.infer<typeof InvocationStartedEvent>;

export const ProgressImage = z.object({ width: z.number().int(), height: z.number().int(), dataURL: z.string() });

export const InvocationProgressEvent = InvocationEvent.extend({
  message: z.string(),
  /** 0..1, or null when the node cannot tell. */
  percentage: z.number().nullish(),
  /** A JPEG data URL preview. */
  image: ProgressImage.nullish(),
  device: z.string().nullish(),
});
export type InvocationProgressEvent = z.infer<typeof InvocationProgressEvent>;

/** A node's output: `image_output` has `image: {image_name}`, collections `collection: [...]`. */
export const InvocationResult = z.looseObject({ type: z.string() });

export const InvocationCompleteEvent = InvocationEvent.extend({ result: InvocationResult });
export type InvocationCompleteEvent = z.infer<typeof InvocationCompleteEvent>;

export const InvocationErrorEvent = InvocationEvent.extend({
  error_type: z.string(),
  error_message: z.string(),
  error_traceback: z.string(),
});
export type InvocationErrorEvent = z.infer<typeof InvocationErrorEvent>;

export const BatchEnqueuedEvent = Event.extend({
  queue_id: z.string(),
  batch_id: z.string(),
  enqueued: z.number().int(),
  requested: z.number().int(),
  priority: z.number().int(),
  origin: z.string().nullish(),
  user_id: z.string().optional(),
});
export type BatchEnqueuedEvent = z.infer<typeof BatchEnqueuedEvent>;

export const QueueItemsCanceledEvent = Event.extend({
  queue_id: z.string(),
  canceled_item_ids: z.array(z.number().int()),
  user_ids: z.array(z.string()).optional(),
  canceled_item_ids_by_user: z.record(z.string(), z.array(z.number().int())).optional(),
});
export type QueueItemsCanceledEvent = z.infer<typeof QueueItemsCanceledEvent>;

export const QueueItemsRetriedEvent = Event.extend({
  queue_id: z.string(),
  /** The items retried (not their new copies); empty in the copy the queue room gets. */
  retried_item_ids: z.array(z.number().int()),
  user_ids: z.array(z.string()).optional(),
  retried_item_ids_by_user: z.record(z.string(), z.array(z.number().int())).optional(),
});
export type QueueItemsRetriedEvent = z.infer<typeof QueueItemsRetriedEvent>;

export const QueueClearedEvent = Event.extend({
  queue_id: z.string(),
  /** null when every user's items were cleared. */
  user_id: z.string().nullish(),
});
export type QueueClearedEvent = z.infer<typeof QueueClearedEvent>;

/** The server events the gallery listens to, by Socket.IO event name. */
export const serverEvents = {
  queue_item_status_changed: QueueItemStatusChangedEvent,
  invocation_started: InvocationStartedEvent,
  invocation_progress: InvocationProgressEvent,
  invocation_complete: InvocationCompleteEvent,
  invocation_error: InvocationErrorEvent,
  batch_enqueued: BatchEnqueuedEvent,
  queue_items_canceled: QueueItemsCanceledEvent,
  queue_items_retried: QueueItemsRetriedEvent,
  queue_cleared: QueueClearedEvent,
} as const;
export type ServerEventName = keyof typeof serverEvents;
export type ServerEvent<N extends ServerEventName> = z.infer<(typeof serverEvents)[N]>;
