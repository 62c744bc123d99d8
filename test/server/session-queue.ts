/**
 * The session queue and its processor: enqueue, cancel, clear, and one worker that runs items one
 * at a time, emitting the events of NOTES §13 in the real order. It runs the two model-free graphs
 * the real server can run without models: `blank_image` (makes a real PNG in the gallery) and
 * `image` (loads an existing image, or fails with "Image record not found").
 */
import sharp from 'sharp';
import type { NodeFieldValue, QueueStatus } from './data/gallery';
import { topologicalOrder, type Graph, type GraphNode } from './data/graphs';
import type { EventHub, QueueSnapshot } from './events';
import { countStatuses, prepareNode, QueueStore, TERMINAL, type QueueItemRecord } from './queue-store';
import type { GalleryStore } from './store';

export interface ProcessorOptions {
  /** Milliseconds between progress events of a running node. */
  stepMs: number;
  /** Progress events a `blank_image` node sends. */
  progressSteps: number;
  /** Start with the processor paused. */
  paused: boolean;
}

export interface BatchDatum {
  node_path: string;
  field_name: string;
  items: unknown[];
}

export interface BatchInput {
  batch_id: string;
  origin: string | null;
  destination: string | null;
  data: BatchDatum[][] | null;
  graph: Graph;
  workflow: Record<string, unknown> | null;
  runs: number;
}

class NodeFailure extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly traceback: string,
  ) {
    super(errorMessage);
  }
}

class Canceled extends Error {}

const SITE = '/opt/invokeai/.venv/lib/python3.12/site-packages/invokeai';

function traceback(frames: [string, number, string, string][], errorType: string, qualified: string, message: string): string {
  const lines = ['Traceback (most recent call last):'];
  for (const [file, line, fn, code] of frames) lines.push(`  File "${SITE}/${file}", line ${line}, in ${fn}`, `    ${code}`);
  lines.push(`${qualified}${errorType}: ${message}`, '');
  return lines.join('\n');
}

const RUN_NODE_FRAME: [string, number, string, string] = [
  'app/services/session_processor/session_processor_default.py',
  278,
  'run_node',
  'output = invocation.invoke_internal(context=context, services=self._services)',
];
const INVOKE_FRAME: [string, number, string, string] = [
  'app/invocations/baseinvocation.py',
  248,
  'invoke_internal',
  'output = self.invoke(context)',
];

/**
 * Node fields with the defaults pydantic fills in, in the schema's field order (which is how the
 * real server echoes them), for the node types the stand-in runs.
 */
const NODE_DEFAULTS: Record<string, Record<string, unknown>> = {
  blank_image: {
    board: null,
    metadata: null,
    id: '',
    is_intermediate: false,
    use_cache: true,
    width: 512,
    height: 512,
    mode: 'RGB',
    color: { r: 0, g: 0, b: 0, a: 255 },
    type: 'blank_image',
  },
  image: { id: '', is_intermediate: false, use_cache: true, image: null, type: 'image' },
};

function withDefaults(node: GraphNode): GraphNode {
  const defaults = NODE_DEFAULTS[node.type];
  return defaults ? { ...defaults, ...node } : node;
}

