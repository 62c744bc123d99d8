import { InvokeClient, describeApiError } from './api';
import { isCorruptionError } from './cache-recovery';
import { AppError, describeError } from './errors';
import type { Handlers } from './ipc/dispatch';
import { parseMediaUrl, readMedia, type MediaKind, type MediaResult } from './media';
import { ServerSession } from './session';
import { SettingsStore, type TokenStore } from './settings/settings';
import { MEDIA_SCHEME } from './window/security';
import type { EventName, EventPayload, IpcError } from '../shared/ipc';

export type { TokenStore } from './settings/settings';

/**
 * Builds every service of the app from a config. Electron (desktop.ts), the test host and the
 * command line all call this one function, so the UI's tests run the real services, without the
 * Electron binary.
 */
export interface AppServicesConfig {
  /** The app's data folder: settings.json, and the cache unless settings move it. */
  rootDir: string;
  tokens: TokenStore;
  /** Overrides the saved server address (the test host, the CLI, the demo). */
  serverUrl?: string;
  /** Where the renderer finds media; the `ivk-media:` scheme by default. */
  mediaBase?: { thumbnails: string; images: string };
  /** Session timing, for tests that cannot wait a minute for a timer. */
  syncIntervalMs?: number;
  probeIntervalMs?: number;
}

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

