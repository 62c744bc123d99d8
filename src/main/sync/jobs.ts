import { chunk, yieldToEventLoop } from './pool';
import { fetchTolerant } from './fetch';
import type { RunContext } from './context';

/** The server's cap on items_by_ids. */
const BATCH = 1000;
/** Items written between two yields to the event loop (each carries its session's results). */
const SLICE = 250;

export interface JobChanges {
  added: number;
  changed: number;
  unreadable: number;
}

/**
 * Job history: items the cache has never seen, and the unfinished ones it has (their status may
 * have moved while no socket was listening). Finished items never change on the server, so they
 * are never fetched twice; items the server pruned stay as history (marked no longer on the
 * server), and unfinished ones it no longer lists are marked cancelled.
 */
export async function syncJobs(ctx: RunContext): Promise<JobChanges> {
  ctx.report('jobs', 0, 1);
  const ids = await ctx.api.queueItemIds({ signal: ctx.signal });
  const listed = new Set(ids);
  const known = ctx.cache.jobIds();
  const unfinished = ctx.cache.unfinishedJobIds();
  const wanted = [...ids.filter((id) => !known.has(id)), ...unfinished.filter((id) => listed.has(id))];
  const changes: JobChanges = { added: 0, changed: 0, unreadable: 0 };
  let done = 0;
  ctx.report('jobs', 0, wanted.length);
  for (const batch of chunk(wanted, BATCH)) {
    const { values, unreadable } = await fetchTolerant(batch, (some) => ctx.api.queueItemsByIds(some, { signal: ctx.signal }));
    for (const slice of chunk(values, SLICE)) {
      const written = ctx.cache.upsertJobs(slice);
      changes.added += written.added;
      changes.changed += written.changed;
      await yieldToEventLoop();
    }
    changes.unreadable += unreadable.length;
    ctx.report('jobs', (done += batch.length), wanted.length);
  }
  changes.changed += ctx.cache.cancelVanishedJobs(unfinished.filter((id) => !listed.has(id)));
  // Pruned or cleared there (by this app or another client): kept here, marked as such.
  ctx.cache.markJobsOnServer(listed);
  return changes;
}
