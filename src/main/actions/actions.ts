import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { InvokeApi } from '../api/contract';
import { ApiError, describeApiError } from '../api/errors';
import type { Cache } from '../cache';
import { itemName } from '../../shared/ipc';

/**
 * What the user does to the gallery: star, move, delete, boards, cancel.
 *
 * Every action takes one road, online or not: it is applied to the cache at once (so the UI
 * answers instantly and offline), written to the durable outbox, and the outbox is replayed in
 * order whenever the server is reachable. One road means the order of actions is kept even when
 * the connection flickers between two clicks, and a crash between "applied" and "sent" loses
 * nothing: the entry is still in the outbox at the next start.
 */
const Names = z.array(z.string()).min(1);

export const Action = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('star'), image_names: Names, starred: z.boolean() }),
  /** `board: null` = Uncategorized (the server's "remove from board"). */
  z.object({ kind: z.literal('move'), image_names: Names, board: z.string().nullable() }),
  z.object({ kind: z.literal('delete'), image_names: Names }),
  /**
   * `local_id` names the board in the cache until the server gives it a real id. `existing` are
   * the ids of boards of that name the app knew when it was asked (see `createOnServer`).
   */
  z.object({ kind: z.literal('board.create'), local_id: z.string(), name: z.string(), existing: z.array(z.string()).optional() }),
  z.object({ kind: z.literal('board.rename'), board_id: z.string(), name: z.string() }),
  z.object({ kind: z.literal('board.archive'), board_id: z.string(), archived: z.boolean() }),
  z.object({ kind: z.literal('board.delete'), board_id: z.string(), include_images: z.boolean() }),
  z.object({ kind: z.literal('job.cancel'), item_id: z.number().int() }),
]);
export type Action = z.infer<typeof Action>;

export const LOCAL_BOARD_PREFIX = 'local-';
const ALIAS_KEY = 'board-alias:';
/**
 * A server that keeps failing one entry (5xx, unreadable answers) gets this many tries, spaced by
 * a pause that doubles each time (from `retryDelayMs` up to `maxRetryDelayMs`): with the app's
 * 5 s and 60 s that is about four minutes of failures before the entry is given up.
 */
const MAX_ATTEMPTS = 8;

export interface ActionsOptions {
  api: InvokeApi;
  cache: Cache;
  /** The pause before the first retry of an entry the server failed; doubles each time. Default 5 s. */
  retryDelayMs?: number;
  /** The longest pause between two retries. Default 60 s. */
  maxRetryDelayMs?: number;
  /** Whether to try the server now; replay also stops by itself when the server is unreachable. */
  isOnline: () => boolean;
  /** The server refused the token (401): the entry stays at the head of the outbox until a sign-in. */
  onSignInRequired?: (error: ApiError) => void;
  /** The server could not be reached while replaying. */
  onUnreachable: (error: ApiError) => void;
  /** The server failed an entry that will be tried again (5xx, a damaged answer). */
  onServerFailed?: (error: ApiError) => void;
  /** An entry went through after the server had failed one: the fault is over. */
  onServerRecovered?: () => void;
  /** A message for the user: conflicts and give-ups, never silent. */
  onNotice: (level: 'info' | 'warning' | 'error', message: string) => void;
  /** The cache changed: refresh the views, and count the outbox again. */
  onChanged: (what: { images: boolean; boards: boolean; jobs: boolean }) => void;
  /** The server disagreed with something we applied locally: a sync puts the truth back. */
  onConflict: () => void;
}

type Outcome = 'sent' | 'conflict' | 'retry-later' | 'offline';

export class Actions {
  private replaying: Promise<void> | null = null;
  private replayAgain = false;
  private closed = false;
  /**
   * While the server is failing the head entry, replays wait for this timer: new actions only
   * queue, so clicks during a server fault do not use up the entry's tries.
   */
  private retryTimer: NodeJS.Timeout | undefined;
  private serverFailing = false;

  constructor(private readonly options: ActionsOptions) {}

  get pending(): number {
    return this.options.cache.outbox.count();
  }

