import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api, EventLog, graphBlank, graphMissingImage, runTag, SQLITE_TIME, useTarget } from './harness';
import { expectComponent, expectDetail, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const tag = runTag();
const Q = '/api/v1/queue/default';

/** A copy with every null-valued key removed, recursively (pydantic's exclude_none). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

const jobs = { completed: null as any, failed: null as any, canceled: null as any, boardId: '', enqueued: null as any };

beforeAll(async () => {
  jobs.boardId = (await t.api.createBoard(`${tag} queue`)).board_id;
  jobs.enqueued = await t.api.enqueue(
    graphBlank({ boardId: jobs.boardId, width: 48, height: 32, metadata: { positive_prompt: `${tag} blank`, seed: 5 } }),
    { origin: 'contract', destination: 'gallery' },
  );
  jobs.completed = await t.api.waitForStatus(jobs.enqueued.json.item_ids[0], ['completed', 'failed', 'canceled']);
  const failed = await t.api.enqueue(graphMissingImage());
  jobs.failed = await t.api.waitForStatus(failed.json.item_ids[0], ['completed', 'failed', 'canceled']);
  await t.api.put(`${Q}/processor/pause`);
  try {
    const pending = await t.api.enqueue(graphBlank({ boardId: jobs.boardId }));
    const cancel = await t.api.put(`${Q}/cancel_by_batch_ids`, { batch_ids: [pending.json.batch.batch_id] });
    expect(cancel.json).toEqual({ canceled: 1 });
    jobs.canceled = await t.api.waitForStatus(pending.json.item_ids[0], ['canceled']);
  } finally {
    await t.api.put(`${Q}/processor/resume`);
  }
});

afterAll(async () => {
  // Make sure a failure above never leaves the shared server paused.
  await t.api?.put(`${Q}/processor/resume`);
});

describe('enqueue and queue items', () => {
  it('enqueues with 200 (not the documented 201) and an EnqueueBatchResult', () => {
    const res = jobs.enqueued;
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/queue/{queue_id}/enqueue_batch', res);
    expect(res.json).toMatchObject({ queue_id: 'default', enqueued: 1, requested: 1, priority: 0 });
    expect(res.json.item_ids).toHaveLength(1);
    expect(res.json.batch).toMatchObject({ origin: 'contract', destination: 'gallery', runs: 1, data: null, workflow: null });
    expect(typeof res.json.batch.batch_id).toBe('string');
  });

  it('makes one item per run', async () => {
    const res = await t.api.enqueue(graphBlank({ boardId: jobs.boardId }), { runs: 2 });
    expect(res.json).toMatchObject({ enqueued: 2, requested: 2 });
    expect(res.json.item_ids).toHaveLength(2);
    for (const id of res.json.item_ids) await t.api.waitForStatus(id, ['completed']);
    const board = await t.api.get(`/api/v1/boards/${jobs.boardId}`);
    expect(board.json.image_count).toBe(3);
  });

  it('refuses an unknown node type with 422 union_tag_invalid', async () => {
    const res = await t.api.post(`${Q}/enqueue_batch`, {
      batch: { graph: { nodes: { x: { id: 'x', type: 'no_such_node' } }, edges: [] }, runs: 1 },
    });
    expectValidationError(res, ['body', 'batch', 'graph', 'nodes', 'x'], 'union_tag_invalid');
  });

  it('finishes a blank_image job as completed, with the output image on the board it named', async () => {
    const item = jobs.completed;
    expect(item.status).toBe('completed');
    expect(item).toMatchObject({
      queue_id: 'default',
      origin: 'contract',
      destination: 'gallery',
      user_id: 'system',
      status_sequence: 2,
      priority: 0,
      device: 'cpu',
    });
    expect(item.started_at).toMatch(SQLITE_TIME);
    expect(item.completed_at).toMatch(SQLITE_TIME);
    const output = Object.values(item.session.results as Record<string, any>)[0];
    expect(output).toMatchObject({ type: 'image_output', width: 48, height: 32 });
    const name = output.image.image_name;
    t.api.trackImage(name);
    const prepared = Object.keys(item.session.results)[0]!;
    // `executed` is a Python set on the server: its order is not stable.
    expect([...item.session.executed].sort()).toEqual([prepared, 'blank'].sort());
    expect(item.session).toMatchObject({
      executed_history: ['blank'],
      prepared_source_mapping: { [prepared]: 'blank' },
      source_prepared_mapping: { blank: [prepared] },
      prepared_iteration_paths: { [prepared]: [] },
      indegree: { [prepared]: 0 },
      errors: {},
    });
    const dto = (await t.api.get(`/api/v1/images/i/${name}`)).json;
    // has_workflow is true because the server stores the job's graph with the image.
    expect(dto).toMatchObject({
      image_origin: 'internal',
      image_category: 'general',
      board_id: jobs.boardId,
      is_intermediate: false,
      session_id: item.session_id,
      width: 48,
      height: 32,
      has_workflow: true,
    });
    expect(typeof dto.node_id).toBe('string');
    const meta = (await t.api.get(`/api/v1/images/i/${name}/metadata`)).json;
    expect(meta).toEqual({ positive_prompt: `${tag} blank`, seed: 5 });
    const stored = (await t.api.get(`/api/v1/images/i/${name}/workflow`)).json;
    expect(stored.workflow).toBeNull();
    const graph = JSON.parse(stored.graph);
    expect(Object.keys(graph.nodes)).toEqual(['blank']);
    expect(graph.nodes.blank).toMatchObject({ type: 'blank_image', width: 48, height: 32 });
  });

  it('completes a blank_image job whose board does not exist, leaving its image Uncategorized', async () => {
    const res = await t.api.enqueue(graphBlank({ boardId: '00000000-0000-4000-8000-000000000000' }));
    const item = await t.api.waitForStatus(res.json.item_ids[0], ['completed', 'failed', 'canceled']);
    expect(item.status).toBe('completed');
    const name = (Object.values(item.session.results)[0] as any).image.image_name;
    t.api.trackImage(name);
    expect((await t.api.get(`/api/v1/images/i/${name}`)).json.board_id).toBeNull();
  });

  it('leaves null fields out of GET .../i/{item_id}, at every depth', async () => {
    for (const id of [jobs.completed.item_id, jobs.failed.item_id, jobs.canceled.item_id]) {
      const res = await t.api.get(`${Q}/i/${id}`);
      expect(res.status).toBe(200);
      expect(res.type).toBe('application/json');
      const full = (await t.api.post(`${Q}/items_by_ids`, { item_ids: [id] })).json[0];
      expect(res.json).toEqual(withoutNulls(full));
    }
    const completed = (await t.api.get(`${Q}/i/${jobs.completed.item_id}`)).json;
    for (const key of ['error_type', 'error_message', 'error_traceback', 'retried_from_item_id', 'workflow', 'parent_item_id'])
      expect(completed).not.toHaveProperty(key);
    // So this route breaks its own schema: the required-but-null output_meta of each result is gone.
    expect(Object.values(completed.session.results as Record<string, any>)[0]).not.toHaveProperty('output_meta');
    const canceled = (await t.api.get(`${Q}/i/${jobs.canceled.item_id}`)).json;
    expect(canceled).not.toHaveProperty('started_at');
    expect(canceled).not.toHaveProperty('device');
  });

  it('records a failing job as failed with the error fields', () => {
    const item = jobs.failed;
    expect(item.status).toBe('failed');
    expect(item.error_type).toBe('ImageRecordNotFoundException');
    expect(item.error_message).toBe('Image record not found');
    expect(item.error_traceback).toMatch(/^Traceback/);
    expect(item.completed_at).toMatch(SQLITE_TIME);
    expect(item.status_sequence).toBe(2);
  });

  it('records a job canceled before it ran as canceled, never started', () => {
    const item = jobs.canceled;
    expect(item.status).toBe('canceled');
    expect(item.status_sequence).toBe(1);
    expect(item.completed_at).toMatch(SQLITE_TIME);
    expect(item.started_at).toBeUndefined();
  });

  it('answers 404 with the item and queue in detail for an unknown item', async () => {
    expectDetail(await t.api.get(`${Q}/i/987654321`), 404, 'Queue item with id 987654321 not found in queue default');
    expectDetail(await t.api.delete(`${Q}/i/987654321`), 404, 'Queue item with id 987654321 not found in queue default');
  });

  it('lists item ids newest first by default, oldest first with order_dir=ASC', async () => {
    const ids = [jobs.completed.item_id, jobs.failed.item_id, jobs.canceled.item_id];
    const desc = await t.api.get(`${Q}/item_ids`);
    expect(desc.status).toBe(200);
    expectResponse('get', '/api/v1/queue/{queue_id}/item_ids', desc);
    expect(desc.json.total_count).toBe(desc.json.item_ids.length);
    const pos = ids.map((id) => desc.json.item_ids.indexOf(id));
    expect(pos.every((p) => p >= 0)).toBe(true);
    expect(pos).toEqual([...pos].sort((a, b) => b - a));
    const asc = await t.api.get(`${Q}/item_ids`, { order_dir: 'ASC' });
    expect([...asc.json.item_ids].sort()).toEqual([...desc.json.item_ids].sort());
    const ascPos = ids.map((id) => asc.json.item_ids.indexOf(id));
    expect(ascPos).toEqual([...ascPos].sort((a, b) => a - b));
  });

  it('answers the item ids of a batch newest first from enqueue_batch', async () => {
    const res = await t.api.enqueue(graphMissingImage(), { runs: 3 });
    const batch: number[] = res.json.item_ids;
    expect(batch).toHaveLength(3);
    expect(batch).toEqual([...batch].sort((a, b) => b - a));
    for (const id of batch) await t.api.waitForStatus(id, ['failed']);
    // item_ids orders by created_at alone, so the tie order inside one batch is not promised.
    const asc = (await t.api.get(`${Q}/item_ids`, { order_dir: 'ASC' })).json.item_ids as number[];
    const first = asc.findIndex((id) => batch.includes(id));
    expect([...asc.slice(first, first + 3)].sort()).toEqual([...batch].sort());
  });

  it('returns summaries in the order asked, dropping unknown ids, and refuses more than 1000 ids', async () => {
    const asked = [jobs.canceled.item_id, 987654321, jobs.completed.item_id, jobs.failed.item_id];
    const res = await t.api.post(`${Q}/item_summaries_by_ids`, { item_ids: asked });
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/queue/{queue_id}/item_summaries_by_ids', res);
    expect(res.json.map((s: any) => s.item_id)).toEqual([jobs.canceled.item_id, jobs.completed.item_id, jobs.failed.item_id]);
    expect(res.json.map((s: any) => s.status)).toEqual(['canceled', 'completed', 'failed']);
    expect(Object.keys(res.json[1]).sort()).toEqual([
      'batch_id',
      'completed_at',
      'created_at',
      'destination',
      'device',
      'field_values',
      'item_id',
      'origin',
      'parent_item_id',
      'started_at',
      'status',
      'user_display_name',
      'user_email',
      'user_id',
    ]);
    expect(res.json[1]).toMatchObject({
      user_id: 'system',
      user_display_name: 'System',
      user_email: 'system@system.invokeai',
      field_values: [],
      device: 'cpu',
    });
    expect(res.json[0]).toMatchObject({ started_at: null, device: null });
    const tooMany = Array.from({ length: 1001 }, (_, i) => i + 1);
    expectValidationError(await t.api.post(`${Q}/item_summaries_by_ids`, { item_ids: tooMany }), ['body', 'item_ids'], 'too_long');
    expectValidationError(await t.api.post(`${Q}/items_by_ids`, { item_ids: tooMany }), ['body', 'item_ids'], 'too_long');
  });

  it('returns full items by id with null fields present', async () => {
    const res = await t.api.post(`${Q}/items_by_ids`, { item_ids: [jobs.failed.item_id, jobs.completed.item_id] });
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/queue/{queue_id}/items_by_ids', res);
    expect(res.json.map((i: any) => i.item_id)).toEqual([jobs.failed.item_id, jobs.completed.item_id]);
    expect(res.json[1]).toMatchObject({ error_type: null, error_message: null, error_traceback: null });
  });

  it('reports queue and processor status', async () => {
    const res = await t.api.get(`${Q}/status`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/queue/{queue_id}/status', res);
    const q = res.json.queue;
    expect(q.queue_id).toBe('default');
    expect(q.total).toBe(q.pending + q.in_progress + q.waiting + q.completed + q.failed + q.canceled);
    expect(q.completed).toBeGreaterThanOrEqual(1);
    expect(q.failed).toBeGreaterThanOrEqual(1);
    expect(q.canceled).toBeGreaterThanOrEqual(1);
    expect(res.json.processor).toEqual({ is_started: true, is_processing: false });
    // Single-user mode still fills the per-user counters.
    expect(q.user_pending).toBe(q.pending);
    expect(q.user_in_progress).toBe(q.in_progress);
  });

  it('reports a batch status, zeros for an unknown batch', async () => {
    const batchId = jobs.completed.batch_id;
    const res = await t.api.get(`${Q}/b/${batchId}/status`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/queue/{queue_id}/b/{batch_id}/status', res);
    expect(res.json).toEqual({
      queue_id: 'default',
      batch_id: batchId,
      origin: 'contract',
      destination: 'gallery',
      pending: 0,
      in_progress: 0,
      waiting: 0,
      completed: 1,
      failed: 0,
      canceled: 0,
      total: 1,
    });
    const unknown = await t.api.get(`${Q}/b/no-such-batch/status`);
    expect(unknown.json).toEqual({
      queue_id: 'default',
      batch_id: 'no-such-batch',
      origin: null,
      destination: null,
      pending: 0,
      in_progress: 0,
      waiting: 0,
      completed: 0,
      failed: 0,
      canceled: 0,
      total: 0,
    });
  });

  it('pauses and resumes the processor', async () => {
    const paused = await t.api.put(`${Q}/processor/pause`);
    expect(paused.status).toBe(200);
    expect(paused.json).toEqual({ is_started: false, is_processing: false });
    const resumed = await t.api.put(`${Q}/processor/resume`);
    expect(resumed.json).toEqual({ is_started: true, is_processing: false });
  });

  it('leaves a finished item as it is when canceled', async () => {
    const res = await t.api.put(`${Q}/i/${jobs.completed.item_id}/cancel`);
    expect(res.status).toBe(200);
    expectResponse('put', '/api/v1/queue/{queue_id}/i/{item_id}/cancel', res);
    expect(res.json.status).toBe('completed');
    expect(res.json.error_type).toBeNull();
  });

  it('cancels nothing for an unknown batch id', async () => {
    const res = await t.api.put(`${Q}/cancel_by_batch_ids`, { batch_ids: ['no-such-batch'] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ canceled: 0 });
  });

  it('deletes one item: 200 with a null body', async () => {
    const res = await t.api.enqueue(graphMissingImage());
    const id = res.json.item_ids[0];
    await t.api.waitForStatus(id, ['failed']);
    const del = await t.api.delete(`${Q}/i/${id}`);
    expect(del.status).toBe(200);
    expect(del.type).toBe('application/json');
    expect(del.text).toBe('null');
    expect((await t.api.get(`${Q}/i/${id}`)).status).toBe(404);
  });

  it('validates every summary on the queue, whoever made it, and fills the system user and device', async () => {
    const ids = (await t.api.get(`${Q}/item_ids`)).json.item_ids.slice(0, 200);
    const res = await t.api.post(`${Q}/item_summaries_by_ids`, { item_ids: ids });
    for (const s of res.json) {
      expectComponent('SessionQueueItemSummary', s);
      expect(s).toMatchObject({ user_id: 'system', user_display_name: 'System', user_email: 'system@system.invokeai' });
      expect(Array.isArray(s.field_values), `field_values of item ${s.item_id}`).toBe(true);
      if (s.started_at !== null) expect(typeof s.device, `device of item ${s.item_id}`).toBe('string');
    }
  });
});

/**
 * The controls of the queue that a job history drives: cancel a batch, cancel all but the
 * current item, retry, pause and resume. They share the server's one processor, so each test
 * leaves it resumed.
 */
describe('queue controls', () => {
  let boardId = '';
  beforeAll(async () => {
    boardId = (await t.api.createBoard(`${tag} controls`)).board_id;
  });

  /** A job that runs long enough to be caught in progress: many blank images, none cached. */
  function graphSlow(nodes: number) {
    const { nodes: one, ...graph } = graphBlank({ boardId });
    const many = Array.from({ length: nodes }, (_, i) => [`blank${i}`, { ...one.blank, id: `blank${i}`, width: 16 + i }]);
    return { ...graph, nodes: Object.fromEntries(many) };
  }

  async function paused<T>(run: () => Promise<T>): Promise<T> {
    await t.api.put(`${Q}/processor/pause`);
    try {
      return await run();
    } finally {
      await t.api.put(`${Q}/processor/resume`);
    }
  }

  /** The copies `retry_items_by_id` made of `itemId` (it answers the originals' ids only). */
  async function retriesOf(itemId: number): Promise<any[]> {
    const ids = (await t.api.get(`${Q}/item_ids`)).json.item_ids.slice(0, 200);
    const items = (await t.api.post(`${Q}/items_by_ids`, { item_ids: ids })).json as any[];
    const copies = items.filter((i) => i.retried_from_item_id === itemId);
    for (const copy of copies) t.api.trackQueueItem(copy.item_id);
    return copies;
  }

  it('cancels every unfinished item of a batch and counts only those', async () => {
    await paused(async () => {
      const res = await t.api.enqueue(graphBlank({ boardId }), { runs: 3 });
      const cancel = await t.api.put(`${Q}/cancel_by_batch_ids`, { batch_ids: [res.json.batch.batch_id] });
      expect(cancel.status).toBe(200);
      expectResponse('put', '/api/v1/queue/{queue_id}/cancel_by_batch_ids', cancel);
      expect(cancel.json).toEqual({ canceled: 3 });
      for (const id of res.json.item_ids) {
        const item = await t.api.waitForStatus(id, ['canceled']);
        expect(item.started_at ?? null).toBeNull();
        expect(item.completed_at).toMatch(SQLITE_TIME);
      }
      // Terminal items of the batch are not counted a second time.
      const again = await t.api.put(`${Q}/cancel_by_batch_ids`, { batch_ids: [res.json.batch.batch_id] });
      expect(again.json).toEqual({ canceled: 0 });
    });
  });

  it('cancels every pending item but leaves the running one to finish', async () => {
    const running = await t.api.enqueue(graphSlow(24));
    const runningId = running.json.item_ids[0];
    await t.api.waitForStatus(runningId, ['in_progress']);
    const events = await EventLog.connect(t.url);
    try {
      const waiting = await paused(async () => {
        const queued = await t.api.enqueue(graphBlank({ boardId }), { runs: 2 });
        const before = (await t.api.get(`${Q}/status`)).json.queue;
        const res = await t.api.put(`${Q}/cancel_all_except_current`);
        expect(res.status).toBe(200);
        expectResponse('put', '/api/v1/queue/{queue_id}/cancel_all_except_current', res);
        expect(res.json).toEqual({ canceled: before.pending + before.waiting });
        expect(res.json.canceled).toBeGreaterThanOrEqual(2);
        return queued.json.item_ids as number[];
      });
      for (const id of waiting) expect((await t.api.get(`${Q}/i/${id}`)).json.status).toBe('canceled');
      await events.waitFor(
        (log) => log.some((e) => e.name === 'queue_items_canceled' && waiting.every((id) => e.payload.canceled_item_ids.includes(id))),
        20_000,
        'queue_items_canceled naming the pending items',
      );
      // Only the bulk event: no per-item status change for the pending items it cancelled.
      expect(events.events.some((e) => e.name === 'queue_item_status_changed' && waiting.includes(e.payload.item_id))).toBe(false);
      expect((await t.api.waitForStatus(runningId, ['completed', 'failed', 'canceled'], 60_000)).status).toBe('completed');
    } finally {
      events.close();
    }
  });

  it('retries a failed item as a new pending copy of it, in the same batch, and leaves the original failed', async () => {
    const events = await EventLog.connect(t.url);
    try {
      const res = await t.api.put(`${Q}/retry_items_by_id`, [jobs.failed.item_id]);
      expect(res.status).toBe(200);
      expectResponse('put', '/api/v1/queue/{queue_id}/retry_items_by_id', res);
      expect(res.json).toEqual({ queue_id: 'default', retried_item_ids: [jobs.failed.item_id] });
      const [copy, ...more] = await retriesOf(jobs.failed.item_id);
      expect(more).toHaveLength(0);
      expect(copy.item_id).toBeGreaterThan(jobs.failed.item_id);
      expect(copy).toMatchObject({
        batch_id: jobs.failed.batch_id,
        priority: jobs.failed.priority,
        retried_from_item_id: jobs.failed.item_id,
      });
      expect(copy.session_id).not.toBe(jobs.failed.session_id);
      // The same graph runs again, and fails the same way.
      const finished = await t.api.waitForStatus(copy.item_id, ['completed', 'failed', 'canceled']);
      expect(finished).toMatchObject({ status: 'failed', error_type: 'ImageRecordNotFoundException' });
      expect((await t.api.get(`${Q}/i/${jobs.failed.item_id}`)).json.status).toBe('failed');
      await events.waitFor((log) => log.some((e) => e.name === 'queue_items_retried'), 20_000, 'queue_items_retried');
      const retried = events.events.find((e) => e.name === 'queue_items_retried')!;
      expect(retried.payload).toMatchObject({ queue_id: 'default', retried_item_ids: [jobs.failed.item_id] });
    } finally {
      events.close();
    }
  });

  it('retries a cancelled item and never a completed one', async () => {
    const res = await t.api.put(`${Q}/retry_items_by_id`, [jobs.canceled.item_id]);
    expect(res.json.retried_item_ids).toEqual([jobs.canceled.item_id]);
    const [copy] = await retriesOf(jobs.canceled.item_id);
    expect(copy).toMatchObject({ batch_id: jobs.canceled.batch_id, retried_from_item_id: jobs.canceled.item_id });
    expect((await t.api.waitForStatus(copy.item_id, ['completed', 'failed', 'canceled'])).status).toBe('completed');
    expect((await t.api.put(`${Q}/retry_items_by_id`, [copy.item_id])).json.retried_item_ids).toEqual([]);
  });

  it('retries a selection, skipping finished, unknown and repeated ids', async () => {
    const { canceled, ids } = await paused(async () => {
      const queued = await t.api.enqueue(graphBlank({ boardId }), { runs: 2 });
      const ids = queued.json.item_ids as number[];
      for (const id of ids) await t.api.put(`${Q}/i/${id}/cancel`);
      const res = await t.api.put(`${Q}/retry_items_by_id`, [...ids, ids[0], jobs.completed.item_id, 987_654_321]);
      expect(res.status).toBe(200);
      return { canceled: res.json.retried_item_ids as number[], ids };
    });
    expect([...canceled].sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const copies = await retriesOf(id);
      expect(copies).toHaveLength(1);
      await t.api.waitForStatus(copies[0].item_id, ['completed']);
    }
  });

  it('takes the ids of a retry as a bare JSON list, refusing an object with 422', async () => {
    const wrapped = await t.api.put(`${Q}/retry_items_by_id`, { item_ids: [jobs.failed.item_id] });
    expectValidationError(wrapped, ['body'], 'list_type');
    const bad = await t.api.put(`${Q}/retry_items_by_id`, ['x']);
    expectValidationError(bad, ['body', 0], 'int_parsing');
  });

  it('holds new items pending while paused and runs them once resumed', async () => {
    const id = await paused(async () => {
      const res = await t.api.enqueue(graphBlank({ boardId }));
      const status = (await t.api.get(`${Q}/status`)).json;
      expect(status.processor.is_started).toBe(false);
      await new Promise((r) => setTimeout(r, 300));
      expect((await t.api.get(`${Q}/i/${res.json.item_ids[0]}`)).json.status).toBe('pending');
      return res.json.item_ids[0] as number;
    });
    expect((await t.api.get(`${Q}/status`)).json.processor.is_started).toBe(true);
    expect((await t.api.waitForStatus(id, ['completed', 'failed', 'canceled'])).status).toBe('completed');
  });
});

/**
 * Prune and clear delete every item of the queue, whoever made it, so they run on a server of
 * their own: a fresh stand-in, or on the real side a fresh real InvokeAI 6.14.2 (the shared one
 * holds the history other files check).
 */
describe('prune and clear', () => {
  let api: Api;
  let close: () => Promise<void> = () => Promise.resolve();
  beforeAll(async () => {
    if (process.env.CONTRACT_SERVER === 'real') {
      const { startRealServer } = await import('../real/server');
      const server = await startRealServer({ populate: false, log: () => undefined });
      api = new Api(server.url);
      close = () => server.close();
    } else {
      const { startStandIn } = await import('../server/index');
      const server = await startStandIn({ port: 0, images: 20, seed: 7 });
      api = new Api(server.url.replace(/\/+$/, ''));
      close = () => server.close();
    }
    const done = await api.enqueue(graphBlank(), { runs: 2 });
    for (const id of done.json.item_ids) await api.waitForStatus(id, ['completed']);
    const failed = await api.enqueue(graphMissingImage());
    await api.waitForStatus(failed.json.item_ids[0], ['failed']);
  }, 180_000);
  afterAll(async () => {
    await api?.put(`${Q}/processor/resume`);
    await close();
  });

  it('prunes the finished items only, answering how many, and sends no event', async () => {
    await api.put(`${Q}/processor/pause`);
    const pending = await api.enqueue(graphBlank());
    const before = (await api.get(`${Q}/status`)).json.queue;
    const events = await EventLog.connect(api.base);
    try {
      const res = await api.put(`${Q}/prune`);
      expect(res.status).toBe(200);
      expectResponse('put', '/api/v1/queue/{queue_id}/prune', res);
      expect(res.json).toEqual({ deleted: before.completed + before.failed + before.canceled });
      expect(res.json.deleted).toBeGreaterThanOrEqual(3);
      const ids = (await api.get(`${Q}/item_ids`)).json;
      expect(ids).toEqual({ item_ids: pending.json.item_ids, total_count: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(events.events.filter((e) => e.name.startsWith('queue_'))).toEqual([]);
    } finally {
      events.close();
    }
  });

  it('clears every item, pending ones too, and says so with queue_cleared', async () => {
    const events = await EventLog.connect(api.base);
    try {
      await api.enqueue(graphBlank(), { runs: 2 });
      const before = (await api.get(`${Q}/status`)).json.queue;
      const res = await api.put(`${Q}/clear`);
      expect(res.status).toBe(200);
      expectResponse('put', '/api/v1/queue/{queue_id}/clear', res);
      expect(res.json).toEqual({ deleted: before.total });
      expect(res.json.deleted).toBeGreaterThanOrEqual(3);
      expect((await api.get(`${Q}/item_ids`)).json).toEqual({ item_ids: [], total_count: 0 });
      expect((await api.get(`${Q}/status`)).json.queue).toMatchObject({ pending: 0, in_progress: 0, total: 0 });
      await events.waitFor((log) => log.some((e) => e.name === 'queue_cleared'), 10_000, 'queue_cleared');
      expect(events.events.find((e) => e.name === 'queue_cleared')!.payload).toMatchObject({ queue_id: 'default', user_id: null });
    } finally {
      events.close();
    }
  });
});
