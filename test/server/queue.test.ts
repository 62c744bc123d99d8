import { describe, expect, it } from 'vitest';
import {
  blankImageBatch,
  call,
  connectEvents,
  loadImageBatch,
  queueIdle,
  schemaProblems,
  useStandIn,
  type EventClient,
  type Recorded,
} from './helpers';

const ctx = useStandIn({ seed: 9, jobStepMs: 10 });
const req = (method: string, path: string, json?: unknown) => call(ctx.s.url, method, path, json === undefined ? {} : { json });
const Q = '/api/v1/queue/default';

/** The events of one item, as `name` or `name:status`. */
function trail(client: EventClient, itemId: number, batchId: string): string[] {
  return client.events
    .filter(
      (e: Recorded) =>
        e.payload.item_id === itemId ||
        (e.event === 'batch_enqueued' && e.payload.batch_id === batchId) ||
        (e.event === 'queue_items_canceled' && e.payload.canceled_item_ids.includes(itemId)),
    )
    .map((e) => (e.event === 'queue_item_status_changed' ? `${e.event}:${e.payload.status}` : e.event));
}

const terminal = (itemId: number) => (e: Recorded) =>
  e.event === 'queue_item_status_changed' && e.payload.item_id === itemId && ['completed', 'failed', 'canceled'].includes(e.payload.status);

