import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import type { EventName, JobListPage, JobListQuery, QueueSummary } from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import { callChannel, until } from '../support/services';

/**
 * The job history's queue controls through the IPC handlers, against the stand-in: retry, cancel
 * a batch, cancel all but the current job, pause and resume, prune and clear (the app keeping
 * what the server forgets), the live summary, the list's filters, and what offline refuses.
 */
const EVERY: JobListQuery = { statuses: [], origin: null, destination: null, batch_id: null, from: null, to: null, search: '' };

let server: StandIn;
let dataDir: string;
let services: AppServices;
let events: { name: EventName; payload: unknown }[];

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);

/** Enqueues `runs` model-free jobs in one batch; answers the batch id and item ids. */
async function enqueue(options: { runs?: number; fail?: boolean; origin?: string } = {}): Promise<{ batchId: string; ids: number[] }> {
  const node = options.fail
    ? { id: 'n', type: 'image', image: { image_name: 'missing.png' }, use_cache: false }
    : { id: 'n', type: 'blank_image', width: 24, height: 24, use_cache: false, is_intermediate: false };
  const response = await fetch(`${server.url}/api/v1/queue/default/enqueue_batch`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      prepend: false,
      batch: { runs: options.runs ?? 1, origin: options.origin ?? null, graph: { id: 'g', nodes: { n: node }, edges: [] } },
    }),
  });
  const body = (await response.json()) as { item_ids: number[]; batch: { batch_id: string } };
  return { batchId: body.batch.batch_id, ids: body.item_ids };
}

const serverStatus = (id: number) => server.state.queue.store.get(id)?.status;
const list = (query: Partial<JobListQuery> = {}) =>
  call<JobListPage>('jobs.list', { query: { ...EVERY, ...query }, offset: 0, limit: 500 });

async function goOffline(): Promise<void> {
  await server.goDown();
  await until('offline', () =>
    services
      .session()
      .probe()
      .then((online) => !online),
  );
}

beforeEach(async () => {
  server = await startStandIn({ images: 40, seed: 3, queueItems: 12, jobStepMs: 5 });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-queue-'));
  events = [];
  services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens: memoryTokens(), probeIntervalMs: 100 });
  services.onEvent((name, payload) => events.push({ name, payload }));
  await services.start();
  await services.session().sync.sync();
});