export function normalizeGraph(graph: Graph): Graph {
  return {
    id: graph.id,
    nodes: Object.fromEntries(Object.entries(graph.nodes).map(([k, n]) => [k, withDefaults(n)])),
    edges: graph.edges,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `node_cache_size` of the real config. */
const CACHE_SIZE = 512;

/** The node's fields without its id, in a stable order. */
function invocationCacheKey(node: GraphNode): string {
  const { id: _id, ...fields } = node;
  return JSON.stringify(
    Object.keys(fields)
      .sort()
      .map((k) => [k, fields[k]]),
  );
}

export class SessionQueue {
  readonly store: QueueStore;
  private paused: boolean;
  private current: QueueItemRecord | null = null;
  private scheduled = false;
  private stopped = false;
  private readonly cache = new Map<string, Record<string, unknown>>();

  constructor(
    store: QueueStore,
    private readonly gallery: GalleryStore,
    private readonly events: EventHub,
    readonly options: ProcessorOptions,
  ) {
    this.store = store;
    this.paused = options.paused;
    // A seeded running item is adopted as the current job, then pending ones follow.
    const running = [...store.items.values()].find((i) => i.status === 'in_progress');
    if (running) this.current = running;
  }

  /** Starts (or resumes) work; called after every change that may make work available. */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.work();
    });
  }

  private running = false;

  private async work(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      for (;;) {
        if (this.stopped) return;
        const item = this.current ?? (this.paused ? undefined : this.store.nextPending());
        if (!item) return;
        this.current = item;
        await this.run(item);
        this.current = null;
      }
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.stopped = true;
  }

  // ------------------------------------------------------------------ status

  processorStatus(): { is_started: boolean; is_processing: boolean } {
    return { is_started: !this.paused, is_processing: this.current !== null };
  }

  pause(): { is_started: boolean; is_processing: boolean } {
    this.paused = true;
    return this.processorStatus();
  }

  resume(): { is_started: boolean; is_processing: boolean } {
    this.paused = false;
    this.kick();
    return this.processorStatus();
  }

  queueStatus(queueId: string): Record<string, unknown> {
    const current = this.current && this.current.queue_id === queueId ? this.current : null;
    const counts = countStatuses(this.store.inQueue(queueId));
    return {
      queue_id: queueId,
      item_id: current?.item_id ?? null,
      batch_id: current?.batch_id ?? null,
      session_id: current?.session_id ?? null,
      ...counts,
      // Single-user mode still fills the per-user counters (everything is the system user's).
      user_pending: counts.pending,
      user_in_progress: counts.in_progress,
    };
  }

  batchStatus(queueId: string, batchId: string): QueueSnapshot['batchStatus'] {
    const items = this.store.inQueue(queueId).filter((i) => i.batch_id === batchId);
    return {
      queue_id: queueId,
      batch_id: batchId,
      origin: items[0]?.origin ?? null,
      destination: items[0]?.destination ?? null,
      ...countStatuses(items),
    };
  }

  private changeStatus(item: QueueItemRecord, status: QueueStatus, error?: { type: string; message: string; traceback: string }): void {
    this.store.setStatus(item, status, error);
    this.events.queueItemStatusChanged(item, {
      batchStatus: this.batchStatus(item.queue_id, item.batch_id),
      queueStatus: this.queueStatus(item.queue_id),
    });
  }

  // ----------------------------------------------------------------- enqueue

  enqueue(queueId: string, batch: BatchInput, prepend: boolean): Record<string, unknown> {
    const priority = prepend ? this.store.maxPriority(queueId) + 1 : 0;
    const graph = normalizeGraph(batch.graph);
    const runs = expandBatch(batch.data, graph);
    const items: QueueItemRecord[] = [];
    for (let run = 0; run < batch.runs; run++) {
      for (const { graph: itemGraph, fieldValues } of runs) {
        items.push(
          this.store.add(
            {
              queue_id: queueId,
              priority,
              batch_id: batch.batch_id,
              origin: batch.origin,
              destination: batch.destination,
              field_values: fieldValues,
              workflow: batch.workflow,
            },
            itemGraph,
          ),
        );
      }
    }
    this.events.batchEnqueued(queueId, batch, items.length, items.length, priority);
    this.kick();
    return {
      queue_id: queueId,
      enqueued: items.length,
      requested: items.length,
      batch: { ...batch, graph },
      priority,
      // Newest first, as the real server lists them.
      item_ids: items.map((i) => i.item_id).reverse(),
    };
  }

  // ------------------------------------------------------------------ cancel

  /** Cancels one item. Terminal items stay as they are, with no event. */
  cancel(item: QueueItemRecord): void {
    if (TERMINAL.includes(item.status)) return;
    this.changeStatus(item, 'canceled');
  }

  cancelByBatchIds(queueId: string, batchIds: readonly string[]): number {
    const wanted = new Set(batchIds);
    const hit = this.store.inQueue(queueId).filter((i) => wanted.has(i.batch_id) && !TERMINAL.includes(i.status));
    return this.cancelMany(queueId, hit);
  }

  /**
   * Cancels every pending or waiting item; the running one goes on. The real server sends one
   * `queue_items_canceled` (even for none) and no per-item status events.
   */
  cancelAllExceptCurrent(queueId: string): number {
    const hit = this.store.inQueue(queueId).filter((i) => i.status === 'pending' || i.status === 'waiting');
    for (const item of hit) this.store.setStatus(item, 'canceled');
    this.events.queueItemsCanceled(
      queueId,
      hit.map((i) => i.item_id),
    );
    return hit.length;
  }

  /**
   * Enqueues a fresh copy of each failed or cancelled item (same batch, priority, origin,
   * destination, field values and graph, a new session), remembering which item it retries.
   * Other statuses and unknown ids are skipped. Answers the ids retried, not the copies' ids.
   */
  retry(queueId: string, itemIds: readonly number[]): number[] {
    const retried: number[] = [];
    for (const id of new Set(itemIds)) {
      const item = this.store.get(id);
      if (!item || item.queue_id !== queueId || (item.status !== 'failed' && item.status !== 'canceled')) continue;
      const { queue_id, priority, batch_id, origin, destination, field_values, workflow } = item;
      const graph = this.store.sessionOf(item).graph;
      this.store.add(
        { queue_id, priority, batch_id, origin, destination, field_values, workflow },
        structuredClone(graph),
        item.retried_from_item_id ?? item.item_id,
      );
      retried.push(id);
    }
    this.events.queueItemsRetried(queueId, retried);
    this.kick();
    return retried;
  }

  /** A status event for each running item first, then one `queue_items_canceled` for the pending ones. */
  private cancelMany(queueId: string, items: QueueItemRecord[]): number {
    for (const item of items) if (item.status === 'in_progress') this.changeStatus(item, 'canceled');
    const pending = items.filter((i) => i.status !== 'canceled');
    for (const item of pending) this.store.setStatus(item, 'canceled');
    if (pending.length > 0)
      this.events.queueItemsCanceled(
        queueId,
        pending.map((i) => i.item_id),
      );
    return items.length;
  }

  clear(queueId: string): number {
    if (this.current && this.current.queue_id === queueId) this.cancel(this.current);
    const ids = this.store.inQueue(queueId).map((i) => i.item_id);
    const deleted = this.store.delete(ids);
    this.events.queueCleared(queueId);
    return deleted;
  }

  prune(queueId: string): number {
    return this.store.delete(
      this.store
        .inQueue(queueId)
        .filter((i) => TERMINAL.includes(i.status))
        .map((i) => i.item_id),
    );
  }

  deleteItem(item: QueueItemRecord): void {
    this.cancel(item);
    this.store.delete([item.item_id]);
  }

  currentItem(): QueueItemRecord | null {
    return this.current;
  }

  // --------------------------------------------------------------------- run

  private isCanceled(item: QueueItemRecord): boolean {
    return item.status === 'canceled' || !this.store.items.has(item.item_id) || this.stopped;
  }

  private async run(item: QueueItemRecord): Promise<void> {
    if (item.status === 'pending') this.changeStatus(item, 'in_progress');
    const session = this.store.sessionOf(item);
    const outputs = new Map<string, Record<string, unknown>>();
    for (const source of topologicalOrder(session.graph)) {
      if (this.isCanceled(item)) return;
      const inputs: GraphNode = { ...source };
      for (const edge of session.graph.edges) {
        if (edge.destination.node_id !== source.id) continue;
        const value = outputs.get(edge.source.node_id)?.[edge.source.field];
        if (value !== undefined) inputs[edge.destination.field] = value;
      }
      const prepared = prepareNode(session, withDefaults(inputs));
      this.events.invocationStarted(item, prepared, source.id);
      const cacheKey = prepared.use_cache === false ? null : invocationCacheKey(prepared);
      let result: Record<string, unknown>;
      try {
        result = (cacheKey && this.cachedOutput(cacheKey)) || (await this.invoke(item, prepared, source.id));
      } catch (err) {
        if (err instanceof Canceled || this.isCanceled(item)) return;
        const failure =
          err instanceof NodeFailure
            ? err
            : new NodeFailure(
                err instanceof Error ? err.name : 'Exception',
                String(err),
                traceback([RUN_NODE_FRAME], 'Exception', '', String(err)),
              );
        session.errors[prepared.id] = `${failure.errorType}: ${failure.errorMessage}`;
        const error = { type: failure.errorType, message: failure.errorMessage, traceback: failure.traceback };
        // The real order: the item is failed first, then the node's error event goes out.
        this.changeStatus(item, 'failed', error);
        this.events.invocationError(item, prepared, source.id, error);
        return;
      }
      if (cacheKey) this.remember(cacheKey, result);
      // A cancel does not interrupt a node that is saving its image: it finishes and reports,
      // and only then does the session stop (the real server does the same).
      outputs.set(source.id, result);
      session.results[prepared.id] = result;
      session.executed.push(prepared.id, source.id);
      session.executed_history.push(source.id);
      this.events.invocationComplete(item, prepared, source.id, result);
      if (this.isCanceled(item)) return;
    }
    if (!this.isCanceled(item) && !TERMINAL.includes(item.status)) this.changeStatus(item, 'completed');
  }

  /**
   * The invocation cache: a node with `use_cache` and the same fields as an earlier run reuses its
   * output (no progress, no new image), unless that output's image has since been deleted.
   */
  private cachedOutput(key: string): Record<string, unknown> | undefined {
    const output = this.cache.get(key);
    const image = (output?.image as { image_name?: string } | undefined)?.image_name;
    if (output && image !== undefined && !this.gallery.getImage(image)) {
      this.cache.delete(key);
      return undefined;
    }
    return output;
  }

  private remember(key: string, output: Record<string, unknown>): void {
    this.cache.delete(key);
    this.cache.set(key, output);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  private async invoke(item: QueueItemRecord, node: GraphNode, sourceId: string): Promise<Record<string, unknown>> {
    if (node.type === 'blank_image') return this.blankImage(item, node, sourceId);
    if (node.type === 'image') return this.loadImage(node);
    if (node.type === 'video_concat') return this.concatVideos(item, node);
    throw new NodeFailure(
      'NotImplementedError',
      `The InvokeAI stand-in cannot run '${node.type}' nodes (only blank_image, image and video_concat)`,
      traceback([RUN_NODE_FRAME, INVOKE_FRAME], 'NotImplementedError', '', `The InvokeAI stand-in cannot run '${node.type}' nodes`),
    );
  }

  private loadImage(node: GraphNode): Record<string, unknown> {
    const field = node.image as { image_name?: unknown } | null;
    const name = typeof field?.image_name === 'string' ? field.image_name : '';
    const record = this.gallery.getImage(name);
    if (!record) {
      throw new NodeFailure(
        'ImageRecordNotFoundException',
        'Image record not found',
        traceback(
          [
            RUN_NODE_FRAME,
            INVOKE_FRAME,
            ['app/invocations/primitives.py', 280, 'invoke', 'image_dto = context.images.get_dto(self.image.image_name)'],
            ['app/services/shared/invocation_context.py', 318, 'get_dto', 'return self._services.images.get_dto(image_name)'],
            [
              'app/services/images/images_default.py',
              251,
              'get_dto',
              'image_record = self.__invoker.services.image_records.get(image_name)',
            ],
            ['app/services/image_records/image_records_sqlite.py', 54, 'get', 'raise ImageRecordNotFoundException'],
          ],
          'ImageRecordNotFoundException',
          'invokeai.app.services.image_records.image_records_common.',
          'Image record not found',
        ),
      );
    }
    return {
      type: 'image_output',
      image: { image_name: record.image_name },
      width: record.width,
      height: record.height,
      output_meta: null,
    };
  }

  /**
   * 6.14.2's Concatenate Videos with a `cut` (the one video node that needs no model): a new video
   * as long as its inputs together, at the first one's size and frame rate (or the node's `fps`).
   * The stand-in's video is rendered from a seed rather than spliced; its DTO and event match.
   */
  private concatVideos(item: QueueItemRecord, node: GraphNode): Record<string, unknown> {
    const refs = Array.isArray(node.videos) ? (node.videos as { video_name?: unknown }[]) : [];
    const inputs = refs.map((ref) => this.gallery.videos.get(typeof ref?.video_name === 'string' ? ref.video_name : ''));
    const fail = (message: string) =>
      new NodeFailure('ValueError', message, traceback([RUN_NODE_FRAME, INVOKE_FRAME], 'ValueError', '', message));
    if (inputs.length < 2) throw fail('video_concat requires at least two input videos.');
    const present = inputs.filter((video) => video !== undefined);
    if (present.length < inputs.length) throw fail('Video record not found');
    const first = present[0]!;
    if (present.some((video) => video.width !== first.width || video.height !== first.height)) {
      throw fail('All inputs must share the same dimensions. Re-render at a single resolution before concatenating.');
    }
    const fps = typeof node.fps === 'number' ? node.fps : (first.fps ?? 16);
    const duration = present.reduce((sum, video) => sum + video.duration, 0);
    const wanted = (node.board as { board_id?: unknown } | null)?.board_id;
    const record = this.gallery.videos.add({
      video_origin: 'internal',
      video_category: 'general',
      width: first.width,
      height: first.height,
      duration,
      fps,
      is_intermediate: node.is_intermediate === true,
      board_id: typeof wanted === 'string' && this.gallery.getBoard(wanted) ? wanted : null,
      session_id: item.session_id,
      metadata: node.metadata && typeof node.metadata === 'object' ? JSON.stringify(node.metadata) : null,
      source: { kind: 'seed', colour_seed: item.item_id },
      user_id: item.user_id,
    });
    // As `context.videos.save` records it: the node that made it.
    record.node_id = node.id;
    return {
      type: 'video_output',
      video: { video_name: record.video_name },
      width: record.width,
      height: record.height,
      num_frames: Math.round(duration * fps),
      fps,
      duration,
      output_meta: null,
    };
  }

  private async blankImage(item: QueueItemRecord, node: GraphNode, sourceId: string): Promise<Record<string, unknown>> {
    const width = Math.max(1, Math.trunc(Number(node.width) || 512));
    const height = Math.max(1, Math.trunc(Number(node.height) || 512));
    const c = (node.color ?? {}) as Partial<Record<'r' | 'g' | 'b' | 'a', number>>;
    const color = { r: c.r ?? 0, g: c.g ?? 0, b: c.b ?? 0, a: c.a ?? 255 };
    const mode = node.mode === 'RGBA' ? 'RGBA' : 'RGB';
    // A board that does not exist is ignored: the image lands in Uncategorized (as on 6.14.2).
    const wanted = (node.board as { board_id?: unknown } | null)?.board_id;
    const boardId = typeof wanted === 'string' && this.gallery.getBoard(wanted) ? wanted : null;
    // The real node sends one progress event ("Saving image", no percentage, no preview). More
    // steps, for demos, come before it with a percentage and a small preview.
    const steps = Math.max(1, this.options.progressSteps);
    const preview = steps > 1 ? await previewImage(width, height, color) : null;
    for (let step = 1; step <= steps; step++) {
      if (this.options.stepMs > 0) await sleep(this.options.stepMs);
      const last = step === steps;
      // Demo "generation" steps stop on a cancel, like denoising does; saving the image does not.
      if (!last && this.isCanceled(item)) throw new Canceled();
      this.events.invocationProgress(item, node, sourceId, {
        message: last ? 'Saving image' : `Generating (${step}/${steps - 1})`,
        percentage: last ? null : step / (steps - 1),
        image: last ? null : preview,
      });
    }
    const session = this.store.sessionOf(item);
    const record = this.gallery.addImage({
      image_origin: 'internal',
      image_category: 'general',
      width,
      height,
      is_intermediate: node.is_intermediate === true,
      board_id: boardId,
      session_id: item.session_id,
      node_id: node.id,
      metadata: node.metadata && typeof node.metadata === 'object' ? JSON.stringify(node.metadata) : null,
      workflow: item.workflow ? JSON.stringify(item.workflow) : null,
      graph: JSON.stringify(session.graph),
      source: { kind: 'solid', color, mode },
    });
    return { type: 'image_output', image: { image_name: record.image_name }, width, height, output_meta: null };
  }
}

