import type { BoardDTO, ImageDTO, ImageNamesResult } from '../../shared/invokeai';
import type { ListedCount, ListedImages } from '../../shared/ipc';
import { ASSET_CATEGORIES, type ImageCategory } from '../../shared/models';
import type { UpsertOptions, UpsertResult } from '../cache';
import { heap } from '../heap';
import type { RunContext } from './context';
import { fetchTolerant } from './fetch';
import { chunk, forEachPooled, yieldToEventLoop } from './pool';
import { CachedStates } from './states';
import { SyncWriter, type SyncWrites } from './writer';

/** The server's cap on images_by_names. */
const BATCH = 1000;
/**
 * Rows written (or read) between two yields to the event loop: ~7 ms of main-thread work at 100k
 * (~70 µs a row). 200 took ~14 ms a slice; 100 costs ~5 % more write time for half the stall.
 */
const SLICE = 100;
/**
 * Rows a transaction on the writer thread (writer.ts): the main thread is free meanwhile, and an
 * action of the user's that needs the write lock waits at most for one (~20 ms).
 */
const THREAD_SLICE = 250;
/**
 * From this many DTOs on, the writes and WAL checkpoints go to worker threads while they are
 * written (a first sync, a long catch-up: writer.ts, checkpoints.ts); a few batches are not worth
 * a thread.
 */
const BULK = 5000;
/** Fetched batches that may wait for the writer (1000 DTOs each, a few MB). */
const AHEAD = 2;
/**
 * Image states read at a time, and names compared with them, between two yields to the event
 * loop: each slice ~2–5 ms at 100k, so a thumbnail the window asks for during a periodic sync is
 * answered between two of them. With 2,000 and 10,000 (~10–25 ms slices) the event-loop delay
 * of an up-to-date sync was p99 12.3–17.2 ms; with these 9.8–11.9 ms, at the same sync time.
 */
const STATE_PAGE = 500;
const COMPARE_SLICE = 2_500;
/**
 * Name lists asked for one at a time. The real server runs each request on a thread of its pool,
 * all sharing Python's GIL, so every list in progress there slows a thumbnail the user is waiting
 * for (api/priority.ts holds only requests not yet sent). With four at once, scroll stops during
 * a sync at 100k waited 1.7–3.3 s for thumbnails; one at a time, the slowest of ten took 0.25 s
 * (the same bench, a quiet machine).
 */
const LIST_CONCURRENCY = 1;

export interface ImageChanges {
  added: number;
  moved: number;
  updated: number;
  deleted: number;
  unreadable: number;
}

/**
 * Brings the cached images in line with the server's.
 *
 * 1. One name list of every non-intermediate image, starred first (0.46 s for 100k), and one per
 *    asset category (small): their counts tell the grid how long each category view will be
 *    while the DTOs are on their way (ctx.listed).
 * 2. DTOs for the names the cache lacks, a thousand a call, in list order (starred, then newest):
 *    nothing already cached is fetched again, which is what makes an interrupted sync resume
 *    where it stopped.
 * 3. Changes made behind the app's back (the server sends no event for stars, moves or category
 *    changes): the list's starred prefix gives every star, one name list per board gives every
 *    board, and the asset category lists every category; each is a few hundred KB at 100k,
 *    about 1 s of server time for all of them, against ~7 s to re-read every DTO. Images whose
 *    cached state disagrees with the lists then have their DTOs fetched, and the DTO decides:
 *    the lists only find suspects, so a list read a moment before a change cannot corrupt a row.
 * 4. Cached images the server no longer lists are removed.
 *
 * Rows written after the list was taken (an action, a live event) are newer than the list and
 * are left alone in steps 3 and 4; so are images a pending outbox entry is about, whose local
 * state is ahead of the server's until the outbox drains.
 */
