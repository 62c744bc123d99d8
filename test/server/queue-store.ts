/**
 * The session queue's records. Seeded history keeps only its generation parameters; the heavy
 * `session` (graph, execution graph, results) is built when a client asks for the item.
 */
import { randomUUID } from 'node:crypto';
import type { NodeFieldValue, QueueItemSeed, QueueStatus } from './data/gallery';
import { imagePassthroughGraph, txt2imgGraph, type Graph, type GraphNode } from './data/graphs';
import { Rng } from './data/random';
import { nowTimestamp } from './data/timestamps';
import { JOB_DEVICE, SYSTEM_DISPLAY_NAME, SYSTEM_EMAIL, SYSTEM_USER_ID } from './identity';
import type { Direction } from './store';

export const TERMINAL: readonly QueueStatus[] = ['completed', 'failed', 'canceled'];
const DEFAULT_QUEUE = 'default';

/** InvokeAI's GraphExecutionState, the `session` of a queue item. */
export interface SessionState {
  id: string;
  graph: Graph;
  execution_graph: Graph;
  executed: string[];
  executed_history: string[];
  results: Record<string, Record<string, unknown>>;
  errors: Record<string, string>;
  workflow_call_stack: unknown[];
  workflow_call_history: unknown[];
  workflow_call_parent: null;
  waiting_workflow_call: null;
  waiting_workflow_call_execution: null;
  waiting_workflow_call_child_session: null;
  max_workflow_call_depth: number;
  prepared_source_mapping: Record<string, string>;
  source_prepared_mapping: Record<string, string[]>;
  prepared_iteration_paths: Record<string, number[]>;
  ready_order: string[];
  indegree: Record<string, number>;
}

export interface QueueItemRecord {
  item_id: number;
  queue_id: string;
  status: QueueStatus;
  status_sequence: number;
  priority: number;
  batch_id: string;
  origin: string | null;
  destination: string | null;
  session_id: string;
  error_type: string | null;
  error_message: string | null;
  error_traceback: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
  user_id: string;
  field_values: NodeFieldValue[] | null;
  workflow: Record<string, unknown> | null;
  /** The item this one is a retry of (`retry_items_by_id`), else null. */
  retried_from_item_id: number | null;
  /** Built lazily for seeded items, kept live for items the processor runs. */
  session: SessionState | undefined;
  seed: QueueItemSeed | undefined;
}

export function emptySession(id: string, graph: Graph): SessionState {
  return {
    id,
    graph,
    execution_graph: { id: randomUUID(), nodes: {}, edges: [] },
    executed: [],
    executed_history: [],
    results: {},
    errors: {},
    workflow_call_stack: [],
    workflow_call_history: [],
    workflow_call_parent: null,
    waiting_workflow_call: null,
    waiting_workflow_call_execution: null,
    waiting_workflow_call_child_session: null,
    max_workflow_call_depth: 4,
    prepared_source_mapping: {},
    source_prepared_mapping: {},
    prepared_iteration_paths: {},
    ready_order: [],
    indegree: {},
  };
}

/** Adds a prepared copy of a source node to the execution graph and returns it. */
export function prepareNode(session: SessionState, source: GraphNode, preparedId: string = randomUUID()): GraphNode {
  const prepared: GraphNode = { ...source, id: preparedId };
  session.execution_graph.nodes[preparedId] = prepared;
  session.prepared_source_mapping[preparedId] = source.id;
  session.prepared_iteration_paths[preparedId] = [];
  session.indegree[preparedId] = 0;
  (session.source_prepared_mapping[source.id] ??= []).push(preparedId);
  return prepared;
}