/** A small JPEG of the job's colour, like the real denoise previews (a data URL). */
async function previewImage(width: number, height: number, { r, g, b }: { r: number; g: number; b: number }) {
  const scale = Math.min(1, 64 / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const jpeg = await sharp({ create: { width: w, height: h, channels: 3, background: { r, g, b } } })
    .jpeg()
    .toBuffer();
  return { width: w, height: h, dataURL: `data:image/jpeg;base64,${jpeg.toString('base64')}` };
}

/**
 * Expands `batch.data` into one graph per combination: lists inside a group are zipped, groups
 * are multiplied (InvokeAI's batch semantics).
 */
export function expandBatch(data: BatchDatum[][] | null, graph: Graph): { graph: Graph; fieldValues: NodeFieldValue[] | null }[] {
  if (!data || data.length === 0) return [{ graph, fieldValues: null }];
  let combos: NodeFieldValue[][] = [[]];
  for (const group of data) {
    const length = group[0]?.items.length ?? 0;
    const next: NodeFieldValue[][] = [];
    for (const combo of combos) {
      for (let i = 0; i < length; i++) {
        next.push([
          ...combo,
          ...group.map((d) => ({ node_path: d.node_path, field_name: d.field_name, value: d.items[i] as string | number })),
        ]);
      }
    }
    combos = next;
  }
  return combos.map((fieldValues) => {
    const nodes = structuredClone(graph.nodes);
    for (const fv of fieldValues) {
      const node = nodes[fv.node_path];
      if (node) node[fv.field_name] = fv.value;
    }
    return { graph: { ...graph, nodes }, fieldValues };
  });
}
