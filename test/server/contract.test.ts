/**
 * Drift guard: every route the stand-in serves and every Socket.IO event it sends is checked
 * against InvokeAI 6.14.2's OpenAPI document. `call` validates each JSON answer; events are
 * validated both as sent (in-process) and as received by a websocket client.
 */
import { describe, expect, it } from 'vitest';
import { validateComponent, validateEvent } from '../support/openapi';
import { blankImageBatch, call, connectEvents, loadImageBatch, queueIdle, schemaProblems, useStandIn } from './helpers';

const ctx = useStandIn({ seed: 21, images: 300, queueItems: 60 });
const req = (method: string, path: string, json?: unknown) => call(ctx.s.url, method, path, json === undefined ? {} : { json });

describe('every answer matches the schema', () => {
  it('app, auth and models', async () => {
    await req('GET', '/api/v1/app/version');
    await req('GET', '/api/v1/app/runtime_config');
    await req('GET', '/api/v1/app/patchmatch_status');
    await req('GET', '/api/v1/auth/status');
    const models = (await req('GET', '/api/v2/models/')).json.models as any[];
    const bases = new Set(models.map((m) => m.base));
    for (const base of ['sd-1', 'sdxl', 'flux', 'flux2', 'sd-3']) expect(bases).toContain(base);
    for (const type of ['main', 'lora', 'vae', 'embedding']) expect(models.some((m) => m.type === type)).toBe(true);
    expect(models.some((m) => m.format === 'checkpoint') && models.some((m) => m.format === 'diffusers')).toBe(true);
    await req('GET', '/api/v2/models/?base_models=sdxl&base_models=sd-1&model_type=main&order_by=base&direction=DESC');
    await req('GET', `/api/v2/models/i/${models[0].key}`);
    await req('GET', '/api/v2/models/i/nope');
    await req('GET', '/api/v2/models/?base_models=sd-9');
  });

  it('boards and board images', async () => {
    const boards = (await req('GET', '/api/v1/boards/?all=true&include_archived=true')).json as any[];
    await req('GET', '/api/v1/boards/?offset=0&limit=5&order_by=board_name&direction=ASC');
    await req('GET', '/api/v1/boards/');
    await req('GET', `/api/v1/boards/${boards[0].board_id}`);
    await req('GET', '/api/v1/boards/none');
    await req('GET', `/api/v1/boards/${boards[0].board_id}/image_names?categories=general`);
    const id = (await req('POST', '/api/v1/boards/?board_name=Contract')).json.board_id;
    await req('PATCH', `/api/v1/boards/${id}`, { board_name: 'Contract 2', cover_image_name: null });
    await req('PATCH', `/api/v1/boards/${id}`, { board_name: 42 });
    const name = ctx.s.state.gallery.queryImages({}).images[0]!.image_name;
    await req('POST', '/api/v1/board_images/', { board_id: id, image_name: name });
    await req('POST', '/api/v1/board_images/', { board_id: 'none', image_name: name });
    await req('POST', '/api/v1/board_images/batch', { board_id: id, image_names: [name] });
    await req('POST', '/api/v1/board_images/batch/delete', { image_names: [name] });
    await req('DELETE', '/api/v1/board_images/', { image_name: name });
    await req('DELETE', '/api/v1/board_images/', {});
    await req('DELETE', `/api/v1/boards/${id}?include_images=false`);
  });

  it('images', async () => {
    const list = (
      await req('GET', '/api/v1/images/?limit=50&categories=general&categories=user&is_intermediate=false&order_dir=ASC&search_term=a')
    ).json;
    await req('GET', '/api/v1/images/?limit=5000');
    await req('GET', '/api/v1/images/names?board_id=none&starred_first=false');
    const name = list.items[0].image_name as string;
    await req('POST', '/api/v1/images/images_by_names', { image_names: [name] });
    await req('POST', '/api/v1/images/images_by_names', { image_names: 'x' });
    await req('POST', '/api/v1/images/images_by_names');
    for (const suffix of ['', '/metadata', '/workflow', '/urls']) {
      await req('GET', `/api/v1/images/i/${name}${suffix}`);
      await req('GET', `/api/v1/images/i/missing.png${suffix}`);
    }
    await req('PATCH', `/api/v1/images/i/${name}`, { starred: true });
    await req('POST', '/api/v1/images/star', { image_names: [name] });
    await req('POST', '/api/v1/images/unstar', { image_names: [name] });
    await req('GET', '/api/v1/images/intermediates');
    const victim = ctx.s.state.gallery.queryImages({ order_dir: 'ASC' }).images[3]!.image_name;
    await req('POST', '/api/v1/images/delete', { image_names: [victim, 'ghost.png'] });
    await req('DELETE', `/api/v1/images/i/${victim}`);
    await req('DELETE', '/api/v1/images/intermediates');
  });

  it('queue', async () => {
    const Q = '/api/v1/queue/default';
    const ids = (await req('GET', `${Q}/item_ids?order_dir=ASC`)).json.item_ids as number[];
    await req('POST', `${Q}/items_by_ids`, { item_ids: ids });
    await req('POST', `${Q}/item_summaries_by_ids`, { item_ids: ids });
    await req('GET', `${Q}/list_all`);
    for (const id of ids.slice(0, 20)) await req('GET', `${Q}/i/${id}`);
    await req('GET', `${Q}/status`);
    await req('GET', `${Q}/current`);
    await req('GET', `${Q}/next`);
    await req('GET', `${Q}/b/no-such-batch/status`);
    await req('PUT', `${Q}/processor/pause`);
    const enq = await req('POST', `${Q}/enqueue_batch`, blankImageBatch({ runs: 2 }));
    await req('GET', `${Q}/b/${enq.json.batch.batch_id}/status`);
    await req('PUT', `${Q}/i/${enq.json.item_ids[0]}/cancel`);
    await req('DELETE', `${Q}/i/${enq.json.item_ids[1]}`);
    await req('PUT', `${Q}/cancel_by_batch_ids`, { batch_ids: [enq.json.batch.batch_id] });
    await req('PUT', `${Q}/processor/resume`);
    await req('POST', `${Q}/enqueue_batch`, { batch: {} });
  });

  it('the seeded data is valid component by component', () => {
    for (const item of [...ctx.s.state.queue.store.items.values()]) {
      const check = validateComponent('GraphExecutionState', ctx.s.state.queue.store.sessionOf(item));
      expect(check.errors).toEqual([]);
    }
  });
});

