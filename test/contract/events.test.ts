import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventLog, graphBlank, graphMissingImage, runTag, useTarget, type SocketEvent } from './harness';
import { expectEvent } from './schema';

const t = useTarget();
const tag = runTag();
const Q = '/api/v1/queue/default';

let log: EventLog;
beforeEach(async () => {
  log = await EventLog.connect(t.url);
});
afterEach(() => log.close());
afterAll(async () => {
  await t.api?.put(`${Q}/processor/resume`);
});

/** Events about one batch, in arrival order. */
const ofBatch = (events: SocketEvent[], batchId: string) => events.filter((e) => e.payload?.batch_id === batchId);
const ofItems = (events: SocketEvent[], ids: number[]) =>
  events.filter(
    (e) =>
      ids.includes(e.payload?.item_id) ||
      (e.name === 'queue_items_canceled' && e.payload.canceled_item_ids.some((id: number) => ids.includes(id))),
  );

const ENQUEUED_KEYS = ['batch_id', 'enqueued', 'origin', 'priority', 'queue_id', 'requested', 'timestamp', 'user_id'];
const STATUS_KEYS = [
  'batch_id',
  'batch_status',
  'completed_at',
  'created_at',
  'destination',
  'error_message',
  'error_traceback',
  'error_type',
  'item_id',
  'origin',
  'queue_id',
  'queue_status',
  'session_id',
  'started_at',
  'status',
  'status_sequence',
  'timestamp',
  'updated_at',
  'user_id',
];
const INVOCATION_KEYS = [
  'batch_id',
  'destination',
  'invocation',
  'invocation_source_id',
  'item_id',
  'origin',
  'queue_id',
  'session_id',
  'timestamp',
  'user_id',
];

/**
 * Enqueues a blank job with the processor paused, so it is still pending, and cancels it with
 * `cancel`; the processor resumes whatever happens.
 */
async function enqueuePendingAndCancel(
  cancel: (batchId: string, itemId: number) => Promise<void>,
): Promise<{ batchId: string; itemId: number }> {
  await t.api.put(`${Q}/processor/pause`);
  try {
    const res = await t.api.enqueue(graphBlank());
    const batchId: string = res.json.batch.batch_id;
    const itemId: number = res.json.item_ids[0];
    await cancel(batchId, itemId);
    return { batchId, itemId };
  } finally {
    await t.api.put(`${Q}/processor/resume`);
  }
}

function expectTimestamp(e: SocketEvent) {
  expect(Number.isInteger(e.payload.timestamp), `${e.name}.timestamp`).toBe(true);
  expect(Math.abs(e.payload.timestamp - Date.now() / 1000)).toBeLessThan(120);
}