export async function syncImages(ctx: RunContext, boards: readonly BoardDTO[]): Promise<ImageChanges> {
  ctx.report('names', 0, 1);
  const listedAt = Date.now();
  const [own, categories] = await Promise.all([
    ctx.api.imageNames({ is_intermediate: false, starred_first: true, order_dir: 'DESC' }, { signal: ctx.signal }),
    assetCategories(ctx),
  ]);
  // The list's answer was parsed in this same task (~20–35 ms at 100k): the window's IPC goes
  // first, then each step over the 100k names below is a task of its own (together, one task of
  // 55–86 ms on the real server).
  await yieldToEventLoop();
  const { listing, foreign } = await withOtherUsersBoards(ctx, own, boards);
  ctx.listed?.(countListed(own, listing, categories, foreign, boards));
  ctx.report('names', 1, 1);
  await yieldToEventLoop();
  const states = await readStates(ctx);
  const changes: ImageChanges = { added: 0, moved: 0, updated: 0, deleted: 0, unreadable: 0 };

  const fresh = listing.image_names.filter((name) => !states.has(name));
  await yieldToEventLoop();
  await fetchImages(ctx, fresh, changes);

  if (states.size > 0) {
    const suspects = await findChanged(ctx, boards, listing, categories, states, listedAt, foreign);
    await fetchImages(ctx, suspects, changes, listedAt);
  }

  const listed = new Set(listing.image_names);
  await yieldToEventLoop();
  const gone = [...states.unlisted(listed, listedAt)];
  await yieldToEventLoop();
  for (const slice of chunk(gone, SLICE)) {
    await ctx.cache.removeImages(slice.map((state) => state.image_name));
    await yieldToEventLoop();
  }
  // Tombstones were already gone from view; their removal is the server confirming it.
  changes.deleted += gone.filter((state) => state.deleted === 0 && state.is_intermediate === 0).length;
  return changes;
}

/**
 * On a multi-user server a non-admin's name list holds only their own images, while the shared and
 * public boards of other users that the board list shows hold others' images too (NOTES §7). Their
 * names are asked for board by board and merged in, starred first like the list itself, so those
 * boards show what the server shows and a sync does not take their images for deleted.
 */
async function withOtherUsersBoards(
  ctx: RunContext,
  own: ImageNamesResult,
  boards: readonly BoardDTO[],
): Promise<{ listing: ImageNamesResult; foreign: ReadonlySet<string> }> {
  const viewer = ctx.viewer;
  const others = viewer && !viewer.is_admin ? boards.filter((board) => board.user_id !== viewer.user_id) : [];
  if (others.length === 0) return { listing: own, foreign: new Set() };
  const seen = new Set(own.image_names);
  const starred = own.image_names.slice(0, own.starred_count);
  const rest = own.image_names.slice(own.starred_count);
  const foreign = new Set<string>();
  await forEachPooled(others, LIST_CONCURRENCY, async (board) => {
    const result = await ctx.api.imageNames(
      { board_id: board.board_id, is_intermediate: false, starred_first: true, order_dir: 'DESC' },
      { signal: ctx.signal },
    );
    result.image_names.forEach((name, index) => {
      if (seen.has(name)) return;
      seen.add(name);
      foreign.add(name);
      (index < result.starred_count ? starred : rest).push(name);
    });
  });
  const names = starred.concat(rest);
  return { listing: { image_names: names, starred_count: starred.length, total_count: names.length }, foreign };
}

/** The category of every asset (user, control, mask, other) among the user's own images; the rest are general. */
async function assetCategories(ctx: RunContext): Promise<Map<string, ImageCategory>> {
  const categories = new Map<string, ImageCategory>();
  await forEachPooled(ASSET_CATEGORIES, LIST_CONCURRENCY, async (category) => {
    const result = await ctx.api.imageNames(
      { categories: [category], is_intermediate: false, starred_first: false },
      { signal: ctx.signal },
    );
    for (const name of result.image_names) categories.set(name, category);
  });
  return categories;
}

/**
 * The lists' counts per category and starred, and the board list's per board. Lists taken a moment
 * apart may disagree by an image made in between; a count never goes below zero, and the cache's
 * own count wins once it is larger.
 */
function countListed(
  own: ImageNamesResult,
  listing: ImageNamesResult,
  categories: ReadonlyMap<string, ImageCategory>,
  foreign: ReadonlySet<string>,
  boards: readonly BoardDTO[],
): ListedImages {
  const starred = new Set(listing.image_names.slice(0, listing.starred_count));
  const zero = (): ListedCount => ({ total: 0, starred: 0 });
  const counts: ListedImages = {
    categories: { general: zero(), user: zero(), control: zero(), mask: zero(), other: zero() },
    foreign: zero(),
    boards: Object.fromEntries(boards.map((board) => [board.board_id, { images: board.image_count, assets: board.asset_count }])),
  };
  const add = (count: ListedCount, name: string) => {
    count.total += 1;
    if (starred.has(name)) count.starred += 1;
  };
  for (const [name, category] of categories) add(counts.categories[category], name);
  for (const name of foreign) add(counts.foreign, name);
  const assets = ASSET_CATEGORIES.map((category) => counts.categories[category]);
  counts.categories.general = {
    total: Math.max(0, own.image_names.length - assets.reduce((sum, count) => sum + count.total, 0)),
    starred: Math.max(0, own.starred_count - assets.reduce((sum, count) => sum + count.starred, 0)),
  };
  return counts;
}

