import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  generateGallery,
  renderPng,
  type BoardSeed,
  type GenerationMetadata,
  type ImageCategory,
  type ImageSeed,
} from '../server/data/gallery';
import { writeEmbedding } from './safetensors';

export const POPULATE_SEED = 20261126;
export const POPULATE_IMAGES = 60;
export const CATEGORIES: ImageCategory[] = ['general', 'user', 'control', 'mask', 'other'];

export type PlannedJob =
  /** A blank_image graph carrying the generator's params as metadata; its image lands on `board_id`. */
  | { kind: 'completed'; board_id: string; params: GenerationMetadata; origin: string | null; destination: string | null }
  /** An `image` node naming a missing image: fails with "Image record not found". */
  | { kind: 'failed'; origin: string | null; destination: string | null }
  /** Enqueued while the processor is paused, then canceled by batch id. */
  | { kind: 'canceled'; origin: string | null; destination: string | null };

export interface PlannedEmbedding {
  name: string;
  base: 'sd-1' | 'sdxl';
  description: string | null;
}

/** What populate makes, computed without a server: the test of a populated server reads it too. */
export interface PopulatePlan {
  seed: number;
  /** Oldest first; board ids are the generator's, mapped to real ones when created. */
  boards: BoardSeed[];
  /** Oldest first, uploaded in this order. */
  images: ImageSeed[];
  jobs: PlannedJob[];
  embeddings: PlannedEmbedding[];
}

export interface PopulateSummary {
  seed: number;
  boards: number;
  archivedBoards: number;
  uploads: number;
  uploadsByCategory: Record<ImageCategory, number>;
  onBoards: number;
  uncategorized: number;
  intermediates: number;
  starred: number;
  completedJobs: number;
  failedJobs: number;
  canceledJobs: number;
  embeddings: string[];
  seconds: number;
}

/**
 * Makes sure a small gallery still has every category both on a board and in Uncategorized, an
 * intermediate and a few stars: the generator's weights leave these out at ~60 images. Deterministic.
 */
function ensureVariety(images: ImageSeed[], boardIds: string[]): void {
  let next = images.length - 1;
  const visible = () => images.filter((i) => !i.is_intermediate);
  for (const category of CATEGORIES) {
    for (const onBoard of [true, false]) {
      if (visible().some((i) => i.image_category === category && (i.board_id !== null) === onBoard)) continue;
      const image = images[next--]!;
      image.image_category = category;
      image.is_intermediate = false;
      image.board_id = onBoard ? boardIds[next % boardIds.length]! : null;
    }
  }
  // The oldest image becomes an intermediate control image if there is none, as canvas work leaves.
  if (!images.some((i) => i.is_intermediate) && images[0])
    Object.assign(images[0], { is_intermediate: true, image_category: 'control', board_id: null, starred: false });
  // A handful of stars, on boards and off, whatever the generator's 5% gave.
  for (let i = 3; images.filter((x) => x.starred).length < 5 && i < images.length; i += 11) {
    if (!images[i]!.is_intermediate) images[i]!.starred = true;
  }
}

/**
 * The populate plan for a seed, taken from the stand-in's seeded generator wherever the real API
 * can reproduce it: its boards (one archived), its images as uploads (their PNGs carry the
 * generator's invokeai_metadata), its stars, its queue history's statuses, origins and parameters,
 * and its embedding models by name and base.
 */
