/**
 * The seeded gallery generator: boards, images, queue history and models as plain records, with
 * no server code attached. The stand-in loads these into its store; a script that populates a real
 * InvokeAI server can upload the same images (`renderPng`) and replay stars and board moves.
 */
import { generateVideos, type VideoSeed } from './videos';
import { txt2imgGraph, workflowFor } from './graphs';
import { generateModels, modelRef, type ModelConfig, type ModelRef } from './models';
import { encodePng, renderPattern } from './png';
import { Rng } from './random';
import { parseSqliteTimestamp, sqliteTimestamp } from './timestamps';
import {
  ADJECTIVES,
  BOARD_NAMES,
  FAILURES,
  LIGHTING,
  NEGATIVE,
  QUALITY,
  QUEUE_ORIGINS,
  SCHEDULERS,
  SETTINGS,
  STYLES,
  SUBJECTS,
} from './words';

export type ImageCategory = 'general' | 'mask' | 'control' | 'user' | 'other';
export type ImageOrigin = 'internal' | 'external';
export type QueueStatus = 'pending' | 'in_progress' | 'waiting' | 'completed' | 'failed' | 'canceled';

/** The core metadata InvokeAI writes into generated images (`invokeai_metadata` chunk). */
export interface GenerationMetadata {
  generation_mode: string;
  positive_prompt: string;
  negative_prompt: string;
  width: number;
  height: number;
  seed: number;
  model: ModelRef;
  steps: number;
  cfg_scale: number;
  scheduler: string;
  /** On about a fifth of the images whose model's base has a LoRA installed. */
  loras?: { model: ModelRef; weight: number }[];
}

export interface BoardSeed {
  board_id: string;
  board_name: string;
  created_at: string;
  updated_at: string;
  archived: boolean;
  board_visibility: 'private' | 'shared' | 'public';
}

/** What image and video seeds share: their DTOs' common fields, and the generation metadata. */
export interface RecordSeed {
  width: number;
  height: number;
  created_at: string;
  updated_at: string;
  is_intermediate: boolean;
  starred: boolean;
  /** null = Uncategorized. */
  board_id: string | null;
  session_id: string | null;
  node_id: string | null;
  /** The DTO flag: true when the record carries a workflow or a graph (every generated image has a graph). */
  has_workflow: boolean;
  metadata: GenerationMetadata | null;
}

export interface ImageSeed extends RecordSeed {
  image_name: string;
  image_origin: ImageOrigin;
  image_category: ImageCategory;
  /** Whether a saved-workflow document is embedded too (`invokeai_workflow`). */
  embeds_workflow: boolean;
  /** Drives the pixels `renderPng` draws. */
  pixel_seed: number;
}

export interface NodeFieldValue {
  node_path: string;
  field_name: string;
  value: string | number;
}

export interface QueueItemSeed {
  item_id: number;
  batch_id: string;
  status: QueueStatus;
  priority: number;
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
  field_values: NodeFieldValue[] | null;
  /** What the job was asked to make; its session graph is built from this. */
  params: GenerationMetadata;
  /** For completed items: the image it made (`ImageDTO.session_id` matches). */
  output_image: string | null;
  /** The prepared id of the node that made `output_image` (`ImageDTO.node_id`). */
  output_node_id: string | null;
  /** Pending and running items load an existing image, a job the stand-in can run without models. */
  input_image: string | null;
}

export interface GalleryOptions {
  seed?: number;
  images?: number;
  queueItems?: number;
  boards?: number;
  /** The newest timestamp in the data (epoch ms). Fixed by default so runs are identical. */
  anchor?: number;
  /** How far back the history reaches, in days. */
  spanDays?: number;
  /** Seeded videos (default 0, so the image-only figures stay as they were). */
  videos?: number;
}

export interface Gallery {
  seed: number;
  boards: BoardSeed[];
  /** Oldest first. */
  images: ImageSeed[];
  /** By item_id (oldest first). */
  queueItems: QueueItemSeed[];
  models: ModelConfig[];
  /** Oldest first; empty unless `videos` was asked for. */
  videos: VideoSeed[];
}

export const DEFAULT_ANCHOR = Date.UTC(2026, 7, 19, 12, 0, 0);