/** Every cached image's state, read a page at a time (a million rows at once would stall the app). */
async function readStates(ctx: RunContext): Promise<CachedStates> {
  const states = new CachedStates();
  for (let after = -1; ;) {
    const page = ctx.cache.imageStates(after, STATE_PAGE);
    for (const state of page) states.add(state);
    if (page.length < STATE_PAGE) return states;
    after = page.at(-1)!.id;
    await yieldToEventLoop();
  }
}

/**
 * Fetches DTOs and writes them; `since` protects rows written after the list was taken.
 *
 * The server is kept busy with exactly one request at a time: the next batch is asked for the
 * moment the previous one has arrived, whether or not its rows are written yet, and the writes
 * run meanwhile in slices. Two requests at once make the real server slower, not faster (its
 * handlers contend for Python's GIL: 8,100 DTOs/s one at a time against 5,300/s two at a time at
 * 100k), and waiting for the writes before asking again left it idle for a third of the run.
 * At most AHEAD fetched batches wait for the writer, so memory stays bounded.
 *
 * Answers arrive as bytes and are read where they are written (SyncWrites.parseImages): on the
 * writer thread during a bulk sync, so the main thread never parses, validates or copies a DTO
 * of it. Peak RSS of a first sync of 100k from the real server went from 354–379 MB to
 * 189–208 MB, with the same DTO rate.
 */
async function fetchImages(ctx: RunContext, names: readonly string[], changes: ImageChanges, since?: number): Promise<void> {
  const bulk = names.length >= (ctx.bulkFrom ?? BULK);
  const release = bulk ? ctx.holdBulk?.() : undefined;
  // Batches parsed back to back on the writer thread: a lean heap would promote each one (heap.ts).
  const releaseHeap = bulk ? heap.holdRoomy() : undefined;
  try {
    await fetchAndWrite(ctx, names, changes, since);
  } finally {
    releaseHeap?.();
    release?.();
  }
}

async function fetchAndWrite(ctx: RunContext, names: readonly string[], changes: ImageChanges, since?: number): Promise<void> {
  const writes = ctx.writes ?? new SyncWriter(ctx.cache);
  const options: UpsertOptions = since === undefined ? {} : { skipTouchedSince: since };
  const tally = (result: UpsertResult) => {
    changes.added += result.added.length;
    changes.moved += result.moved.length;
    changes.updated += result.updated.length;
  };
  let done = 0;
  ctx.report('images', 0, names.length);
  const batches = chunk(names, BATCH);
  let stopped = false;
  const writtenSignals: (() => void)[] = [];
  const written = batches.map(() => new Promise<void>((resolve) => writtenSignals.push(resolve)));
  const fetches: (Promise<Uint8Array> | null)[] = [];
  for (const [index, batch] of batches.entries()) {
    // After a failed batch nothing more is asked for: the writer stops at that batch anyway.
    const previous = index > 0 ? fetches[index - 1]!.then(noop) : undefined;
    const room = index >= AHEAD ? written[index - AHEAD] : undefined;
    const fetched = Promise.all([previous, room]).then(() => {
      if (stopped) throw new Error('The sync stopped before this batch was asked for.');
      return ctx.api.imageBatchBody(batch, { signal: ctx.signal });
    });
    // Awaited in order below; one that fails while an earlier batch is written must not go unhandled meanwhile.
    fetched.catch(noop);
    fetches.push(fetched);
  }
  try {
    for (const [index, batch] of batches.entries()) {
      const body = await fetches[index]!;
      // A settled batch is let go at once: kept in this list, every answer of the run stayed in memory.
      fetches[index] = null;
      const count = await writes.parseImages(body);
      if (count === null) changes.unreadable += await writeTolerant(ctx, writes, batch, options, tally);
      else await writeParsed(writes, count, options, tally);
      writtenSignals[index]!();
      ctx.report('images', (done += batch.length), names.length);
    }
  } finally {
    stopped = true;
  }
}