export function populatePlan(seed = POPULATE_SEED, imageCount = POPULATE_IMAGES): PopulatePlan {
  const gallery = generateGallery({ seed, images: imageCount, queueItems: 14, boards: 12 });
  const boards = [...gallery.boards].sort((a, b) => a.created_at.localeCompare(b.created_at));
  const activeBoards = boards.filter((b) => !b.archived).map((b) => b.board_id);
  ensureVariety(gallery.images, activeBoards);

  const terminal = gallery.queueItems.filter((q) => ['completed', 'failed', 'canceled'].includes(q.status));
  const of = (status: string) => terminal.filter((q) => q.status === status);
  const jobs: PlannedJob[] = of('completed')
    .slice(0, 8)
    .map((q, i) => ({
      kind: 'completed' as const,
      board_id: activeBoards[i % activeBoards.length]!,
      params: q.params,
      origin: q.origin,
      destination: q.destination,
    }));
  // At least two of each failing kind, whatever the generator's weights gave.
  for (let i = 0; i < Math.max(2, of('failed').length); i++) {
    const q = of('failed')[i];
    jobs.push({ kind: 'failed', origin: q?.origin ?? 'generation', destination: q?.destination ?? 'gallery' });
  }
  for (let i = 0; i < Math.max(2, of('canceled').length); i++) {
    const q = of('canceled')[i];
    jobs.push({ kind: 'canceled', origin: q?.origin ?? 'canvas', destination: q?.destination ?? 'canvas' });
  }

  const embeddings: PlannedEmbedding[] = [
    ...gallery.models
      .filter((m) => m.type === 'embedding' && (m.base === 'sd-1' || m.base === 'sdxl'))
      .map((m) => ({ name: m.name, base: m.base as 'sd-1' | 'sdxl', description: m.description })),
    { name: 'tiny-sdxl-style', base: 'sdxl', description: 'A two-vector SDXL style embedding' },
    { name: 'tiny-sd1-negative', base: 'sd-1', description: null },
  ];
  return { seed, boards, images: gallery.images, jobs, embeddings };
}