afterEach(async () => {
  await services.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('queue controls', () => {
  it('retries failed jobs: the copies arrive in the history tied to the job they retry', async () => {
    const { ids } = await enqueue({ fail: true, runs: 2 });
    await until('failed', () => ids.every((id) => serverStatus(id) === 'failed'));
    const result = await call<{ count: number }>('jobs.retry', { job_ids: ids.map(String) });
    expect(result.count).toBe(2);
    const copies = await until('copies in the cache', async () => {
      const rows = (await list()).items.filter((row) => row.retried_from !== null && ids.map(String).includes(row.retried_from));
      return rows.length === 2 ? rows : null;
    });
    expect(copies.map((row) => row.retried_from).sort()).toEqual(ids.map(String).sort());
  });

  it('cancels a whole batch and counts what it cancelled', async () => {
    await call('queue.pause', {});
    const { batchId, ids } = await enqueue({ runs: 3 });
    expect(await call<{ count: number }>('queue.batchPending', { batch_id: batchId })).toEqual({ count: 3 });
    expect(await call<{ count: number }>('jobs.cancelBatch', { batch_id: batchId })).toEqual({ count: 3 });
    expect(ids.map(serverStatus)).toEqual(['canceled', 'canceled', 'canceled']);
    await until('cancelled in the cache', async () =>
      (await list({ batch_id: batchId })).items.every((row) => row.job.status === 'cancelled'),
    );
    await call('queue.resume', {});
  });

  it('cancels all but the running job', async () => {
    await call('queue.pause', {});
    const { ids } = await enqueue({ runs: 2 });
    const { count } = await call<{ count: number }>('queue.cancelAllExceptCurrent', {});
    expect(count).toBeGreaterThanOrEqual(2);
    expect(ids.map(serverStatus)).toEqual(['canceled', 'canceled']);
    await call('queue.resume', {});
  });

  it('pauses and resumes the processor, and the summary says so', async () => {
    const paused = await call<QueueSummary>('queue.pause', {});
    expect(paused).toMatchObject({ paused: true, source: 'server' });
    const { ids } = await enqueue();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(serverStatus(ids[0]!)).toBe('pending');
    const resumed = await call<QueueSummary>('queue.resume', {});
    expect(resumed.paused).toBe(false);
    await until('completed', () => serverStatus(ids[0]!) === 'completed');
    expect(events.some((e) => e.name === 'queue.changed' && (e.payload as QueueSummary).paused === true)).toBe(true);
  });

  it('keeps pruned jobs as history, marked no longer on the server, and pending ones stay on it', async () => {
    await call('queue.pause', {});
    const { ids: pending } = await enqueue();
    await services.session().syncNow();
    const before = await list();
    const finished = before.items.filter((row) => ['completed', 'failed', 'cancelled'].includes(row.job.status));
    expect(finished.length).toBeGreaterThan(0);
    const { count } = await call<{ count: number }>('queue.prune', {});
    expect(count).toBeGreaterThanOrEqual(finished.length);
    const after = await list();
    expect(after.total).toBe(before.total);
    for (const row of after.items) {
      expect(row.on_server, `job ${row.job.id} (${row.job.status})`).toBe(
        pending.map(String).includes(row.job.id) || !finished.some((f) => f.job.id === row.job.id),
      );
    }
    // A later sync agrees with what the prune marked.
    await services.session().syncNow();
    expect((await list()).items.filter((row) => !row.on_server).length).toBe(finished.length);
    await call('queue.resume', {});
  });

  it('clears the server queue and keeps every job here, none of them on the server', async () => {
    const { count } = await call<{ count: number }>('queue.clear', {});
    expect(count).toBeGreaterThan(0);
    expect(server.state.queue.store.items.size).toBe(0);
    const rows = (await list()).items;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => !row.on_server)).toBe(true);
    const summary = await call<QueueSummary>('queue.summary', {});
    expect(summary).toMatchObject({ pending: 0, in_progress: 0, total: 0 });
  });

  it('refuses the controls that need the server while offline, and queues a cancel of named jobs', async () => {
    await call('queue.pause', {});
    const { ids } = await enqueue({ runs: 2 });
    await services.session().syncNow();
    await goOffline();
    for (const [channel, input] of [
      ['jobs.retry', { job_ids: ['1'] }],
      ['jobs.cancelBatch', { batch_id: 'b' }],
      ['queue.cancelAllExceptCurrent', {}],
      ['queue.pause', {}],
      ['queue.resume', {}],
      ['queue.prune', {}],
      ['queue.clear', {}],
    ] as const) {
      await expect(call(channel, input), channel).rejects.toThrow(/^unreachable: The server is offline/);
    }
    const offline = await call<QueueSummary>('queue.summary', {});
    expect(offline).toMatchObject({ source: 'cache', paused: null });
    expect(offline.pending).toBeGreaterThanOrEqual(2);

    await call('jobs.cancelMany', { job_ids: ids.map(String) });
    expect(services.session().status().outbox).toBe(2);
    await server.comeBack();
    await until('cancelled on the server', () => ids.every((id) => serverStatus(id) === 'canceled'));
    await call('queue.resume', {});
  });
});

describe('the job list', () => {
  it('filters by status, origin and batch, and shows what a job made', async () => {
    const { batchId, ids } = await enqueue({ runs: 2, origin: 'canvas' });
    await until('done', () => ids.every((id) => serverStatus(id) === 'completed'));
    await services.session().syncNow();
    await until('outputs cached', async () => (await list({ batch_id: batchId })).items.every((row) => row.output_count === 1));
    const batch = await list({ batch_id: batchId });
    expect(batch.total).toBe(2);
    expect(batch.items.every((row) => row.origin === 'canvas' && row.first_outputs.length === 1)).toBe(true);
    const canvas = await list({ origin: 'canvas' });
    expect(canvas.items.map((row) => row.job.id)).toEqual(expect.arrayContaining(ids.map(String)));
    const failed = await list({ statuses: ['failed'] });
    expect(failed.items.every((row) => row.job.status === 'failed')).toBe(true);
    expect((await call<{ origins: string[] }>('jobs.facets', {})).origins).toContain('canvas');
  });

  it('filters by the day a job was created', async () => {
    const all = (await list()).items;
    const times = all.map((row) => row.job.created_at!.getTime()).sort((a, b) => a - b);
    const middle = times[Math.floor(times.length / 2)]!;
    const before = await list({ to: middle });
    const after = await list({ from: middle });
    expect(before.total + after.total).toBe(all.length);
    expect(before.items.every((row) => row.job.created_at!.getTime() < middle)).toBe(true);
    expect(after.items.every((row) => row.job.created_at!.getTime() >= middle)).toBe(true);
  });

  it('finds jobs by the prompt of their images', async () => {
    // Prompts come from the images' metadata, which the background backfill writes.
    await services.session().sync.metadataIdle();
    const rows = (await list()).items.filter((row) => row.prompt !== null);
    expect(rows.length).toBeGreaterThan(0);
    const word = rows[0]!.prompt!.split(/\W+/).find((w) => w.length > 4)!;
    const found = await list({ search: word });
    expect(found.total).toBeGreaterThan(0);
    expect(found.items.every((row) => row.prompt?.toLowerCase().includes(word.toLowerCase()) || row.model !== null)).toBe(true);
  });
});
