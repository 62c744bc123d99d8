import { rmSync } from 'node:fs';
import { refusalOf, viewerOfToken, type GuardedAction } from './account/access';
import { userIdOfToken } from './account/token-user';
import { accountServices } from './account/account';
import { InvokeClient, describeApiError } from './api';
import { isCorruptionError } from './cache-recovery';
import { AppError, describeError } from './errors';
import { exportServices } from './export';
import type { DesktopShell } from './handoff';
import type { Handlers } from './ipc/dispatch';
import { parseMediaUrl, readMedia, type MediaKind, type MediaResult } from './media';
import { ServerSession } from './session';
import { SettingsStore, type TokenStore } from './settings/settings';
import { MEDIA_SCHEME } from './window/security';
import { itemName, type EventName, type EventPayload, type IpcError } from '../shared/ipc';

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
  /** The Electron calls of drag out, copy, show and open (desktop.ts); absent in the test host and the CLI. */
  shell?: DesktopShell;
}

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

// describeError and media.fromUrl are handed on as plain functions (to dispatch, to the media scheme): they use no `this`.
export interface AppServices {
  handlers: Handlers;
  describeError: (error: unknown) => IpcError;
  onEvent(listener: Listener): () => void;
  media: {
    get(kind: MediaKind, name: string): Promise<MediaResult>;
    fromUrl: (url: string) => Promise<MediaResult>;
  };
  /** The current server's session (the CLI and tests reach the cache and sync through it). */
  session(): ServerSession;
  /** Exports of the current server (the CLI waits on them). */
  exports: ReturnType<typeof exportServices>['runner'];
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createAppServices(config: AppServicesConfig): AppServices {
  const settings = new SettingsStore(config.rootDir, config.serverUrl ? { server_url: config.serverUrl } : {});
  const listeners = new Set<Listener>();
  const emit: Listener = (event, payload) => listeners.forEach((listener) => listener(event, payload));
  const mediaBase = config.mediaBase ?? { thumbnails: `${MEDIA_SCHEME}://thumbnails/`, images: `${MEDIA_SCHEME}://images/` };

  /**
   * Whose cache the session holds: the user signed in through Settings, else the user a pasted
   * token names (so a pasted or expired token's data never lands in the cache without a user,
   * which anyone signed out would see), else none.
   */
  const currentUser = (): string | null => settings.userId ?? userIdOfToken(config.tokens.get());
  /** The user whose cache the open session holds (`currentUser` when it opened). */
  let sessionUser: string | null = null;
  const openSession = (damaged: string | null = null): ServerSession => {
    sessionUser = currentUser();
    const opened: ServerSession = new ServerSession({
      serverUrl: settings.get().server_url,
      userId: sessionUser,
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
  const exporting = exportServices({
    session: () => session,
    onProgress: (job) => emit('export.progress', job),
    shell: config.shell ?? null,
  });

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
    await exporting.stop(session);
    await session.stop();
    session = openSession();
    if (started) await session.start();
    emit('gallery.changed', { images: true, boards: true, jobs: true });
  }

  /** Signing in as someone else, or out: the session closes and the user's own cache opens. */
  async function switchUser(userId: string | null, options: { removeCache: boolean }): Promise<void> {
    const same = userId === sessionUser;
    settings.setUser(userId);
    if (same && !options.removeCache) {
      // Signed in again as the same user: what waited in their cache goes now.
      session.tokenChanged();
      return;
    }
    const closing = session;
    await exporting.stop(closing);
    await closing.stop();
    if (options.removeCache) rmSync(closing.cache.dir, { recursive: true, force: true });
    session = openSession();
    if (started) await session.start();
    emit('gallery.changed', { images: true, boards: true, jobs: true });
  }

  /** The signed-in user of a multi-user server, whose board access the list shows and actions obey. */
  const viewer = () => viewerOfToken(config.tokens.get());
  /**
   * Refuses, before anything is applied or sent, what the server would refuse the signed-in user
   * (a read-only board, another user's board to rename): the reason is the board's access reason.
   */
  const allow = (action: GuardedAction): void => {
    const who = viewer();
    if (who === null || who.is_admin) return;
    const reason = refusalOf(action, session.cache.accessLookup(who));
    if (reason) throw new AppError('not_allowed', reason);
  };

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
      if (input.token !== undefined) {
        config.tokens.set(input.token);
        // A pasted token speaks for its own user: the one signed in through Settings no longer applies.
        settings.setUser(null);
      }
      if (input.server_url !== undefined && input.server_url !== settings.get().server_url) {
        settings.update({ server_url: input.server_url });
        await switchServer();
      } else if (currentUser() !== sessionUser) {
        // Another user's token: their own cache.
        await switchServer();
      } else if (input.token !== undefined) {
        // What waited for a sign-in (the outbox, uploads) goes now, with the new token.
        session.tokenChanged();
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
    'boards.list': (input) => session.cache.boardList(input.include_archived, viewer()),
    async 'boards.create'(input) {
      const boardId = await session.actions.createBoard(input.name);
      const board = session.cache.boardList(true, viewer()).boards.find((candidate) => candidate.board_id === boardId);
      if (!board) throw new AppError('conflict', `The board "${input.name}" could not be created.`);
      return board;
    },
    async 'boards.rename'(input) {
      allow({ kind: 'board.rename', board_id: input.board_id });
      await session.actions.perform({ kind: 'board.rename', board_id: input.board_id, name: input.name });
      return { ok: true };
    },
    async 'boards.archive'(input) {
      allow({ kind: 'board.archive', board_id: input.board_id });
      await session.actions.perform({ kind: 'board.archive', board_id: input.board_id, archived: input.archived });
      return { ok: true };
    },
    async 'boards.delete'(input) {
      allow({ kind: 'board.delete', board_id: input.board_id });
      await session.actions.perform({ kind: 'board.delete', board_id: input.board_id, include_images: input.include_images });
      return { ok: true };
    },
    'images.page': (input) => {
      const page = session.cache.pageImages(input.query, input.offset, input.limit);
      session.notePageServed();
      return page;
    },
    'images.names': (input) => session.cache.listImages(input.query, input.offset, input.limit).map(itemName),
    'images.list': (input) => {
      const items = session.cache.listImages(input.query, input.offset, input.limit);
      session.notePageServed();
      return items;
    },
    'images.count': (input) => session.cache.countImages(input.query),
    'search.values': (input) => session.cache.searchValues(input.field, input.prefix),
    'search.facets': (input) => session.cache.facets(input.query),
    'search.models': () => session.cache.modelUsage(),
    'search.prompts': (input) => session.cache.promptStacks(input),
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
      allow({ kind: 'star', image_names: input.image_names });
      await session.actions.perform({ kind: 'star', image_names: input.image_names, starred: input.starred });
      return { ok: true };
    },
    async 'images.move'(input) {
      allow({ kind: 'move', image_names: input.image_names, board: input.board === 'none' ? null : input.board });
      await session.actions.perform({ kind: 'move', image_names: input.image_names, board: input.board === 'none' ? null : input.board });
      return { ok: true };
    },
    async 'images.delete'(input) {
      allow({ kind: 'delete', image_names: input.image_names });
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
    'jobs.list': (input) => session.cache.listJobs(input.query, input.offset, input.limit),
    'jobs.facets': () => session.cache.jobFacets(),
    async 'jobs.cancelMany'(input) {
      // One outbox entry a job, in order: the same road as cancelling one (see QueueControl).
      for (const itemId of itemIds(input.job_ids)) await session.actions.perform({ kind: 'job.cancel', item_id: itemId });
      return { ok: true };
    },
    'jobs.retry': async (input) => ({ count: await session.queue.retry(itemIds(input.job_ids)) }),
    'jobs.cancelBatch': async (input) => ({ count: await session.queue.cancelBatch(input.batch_id) }),
    'queue.summary': () => session.queue.summary(),
    'queue.batchPending': async (input) => ({ count: await session.queue.batchPending(input.batch_id) }),
    'queue.cancelAllExceptCurrent': async () => ({ count: await session.queue.cancelAllExceptCurrent() }),
    'queue.pause': () => session.queue.pause(),
    'queue.resume': () => session.queue.resume(),
    async 'queue.prune'() {
      const count = await session.queue.prune();
      emit('gallery.changed', { images: false, boards: false, jobs: true });
      return { count };
    },
    async 'queue.clear'() {
      const count = await session.queue.clear();
      emit('gallery.changed', { images: false, boards: false, jobs: true });
      return { count };
    },
    'uploads.start': (input) => {
      allow({ kind: 'upload', board: input.board_id });
      return session.uploads.start(input);
    },
    'uploads.list': () => session.uploads.list(),
    ...exporting.handlers,
    ...accountServices({ session: () => session, tokens: config.tokens, switchUser }).handlers,
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
    exports: exporting.runner,
    async start() {
      started = true;
      await session.start();
    },
    async stop() {
      started = false;
      await exporting.stop(session);
      await session.stop();
    },
  };
}

/** Job ids as the server's item ids; anything else is refused before anything is sent. */
function itemIds(jobIds: readonly string[]): number[] {
  return jobIds.map((jobId) => {
    const itemId = Number(jobId);
    if (!Number.isSafeInteger(itemId)) throw new AppError('invalid_input', `Not a job id: ${jobId}`);
    return itemId;
  });
}