/** The session of a seeded item, consistent with its status and its output image. */
function seededSession(seed: QueueItemSeed): SessionState {
  const rng = Rng.stream(seed.item_id, `session:${seed.session_id}`);
  if (seed.input_image) return emptySession(seed.session_id, imagePassthroughGraph(seed.session_id, seed.input_image));
  const graph = txt2imgGraph(seed.session_id, seed.params);
  const session = emptySession(seed.session_id, graph);
  session.execution_graph.id = rng.uuid();
  const nodes = Object.values(graph.nodes);
  const decode = nodes.find((n) => n.type === 'l2i');
  // How far the job got: all nodes, up to the failing denoise, or part-way when canceled.
  const ran = seed.status === 'completed' ? nodes.length : seed.status === 'failed' ? 5 : seed.started_at ? 3 : 0;
  nodes.slice(0, ran).forEach((node, index) => {
    const isDecode = node === decode && seed.output_node_id !== null;
    const prepared = prepareNode(session, node, isDecode ? seed.output_node_id! : rng.uuid());
    if (seed.status === 'failed' && index === ran - 1) {
      session.errors[prepared.id] = `${seed.error_type}: ${seed.error_message}`;
      return;
    }
    session.executed.push(prepared.id, node.id);
    session.executed_history.push(node.id);
    if (isDecode && seed.output_image) {
      session.results[prepared.id] = {
        type: 'image_output',
        image: { image_name: seed.output_image },
        width: seed.params.width,
        height: seed.params.height,
        output_meta: null,
      };
    }
  });
  return session;
}

export function itemFromSeed(seed: QueueItemSeed): QueueItemRecord {
  const steps = seed.status === 'pending' ? 0 : seed.status === 'in_progress' ? 1 : seed.started_at ? 2 : 1;
  return {
    item_id: seed.item_id,
    queue_id: DEFAULT_QUEUE,
    status: seed.status,
    status_sequence: steps,
    priority: seed.priority,
    batch_id: seed.batch_id,
    origin: seed.origin,
    destination: seed.destination,
    session_id: seed.session_id,
    error_type: seed.error_type,
    error_message: seed.error_message,
    error_traceback: seed.error_traceback,
    created_at: seed.created_at,
    updated_at: seed.updated_at,
    started_at: seed.started_at,
    completed_at: seed.completed_at,
    user_id: SYSTEM_USER_ID,
    field_values: seed.field_values,
    workflow: null,
    retried_from_item_id: null,
    session: undefined,
    seed,
  };
}

export class QueueStore {
  readonly items = new Map<number, QueueItemRecord>();
  private nextId = 1;

  constructor(seeds: readonly QueueItemSeed[] = []) {
    for (const seed of seeds) {
      this.items.set(seed.item_id, itemFromSeed(seed));
      this.nextId = Math.max(this.nextId, seed.item_id + 1);
    }
  }

  get(id: number): QueueItemRecord | undefined {
    return this.items.get(id);
  }

  sessionOf(item: QueueItemRecord): SessionState {
    if (!item.session)
      item.session = item.seed ? seededSession(item.seed) : emptySession(item.session_id, { id: randomUUID(), nodes: {}, edges: [] });
    return item.session;
  }

  add(
    fields: Pick<QueueItemRecord, 'queue_id' | 'priority' | 'batch_id' | 'origin' | 'destination' | 'field_values' | 'workflow'>,
    graph: Graph,
    retriedFrom: number | null = null,
  ): QueueItemRecord {
    const now = nowTimestamp();
    const session_id = randomUUID();
    const item: QueueItemRecord = {
      ...fields,
      retried_from_item_id: retriedFrom,
      item_id: this.nextId++,
      status: 'pending',
      status_sequence: 0,
      session_id,
      error_type: null,
      error_message: null,
      error_traceback: null,
      created_at: now,
      updated_at: now,
      started_at: null,
      completed_at: null,
      user_id: SYSTEM_USER_ID,
      session: emptySession(session_id, graph),
      seed: undefined,
    };
    this.items.set(item.item_id, item);
    return item;
  }