  /** Applies an action to the cache, queues it, and sends the queue if the server is there. */
  async perform(action: Action): Promise<void> {
    const parsed = Action.parse(action);
    // One transaction: a crash between the two would show a change that is never sent.
    this.options.cache.atomically(() => {
      this.applyLocally(parsed);
      this.options.cache.outbox.add(parsed.kind, parsed);
    });
    this.options.onChanged(changesOf(parsed));
    if (this.options.isOnline()) await this.replay();
  }

  /** Creates a board; answers with its id (the server's when online, a local one otherwise). */
  async createBoard(name: string): Promise<string> {
    const localId = `${LOCAL_BOARD_PREFIX}${randomUUID()}`;
    const existing = this.options.cache
      .boardList(true)
      .boards.filter((board) => board.board_name === name && !board.board_id.startsWith(LOCAL_BOARD_PREFIX))
      .map((board) => board.board_id);
    await this.perform({ kind: 'board.create', local_id: localId, name, existing });
    return this.resolveBoardId(localId);
  }

  /** Sends queued actions in order; concurrent calls share one pass and schedule one more. */
  replay(): Promise<void> {
    if (this.closed || this.retryTimer) return Promise.resolve();
    if (this.replaying) {
      this.replayAgain = true;
      return this.replaying;
    }
    this.replaying = (async () => {
      do {
        this.replayAgain = false;
        await this.drain();
      } while (this.replayAgain && !this.closed);
    })().finally(() => {
      this.replaying = null;
    });
    return this.replaying;
  }

  /**
   * Stops replaying before the cache closes: the entry being sent is finished (so a sent action
   * leaves the outbox and is not sent again at the next start), nothing after it is started.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.replaying?.catch(() => undefined);
  }

  private retryLater(attempts: number): void {
    const base = this.options.retryDelayMs ?? 5_000;
    const delay = Math.min(this.options.maxRetryDelayMs ?? 60_000, base * 2 ** Math.max(0, attempts - 1));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.replay();
    }, delay);
    this.retryTimer.unref();
  }

  private async drain(): Promise<void> {
    const { outbox } = this.options.cache;
    let sentAny = false;
    for (const entry of outbox.list()) {
      if (this.closed) break;
      const action = Action.safeParse(entry.payload);
      if (!action.success) {
        // Written by a version of the app that knew other actions: nothing can send it.
        outbox.remove(entry.id);
        this.options.onNotice('warning', `A queued change of an unknown kind ("${entry.kind}") was dropped.`);
        continue;
      }
      const outcome = await this.send(action.data, entry.attempts);
      if (outcome === 'offline') break;
      if (outcome === 'retry-later') {
        outbox.markFailed(entry.id, 'the server failed; will retry');
        this.serverFailing = true;
        if (!this.closed) this.retryLater(entry.attempts + 1);
        break;
      }
      outbox.remove(entry.id);
      sentAny = true;
      if (this.serverFailing && outcome === 'sent') {
        this.serverFailing = false;
        this.options.onServerRecovered?.();
      }
      if (outcome === 'conflict') this.options.onConflict();
      else if (action.data.kind === 'star' && !this.closed) await this.readBack(action.data.image_names);
    }
    if (sentAny && !this.closed) this.options.onChanged({ images: true, boards: true, jobs: true });
  }

  /**
   * A star makes the server stamp the image's `updated_at`, which nothing else would bring into
   * the cache (a sync refetches only images whose board, star or category differ). Images that a
   * queued action still names are left to it, and rows changed while the read is under way are
   * left alone. A failure costs nothing but the fresh time: the star itself was sent.
   */
  private async readBack(imageNames: readonly string[]): Promise<void> {
    const { api, cache } = this.options;
    try {
      const pending = cache.outbox.referencedStrings();
      const { images, videos } = this.byKind(imageNames.filter((name) => !pending.has(name)));
      const since = Date.now();
      const dtos = images.length > 0 ? await api.imagesByNames(images) : [];
      // No videos-by-names route; a star touches a few videos at most.
      const videoDtos = await Promise.all(videos.map((name) => api.video(name)));
      if (this.closed) return;
      cache.upsertImages(dtos, { skipTouchedSince: since });
      cache.upsertVideos(
        videoDtos.map((dto) => ({ dto })),
        { skipTouchedSince: since },
      );
    } catch {
      // Left for the next time the image is fetched (or the session closed meanwhile).
    }
  }

