import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../src/main/ipc/dispatch';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import {
  itemName,
  type Board,
  type BoardList,
  type EventPayload,
  type GalleryItem,
  type GalleryQuery,
  type ImagePage,
} from '../../src/shared/ipc';

/**
 * One IPC call through the same `dispatch` the window uses, outputs checked against the contract;
 * an error envelope becomes a thrown `code: message`.
 */
export async function callChannel<T = unknown>(services: AppServices, channel: string, input: unknown): Promise<T> {
  const envelope = await dispatch(services.handlers, channel, input, { describeError: services.describeError, validateOutputs: true });
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

/** Polls `probe` until it answers something truthy; fails with `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface SyncedApp {
  services: AppServices;
  /** The app's data folder (a temp folder, removed by close). */
  dataDir: string;
  /** Every notice the app has shown, oldest first. */
  notices: EventPayload<'notice'>[];
  /** One IPC call as the window makes it (see callChannel). */
  call<T = unknown>(channel: string, input: unknown): Promise<T>;
  boards(): Promise<Board[]>;
  board(id: string): Promise<Board>;
  /** The names of a board's items as the gallery shows them, newest first. */
  inView(boardId: string): Promise<string[]>;
  /** An item as the app's cache holds it. */
  cached(name: string): GalleryItem | undefined;
  /** Stops the services and removes their data folder. */
  close(): Promise<void>;
}

export interface SyncedAppOptions {
  /** The data folder's name prefix in the temp folder. */
  prefix: string;
  probeIntervalMs: number;
  syncIntervalMs?: number;
}

/** The app's services for `serverUrl` (signed in with `token` on a multi-user server), started and synced once. */
export async function startSyncedApp(serverUrl: string, token: string | null, options: SyncedAppOptions): Promise<SyncedApp> {
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix));
  const services = createAppServices({
    rootDir: dataDir,
    serverUrl,
    tokens: memoryTokens(token),
    probeIntervalMs: options.probeIntervalMs,
    ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
  });
  const notices: EventPayload<'notice'>[] = [];
  services.onEvent((event, payload) => {
    if (event === 'notice') notices.push(payload as EventPayload<'notice'>);
  });
  const close = async () => {
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await services.start();
    await services.session().sync.sync();
  } catch (error) {
    await close();
    throw error;
  }
  const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);
  const boards = async () => (await call<BoardList>('boards.list', { include_archived: false })).boards;
  const query = (board: string): GalleryQuery => ({
    board,
    categories: [],
    starredOnly: false,
    starredFirst: false,
    search: '',
    order: 'newest',
  });
  return {
    services,
    dataDir,
    notices,
    call,
    boards,
    board: async (id) => (await boards()).find((candidate) => candidate.board_id === id)!,
    inView: async (boardId) => (await call<ImagePage>('images.page', { query: query(boardId), offset: 0, limit: 50 })).items.map(itemName),
    cached: (name) => services.session().cache.imageDetails(name)?.image,
    close,
  };
}