const SIZES: readonly (readonly [readonly [number, number], number])[] = [
  [[512, 512], 5],
  [[384, 512], 3],
  [[512, 384], 3],
  [[288, 512], 2],
  [[512, 288], 2],
  [[448, 448], 2],
  [[320, 448], 1],
  [[448, 320], 1],
  [[256, 256], 1],
  [[384, 384], 1],
];

const CATEGORIES: readonly (readonly [ImageCategory, number])[] = [
  ['general', 82],
  ['user', 7],
  ['control', 5],
  ['mask', 4],
  ['other', 2],
];

const GENERATION_MODES: Record<string, string> = {
  'sd-1': 'txt2img',
  sdxl: 'sdxl_txt2img',
  flux: 'flux_txt2img',
  flux2: 'flux2_txt2img',
  'sd-3': 'sd3_txt2img',
};

function prompt(rng: Rng): string {
  const parts = [`${rng.pick(ADJECTIVES)} ${rng.pick(SUBJECTS)} ${rng.pick(SETTINGS)}`, rng.pick(STYLES)];
  if (rng.chance(0.7)) parts.push(rng.pick(LIGHTING));
  const extras = rng.int(0, 3);
  for (let i = 0; i < extras; i++) parts.push(rng.pick(QUALITY));
  return [...new Set(parts)].join(', ');
}

function negativePrompt(rng: Rng): string {
  if (rng.chance(0.15)) return '';
  const count = rng.int(1, 5);
  return [...new Set(Array.from({ length: count }, () => rng.pick(NEGATIVE)))].join(', ');
}

export function generationParams(rng: Rng, mainModels: ModelConfig[], width: number, height: number): GenerationMetadata {
  const model = rng.pick(mainModels);
  const fast = model.base === 'flux' && model.variant === 'schnell';
  return {
    generation_mode: GENERATION_MODES[model.base] ?? 'txt2img',
    positive_prompt: prompt(rng),
    negative_prompt: negativePrompt(rng),
    width,
    height,
    seed: rng.uint32() & 0x7fffffff,
    model: modelRef(model),
    steps: fast ? 4 : rng.pick([20, 25, 30, 30, 35, 40, 50]),
    cfg_scale: fast ? 1 : rng.pick([3.5, 5, 6, 7, 7.5, 8]),
    scheduler: rng.pick(SCHEDULERS),
  };
}

function pythonTraceback(errorType: string, message: string, node: string): string {
  return [
    'Traceback (most recent call last):',
    '  File "/opt/invokeai/.venv/lib/python3.12/site-packages/invokeai/app/services/session_processor/session_processor_default.py", line 130, in run_node',
    '    output = invocation.invoke_internal(context=context, services=self._services)',
    '  File "/opt/invokeai/.venv/lib/python3.12/site-packages/invokeai/app/invocations/baseinvocation.py", line 244, in invoke_internal',
    '    output = self.invoke(context)',
    `  File "/opt/invokeai/.venv/lib/python3.12/site-packages/invokeai/app/invocations/${node}.py", line 88, in invoke`,
    `${errorType}: ${message}`,
    '',
  ].join('\n');
}

/**
 * Builds the whole gallery. Cost is linear in `images` + `queueItems`; 100k images take well
 * under a second or two and no pixels are made here (see `renderPng`).
 */