  private async send(action: Action, attempts: number): Promise<Outcome> {
    try {
      await this.sendToServer(action);
      return 'sent';
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'aborted') {
        this.options.onUnreachable(error);
        return 'offline';
      }
      if (error.status === 401) {
        // Not a refusal of the action but of who sends it: it waits, untouched, for a new token.
        this.options.onSignInRequired?.(error);
        return 'offline';
      }
      const serverFault = (error.status ?? 0) >= 500 || error.kind === 'invalid_payload' || error.kind === 'not_json';
      if (serverFault && attempts + 1 < MAX_ATTEMPTS) {
        this.options.onServerFailed?.(error);
        return 'retry-later';
      }
      this.options.onNotice(
        'error',
        `${describeAction(action)} failed: ${describeApiError(error)} The gallery shows the server's state again.`,
      );
      return 'conflict';
    }
  }

  private async sendToServer(action: Action): Promise<void> {
    const { api, cache, onNotice } = this.options;
    switch (action.kind) {
      case 'star': {
        const { images, videos } = this.byKind(action.image_names);
        const done = await inChunks(images, (names) => (action.starred ? api.starImages(names) : api.unstarImages(names)));
        if (videos.length > 0) done.push(...(await (action.starred ? api.starVideos(videos) : api.unstarVideos(videos))));
        await this.reportSkipped(action, done);
        return;
      }
      case 'move': {
        const board = action.board === null ? null : this.resolveBoardId(action.board);
        const { images, videos } = this.byKind(action.image_names);
        const done = await inChunks(images, (names) =>
          board === null ? api.removeImagesFromBoard(names) : api.addImagesToBoard(board, names),
        );
        for (const video of videos) done.push(...(await this.moveVideo(video, board)));
        await this.reportSkipped(action, done);
        return;
      }
      case 'delete': {
        // A name the server does not know is gone already, which is what a delete asks for (a
        // delete sent again after its answer was lost finds nothing left). Only names the server
        // says it failed to delete are a problem.
        const deleted = new Set<string>();
        const { images, videos } = this.byKind(action.image_names);
        const failed = await inChunks(images, async (names) => {
          const result = await api.deleteImages(names);
          for (const name of result.deleted_images) deleted.add(name);
          return result.failed_images ?? [];
        });
        if (videos.length > 0) {
          const result = await api.deleteVideos(videos);
          for (const name of result.deleted_videos) deleted.add(name);
          // The real 6.14.2 lists a video it does not know as failed: gone is what a delete asks for.
          for (const name of result.failed_videos) {
            if (await this.videoGone(name)) deleted.add(name);
            else failed.push(name);
          }
        }
        const failedSet = new Set(failed);
        // A multi-user server also skips, without a word, images the user may not delete: those it
        // still shows are refused, not gone, and come back into view.
        const skipped = action.image_names.filter((name) => !deleted.has(name) && !failedSet.has(name));
        const refused = await this.stillThere(skipped);
        cache.restoreDeleted(refused);
        const refusedSet = new Set(refused);
        await cache.removeImages(action.image_names.filter((name) => !failedSet.has(name) && !refusedSet.has(name)));
        if (refused.length > 0) {
          onNotice(
            'error',
            `${describeAction(action)}: the server refused ${plural(refused.length, this.nounOf(refused))} your account may not delete; they are shown again.`,
          );
          this.options.onConflict();
        }
        if (failed.length > 0) {
          onNotice(
            'warning',
            `${describeAction(action)}: the server could not delete ${plural(failed.length, this.nounOf(failed))}; they are shown again.`,
          );
          this.options.onConflict();
        }
        return;
      }
      case 'board.create': {
        const board = await this.createOnServer(action);
        this.adoptBoard(action.local_id, board.board_id, board.board_name);
        return;
      }
      case 'board.rename':
        await api.updateBoard(this.resolveBoardId(action.board_id), { board_name: action.name });
        cache.updateBoard(this.resolveBoardId(action.board_id), { pending: false });
        return;
      case 'board.archive':
        await api.updateBoard(this.resolveBoardId(action.board_id), { archived: action.archived });
        cache.updateBoard(this.resolveBoardId(action.board_id), { pending: false });
        return;
      case 'board.delete':
        try {
          await api.deleteBoard(this.resolveBoardId(action.board_id), action.include_images);
        } catch (error) {
          // Gone already (deleted elsewhere, or this delete was sent before and its answer lost).
          if (!(error instanceof ApiError && error.status === 404)) throw error;
        }
        return;
      case 'job.cancel':
        await api.cancelQueueItem(action.item_id);
        return;
    }
  }

  /**
   * The names a batch call left out: on a multi-user server it skips, without a word, images the
   * user may not change (another user's board), as it skips images that are gone. The server is
   * asked which of them it still shows: those were refused, the rest no longer exist. Either way
   * a sync puts the server's state back into the cache, so nothing stays changed that was not.
   */
  private async reportSkipped(action: Extract<Action, { image_names: string[] }>, done: readonly string[]): Promise<void> {
    const accepted = new Set(done);
    const skipped = action.image_names.filter((name) => !accepted.has(name));
    if (skipped.length === 0) return;
    const refused = await this.stillThere(skipped);
    const gone = skipped.length - refused.length;
    const noun = this.nounOf(skipped);
    const parts = [
      ...(refused.length > 0 ? [`the server refused ${plural(refused.length, noun)} your account may not change`] : []),
      ...(gone > 0 ? [`${plural(gone, noun)} no longer exist on the server and were left out`] : []),
    ];
    this.options.onNotice(refused.length > 0 ? 'error' : 'warning', `${describeAction(action)}: ${parts.join('; ')}.`);
    this.options.onConflict();
  }

  /** Which of these names the server still shows this user (a failure counts them as gone). */
  private async stillThere(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const { images, videos } = this.byKind(names);
    const found: string[] = [];
    try {
      for (let start = 0; start < images.length; start += NAMES_PER_CALL) {
        const dtos = await this.options.api.imagesByNames(images.slice(start, start + NAMES_PER_CALL));
        found.push(...dtos.map((dto) => dto.image_name));
      }
    } catch {
      // Counted as gone: a sync puts the server's state back either way.
    }
    // No videos-by-names route: one DTO a video. A 403 is a video that exists but is not this
    // user's to see (6.14.2's `_assert_video_read_access` answers 404 only for one that is gone).
    for (const video of videos) {
      try {
        await this.options.api.video(video);
        found.push(video);
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) found.push(video);
      }
    }
    return found;
  }

  /** What a sentence calls these names: images, videos, or items when they are both. */
  private nounOf(names: readonly string[]): string {
    const { images, videos } = this.byKind(names);
    return videos.length === 0 ? 'image' : images.length === 0 ? 'video' : 'item';
  }

  /**
   * Creating a board is the one action that is not idempotent: sent again after its answer was
   * lost (a cut connection, a damaged answer, the app killed mid-call), it would make a second
   * board. So a board of this name that the app did not know when the user asked for it is taken
   * as the one this entry made, and adopted instead of creating another.
   */
  private async createOnServer(action: Extract<Action, { kind: 'board.create' }>): Promise<{ board_id: string; board_name: string }> {
    const { api } = this.options;
    const known = new Set(action.existing ?? []);
    const made = (await api.listBoards(true)).filter((board) => board.board_name === action.name && !known.has(board.board_id));
    const newest = made.sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0];
    return newest ?? api.createBoard(action.name);
  }

  private applyLocally(action: Action): void {
    const { cache } = this.options;
    switch (action.kind) {
      case 'star':
        cache.setStarred(action.image_names, action.starred);
        return;
      case 'move':
        cache.moveImages(action.image_names, action.board === null ? null : this.resolveBoardId(action.board));
        return;
      case 'delete':
        cache.markDeleted(action.image_names);
        return;
      case 'board.create':
        cache.saveLocalBoard({ board_id: action.local_id, board_name: action.name });
        return;
      case 'board.rename':
        cache.updateBoard(this.resolveBoardId(action.board_id), { board_name: action.name, pending: true });
        return;
      case 'board.archive':
        cache.updateBoard(this.resolveBoardId(action.board_id), { archived: action.archived, pending: true });
        return;
      case 'board.delete':
        cache.removeBoard(this.resolveBoardId(action.board_id), action.include_images);
        return;
      case 'job.cancel':
        // The server says what became of the job (it may have finished meanwhile); nothing to guess.
        return;
    }
  }

  /**
   * A board made offline lives under a local id until the server creates it. Then every image
   * moved into it meanwhile follows it to the real id, and later queued actions that still name
   * the local id are sent with the real one (the alias is kept in the cache's meta table, so this
   * survives a restart between the two).
   */
  private adoptBoard(localId: string, boardId: string, name: string): void {
    const { cache } = this.options;
    cache.meta.set(ALIAS_KEY + localId, boardId);
    cache.saveLocalBoard({ board_id: boardId, board_name: name });
    cache.updateBoard(boardId, { pending: false });
    const moved = cache
      .listImages({ board: localId, categories: [], starredOnly: false, starredFirst: false, search: '', order: 'oldest' }, 0, 1_000_000)
      .map(itemName);
    if (moved.length > 0) cache.moveImages(moved, boardId);
    cache.removeBoard(localId, false);
  }

  /** Videos go to the server's `/videos` routes, images to `/images`: the cache knows which is which. */
  private byKind(names: readonly string[]): { images: string[]; videos: string[] } {
    const videos = this.options.cache.videoNamesAmong(names);
    if (videos.size === 0) return { images: [...names], videos: [] };
    return { images: names.filter((name) => !videos.has(name)), videos: names.filter((name) => videos.has(name)) };
  }

  /**
   * One video onto a board (or off it): the server's routes take one name a call, and answer 500
   * rather than dropping a name they do not know, so a failure is checked against the video itself.
   */
  private async moveVideo(video: string, board: string | null): Promise<string[]> {
    const { api } = this.options;
    try {
      return board === null ? await api.removeVideoFromBoard(video) : await api.addVideoToBoard(board, video);
    } catch (error) {
      if (!(error instanceof ApiError && (error.status ?? 0) >= 500)) throw error;
      if (await this.videoGone(video)) return [];
      throw error;
    }
  }

  private videoGone(video: string): Promise<boolean> {
    return this.options.api.video(video).then(
      () => false,
      (error: unknown) => error instanceof ApiError && error.status === 404,
    );
  }

  private resolveBoardId(boardId: string): string {
    if (!boardId.startsWith(LOCAL_BOARD_PREFIX)) return boardId;
    return this.options.cache.meta.get(ALIAS_KEY + boardId, z.string()) ?? boardId;
  }
}

