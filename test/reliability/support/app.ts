import { dispatch } from '../../../src/main/ipc/dispatch';
import { createAppServices, type AppServices } from '../../../src/main/services';
import { memoryTokens } from '../../../src/main/settings/settings';
import type { AppStatus, EventName, GalleryQuery, IpcEnvelope } from '../../../src/shared/ipc';
import type { StandIn } from '../../server';
import { imagesOnly } from '../../support/gallery-items';

/**
 * The app's real services against a stand-in, driven the way the renderer drives them: through
 * `dispatch` with the real handlers, events recorded as the renderer would receive them.
 */
export const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
}

export interface App {
  services: AppServices;
  events: RecordedEvent[];
  /** An IPC call through the real dispatch; throws with the error envelope's code and message. */
  call<T = unknown>(channel: string, input?: unknown): Promise<T>;
  /** The raw envelope, for calls that are expected to be refused. */
  envelope(channel: string, input?: unknown): Promise<IpcEnvelope<unknown>>;
  status(): Promise<AppStatus>;
  notices(level?: 'info' | 'warning' | 'error'): string[];
  stop(): Promise<void>;
}

export interface AppOptions {
  dataDir: string;
  serverUrl: string;
  token?: string | null;
  syncIntervalMs?: number;
  probeIntervalMs?: number;
  /** Start the services (probe, socket, timers) before returning; default true. */
  start?: boolean;
}

export async function openApp(options: AppOptions): Promise<App> {
  const services = createAppServices({
    rootDir: options.dataDir,
    serverUrl: options.serverUrl,
    tokens: memoryTokens(options.token ?? null),
    probeIntervalMs: options.probeIntervalMs ?? 100,
    ...(options.syncIntervalMs ? { syncIntervalMs: options.syncIntervalMs } : {}),
  });
  const events: RecordedEvent[] = [];
  services.onEvent((name, payload) => events.push({ name, payload }));
  const envelope = (channel: string, input: unknown = {}) =>
    dispatch(services.handlers, channel, input, { describeError: services.describeError, validateOutputs: true });
  const app: App = {
    services,
    events,
    envelope,
    async call<T>(channel: string, input: unknown = {}) {
      const result = await envelope(channel, input);
      if (!result.ok) throw new Error(`${channel} refused: ${result.error.code}: ${result.error.message}`);
      return result.value as T;
    },
    status: () => app.call<AppStatus>('app.status'),
    notices: (level) =>
      events
        .filter((event) => event.name === 'notice')
        .map((event) => event.payload as { level: string; message: string })
        .filter((notice) => level === undefined || notice.level === level)
        .map((notice) => notice.message),
    stop: () => services.stop(),
  };
  if (options.start ?? true) await services.start();
  return app;
}

/** Polls until `probe` answers truthy; fails with `what` (and the last state) after a bounded wait. */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 15_000,
  describe?: () => unknown,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      const state = describe ? `\nlast state: ${JSON.stringify(await describe(), null, 1)}` : '';
      throw new Error(`timed out waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What the gallery is, as the app shows it: image name -> board|starred|category; board id -> name|archived. */
export interface GalleryView {
  images: Map<string, string>;
  boards: Map<string, string>;
}

export function serverView(server: StandIn): GalleryView {
  const images = new Map<string, string>();
  for (const image of server.state.gallery.images.values()) {
    if (!image.is_intermediate) images.set(image.image_name, `${image.board_id ?? '-'}|${image.starred}|${image.image_category}`);
  }
  const boards = new Map<string, string>();
  for (const board of server.state.gallery.boards.values()) boards.set(board.board_id, `${board.board_name}|${board.archived}`);
  return { images, boards };
}

export function cacheView(services: AppServices): GalleryView {
  const { cache } = services.session();
  const images = new Map<string, string>();
  for (const image of imagesOnly(cache.listImages(ALL, 0, 1_000_000))) {
    images.set(image.image_name, `${image.board_id ?? '-'}|${image.starred}|${image.image_category}`);
  }
  const boards = new Map<string, string>();
  for (const board of cache.boardList(true).boards) boards.set(board.board_id, `${board.board_name}|${board.archived}`);
  return { images, boards };
}

/** Differences between the cache and the server, in words; empty when they agree. */
export function viewDiff(cache: GalleryView, server: GalleryView): string[] {
  const diff: string[] = [];
  for (const kind of ['images', 'boards'] as const) {
    for (const [key, value] of server[kind]) {
      const cached = cache[kind].get(key);
      if (cached === undefined) diff.push(`${kind}: ${key} missing from the cache`);
      else if (cached !== value) diff.push(`${kind}: ${key} is ${cached} in the cache, ${value} on the server`);
    }
    for (const key of cache[kind].keys()) if (!server[kind].has(key)) diff.push(`${kind}: ${key} only in the cache`);
  }
  return diff;
}

export function cacheDiff(services: AppServices, server: StandIn): string[] {
  return viewDiff(cacheView(services), serverView(server));
}

/** Waits until the cache holds exactly what the server holds. */
export async function converged(services: AppServices, server: StandIn, timeoutMs = 15_000): Promise<void> {
  await until(
    'the cache to equal the server',
    () => cacheDiff(services, server).length === 0,
    timeoutMs,
    () => cacheDiff(services, server).slice(0, 10),
  );
}