export function generateGallery(options: GalleryOptions = {}): Gallery {
  const seed = options.seed ?? 1;
  const imageCount = options.images ?? 2000;
  const queueCount = options.queueItems ?? 200;
  const anchor = options.anchor ?? DEFAULT_ANCHOR;
  const spanMs = (options.spanDays ?? 240) * 86_400_000;
  const models = generateModels();
  const mainModels = models.filter((m) => m.type === 'main');

  // Boards: one archived, created over the span, a few much bigger than others.
  const boardRng = Rng.stream(seed, 'boards');
  const boardCount = Math.min(options.boards ?? 12, BOARD_NAMES.length);
  const boards: BoardSeed[] = [];
  for (let i = 0; i < boardCount; i++) {
    const name = BOARD_NAMES[i]!;
    const created = anchor - spanMs + Math.floor(boardRng.next() * spanMs * 0.8);
    boards.push({
      board_id: boardRng.uuid(),
      board_name: name,
      created_at: sqliteTimestamp(created),
      updated_at: sqliteTimestamp(created),
      archived: name.includes('archived'),
      board_visibility: 'private',
    });
  }
  const boardWeights = boards.map((b, i) => [b.board_id, b.archived ? 1 : 1 + ((i * 7) % 5) * 2] as const);

  // Image times: bursts ("sessions" of 1-8 images a few seconds apart) spread over the span.
  const timeRng = Rng.stream(seed, 'times');
  const times: number[] = [];
  while (times.length < imageCount) {
    const start = anchor - Math.floor(timeRng.next() * spanMs);
    const burst = timeRng.int(1, 8);
    let t = start;
    for (let i = 0; i < burst && times.length < imageCount; i++) {
      times.push(Math.min(t, anchor));
      t += timeRng.int(2_000, 9_000);
    }
  }
  times.sort((a, b) => a - b);

  const imageRng = Rng.stream(seed, 'images');
  const images: ImageSeed[] = times.map((t) => {
    const category = imageRng.weighted(CATEGORIES);
    const [width, height] = imageRng.weighted(SIZES);
    const origin: ImageOrigin = category === 'user' || (category === 'general' && imageRng.chance(0.04)) ? 'external' : 'internal';
    const generated = origin === 'internal' && category === 'general';
    const intermediate = origin === 'internal' && category !== 'general' ? imageRng.chance(0.25) : imageRng.chance(0.015);
    const metadata =
      generated || (origin === 'external' && imageRng.chance(0.3)) ? generationParams(imageRng, mainModels, width, height) : null;
    const onBoard = !intermediate && imageRng.chance(0.72);
    const created = sqliteTimestamp(t);
    const starred = !intermediate && imageRng.chance(0.05);
    return {
      image_name: `${imageRng.uuid()}.png`,
      image_origin: origin,
      image_category: category,
      width,
      height,
      created_at: created,
      // Starring after creation moved updated_at (a trigger does that on the real server).
      updated_at: starred ? sqliteTimestamp(Math.min(anchor, t + imageRng.int(60_000, 86_400_000))) : created,
      is_intermediate: intermediate,
      starred,
      board_id: onBoard ? imageRng.weighted(boardWeights) : null,
      session_id: origin === 'internal' ? imageRng.uuid() : null,
      node_id: origin === 'internal' ? imageRng.uuid() : null,
      has_workflow: generated,
      embeds_workflow: generated && imageRng.chance(0.12),
      metadata,
      pixel_seed: imageRng.uint32(),
    };
  });

  // LoRAs come from a stream of their own, so every other seeded value stays as it was.
  const loraRng = Rng.stream(seed, 'loras');
  const loras = models.filter((m) => m.type === 'lora');
  for (const image of images) {
    const fitting = loras.filter((lora) => lora.base === image.metadata?.model.base);
    if (!image.metadata || fitting.length === 0 || !loraRng.chance(0.2)) continue;
    image.metadata.loras = [{ model: modelRef(loraRng.pick(fitting)), weight: loraRng.pick([0.5, 0.75, 1]) }];
  }

  const videos = generateVideos({
    seed,
    count: options.videos ?? 0,
    boards,
    anchor,
    spanMs,
    params: (rng, width, height) => generationParams(rng, mainModels, width, height),
  });
  return { seed, boards, images, queueItems: generateQueue(seed, queueCount, images, mainModels, anchor), models, videos };
}

/**
 * Queue history, newest last: completed items own the most recent generated images (older history
 * was pruned, as on a long-running server), failed and canceled ones sit between them, and the
 * newest few are still pending or running.
 */