export interface AppServices {
  handlers: Handlers;
  describeError(error: unknown): IpcError;
  onEvent(listener: Listener): () => void;
  media: {
    get(kind: MediaKind, name: string): Promise<MediaResult>;
    fromUrl(url: string): Promise<MediaResult>;
  };
  /** The current server's session (the CLI and tests reach the cache and sync through it). */
  session(): ServerSession;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function createAppServices(config: AppServicesConfig): Promise<AppServices> {
  const settings = new SettingsStore(config.rootDir, config.serverUrl ? { server_url: config.serverUrl } : {});
  const listeners = new Set<Listener>();
  const emit: Listener = (event, payload) => listeners.forEach((listener) => listener(event, payload));
  const mediaBase = config.mediaBase ?? { thumbnails: `${MEDIA_SCHEME}://thumbnails/`, images: `${MEDIA_SCHEME}://images/` };

  const openSession = (damaged: string | null = null): ServerSession => {
    const opened: ServerSession = new ServerSession({
      serverUrl: settings.get().server_url,
      cacheDir: settings.cacheDir,
      getToken: () => config.tokens.get(),
      setToken: (token) => config.tokens.set(token),
      emit,
      damaged,
      onCacheDamaged: (reason) => void rebuildCache(opened, reason),
      ...(config.syncIntervalMs ? { syncIntervalMs: config.syncIntervalMs } : {}),
      ...(config.probeIntervalMs ? { probeIntervalMs: config.probeIntervalMs } : {}),
    });
    return opened;
  };
  let session = openSession();
  let started = false;

  /**
   * The cache file of a running session turned out damaged: that session closes, and a new one
   * moves the file aside and rebuilds the cache from the server (see cache-recovery.ts).
   */
  async function rebuildCache(damagedSession: ServerSession, reason: string): Promise<void> {
    if (damagedSession !== session) return;
    await damagedSession.stop();
    if (damagedSession !== session) return;
    session = openSession(reason);
    if (started) await session.start();
    emit('gallery.changed', { images: true, boards: true, jobs: true });
  }

  /** A new server address is a new session with its own cache; the old one stays on disk. */
  async function switchServer(): Promise<void> {
    await session.stop();
    session = openSession();
    if (started) await session.start();
    emit('gallery.changed', { images: true, boards: true, jobs: true });
  }

  const settingsView = () => ({
    server_url: settings.get().server_url,
    has_token: config.tokens.get() !== null,
    cache_dir: settings.cacheDir,
  });

  const handlers: Handlers = {
    'app.status': () => session.status(),
    'app.mediaBase': () => mediaBase,
    'settings.get': settingsView,
    async 'settings.update'(input) {
      if (input.token !== undefined) config.tokens.set(input.token);
      if (input.server_url !== undefined && input.server_url !== settings.get().server_url) {
        settings.update({ server_url: input.server_url });
        await switchServer();
      } else if (input.token !== undefined) {
        void session.probe();
      }
      return settingsView();
    },
    async 'settings.testConnection'(input) {
      try {
        const client = new InvokeClient({ baseUrl: input.server_url, getToken: () => config.tokens.get(), retry: { retries: 0 } });
        const version = await client.version({ timeoutMs: 5_000 });
        return { ok: true, version, message: `Connected to InvokeAI ${version}.` };
      } catch (error) {
        return { ok: false, version: null, message: describeApiError(error) };
      }
    },
    'cache.stats': () => session.cache.cacheStats(),
    async 'cache.clear'() {
      await session.cache.clear();
      emit('gallery.changed', { images: true, boards: true, jobs: true });
      session.requestSync();
      return { ok: true };
    },
    'sync.now'() {
      session.requestSync();
      return { ok: true };
    },
    'boards.list': (input) => session.cache.boardList(input.include_archived),
    async 'boards.create'(input) {
      const boardId = await session.actions.createBoard(input.name);
      const board = session.cache.boardList(true).boards.find((candidate) => candidate.board_id === boardId);
      if (!board) throw new AppError('conflict', `The board "${input.name}" could not be created.`);
      return board;
    },
    async 'boards.rename'(input) {
      await session.actions.perform({ kind: 'board.rename', board_id: input.board_id, name: input.name });
      return { ok: true };
    },
    async 'boards.archive'(input) {
      await session.actions.perform({ kind: 'board.archive', board_id: input.board_id, archived: input.archived });
      return { ok: true };
    },
    async 'boards.delete'(input) {
      await session.actions.perform({ kind: 'board.delete', board_id: input.board_id, include_images: input.include_images });
      return { ok: true };
    },
    'images.page': (input) => session.cache.pageImages(input.query, input.offset, input.limit),
    'images.names': (input) => session.cache.listImages(input.query, input.offset, input.limit).map((image) => image.image_name),
    async 'images.details'(input) {
      const details = session.cache.imageDetails(input.image_name);
      if (!details) throw new AppError('not_found', `The image ${input.image_name} is not in the cache.`);
      if (details.metadata_loaded || !session.isOnline) return details;
      // Someone is looking at it and the background backfill has not reached it yet: one request
      // now, so the viewer shows the prompt instead of waiting for its turn. Offline, or if the
      // server fails, the cached details are the answer and the backfill stays in charge.
      try {
        const json = await session.api.imageMetadata(input.image_name, { timeoutMs: 5_000 });
        session.cache.writeMetadata([{ image_name: input.image_name, json }]);
        return session.cache.imageDetails(input.image_name) ?? details;
      } catch (error) {
        session.noteFailure(error);
        session.sync.prioritizeMetadata([input.image_name]);
        return details;
      }
    },
    async 'images.star'(input) {
      await session.actions.perform({ kind: 'star', image_names: input.image_names, starred: input.starred });
      return { ok: true };
    },
    async 'images.move'(input) {
      await session.actions.perform({ kind: 'move', image_names: input.image_names, board: input.board === 'none' ? null : input.board });
      return { ok: true };
    },
    async 'images.delete'(input) {
      await session.actions.perform({ kind: 'delete', image_names: input.image_names });
      return { ok: true };
    },
    'jobs.page': (input) => session.cache.pageJobs(input),
    'jobs.outputs': (input) => session.cache.jobOutputs(input.job_id),
    async 'jobs.cancel'(input) {
      const itemId = Number(input.job_id);
      if (!Number.isSafeInteger(itemId)) throw new AppError('invalid_input', `Not a job id: ${input.job_id}`);
      await session.actions.perform({ kind: 'job.cancel', item_id: itemId });
      return { ok: true };
    },
    'uploads.start': (input) => session.uploads.start(input),
    'uploads.list': () => session.uploads.list(),
  };

  return {
    handlers,
    describeError(error) {
      if (isCorruptionError(error)) {
        session.cacheDamaged(error instanceof Error ? error.message : String(error));
        return { code: 'internal', message: 'The local cache is damaged and is being rebuilt from the server. Try again in a moment.' };
      }
      return describeError(error);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    media: {
      get: (kind, name) => readMedia(session, kind, name),
      async fromUrl(url) {
        const parsed = parseMediaUrl(url);
        if (!parsed) return { ok: false, status: 400, reason: 'Not a media address' };
        return readMedia(session, parsed.kind, parsed.name);
      },
    },
    session: () => session,
    async start() {
      started = true;
      await session.start();
    },
    async stop() {
      started = false;
      await session.stop();
    },
  };
}
