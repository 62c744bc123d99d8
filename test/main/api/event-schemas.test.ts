import { describe, expect, it } from 'vitest';
import { InvocationCompleteEvent, QueueItemStatusChangedEvent, serverEvents } from '../../../src/shared/invokeai/events';

const counts = { pending: 0, in_progress: 1, completed: 3, failed: 0, canceled: 0, total: 4 };

/** A 6.12-era payload: no `user_id`, no `status_sequence`, no `waiting` counter. */
const olderStatusChange = {
  timestamp: 1_790_000_000,
  queue_id: 'default',
  item_id: 7,
  batch_id: 'b1',
  origin: null,
  destination: null,
  status: 'in_progress',
  error_type: null,
  error_message: null,
  error_traceback: null,
  created_at: '2026-08-19 01:13:04.123',
  updated_at: '2026-08-19 01:13:05.001',
  started_at: '2026-08-19 01:13:05.001',
  completed_at: null,
  batch_status: { queue_id: 'default', batch_id: 'b1', origin: null, destination: null, ...counts },
  queue_status: { queue_id: 'default', item_id: 7, batch_id: 'b1', session_id: 's1', ...counts },
  session_id: 's1',
};

describe('event schemas', () => {
  it('read status changes from servers before 6.13', () => {
    const parsed = QueueItemStatusChangedEvent.parse(olderStatusChange);
    expect(parsed.status_sequence).toBeUndefined();
    expect(parsed.user_id).toBeUndefined();
  });

  it('refuse a status the app has no word for', () => {
    expect(QueueItemStatusChangedEvent.safeParse({ ...olderStatusChange, status: 'running' }).success).toBe(false);
  });

  it('pass node and result fields through untouched', () => {
    const event = InvocationCompleteEvent.parse({
      timestamp: 1_790_000_000,
      queue_id: 'default',
      item_id: 7,
      batch_id: 'b1',
      origin: null,
      destination: null,
      user_id: 'system',
      session_id: 's1',
      invocation: { id: 'n1', type: 'some_future_node', strength: 0.5 },
      invocation_source_id: 'n1',
      result: { type: 'some_future_output', image: { image_name: 'a.png' }, extra: [1, 2] },
    });
    expect(event.invocation).toEqual({ id: 'n1', type: 'some_future_node', strength: 0.5 });
    expect(event.result).toEqual({ type: 'some_future_output', image: { image_name: 'a.png' }, extra: [1, 2] });
  });

  it('cover the events the gallery listens to', () => {
    expect(Object.keys(serverEvents).sort()).toEqual([
      'batch_enqueued',
      'invocation_complete',
      'invocation_error',
      'invocation_progress',
      'invocation_started',
      'queue_cleared',
      'queue_item_status_changed',
      'queue_items_canceled',
      'queue_items_retried',
    ]);
  });
});
