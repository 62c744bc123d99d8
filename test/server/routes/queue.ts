/** `/api/v1/queue/{queue_id}/*`: the session queue and its processor. */
import { randomUUID } from 'node:crypto';
import type { Graph, GraphEdge, GraphNode } from '../data/graphs';
import { HttpError, json, type RequestContext, type Router } from '../http';
import { queueItemDTO, queueItemSummaryDTO, withoutNulls, type QueueItemRecord } from '../queue-store';
import type { BatchDatum, BatchInput } from '../session-queue';
import { knownInvocationTypes } from '../invocation-types';
import type { StandInState } from '../state';
import { intProblem, ValidationFailure, type ValidationErrorItem } from '../validation';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates `Body_enqueue_batch.batch` enough to run it, with pydantic-style errors. */
function readBatch(input: unknown): BatchInput {
  const errors: ValidationErrorItem[] = [];
  const loc = ['body', 'batch'];
  if (!isObject(input)) {
    throw new ValidationFailure([
      input === undefined
        ? { type: 'missing', loc, msg: 'Field required', input: null }
        : { type: 'model_attributes_type', loc, msg: 'Input should be a valid dictionary or object to extract fields from', input },
    ]);
  }
  const optionalString = (key: string): string | null => {
    const v = input[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v;
    errors.push({ type: 'string_type', loc: [...loc, key], msg: 'Input should be a valid string', input: v });
    return null;
  };
  const batchId = input.batch_id === undefined ? randomUUID() : (optionalString('batch_id') ?? randomUUID());
  const origin = optionalString('origin');
  const destination = optionalString('destination');
  let runs = 1;
  if (input.runs !== undefined) {
    const problem = intProblem(input.runs);
    if (problem) errors.push({ type: problem.type, loc: [...loc, 'runs'], msg: problem.msg, input: input.runs });
    else if (Number(input.runs) < 1) {
      errors.push({
        type: 'greater_than_equal',
        loc: [...loc, 'runs'],
        msg: 'Input should be greater than or equal to 1',
        input: input.runs,
        ctx: { ge: 1 },
      });
    } else runs = Number(input.runs);
  }
  const graph: Graph = { id: randomUUID(), nodes: {}, edges: [] };
  const g = input.graph;
  if (g === undefined) errors.push({ type: 'missing', loc: [...loc, 'graph'], msg: 'Field required', input });
  else if (!isObject(g))
    errors.push({
      type: 'model_attributes_type',
      loc: [...loc, 'graph'],
      msg: 'Input should be a valid dictionary or object to extract fields from',
      input: g,
    });
  else {
    if (typeof g.id === 'string') graph.id = g.id;
    const nodes = g.nodes ?? {};
    if (!isObject(nodes))
      errors.push({ type: 'dict_type', loc: [...loc, 'graph', 'nodes'], msg: 'Input should be a valid dictionary', input: nodes });
    else {
      const known = knownInvocationTypes();
      let idsMatch = true;
      for (const [key, node] of Object.entries(nodes)) {
        if (!isObject(node) || typeof node.type !== 'string') {
          errors.push({
            type: 'union_tag_not_found',
            loc: [...loc, 'graph', 'nodes', key],
            msg: "Unable to extract tag using discriminator 'type'",
            input: node,
            ctx: { discriminator: "'type'" },
          });
        } else if (known && !known.includes(node.type)) {
          const expected = known.map((t) => `'${t}'`).join(', ');
          errors.push({
            type: 'union_tag_invalid',
            loc: [...loc, 'graph', 'nodes', key],
            msg: `Input tag '${node.type}' found using 'type' does not match any of the expected tags: ${expected}`,
            input: node,
            ctx: { discriminator: "'type'", tag: node.type, expected_tags: expected },
          });
        } else {
          // A node without an id gets a fresh UUID, which then cannot match its key.
          const id = typeof node.id === 'string' ? node.id : randomUUID();
          if (idsMatch && id !== key) {
            idsMatch = false;
            errors.push({
              type: 'value_error',
              loc: [...loc, 'graph'],
              msg: `Value error, Node ids must match, got ${key} and ${id}`,
              input: g,
              ctx: { error: {} },
            });
          }
          graph.nodes[key] = { ...node, id } as GraphNode;
        }
      }
    }
    const edges = g.edges ?? [];
    if (!Array.isArray(edges))
      errors.push({ type: 'list_type', loc: [...loc, 'graph', 'edges'], msg: 'Input should be a valid list', input: edges });
    else graph.edges = edges as GraphEdge[];
  }
  let data: BatchDatum[][] | null = null;
  if (input.data !== undefined && input.data !== null) {
    const ok =
      Array.isArray(input.data) &&
      input.data.every(
        (group) =>
          Array.isArray(group) &&
          group.every((d) => isObject(d) && typeof d.node_path === 'string' && typeof d.field_name === 'string' && Array.isArray(d.items)),
      );
    if (!ok) errors.push({ type: 'list_type', loc: [...loc, 'data'], msg: 'Input should be a valid list', input: input.data });
    else {
      data = input.data as BatchDatum[][];
      for (const group of data) {
        if (new Set(group.map((d) => d.items.length)).size > 1) {
          errors.push({
            type: 'value_error',
            loc: [...loc, 'data'],
            msg: 'Value error, Zipped batch items must all have the same length',
            input: input.data,
            ctx: { error: {} },
          });
        }
      }
    }
  }
  const workflow = isObject(input.workflow) ? input.workflow : null;
  if (errors.length > 0) throw new ValidationFailure(errors);
  return { batch_id: batchId, origin, destination, data, graph, workflow, runs };
}

export function registerQueueRoutes(router: Router, state: StandInState): void {
  const { queue } = state;
  const store = queue.store;
  const base = '/api/v1/queue/{queue_id}';

  const item = (ctx: RequestContext): QueueItemRecord => {
    const id = ctx.intParam('item_id');
    const queueId = ctx.param('queue_id');
    const found = store.get(id);
    if (!found || found.queue_id !== queueId) throw new HttpError(404, `Queue item with id ${id} not found in queue ${queueId}`);
    return found;
  };
  const full = (i: QueueItemRecord) => queueItemDTO(i, store.sessionOf(i));

  router.post(`${base}/enqueue_batch`, async (ctx) => {
    const body = await ctx.bodyReader();
    const prepend = body.bool('prepend') ?? false;
    let batch: BatchInput | undefined;
    try {
      batch = readBatch(body.obj.batch);
    } catch (err) {
      if (!(err instanceof ValidationFailure)) throw err;
      body.errors.push(...err.errors);
    }
    body.done();
    // The OpenAPI documents 201, but the real route sets no status code: 200.
    return json(queue.enqueue(ctx.param('queue_id'), batch!, prepend === true));
  });

  router.get(`${base}/list_all`, (ctx) => {
    const q = ctx.queryReader();
    const destination = q.str('destination');
    q.done();
    const items = store
      .inQueue(ctx.param('queue_id'))
      .filter((i) => destination === null || i.destination === destination)
      .sort((a, b) => b.priority - a.priority || a.item_id - b.item_id);
    return json(items.map(full));
  });

  router.get(`${base}/item_ids`, (ctx) => {
    const q = ctx.queryReader();
    const dir = q.enumValue('order_dir', ['ASC', 'DESC'] as const, 'DESC');
    q.done();
    const ids = store.itemIds(ctx.param('queue_id'), dir);
    return json({ item_ids: ids, total_count: ids.length });
  });

  const byIds = (ctx: RequestContext, ids: number[]) => {
    const queueId = ctx.param('queue_id');
    return ids.map((id) => store.get(id)).filter((i): i is QueueItemRecord => i !== undefined && i.queue_id === queueId);
  };

  router.post(`${base}/items_by_ids`, async (ctx) => {
    const body = await ctx.bodyReader();
    const ids = body.intList('item_ids', { maxItems: 1000 });
    body.done();
    return json(byIds(ctx, ids).map(full));
  });

  router.post(`${base}/item_summaries_by_ids`, async (ctx) => {
    const body = await ctx.bodyReader();
    const ids = body.intList('item_ids', { maxItems: 1000 });
    body.done();
    return json(byIds(ctx, ids).map(queueItemSummaryDTO));
  });

  // response_model_exclude_none=True on this route only.
  router.get(`${base}/i/{item_id}`, (ctx) => json(withoutNulls(full(item(ctx)))));

  router.delete(`${base}/i/{item_id}`, (ctx) => {
    queue.deleteItem(item(ctx));
    return json(null);
  });

  router.put(`${base}/i/{item_id}/cancel`, (ctx) => {
    const found = item(ctx);
    queue.cancel(found);
    return json(full(found));
  });

  router.get(`${base}/status`, (ctx) => json({ queue: queue.queueStatus(ctx.param('queue_id')), processor: queue.processorStatus() }));

  router.get(`${base}/b/{batch_id}/status`, (ctx) => json(queue.batchStatus(ctx.param('queue_id'), ctx.param('batch_id'))));

  router.get(`${base}/current`, (ctx) => {
    const current = queue.currentItem();
    return json(current && current.queue_id === ctx.param('queue_id') ? full(current) : null);
  });

  router.get(`${base}/next`, (ctx) => {
    const next = store.nextPending();
    return json(next && next.queue_id === ctx.param('queue_id') ? full(next) : null);
  });

  router.put(`${base}/cancel_by_batch_ids`, async (ctx) => {
    const body = await ctx.bodyReader();
    const batchIds = body.strList('batch_ids');
    body.done();
    return json({ canceled: queue.cancelByBatchIds(ctx.param('queue_id'), batchIds) });
  });

  router.put(`${base}/cancel_all_except_current`, (ctx) => json({ canceled: queue.cancelAllExceptCurrent(ctx.param('queue_id')) }));

  // The body is the bare list (one non-embedded `Body` parameter in FastAPI).
  router.put(`${base}/retry_items_by_id`, async (ctx) => {
    const body = await ctx.jsonBody();
    if (body === undefined) throw new ValidationFailure([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
    if (!Array.isArray(body))
      throw new ValidationFailure([{ type: 'list_type', loc: ['body'], msg: 'Input should be a valid list', input: body }]);
    const errors: ValidationErrorItem[] = [];
    body.forEach((value, i) => {
      const problem = intProblem(value);
      if (problem) errors.push({ type: problem.type, loc: ['body', i], msg: problem.msg, input: value });
    });
    if (errors.length > 0) throw new ValidationFailure(errors);
    const queueId = ctx.param('queue_id');
    const ids = body.map(Number);
    for (const id of ids) {
      const found = store.get(id);
      if (found && found.queue_id !== queueId) throw new HttpError(404, `Queue item with id ${id} not found in queue ${queueId}`);
    }
    return json({ queue_id: queueId, retried_item_ids: queue.retry(queueId, ids) });
  });

  router.put(`${base}/clear`, (ctx) => json({ deleted: queue.clear(ctx.param('queue_id')) }));
  router.put(`${base}/prune`, (ctx) => json({ deleted: queue.prune(ctx.param('queue_id')) }));
  router.put(`${base}/processor/pause`, () => json(queue.pause()));
  router.put(`${base}/processor/resume`, () => json(queue.resume()));
}
