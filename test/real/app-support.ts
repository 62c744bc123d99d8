import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect } from 'vitest';
import { dispatch } from '../../src/main/ipc/dispatch';
import { createAppServices, type AppServices } from '../../src/main/services';
import type { Cache } from '../../src/main/cache';
import type { ServerSession } from '../../src/main/session';
import { memoryTokens } from '../../src/main/settings/settings';
import { parseServerTime } from '../../src/shared/invokeai';
import type { EventName, GalleryQuery, InvokeChannel, InvokeInput, InvokeOutput } from '../../src/shared/ipc';
import { ASSET_CATEGORIES, jobStatusFromWire, type ImageCategory, type JobStatus } from '../../src/shared/models';
import { Api } from '../contract/harness';
import { imageItems } from '../support/gallery-items';

/**
 * What the app-against-the-real-server suites share: the server's own view of its gallery (read
 * through its API, never through the app), the same view read from the app's cache, one exact
 * comparison of the two, and the app's services opened the way Electron opens them.
 */
export const REAL_URL = (process.env.CONTRACT_BASE_URL ?? '').replace(/\/+$/, '');
export const onRealServer = process.env.CONTRACT_SERVER === 'real' && REAL_URL !== '';

/** A tag for board names and prompts, so a test finds its own data among everyone's. */
export const appTag = () => `app${randomBytes(4).toString('hex')}`;

export const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };
const EVERYTHING = 1_000_000;

export interface ImageFacts {
  image_name: string;
  board_id: string | null;
  image_category: ImageCategory;
  starred: boolean;
  width: number | null;
  height: number | null;
  /** ms since the epoch */
  created_at: number | null;
  updated_at: number | null;
  session_id: string | null;
  node_id: string | null;
  image_url: string | null;
  thumbnail_url: string | null;
}

export interface BoardFacts {
  board_id: string;
  board_name: string;
  archived: boolean;
  image_count: number;
  asset_count: number;
  cover_image_name: string | null;
  created_at: number | null;
}

export interface Counts {
  image_count: number;
  asset_count: number;
  /** Videos (6.14) are counted apart, as the server's board DTOs count them. */
  video_count: number;
}

export interface JobFacts {
  item_id: number;
  status: JobStatus;
  batch_id: string | null;
  session_id: string | null;
  error: string | null;
  created_at: number | null;
}

export interface Gallery {
  images: ImageFacts[];
  boards: BoardFacts[];
  all: Counts;
  uncategorized: Counts;
  jobs: JobFacts[];
}

const ASSETS = new Set<string>(ASSET_CATEGORIES);

/** A server timestamp (`2026-11-26 08:53:43.032`, UTC) in ms since the epoch. */
const ms = (value: string | null | undefined) => (value ? (parseServerTime(value)?.getTime() ?? null) : null);

function countsOf(images: readonly ImageFacts[], videoCount: number): Counts {
  const assets = images.filter((image) => ASSETS.has(image.image_category)).length;
  return { image_count: images.length - assets, asset_count: assets, video_count: videoCount };
}

async function ok(res: Promise<{ status: number; text: string; json: any }>, what: string): Promise<any> {
  const answer = await res;
  if (answer.status !== 200) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  return answer.json;
}