describe('Socket.IO events (websocket transport, path /ws/socket.io, after subscribe_queue)', () => {
  it('sends batch_enqueued, in_progress, started, progress, complete, completed for a job that completes', async () => {
    const board = await t.api.createBoard(`${tag} events`);
    const res = await t.api.enqueue(graphBlank({ boardId: board.board_id, metadata: { positive_prompt: `${tag} evented` } }), {
      origin: 'contract-events',
    });
    const batchId = res.json.batch.batch_id;
    const itemId = res.json.item_ids[0];
    await log.waitFor(
      (ev) => ofBatch(ev, batchId).some((e) => e.name === 'queue_item_status_changed' && e.payload.status === 'completed'),
      30_000,
      'completed',
    );
    await new Promise((r) => setTimeout(r, 300));
    const events = ofBatch(log.events, batchId);
    expect(events.map((e) => (e.name === 'queue_item_status_changed' ? `${e.name}:${e.payload.status}` : e.name))).toEqual([
      'batch_enqueued',
      'queue_item_status_changed:in_progress',
      'invocation_started',
      'invocation_progress',
      'invocation_complete',
      'queue_item_status_changed:completed',
    ]);
    const [enq, running, started, progress, complete, done] = events as [
      SocketEvent,
      SocketEvent,
      SocketEvent,
      SocketEvent,
      SocketEvent,
      SocketEvent,
    ];
    for (const e of events) expectTimestamp(e);

    expect(Object.keys(enq.payload).sort()).toEqual(ENQUEUED_KEYS);
    expect(enq.payload).toMatchObject({
      queue_id: 'default',
      batch_id: batchId,
      enqueued: 1,
      requested: 1,
      priority: 0,
      origin: 'contract-events',
      user_id: 'system',
    });
    expectEvent('batch_enqueued', enq.payload);

    for (const e of [running, done]) {
      expect(Object.keys(e.payload).sort()).toEqual(STATUS_KEYS);
      expect(e.payload).toMatchObject({
        queue_id: 'default',
        item_id: itemId,
        batch_id: batchId,
        origin: 'contract-events',
        destination: null,
        user_id: 'system',
      });
      expectEvent('queue_item_status_changed', e.payload);
      expect(e.payload.batch_status).toMatchObject({ queue_id: 'default', batch_id: batchId, total: 1 });
      expect(e.payload.queue_status.queue_id).toBe('default');
    }
    expect(running.payload).toMatchObject({ status: 'in_progress', status_sequence: 1, completed_at: null, error_type: null });
    expect(running.payload.started_at).toEqual(expect.any(String));
    expect(running.payload.batch_status).toMatchObject({ in_progress: 1, completed: 0 });
    expect(done.payload).toMatchObject({
      status: 'completed',
      status_sequence: 2,
      error_type: null,
      error_message: null,
      error_traceback: null,
    });
    expect(done.payload.completed_at).toEqual(expect.any(String));
    expect(done.payload.batch_status).toMatchObject({ in_progress: 0, completed: 1 });
    expect(done.payload.session_id).toBe(running.payload.session_id);

    for (const e of [started, progress, complete]) {
      expect(e.payload).toMatchObject({
        queue_id: 'default',
        item_id: itemId,
        batch_id: batchId,
        session_id: running.payload.session_id,
        invocation_source_id: 'blank',
        user_id: 'system',
      });
      expect(e.payload.invocation.type).toBe('blank_image');
    }
    expect(Object.keys(started.payload).sort()).toEqual(INVOCATION_KEYS);
    expectEvent('invocation_started', started.payload);
    expect(Object.keys(progress.payload).sort()).toEqual([...INVOCATION_KEYS, 'device', 'image', 'message', 'percentage'].sort());
    expect(progress.payload).toMatchObject({ message: 'Saving image', percentage: null, image: null });
    expectEvent('invocation_progress', progress.payload);
    expect(Object.keys(complete.payload).sort()).toEqual([...INVOCATION_KEYS, 'result'].sort());
    expectEvent('invocation_complete', complete.payload);
    expect(complete.payload.result).toMatchObject({
      type: 'image_output',
      width: 40,
      height: 24,
      image: { image_name: expect.stringMatching(/\.png$/) },
    });
    const name = complete.payload.result.image.image_name;
    t.api.trackImage(name);
    const dto = await t.api.get(`/api/v1/images/i/${name}`);
    expect(dto.json).toMatchObject({ board_id: board.board_id, image_origin: 'internal', session_id: running.payload.session_id });
  });

  it('sends in_progress, started, failed and then invocation_error for a job that fails', async () => {
    const res = await t.api.enqueue(graphMissingImage());
    const batchId = res.json.batch.batch_id;
    await log.waitFor((ev) => ofBatch(ev, batchId).some((e) => e.name === 'invocation_error'), 30_000, 'invocation_error');
    await new Promise((r) => setTimeout(r, 300));
    const events = ofBatch(log.events, batchId);
    expect(events.map((e) => (e.name === 'queue_item_status_changed' ? `${e.name}:${e.payload.status}` : e.name))).toEqual([
      'batch_enqueued',
      'queue_item_status_changed:in_progress',
      'invocation_started',
      'queue_item_status_changed:failed',
      'invocation_error',
    ]);
    const failed = events[3]!;
    const error = events[4]!;
    expect(failed.payload).toMatchObject({
      status: 'failed',
      status_sequence: 2,
      error_type: 'ImageRecordNotFoundException',
      error_message: 'Image record not found',
    });
    expect(failed.payload.error_traceback).toMatch(/^Traceback/);
    expect(failed.payload.batch_status).toMatchObject({ failed: 1, total: 1 });
    expectEvent('queue_item_status_changed', failed.payload);
    expect(Object.keys(error.payload).sort()).toEqual([...INVOCATION_KEYS, 'error_message', 'error_traceback', 'error_type'].sort());
    expect(error.payload).toMatchObject({
      invocation_source_id: 'load',
      error_type: 'ImageRecordNotFoundException',
      error_message: 'Image record not found',
    });
    expect(error.payload.invocation.type).toBe('image');
    expectEvent('invocation_error', error.payload);
  });

  it('sends batch_enqueued then one queue_items_canceled, and no status change, for a pending job canceled by batch id', async () => {
    const { batchId, itemId } = await enqueuePendingAndCancel(async (batchId) => {
      const cancel = await t.api.put(`${Q}/cancel_by_batch_ids`, { batch_ids: [batchId] });
      expect(cancel.json).toEqual({ canceled: 1 });
    });
    await log.waitFor(
      (ev) => ev.some((e) => e.name === 'queue_items_canceled' && e.payload.canceled_item_ids.includes(itemId)),
      10_000,
      'queue_items_canceled',
    );
    await new Promise((r) => setTimeout(r, 500));
    const events = ofItems(log.events, [itemId]).concat(ofBatch(log.events, batchId).filter((e) => e.name === 'batch_enqueued'));
    const ordered = log.events.filter((e) => events.includes(e));
    expect(ordered.map((e) => e.name)).toEqual(['batch_enqueued', 'queue_items_canceled']);
    const canceled = ordered[1]!;
    expectTimestamp(canceled);
    expect(canceled.payload).toEqual({
      timestamp: canceled.payload.timestamp,
      queue_id: 'default',
      canceled_item_ids: [itemId],
      user_ids: ['system'],
      canceled_item_ids_by_user: { system: [itemId] },
    });
    expectEvent('queue_items_canceled', canceled.payload);
    expect((await t.api.get(`${Q}/i/${itemId}`)).json.status).toBe('canceled');
  });

  it('sends batch_enqueued then queue_item_status_changed canceled for a pending job canceled by item id', async () => {
    const { batchId, itemId } = await enqueuePendingAndCancel(async (_batchId, itemId) => {
      const cancel = await t.api.put(`${Q}/i/${itemId}/cancel`);
      expect(cancel.status).toBe(200);
      expect(cancel.json).toMatchObject({ item_id: itemId, status: 'canceled', status_sequence: 1, started_at: null });
      expect(cancel.json.completed_at).toEqual(expect.any(String));
    });
    await log.waitFor(
      (ev) => ofBatch(ev, batchId).some((e) => e.name === 'queue_item_status_changed'),
      10_000,
      'queue_item_status_changed',
    );
    await new Promise((r) => setTimeout(r, 500));
    const events = ofItems(log.events, [itemId]).concat(ofBatch(log.events, batchId).filter((e) => e.name === 'batch_enqueued'));
    const ordered = log.events.filter((e) => events.includes(e));
    expect(ordered.map((e) => e.name)).toEqual(['batch_enqueued', 'queue_item_status_changed']);
    const changed = ordered[1]!;
    expect(Object.keys(changed.payload).sort()).toEqual(STATUS_KEYS);
    expect(changed.payload).toMatchObject({ item_id: itemId, status: 'canceled', status_sequence: 1, started_at: null, error_type: null });
    expect(changed.payload.batch_status).toMatchObject({ canceled: 1, pending: 0, total: 1 });
    expectEvent('queue_item_status_changed', changed.payload);
  });

  it('sends nothing for uploads, stars, board moves and deletes', async () => {
    const before = log.events.length;
    const board = await t.api.createBoard(`${tag} silent`);
    const img = await t.api.uploadOk({});
    await t.api.post('/api/v1/images/star', { image_names: [img.image_name] });
    await t.api.post('/api/v1/board_images/', { board_id: board.board_id, image_name: img.image_name });
    await t.api.patch(`/api/v1/boards/${board.board_id}`, { board_name: `${tag} silent 2` });
    await t.api.post('/api/v1/images/delete', { image_names: [img.image_name] });
    await new Promise((r) => setTimeout(r, 500));
    expect(log.events.slice(before).map((e) => e.name)).toEqual([]);
  });
});
