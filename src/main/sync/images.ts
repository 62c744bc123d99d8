import type { BoardDTO, ImageDTO, ImageNamesResult } from '../../shared/invokeai';
import { ASSET_CATEGORIES } from '../../shared/models';
import type { ImageState } from '../cache';
import type { RunContext } from './context';
import { fetchTolerant } from './fetch';
import { chunk, forEachPooled, yieldToEventLoop } from './pool';

/** The server's cap on images_by_names. */
const BATCH = 1000;
/** Rows written (or read) between two yields to the event loop: ~10 ms of main-thread work. */
const SLICE = 250;
const STATE_PAGE = 5000;
/** Name lists asked for at once while looking for changes; the server serialises them anyway. */
const LIST_CONCURRENCY = 4;

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
 * 1. One name list of every non-intermediate image, starred first (0.46 s for 100k).
 * 2. DTOs for the names the cache lacks, a thousand a call, in list order (starred, then newest):
 *    nothing already cached is fetched again, which is what makes an interrupted sync resume
 *    where it stopped.
 * 3. Changes made behind the app's back (the server sends no event for stars, moves or category
 *    changes): the list's starred prefix gives every star, one name list per board gives every
 *    board, and one per asset category gives every category; each is a few hundred KB at 100k,
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
  const listing = await ctx.api.imageNames({ is_intermediate: false, starred_first: true, order_dir: 'DESC' }, { signal: ctx.signal });
  ctx.report('names', 1, 1);
  const states = await readStates(ctx);
  const changes: ImageChanges = { added: 0, moved: 0, updated: 0, deleted: 0, unreadable: 0 };

  const fresh = listing.image_names.filter((name) => !states.has(name));
  await fetchImages(ctx, fresh, changes);

  if (states.size > 0) {
    const suspects = await findChanged(ctx, boards, listing, states, listedAt);
    await fetchImages(ctx, suspects, changes, listedAt);
  }

  const listed = new Set(listing.image_names);
  const gone = [...states.values()].filter((state) => !listed.has(state.image_name) && state.touched_at < listedAt);
  for (const slice of chunk(gone, SLICE)) {
    await ctx.cache.removeImages(slice.map((state) => state.image_name));
    await yieldToEventLoop();
  }
  // Tombstones were already gone from view; their removal is the server confirming it.
  changes.deleted += gone.filter((state) => state.deleted === 0 && state.is_intermediate === 0).length;
  return changes;
}

/** Every cached image's state, read a page at a time (a million rows at once would stall the app). */
async function readStates(ctx: RunContext): Promise<Map<string, ImageState>> {
  const states = new Map<string, ImageState>();
  for (let after = -1; ;) {
    const page = ctx.cache.imageStates(after, STATE_PAGE);
    for (const state of page) states.set(state.image_name, state);
    if (page.length < STATE_PAGE) return states;
    after = page.at(-1)!.id;
    await yieldToEventLoop();
  }
}

/**
 * Fetches DTOs and writes them; `since` protects rows written after the list was taken. The next
 * batch is asked for before this one is written, so the server answers while the cache writes
 * (one request ahead: at most two batches in memory).
 */
async function fetchImages(ctx: RunContext, names: readonly string[], changes: ImageChanges, since?: number): Promise<void> {
  let done = 0;
  ctx.report('images', 0, names.length);
  const batches = chunk(names, BATCH);
  const fetchBatch = (batch: readonly string[]) => {
    const fetched = fetchTolerant(batch, (some) => ctx.api.imagesByNames(some, { signal: ctx.signal }));
    // Awaited below; a failure while the previous batch is being written must not go unhandled meanwhile.
    fetched.catch(() => undefined);
    return fetched;
  };
  let ahead = batches.length > 0 ? fetchBatch(batches[0]!) : null;
  for (const [index, batch] of batches.entries()) {
    const { values, unreadable } = await ahead!;
    ahead = index + 1 < batches.length ? fetchBatch(batches[index + 1]!) : null;
    for (const slice of chunk(values, SLICE)) {
      const written = ctx.cache.upsertImages(slice, since === undefined ? {} : { skipTouchedSince: since });
      changes.added += written.added.length;
      changes.moved += written.moved.length;
      changes.updated += written.updated.length;
      await yieldToEventLoop();
    }
    changes.unreadable += unreadable.length;
    ctx.report('images', (done += batch.length), names.length);
  }
}

type Lists = { board: Map<string, string>; category: Map<string, string> };

/** Names whose cached board, star or category differs from what the server's lists say. */
async function findChanged(
  ctx: RunContext,
  boards: readonly BoardDTO[],
  listing: ImageNamesResult,
  states: ReadonlyMap<string, ImageState>,
  listedAt: number,
): Promise<string[]> {
  const starred = new Set(listing.image_names.slice(0, listing.starred_count));
  const lists: Lists = { board: new Map(), category: new Map() };
  const queries = [
    ...boards.map((board) => ({ into: lists.board, value: board.board_id, query: { board_id: board.board_id } })),
    ...ASSET_CATEGORIES.map((category) => ({ into: lists.category, value: category, query: { categories: [category] } })),
  ];
  let done = 0;
  ctx.report('names', 0, queries.length);
  await forEachPooled(queries, LIST_CONCURRENCY, async ({ into, value, query }) => {
    const result = await ctx.api.imageNames({ ...query, is_intermediate: false, starred_first: false }, { signal: ctx.signal });
    for (const name of result.image_names) into.set(name, value);
    ctx.report('names', ++done, queries.length);
  });

  const pending = ctx.cache.outbox.referencedStrings();
  const suspects: string[] = [];
  for (const name of listing.image_names) {
    const state = states.get(name);
    if (!state || state.deleted === 1 || state.touched_at >= listedAt || pending.has(name)) continue;
    const differs =
      state.board_id !== (lists.board.get(name) ?? null) ||
      (state.starred === 1) !== starred.has(name) ||
      state.category !== (lists.category.get(name) ?? 'general') ||
      state.is_intermediate === 1;
    if (differs) suspects.push(name);
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