function generateQueue(seed: number, count: number, images: ImageSeed[], mainModels: ModelConfig[], anchor: number): QueueItemSeed[] {
  const rng = Rng.stream(seed, 'queue');
  const active = Math.min(count, 4); // one running + three pending, the newest items
  const terminal = count - active;
  const generated = images.filter((i) => i.image_origin === 'internal' && i.image_category === 'general' && i.metadata);
  const items: QueueItemSeed[] = [];
  let outputPool = generated.length - 1;
  let clock = anchor - 1;
  // Walk backwards in time from the newest terminal item.
  const terminalItems: Omit<QueueItemSeed, 'item_id' | 'batch_id' | 'origin' | 'destination' | 'field_values'>[] = [];
  for (let i = 0; i < terminal; i++) {
    const status = rng.weighted<QueueStatus>([
      ['completed', 85],
      ['failed', 8],
      ['canceled', 7],
    ]);
    const output = status === 'completed' && outputPool >= 0 ? generated[outputPool--] : undefined;
    const finishedMs = output ? parseSqliteTimestamp(output.created_at) : clock - rng.int(5_000, 600_000);
    clock = Math.min(clock, finishedMs);
    const runMs = rng.int(2_000, 40_000);
    const waitMs = rng.int(10, 20_000);
    const startedMs = finishedMs - runMs;
    const createdMs = startedMs - waitMs;
    clock = Math.min(clock, createdMs);
    const params = output?.metadata ?? generationParams(rng, mainModels, 512, 512);
    const session_id = output?.session_id ?? rng.uuid();
    const failure = status === 'failed' ? rng.pick(FAILURES) : null;
    terminalItems.push({
      status,
      priority: 0,
      session_id,
      error_type: failure?.[0] ?? null,
      error_message: failure?.[1] ?? null,
      error_traceback: failure ? pythonTraceback(failure[0], failure[1], 'denoise_latents') : null,
      created_at: sqliteTimestamp(createdMs),
      updated_at: sqliteTimestamp(finishedMs),
      // A job canceled while waiting never started.
      started_at: status === 'canceled' && rng.chance(0.5) ? null : sqliteTimestamp(startedMs),
      completed_at: sqliteTimestamp(finishedMs),
      params,
      output_image: output?.image_name ?? null,
      output_node_id: output?.node_id ?? null,
      input_image: null,
    });
  }
  terminalItems.reverse();

  const inputImage = generated[generated.length - 1]?.image_name ?? images[images.length - 1]?.image_name ?? null;
  const activeItems = Array.from({ length: active }, (_, i) => {
    const createdMs = anchor - (active - i) * 1_000;
    const status: QueueStatus = i === 0 ? 'in_progress' : 'pending';
    return {
      status,
      priority: 0,
      session_id: rng.uuid(),
      error_type: null,
      error_message: null,
      error_traceback: null,
      created_at: sqliteTimestamp(createdMs),
      updated_at: sqliteTimestamp(i === 0 ? anchor : createdMs),
      started_at: i === 0 ? sqliteTimestamp(anchor) : null,
      completed_at: null,
      params: generationParams(rng, mainModels, 512, 512),
      output_image: null,
      output_node_id: null,
      input_image: inputImage,
    };
  });

  // Group consecutive items into batches of 1-4 runs that share an origin.
  let itemId = 1;
  const all = [...terminalItems, ...activeItems];
  for (let i = 0; i < all.length;) {
    const size = Math.min(rng.int(1, 4), all.length - i);
    const batch_id = rng.uuid();
    const [origin, destination] = rng.pick(QUEUE_ORIGINS);
    const seeded = size > 1 && rng.chance(0.5);
    for (let j = 0; j < size; j++, i++) {
      const base = all[i]!;
      items.push({
        ...base,
        item_id: itemId++,
        batch_id,
        origin,
        destination,
        field_values: seeded ? [{ node_path: 'noise', field_name: 'seed', value: base.params.seed }] : null,
      });
    }
  }
  return items;
}

/**
 * The PNG file of one image: the seeded pattern at its real size, with the `invokeai_metadata`
 * (and, when it has one, `invokeai_workflow` and `invokeai_graph`) text chunks InvokeAI writes.
 */
export function renderPng(image: ImageSeed): Buffer {
  const text: Record<string, string> = {};
  if (image.metadata) text.invokeai_metadata = JSON.stringify(image.metadata);
  const graph = imageGraph(image);
  if (graph) text.invokeai_graph = graph;
  const workflow = imageWorkflow(image);
  if (workflow) text.invokeai_workflow = workflow;
  return encodePng(renderPattern(image.width, image.height, image.pixel_seed), text);
}

/** The stringified source graph that generated an image, or null for uploads and assets. */
export function imageGraph(image: Pick<ImageSeed, 'session_id' | 'metadata' | 'image_origin'>): string | null {
  if (image.image_origin !== 'internal' || !image.session_id || !image.metadata) return null;
  return JSON.stringify(txt2imgGraph(image.session_id, image.metadata));
}

/** The stringified workflow of an image that embeds one. */
export function imageWorkflow(image: Pick<ImageSeed, 'session_id' | 'metadata' | 'embeds_workflow'>): string | null {
  if (!image.embeds_workflow || !image.session_id || !image.metadata) return null;
  return JSON.stringify(workflowFor(txt2imgGraph(image.session_id, image.metadata), `${image.metadata.model.name} text to image`));
}