/** Every visible (non-intermediate) image, board and queue item, as the server itself lists them. */
export async function serverGallery(api: Api): Promise<Gallery> {
  const { image_names: names } = await ok(api.get('/api/v1/images/names', { is_intermediate: false }), 'image names');
  const dtos: any[] = [];
  for (let start = 0; start < names.length; start += 1000) {
    dtos.push(
      ...(await ok(api.post('/api/v1/images/images_by_names', { image_names: names.slice(start, start + 1000) }), 'images_by_names')),
    );
  }
  const images: ImageFacts[] = dtos.map((dto) => ({
    image_name: dto.image_name,
    board_id: dto.board_id ?? null,
    image_category: dto.image_category,
    starred: dto.starred,
    width: dto.width,
    height: dto.height,
    created_at: ms(dto.created_at),
    updated_at: ms(dto.updated_at),
    session_id: dto.session_id ?? null,
    node_id: dto.node_id ?? null,
    image_url: dto.image_url,
    thumbnail_url: dto.thumbnail_url,
  }));
  const boardDtos: any[] = await ok(api.get('/api/v1/boards/', { all: true, include_archived: true }), 'boards');
  const boards: BoardFacts[] = boardDtos.map((board) => ({
    board_id: board.board_id,
    board_name: board.board_name,
    archived: board.archived,
    image_count: board.image_count,
    asset_count: board.asset_count,
    cover_image_name: board.cover_image_name ?? null,
    created_at: ms(board.created_at),
  }));
  // The server counts Uncategorized itself: asked separately, not derived from the list above.
  const loose = async (categories: readonly string[]) =>
    (await ok(api.get('/api/v1/images/', { board_id: 'none', is_intermediate: false, categories, limit: 0 }), 'uncategorized'))
      .total as number;
  const videos = async (query: Record<string, string | boolean>) =>
    (await ok(api.get('/api/v1/videos/names', { is_intermediate: false, ...query }), 'video names')).total_count as number;
  const uncategorized = {
    image_count: await loose(['general']),
    asset_count: await loose(ASSET_CATEGORIES),
    video_count: await videos({ board_id: 'none' }),
  };

  const { item_ids: ids } = await ok(api.get('/api/v1/queue/default/item_ids'), 'queue item ids');
  const items: any[] = [];
  for (let start = 0; start < ids.length; start += 1000) {
    items.push(...(await ok(api.post('/api/v1/queue/default/items_by_ids', { item_ids: ids.slice(start, start + 1000) }), 'items_by_ids')));
  }
  const jobs: JobFacts[] = items.map((item) => ({
    item_id: item.item_id,
    status: jobStatusFromWire(item.status),
    batch_id: item.batch_id ?? null,
    session_id: item.session_id ?? null,
    error: [item.error_type, item.error_message].filter(Boolean).join(': ') || null,
    created_at: ms(item.created_at),
  }));
  return { images, boards, all: countsOf(images, await videos({})), uncategorized, jobs };
}

/** The same view, from the app's cache alone (what the UI would show). */
export function cacheGallery(cache: Cache): Gallery {
  const images: ImageFacts[] = imageItems(cache.listImages(ALL, 0, EVERYTHING)).map((image) => ({
    image_name: image.image_name,
    board_id: image.board_id,
    image_category: image.image_category,
    starred: image.starred,
    width: image.width,
    height: image.height,
    created_at: image.created_at instanceof Date ? image.created_at.getTime() : null,
    updated_at: image.updated_at instanceof Date ? image.updated_at.getTime() : null,
    session_id: image.session_id,
    node_id: image.node_id,
    image_url: image.image_url,
    thumbnail_url: image.thumbnail_url,
  }));
  const list = cache.boardList(true);
  const boards: BoardFacts[] = list.boards.map((board) => ({
    board_id: board.board_id,
    board_name: board.board_name,
    archived: board.archived,
    image_count: board.image_count,
    asset_count: board.asset_count,
    cover_image_name: board.cover_image_name,
    created_at: board.created_at?.getTime() ?? null,
  }));
  const jobs: JobFacts[] = cache.pageJobs({ statuses: [], offset: 0, limit: EVERYTHING }).items.map((job) => ({
    item_id: Number(job.id),
    status: job.status,
    batch_id: (job.metadata.batch_id as string | undefined) ?? null,
    session_id: (job.metadata.session_id as string | undefined) ?? null,
    error: job.error,
    created_at: job.created_at?.getTime() ?? null,
  }));
  return { images, boards, all: list.all, uncategorized: list.uncategorized, jobs };
}

const byName = <T extends { image_name: string }>(list: readonly T[]) => [...list].sort((a, b) => a.image_name.localeCompare(b.image_name));
const byBoard = <T extends { board_id: string }>(list: readonly T[]) => [...list].sort((a, b) => a.board_id.localeCompare(b.board_id));
const byItem = <T extends { item_id: number }>(list: readonly T[]) => [...list].sort((a, b) => a.item_id - b.item_id);

/**
 * The cache holds exactly what the server lists: every image with its board, star, category,
 * size, times, session and URLs; every board with its counts and cover; every job with its mapped
 * status.
 */
export function expectSameGallery(cached: Gallery, server: Gallery): void {
  expect(cached.images.length, 'image count').toBe(server.images.length);
  expect(byName(cached.images), 'images (name, board, category, star, size, times, session, urls)').toEqual(byName(server.images));
  expect(byBoard(cached.boards), 'boards (name, archived, counts, cover, created)').toEqual(byBoard(server.boards));
  expect(cached.uncategorized, 'Uncategorized counts').toEqual(server.uncategorized);
  expect(cached.all, 'All images counts').toEqual(server.all);
  expect(byItem(cached.jobs), 'jobs (id, status, batch, session, error, created)').toEqual(byItem(server.jobs));
}