describe('session queue over the socket (websocket transport)', () => {
  it('puts the image of a job naming a missing board in Uncategorized', async () => {
    const client = await connectEvents(ctx.s.url);
    try {
      const res = await req('POST', `${Q}/enqueue_batch`, blankImageBatch({ boardId: '00000000-0000-4000-8000-000000000000' }));
      const done = await client.waitFor(terminal(res.json.item_ids[0]));
      expect(done.payload.status).toBe('completed');
      const complete = client.events.find((e) => e.event === 'invocation_complete' && e.payload.item_id === res.json.item_ids[0])!;
      expect((await req('GET', `/api/v1/images/i/${complete.payload.result.image.image_name}`)).json.board_id).toBeNull();
    } finally {
      client.close();
    }
  });

  it('runs a blank_image job to completion and adds its PNG to the gallery, on its board', async () => {
    await queueIdle(ctx.s);
    const client = await connectEvents(ctx.s.url);
    try {
      const boardId = [...ctx.s.state.gallery.boards.keys()][0]!;
      const before = (await req('GET', `/api/v1/boards/${boardId}`)).json.image_count;
      const res = await req(
        'POST',
        `${Q}/enqueue_batch`,
        blankImageBatch({ width: 80, height: 40, boardId, metadata: { positive_prompt: 'queue test' } }),
      );
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ queue_id: 'default', enqueued: 1, requested: 1, priority: 0 });
      const itemId = res.json.item_ids[0] as number;
      const batchId = res.json.batch.batch_id as string;
      await client.waitFor(terminal(itemId));
      expect(trail(client, itemId, batchId)).toEqual([
        'batch_enqueued',
        'queue_item_status_changed:in_progress',
        'invocation_started',
        'invocation_progress',
        'invocation_complete',
        'queue_item_status_changed:completed',
      ]);
      const complete = client.events.find((e) => e.event === 'invocation_complete' && e.payload.item_id === itemId)!.payload;
      expect(complete.invocation).toMatchObject({ type: 'blank_image', width: 80, height: 40 });
      expect(complete.invocation_source_id).toBe('blank');
      const imageName = complete.result.image.image_name as string;
      const dto = (await req('GET', `/api/v1/images/i/${imageName}`)).json;
      expect(dto).toMatchObject({ width: 80, height: 40, board_id: boardId, image_origin: 'internal', image_category: 'general' });
      expect((await req('GET', `/api/v1/images/i/${imageName}/metadata`)).json).toEqual({ positive_prompt: 'queue test' });
      expect((await req('GET', `/api/v1/boards/${boardId}`)).json.image_count).toBe(before + 1);
      const item = (await req('GET', `${Q}/i/${itemId}`)).json;
      expect(item).toMatchObject({ status: 'completed', session_id: dto.session_id, status_sequence: 2 });
      expect(item).not.toHaveProperty('error_type'); // nulls are left out on this route
      expect(Object.values(item.session.results)).toContainEqual({
        type: 'image_output',
        image: { image_name: imageName },
        width: 80,
        height: 40,
      });
      const progress = client.events.find((e) => e.event === 'invocation_progress' && e.payload.item_id === itemId)!.payload;
      expect(progress).toMatchObject({ message: 'Saving image', percentage: null, image: null });
      expect(complete.result).toEqual({ type: 'image_output', image: { image_name: imageName }, width: 80, height: 40, output_meta: null });
      expect(item).toMatchObject({ user_display_name: 'System', user_email: 'system@system.invokeai', device: 'cpu', field_values: [] });
    } finally {
      client.close();
    }
  });

  it('fails an image job whose image does not exist, status event before invocation_error', async () => {
    const client = await connectEvents(ctx.s.url);
    try {
      const res = await req('POST', `${Q}/enqueue_batch`, loadImageBatch('no-such-image.png'));
      const itemId = res.json.item_ids[0] as number;
      await client.waitFor((e) => e.event === 'invocation_error' && e.payload.item_id === itemId);
      expect(trail(client, itemId, res.json.batch.batch_id)).toEqual([
        'batch_enqueued',
        'queue_item_status_changed:in_progress',
        'invocation_started',
        'queue_item_status_changed:failed',
        'invocation_error',
      ]);
      const error = client.events.find((e) => e.event === 'invocation_error' && e.payload.item_id === itemId)!.payload;
      expect(error).toMatchObject({ error_type: 'ImageRecordNotFoundException', error_message: 'Image record not found' });
      expect(error.error_traceback).toContain('Traceback (most recent call last)');
      const item = (await req('PUT', `${Q}/i/${itemId}/cancel`)).json; // a terminal item stays as it is
      expect(item).toMatchObject({ status: 'failed', error_type: 'ImageRecordNotFoundException', error_message: 'Image record not found' });
    } finally {
      client.close();
    }
  });

  it('keeps items pending while paused; cancel_by_batch_ids cancels them; resume goes on', async () => {
    const client = await connectEvents(ctx.s.url);
    try {
      expect((await req('PUT', `${Q}/processor/pause`)).json.is_started).toBe(false);
      const res = await req('POST', `${Q}/enqueue_batch`, blankImageBatch({ runs: 2 }));
      const [a, b] = [...(res.json.item_ids as number[])].sort((x, y) => x - y);
      const batchId = res.json.batch.batch_id as string;
      expect((await req('GET', `${Q}/b/${batchId}/status`)).json).toMatchObject({ pending: 2, total: 2, origin: 'tests' });
      expect((await req('GET', `${Q}/status`)).json.queue.pending).toBeGreaterThanOrEqual(2);
      const canceled = await req('PUT', `${Q}/cancel_by_batch_ids`, { batch_ids: [batchId] });
      expect(canceled.json).toEqual({ canceled: 2 });
      await client.waitFor((e) => e.event === 'queue_items_canceled');
      const ev = client.events.find((e) => e.event === 'queue_items_canceled')!.payload;
      expect(ev).toMatchObject({ queue_id: 'default', canceled_item_ids: [a, b], user_ids: ['system'] });
      for (const id of [a!, b!]) {
        expect(trail(client, id, batchId)).toEqual(['batch_enqueued', 'queue_items_canceled']);
        expect((await req('GET', `${Q}/i/${id}`)).json.status).toBe('canceled');
      }
      expect((await req('PUT', `${Q}/processor/resume`)).json.is_started).toBe(true);
      const after = await req('POST', `${Q}/enqueue_batch`, blankImageBatch());
      await client.waitFor(terminal(after.json.item_ids[0]));
    } finally {
      await req('PUT', `${Q}/processor/resume`);
      client.close();
    }
  });

  it('sends extra progress steps with a percentage and a preview when asked', async () => {
    const client = await connectEvents(ctx.s.url);
    ctx.s.state.queue.options.progressSteps = 3;
    try {
      const res = await req('POST', `${Q}/enqueue_batch`, blankImageBatch());
      const itemId = res.json.item_ids[0] as number;
      await client.waitFor(terminal(itemId));
      const progress = client.events.filter((e) => e.event === 'invocation_progress' && e.payload.item_id === itemId).map((e) => e.payload);
      expect(progress.map((p) => [p.message, p.percentage])).toEqual([
        ['Generating (1/2)', 0.5],
        ['Generating (2/2)', 1],
        ['Saving image', null],
      ]);
      expect(progress[0].image.dataURL).toMatch(/^data:image\/jpeg;base64,/);
    } finally {
      ctx.s.state.queue.options.progressSteps = 1;
      client.close();
    }
  });

  it('cancels a running job: canceled at once, the node still finishes its image, no completed status', async () => {
    const client = await connectEvents(ctx.s.url);
    // A slow step, so the cancel surely lands while the node runs.
    ctx.s.state.queue.options.stepMs = 300;
    try {
      const res = await req('POST', `${Q}/enqueue_batch`, blankImageBatch());
      const itemId = res.json.item_ids[0] as number;
      await client.waitFor((e) => e.event === 'invocation_started' && e.payload.item_id === itemId);
      const item = (await req('PUT', `${Q}/i/${itemId}/cancel`)).json;
      expect(item.status).toBe('canceled');
      await client.waitFor((e) => e.event === 'invocation_complete' && e.payload.item_id === itemId);
      await queueIdle(ctx.s);
      expect(trail(client, itemId, res.json.batch.batch_id)).toEqual([
        'batch_enqueued',
        'queue_item_status_changed:in_progress',
        'invocation_started',
        'queue_item_status_changed:canceled',
        'invocation_progress',
        'invocation_complete',
      ]);
      expect((await req('GET', `${Q}/i/${itemId}`)).json.status).toBe('canceled');
    } finally {
      ctx.s.state.queue.options.stepMs = 10;
      client.close();
    }
  });

  it('reuses a cached output for an identical node with use_cache (no progress, no new image)', async () => {
    const client = await connectEvents(ctx.s.url);
    try {
      const body = blankImageBatch({ width: 21, height: 13 });
      const node = body.batch.graph.nodes.blank;
      node.use_cache = true;
      const ids: number[] = [];
      for (let i = 0; i < 2; i++) {
        const res = await req('POST', `${Q}/enqueue_batch`, body);
        ids.push(res.json.item_ids[0]);
        await client.waitFor(terminal(res.json.item_ids[0]));
      }
      const outputs = ids.map(
        (id) => client.events.find((e) => e.event === 'invocation_complete' && e.payload.item_id === id)!.payload.result.image.image_name,
      );
      expect(outputs[1]).toBe(outputs[0]);
      expect(client.events.filter((e) => e.event === 'invocation_progress' && e.payload.item_id === ids[1])).toEqual([]);
    } finally {
      client.close();
    }
  });

  it('expands batch data into items with field_values, and prepends', async () => {
    await req('PUT', `${Q}/processor/pause`);
    try {
      const body = blankImageBatch();
      const res = await req('POST', `${Q}/enqueue_batch`, {
        ...body,
        batch: { ...body.batch, data: [[{ node_path: 'blank', field_name: 'width', items: [16, 32, 48] }]] },
      });
      expect(res.json.enqueued).toBe(3);
      const items = (await req('POST', `${Q}/items_by_ids`, { item_ids: [...res.json.item_ids].reverse() })).json;
      expect(items.map((i: any) => i.field_values[0].value)).toEqual([16, 32, 48]);
      expect(items.map((i: any) => Object.values(i.session.graph.nodes)[0])).toMatchObject([{ width: 16 }, { width: 32 }, { width: 48 }]);
      const first = await req('POST', `${Q}/enqueue_batch`, { ...blankImageBatch(), prepend: true });
      expect(first.json.priority).toBe(1);
      expect((await req('GET', `${Q}/next`)).json.item_id).toBe(first.json.item_ids[0]);
      await req('PUT', `${Q}/cancel_by_batch_ids`, { batch_ids: [res.json.batch.batch_id, first.json.batch.batch_id] });
    } finally {
      await req('PUT', `${Q}/processor/resume`);
    }
  });

  it('validates enqueue bodies like FastAPI', async () => {
    const missing = await req('POST', `${Q}/enqueue_batch`, { batch: { runs: 1 } });
    expect(missing.status).toBe(422);
    expect(missing.json.detail[0]).toMatchObject({ type: 'missing', loc: ['body', 'batch', 'graph'] });
    const runs = await req('POST', `${Q}/enqueue_batch`, { batch: { graph: { nodes: {}, edges: [] }, runs: 0 } });
    expect(runs.json.detail[0]).toMatchObject({ type: 'greater_than_equal', loc: ['body', 'batch', 'runs'] });
    const unknown = await req('POST', `${Q}/enqueue_batch`, { batch: { graph: { nodes: { x: { id: 'x', type: 'nope' } }, edges: [] } } });
    expect(unknown.json.detail[0]).toMatchObject({
      type: 'union_tag_invalid',
      loc: ['body', 'batch', 'graph', 'nodes', 'x'],
      ctx: { tag: 'nope' },
    });
    expect(unknown.json.detail[0].msg).toContain("'blank_image'");
    const noId = await req('POST', `${Q}/enqueue_batch`, { batch: { graph: { nodes: { x: { type: 'blank_image' } }, edges: [] } } });
    expect(noId.json.detail[0]).toMatchObject({ type: 'value_error', loc: ['body', 'batch', 'graph'] });
    expect(noId.json.detail[0].msg).toMatch(/^Value error, Node ids must match, got x and [0-9a-f-]{36}$/);
  });
});