describe('every event matches the schema', () => {
  it('events of completed, failed and canceled jobs, sent and received', async () => {
    const sent: { event: string; payload: unknown }[] = [];
    const stop = ctx.s.onEvent((event, payload) => sent.push({ event, payload }));
    const client = await connectEvents(ctx.s.url);
    try {
      await queueIdle(ctx.s);
      const Q = '/api/v1/queue/default';
      const ok = await req('POST', `${Q}/enqueue_batch`, blankImageBatch({ metadata: { positive_prompt: 'x' } }));
      const bad = await req('POST', `${Q}/enqueue_batch`, loadImageBatch('missing.png'));
      const existing = ctx.s.state.gallery.queryImages({}).images[0]!.image_name;
      const passthrough = await req('POST', `${Q}/enqueue_batch`, loadImageBatch(existing));
      for (const id of [ok.json.item_ids[0], bad.json.item_ids[0], passthrough.json.item_ids[0]]) {
        await client.waitFor(
          (e) => e.event === 'queue_item_status_changed' && e.payload.item_id === id && e.payload.status !== 'in_progress',
        );
      }
      await req('PUT', `${Q}/processor/pause`);
      const cancel = await req('POST', `${Q}/enqueue_batch`, blankImageBatch());
      await req('PUT', `${Q}/cancel_by_batch_ids`, { batch_ids: [cancel.json.batch.batch_id] });
      await req('PUT', `${Q}/processor/resume`);
      await req('PUT', `${Q}/clear`);
      await client.waitFor((e) => e.event === 'queue_cleared');
      const names = new Set(sent.map((e) => e.event));
      for (const e of [
        'batch_enqueued',
        'queue_item_status_changed',
        'invocation_started',
        'invocation_progress',
        'invocation_complete',
        'invocation_error',
        'queue_items_canceled',
        'queue_cleared',
      ])
        expect(names).toContain(e);
      for (const { event, payload } of [...sent, ...client.events]) expect(validateEvent(event, payload).errors, event).toEqual([]);
    } finally {
      stop();
      client.close();
    }
  });

  it('saw no schema drift anywhere in this file', () => {
    expect(schemaProblems).toEqual([]);
  });
});