/**
 * A selection can hold the whole gallery, but the server takes at most 1000 names a call: send
 * one action as consecutive calls. A retry after a failure part-way resends the whole action,
 * which is safe because each of these calls is idempotent.
 */
const NAMES_PER_CALL = 1000;

async function inChunks(names: readonly string[], send: (chunk: string[]) => Promise<string[]>): Promise<string[]> {
  const done: string[] = [];
  for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
    done.push(...(await send(names.slice(start, start + NAMES_PER_CALL))));
  }
  return done;
}

function changesOf(action: Action): { images: boolean; boards: boolean; jobs: boolean } {
  const boards = action.kind.startsWith('board.') || action.kind === 'move' || action.kind === 'delete' || action.kind === 'star';
  return { images: action.kind !== 'job.cancel', boards, jobs: action.kind === 'job.cancel' };
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'star':
      return `${action.starred ? 'Starring' : 'Unstarring'} ${plural(action.image_names.length, 'image')}`;
    case 'move':
      return `Moving ${plural(action.image_names.length, 'image')} ${action.board === null ? 'to Uncategorized' : 'to a board'}`;
    case 'delete':
      return `Deleting ${plural(action.image_names.length, 'image')}`;
    case 'board.create':
      return `Creating the board "${action.name}"`;
    case 'board.rename':
      return `Renaming a board to "${action.name}"`;
    case 'board.archive':
      return `${action.archived ? 'Archiving' : 'Unarchiving'} a board`;
    case 'board.delete':
      return `Deleting a board${action.include_images ? ' and its images' : ''}`;
    case 'job.cancel':
      return `Cancelling job ${action.item_id}`;
  }
}

function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