describe('queue history', () => {
  it('has seeded items in every status, completed ones linked to their images', async () => {
    const ids = (await req('GET', `${Q}/item_ids?order_dir=ASC`)).json;
    expect(ids.total_count).toBe(ids.item_ids.length);
    const items = (await req('POST', `${Q}/items_by_ids`, { item_ids: ids.item_ids.slice(0, 40) })).json as any[];
    const statuses = new Set(items.map((i) => i.status));
    for (const s of ['completed', 'failed', 'canceled']) expect(statuses).toContain(s);
    for (const item of items.filter((i) => i.status === 'failed')) {
      expect(item.error_type && item.error_message && item.error_traceback).toBeTruthy();
    }
    const done = items.find((i) => i.status === 'completed' && Object.keys(i.session.results).length > 0)!;
    const output = Object.values(done.session.results)[0] as any;
    const image = (await req('GET', `/api/v1/images/i/${output.image.image_name}`)).json;
    expect(image.session_id).toBe(done.session_id);
    expect(done.session.prepared_source_mapping[image.node_id]).toMatch(/^l2i:/);
  });

  it('serves summaries in the asked order, list_all by priority, and 404 for unknown items', async () => {
    const ids = (await req('GET', `${Q}/item_ids`)).json.item_ids.slice(0, 3) as number[];
    const asked = [ids[2], 999_999, ids[0]];
    const summaries = (await req('POST', `${Q}/item_summaries_by_ids`, { item_ids: asked })).json;
    expect(summaries.map((s: any) => s.item_id)).toEqual([ids[2], ids[0]]);
    const all = (await req('GET', `${Q}/list_all`)).json as any[];
    expect(all.length).toBe(ctx.s.state.queue.store.items.size);
    const missing = await req('GET', `${Q}/i/999999`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: 'Queue item with id 999999 not found in queue default' });
    expect((await req('GET', `${Q}/i/abc`)).json.detail[0]).toMatchObject({ type: 'int_parsing', loc: ['path', 'item_id'] });
    const tooMany = await req('POST', `${Q}/items_by_ids`, { item_ids: Array.from({ length: 1001 }, (_, i) => i) });
    expect(tooMany.status).toBe(422);
  });

  it('prunes terminal items silently, then clear empties the queue with queue_cleared', async () => {
    await queueIdle(ctx.s);
    const client = await connectEvents(ctx.s.url);
    try {
      const pruned = (await req('PUT', `${Q}/prune`)).json.deleted;
      expect(pruned).toBeGreaterThan(0);
      expect(client.events).toEqual([]);
      await req('PUT', `${Q}/processor/pause`);
      await req('POST', `${Q}/enqueue_batch`, blankImageBatch());
      const cleared = await req('PUT', `${Q}/clear`);
      expect(cleared.json.deleted).toBe(1);
      await client.waitFor((e) => e.event === 'queue_cleared');
      expect((await req('GET', `${Q}/status`)).json.queue).toMatchObject({ total: 0, pending: 0 });
    } finally {
      await req('PUT', `${Q}/processor/resume`);
      client.close();
    }
    expect(schemaProblems).toEqual([]);
  });
});