type Tally = (result: UpsertResult) => void;

/** The DTOs of a body read where the writes run, written a slice (one transaction) at a time. */
async function writeParsed(writes: SyncWrites, count: number, options: UpsertOptions, tally: Tally): Promise<void> {
  for (let from = 0; from < count;) {
    const to = Math.min(from + sliceSize(writes), count);
    tally(await writes.upsertParsed(from, to, options));
    from = to;
    if (!writes.threaded) await yieldToEventLoop();
  }
}

/**
 * A batch whose answer could not be read (truncated, or a malformed record in it): asked for
 * again through fetchTolerant, which retries a garbled answer and halves the batch until the bad
 * records are isolated; the rest are written. Returns how many were unreadable.
 */
async function writeTolerant(
  ctx: RunContext,
  writes: SyncWrites,
  batch: readonly string[],
  options: UpsertOptions,
  tally: Tally,
): Promise<number> {
  const { values, unreadable } = await fetchTolerant(batch, (some) => ctx.api.imagesByNames(some, { signal: ctx.signal }));
  for (const slice of chunk(values, sliceSize(writes))) {
    tally(await writes.upsertImages(slice, options));
    if (!writes.threaded) await yieldToEventLoop();
  }
  return unreadable.length;
}

/** Rows a write: a transaction on the writer thread, or a slice between yields on the main thread. */
function sliceSize(writes: SyncWrites): number {
  return writes.threaded ? THREAD_SLICE : SLICE;
}

function noop(): void {}

/** Names whose cached board, star or category differs from what the server's lists say. */
async function findChanged(
  ctx: RunContext,
  boards: readonly BoardDTO[],
  listing: ImageNamesResult,
  categories: ReadonlyMap<string, ImageCategory>,
  states: CachedStates,
  listedAt: number,
  foreign: ReadonlySet<string>,
): Promise<string[]> {
  const starred = new Set(listing.image_names.slice(0, listing.starred_count));
  const onBoard = new Map<string, string>();
  let done = 0;
  ctx.report('names', 0, boards.length);
  // The board's own list (boards/{id}/image_names), not the image list filtered by board: the
  // real server answers it 4–14× sooner at 100k, and the order is not needed here. With 20
  // boards, an up-to-date sync took 11–12 s, 10 of them in these lists.
  await forEachPooled(boards, LIST_CONCURRENCY, async (board) => {
    const names = await ctx.api.boardImageNames(board.board_id, { is_intermediate: false }, { signal: ctx.signal });
    for (const name of names) onBoard.set(name, board.board_id);
    ctx.report('names', ++done, boards.length);
  });

  const pending = ctx.cache.outbox.referencedStrings();
  const suspects: string[] = [];
  // In pieces: the whole list at once held the main thread for 40–190 ms at 100k.
  for (const names of chunk(listing.image_names, COMPARE_SLICE)) {
    for (const name of names) {
      const state = states.get(name);
      if (!state || state.deleted === 1 || state.touched_at >= listedAt || pending.has(name)) continue;
      const differs =
        state.board_id !== (onBoard.get(name) ?? null) ||
        (state.starred === 1) !== starred.has(name) ||
        // The category lists hold only the user's own images; other users' are not compared.
        (!foreign.has(name) && state.category !== (categories.get(name) ?? 'general')) ||
        state.is_intermediate === 1;
      if (differs) suspects.push(name);
    }
    await yieldToEventLoop();
  }
  return suspects;
}

/**
 * DTOs for images a live event announced (new outputs of a job). Intermediates are never shown,
 * so they are not cached; names the server no longer has are dropped by the server itself.
 */
export async function addImages(ctx: Pick<RunContext, 'api' | 'cache' | 'signal'>, names: readonly string[]): Promise<ImageDTO[]> {
  const added: ImageDTO[] = [];
  for (const batch of chunk(names, BATCH)) {
    const { values } = await fetchTolerant(batch, (some) => ctx.api.imagesByNames(some, { signal: ctx.signal }));
    const visible = values.filter((dto) => !dto.is_intermediate);
    ctx.cache.upsertImages(visible);
    added.push(...visible);
  }
  return added;
}