/** Every order the gallery offers is the server's order: newest, oldest, starred first; boards newest first. */
export async function expectSameOrder(cache: Cache, api: Api): Promise<void> {
  const serverNames = async (query: Record<string, string | boolean>) =>
    (await ok(api.get('/api/v1/images/names', { is_intermediate: false, ...query }), 'image names')).image_names as string[];
  const cacheNames = (query: Partial<GalleryQuery>) =>
    imageItems(cache.listImages({ ...ALL, ...query }, 0, EVERYTHING)).map((image) => image.image_name);
  expect(cacheNames({ order: 'newest' }), 'newest first').toEqual(await serverNames({ order_dir: 'DESC', starred_first: false }));
  expect(cacheNames({ order: 'oldest' }), 'oldest first').toEqual(await serverNames({ order_dir: 'ASC', starred_first: false }));
  expect(cacheNames({ order: 'newest', starredFirst: true }), 'starred first').toEqual(
    await serverNames({ order_dir: 'DESC', starred_first: true }),
  );
  const boards: { board_id: string }[] = await ok(api.get('/api/v1/boards/', { all: true, include_archived: true }), 'boards');
  expect(
    cache.boardList(true).boards.map((board) => board.board_id),
    'boards',
  ).toEqual(boards.map((board) => board.board_id));
}

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
}

/** The app's services on a data folder of their own, opened as Electron opens them. */
export interface App {
  services: AppServices;
  dataDir: string;
  events: RecordedEvent[];
  session(): ServerSession;
  call<C extends InvokeChannel>(channel: C, input: InvokeInput<C>): Promise<InvokeOutput<C>>;
  /** Stops the services; the data folder stays (a restart reuses it) until `remove`. */
  stop(): Promise<void>;
  remove(): void;
}

export interface OpenOptions {
  /** Reuse a data folder (a restart); a fresh temporary one otherwise. */
  dataDir?: string;
  /** Start the session (probe, socket, timers). Sync-only tests leave it off to drive sync by hand. */
  start?: boolean;
  probeIntervalMs?: number;
}

export async function openApp(serverUrl: string, options: OpenOptions = {}): Promise<App> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'ivk-real-app-'));
  const services = createAppServices({
    rootDir: dataDir,
    serverUrl,
    tokens: memoryTokens(),
    probeIntervalMs: options.probeIntervalMs ?? 250,
  });
  const events: RecordedEvent[] = [];
  services.onEvent((name, payload) => events.push({ name, payload }));
  if (options.start) await services.start();
  let stopped = false;
  return {
    services,
    dataDir,
    events,
    session: () => services.session(),
    async call(channel, input) {
      const envelope = await dispatch(services.handlers, channel, input, { describeError: services.describeError, validateOutputs: true });
      if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.code}: ${envelope.error.message}`);
      return envelope.value as never;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await services.stop();
    },
    remove() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` gives something truthy; the message says what never happened. */
export async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Online, with the socket subscribed and the first sync (which going online starts) finished. */
export async function whenOnline(app: App): Promise<void> {
  const session = app.session();
  await until('the app to go online with its socket connected', () => session.isOnline && session.events.state === 'connected');
  await session.sync.sync();
}

/** A real image file made with sharp. */
export async function writeImage(
  path: string,
  format: 'png' | 'jpeg',
  width: number,
  height: number,
  background = '#3a6ea5',
): Promise<string> {
  const image = sharp({ create: { width, height, channels: 3, background } });
  await (format === 'png' ? image.png() : image.jpeg({ quality: 85 })).toFile(path);
  return path;
}

/** Upload through the real API (behind the app's back), with a prompt carrying `prompt`. */
export async function uploadBehind(
  api: Api,
  opts: { prompt: string; category?: ImageCategory; boardId?: string; starred?: boolean },
): Promise<string> {
  const dto = await api.uploadOk({
    category: opts.category ?? 'general',
    ...(opts.boardId ? { boardId: opts.boardId } : {}),
    metadata: { positive_prompt: opts.prompt, seed: 1234, steps: 2 },
  });
  if (opts.starred) await ok(api.post('/api/v1/images/star', { image_names: [dto.image_name] }), 'star');
  return dto.image_name as string;
}

/** One image as the server describes it now; null once it is gone. */
export async function serverImage(api: Api, name: string): Promise<any> {
  const res = await api.get(`/api/v1/images/i/${encodeURIComponent(name)}`);
  if (res.status === 404) return null;
  if (res.status !== 200) throw new Error(`image ${name}: ${res.status} ${res.text.slice(0, 200)}`);
  return res.json;
}

/** Runs cleanups last-in first-out, all of them even if one fails. */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  add(step: () => unknown): void {
    this.steps.push(step);
  }
  /** Stops the app, then removes its data folder, when the test ends; answers the app. */
  app(app: App): App {
    this.add(() => app.remove());
    this.add(() => app.stop());
    return app;
  }
  async run(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length) throw errors[0];
  }
}