class Client {
  constructor(readonly url: string) {}
  async call(method: string, path: string, body?: unknown, form?: FormData): Promise<any> {
    const init: RequestInit = { method };
    if (form) init.body = form;
    else if (body !== undefined) {
      init.headers = { 'content-type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const res = await fetch(`${this.url}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`populate: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  }

  async until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`populate: ${what} did not finish in ${ms / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface PopulateOptions {
  /** The server's root folder: embedding files are written under it (installed in place). */
  root: string;
  seed?: number;
  images?: number;
  log?: (line: string) => void;
}

const TERMINAL = ['completed', 'failed', 'canceled'];

/** Fills a fresh real server through its own HTTP API with `populatePlan`. */
export async function populate(url: string, opts: PopulateOptions): Promise<PopulateSummary> {
  const started = Date.now();
  const log = opts.log ?? ((line: string) => console.error(line));
  const plan = populatePlan(opts.seed, opts.images);
  const api = new Client(url);

  // Boards and uploads oldest first, so the real created_at order follows the generator's.
  const boardIds = new Map<string, string>();
  for (const board of plan.boards) {
    const made = await api.call('POST', `/api/v1/boards/?board_name=${encodeURIComponent(board.board_name)}`);
    boardIds.set(board.board_id, made.board_id);
  }
  const uploaded = new Map<string, string>();
  for (const image of plan.images) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(renderPng(image))], { type: 'image/png' }), 'image.png');
    const query = new URLSearchParams({ image_category: image.image_category, is_intermediate: String(image.is_intermediate) });
    if (image.board_id) query.set('board_id', boardIds.get(image.board_id)!);
    const dto = await api.call('POST', `/api/v1/images/upload?${query.toString()}`, undefined, form);
    uploaded.set(image.image_name, dto.image_name);
  }
  const starred = plan.images.filter((i) => i.starred).map((i) => uploaded.get(i.image_name)!);
  if (starred.length) await api.call('POST', '/api/v1/images/star', { image_names: starred });
  const archived = plan.boards.filter((b) => b.archived);
  for (const board of archived) await api.call('PATCH', `/api/v1/boards/${boardIds.get(board.board_id)}`, { archived: true });
  log(`populate: ${plan.boards.length} boards (${archived.length} archived), ${uploaded.size} uploads, ${starred.length} starred`);

  const jobs = { completed: 0, failed: 0, canceled: 0 };
  const enqueue = async (node: Record<string, unknown>, job: PlannedJob) => {
    const res = await api.call('POST', '/api/v1/queue/default/enqueue_batch', {
      batch: { graph: { nodes: { [node.id as string]: node }, edges: [] }, runs: 1, origin: job.origin, destination: job.destination },
      prepend: false,
    });
    return res as { item_ids: number[]; batch: { batch_id: string } };
  };
  const finish = async (itemIds: number[]) => {
    for (const id of itemIds) {
      const item = await api.until(
        `queue item ${id}`,
        () => api.call('GET', `/api/v1/queue/default/i/${id}`),
        (i) => TERMINAL.includes(i.status),
      );
      jobs[item.status as keyof typeof jobs]++;
    }
  };
  for (const job of plan.jobs) {
    if (job.kind === 'completed') {
      const p = job.params;
      const node = {
        id: 'blank_image',
        type: 'blank_image',
        width: Math.round(p.width / 8),
        height: Math.round(p.height / 8),
        mode: 'RGB',
        color: { r: (p.seed >> 16) & 255, g: (p.seed >> 8) & 255, b: p.seed & 255, a: 255 },
        metadata: p,
        board: { board_id: boardIds.get(job.board_id) },
        is_intermediate: false,
        use_cache: false,
      };
      await finish((await enqueue(node, job)).item_ids);
    } else if (job.kind === 'failed') {
      const node = {
        id: 'load',
        type: 'image',
        image: { image_name: `populate-missing-${jobs.failed}.png` },
        is_intermediate: false,
        use_cache: false,
      };
      await finish((await enqueue(node, job)).item_ids);
    }
  }
  await api.call('PUT', '/api/v1/queue/default/processor/pause');
  try {
    const batches = [];
    for (const job of plan.jobs.filter((j) => j.kind === 'canceled')) {
      batches.push(
        await enqueue({ id: 'blank_image', type: 'blank_image', width: 32, height: 32, is_intermediate: false, use_cache: false }, job),
      );
    }
    await api.call('PUT', '/api/v1/queue/default/cancel_by_batch_ids', { batch_ids: batches.map((b) => b.batch.batch_id) });
    await finish(batches.flatMap((b) => b.item_ids));
  } finally {
    await api.call('PUT', '/api/v1/queue/default/processor/resume');
  }
  log(`populate: queue history ${jobs.completed} completed, ${jobs.failed} failed, ${jobs.canceled} canceled`);

  // Tiny embeddings, written under the root and installed in place (nothing is downloaded).
  const folder = join(opts.root, 'populate-embeddings');
  mkdirSync(folder, { recursive: true });
  const installs: number[] = [];
  for (const [i, e] of plan.embeddings.entries()) {
    const path = join(folder, `${e.name.replace(/[^A-Za-z0-9_-]+/g, '_')}.safetensors`);
    writeEmbedding(path, e.base, 2, plan.seed + i);
    const body: Record<string, string> = { name: e.name };
    if (e.description) body.description = e.description;
    installs.push((await api.call('POST', `/api/v2/models/install?source=${encodeURIComponent(path)}&inplace=true`, body)).id);
  }
  for (const id of installs) {
    const job = await api.until(
      `embedding install ${id}`,
      () => api.call('GET', `/api/v2/models/install/${id}`),
      (j) => ['completed', 'error', 'cancelled'].includes(j.status),
    );
    if (job.status !== 'completed')
      throw new Error(`populate: embedding install ${id} ended ${job.status}: ${job.error_reason ?? job.error}`);
  }

  const visible = plan.images.filter((i) => !i.is_intermediate);
  const summary: PopulateSummary = {
    seed: plan.seed,
    boards: plan.boards.length,
    archivedBoards: archived.length,
    uploads: uploaded.size,
    uploadsByCategory: Object.fromEntries(CATEGORIES.map((c) => [c, plan.images.filter((i) => i.image_category === c).length])) as Record<
      ImageCategory,
      number
    >,
    onBoards: plan.images.filter((i) => i.board_id).length,
    uncategorized: visible.filter((i) => !i.board_id).length,
    intermediates: plan.images.length - visible.length,
    starred: starred.length,
    completedJobs: jobs.completed,
    failedJobs: jobs.failed,
    canceledJobs: jobs.canceled,
    embeddings: plan.embeddings.map((e) => e.name),
    seconds: (Date.now() - started) / 1000,
  };
  log(`populate: ${plan.embeddings.length} embeddings installed; done in ${summary.seconds.toFixed(1)} s`);
  return summary;
}