  /** Moves an item to a new status, with the timestamps the real triggers set. */
  setStatus(item: QueueItemRecord, status: QueueStatus, error?: { type: string; message: string; traceback: string }): void {
    const now = nowTimestamp();
    item.status = status;
    item.status_sequence++;
    item.updated_at = now;
    if (status === 'in_progress') item.started_at = now;
    if (TERMINAL.includes(status)) item.completed_at = now;
    if (error) {
      item.error_type = error.type;
      item.error_message = error.message;
      item.error_traceback = error.traceback;
    }
  }

  inQueue(queueId: string): QueueItemRecord[] {
    return [...this.items.values()].filter((i) => i.queue_id === queueId);
  }

  /** Pending items in the order the processor takes them: priority DESC, item_id ASC. */
  nextPending(): QueueItemRecord | undefined {
    let best: QueueItemRecord | undefined;
    for (const item of this.items.values()) {
      if (item.status !== 'pending') continue;
      if (!best || item.priority > best.priority || (item.priority === best.priority && item.item_id < best.item_id)) best = item;
    }
    return best;
  }

  /** By created_at in `dir`; items of one batch share it and keep insertion order (SQLite's). */
  itemIds(queueId: string, dir: Direction): number[] {
    const sign = dir === 'ASC' ? 1 : -1;
    return this.inQueue(queueId)
      .sort((a, b) => (a.created_at === b.created_at ? a.item_id - b.item_id : (a.created_at < b.created_at ? -1 : 1) * sign))
      .map((i) => i.item_id);
  }

  maxPriority(queueId: string): number {
    let max = 0;
    for (const item of this.items.values()) if (item.queue_id === queueId && item.status === 'pending') max = Math.max(max, item.priority);
    return max;
  }

  delete(ids: Iterable<number>): number {
    let n = 0;
    for (const id of ids) if (this.items.delete(id)) n++;
    return n;
  }
}

export interface StatusCounts {
  pending: number;
  in_progress: number;
  waiting: number;
  completed: number;
  failed: number;
  canceled: number;
  total: number;
}

export function countStatuses(items: Iterable<QueueItemRecord>): StatusCounts {
  const counts: StatusCounts = { pending: 0, in_progress: 0, waiting: 0, completed: 0, failed: 0, canceled: 0, total: 0 };
  for (const item of items) {
    counts[item.status]++;
    counts.total++;
  }
  return counts;
}

// ---------------------------------------------------------------- DTOs

export function queueItemDTO(item: QueueItemRecord, session: SessionState): Record<string, unknown> {
  return {
    item_id: item.item_id,
    status: item.status,
    status_sequence: item.status_sequence,
    priority: item.priority,
    batch_id: item.batch_id,
    origin: item.origin,
    destination: item.destination,
    session_id: item.session_id,
    error_type: item.error_type,
    error_message: item.error_message,
    error_traceback: item.error_traceback,
    created_at: item.created_at,
    updated_at: item.updated_at,
    started_at: item.started_at,
    completed_at: item.completed_at,
    queue_id: item.queue_id,
    user_id: item.user_id,
    user_display_name: SYSTEM_DISPLAY_NAME,
    user_email: SYSTEM_EMAIL,
    field_values: item.field_values ?? [],
    retried_from_item_id: item.retried_from_item_id,
    device: item.started_at ? JOB_DEVICE : null,
    workflow_call_id: null,
    parent_item_id: null,
    parent_session_id: null,
    root_item_id: null,
    workflow_call_depth: null,
    session,
    workflow: item.workflow,
  };
}

export function queueItemSummaryDTO(item: QueueItemRecord): Record<string, unknown> {
  return {
    item_id: item.item_id,
    created_at: item.created_at,
    status: item.status,
    device: item.started_at ? JOB_DEVICE : null,
    started_at: item.started_at,
    completed_at: item.completed_at,
    origin: item.origin,
    destination: item.destination,
    batch_id: item.batch_id,
    user_id: item.user_id,
    user_display_name: SYSTEM_DISPLAY_NAME,
    user_email: SYSTEM_EMAIL,
    field_values: item.field_values ?? [],
    parent_item_id: null,
  };
}

/** A deep copy without null fields, as `response_model_exclude_none=True` serialises. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}
