import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Api, graphBlank, graphMissingImage } from '../contract/harness';
import type { JobListQuery } from '../../src/shared/ipc';
import { Cleanup, REAL_URL, onRealServer, openApp, until, whenOnline, type App } from './app-support';

/**
 * The job history's queue controls, through the app's services, against the real InvokeAI
 * 6.14.2 that `npm run test:real` started: retry, cancel a batch, pause and resume, and the
 * live summary. Each test makes its own jobs and leaves the processor running. Prune and clear
 * empty the whole queue, so they are checked on a server of their own (test/contract/queue).
 */
const Q = '/api/v1/queue/default';
const EVERY: JobListQuery = { statuses: [], origin: null, destination: null, batch_id: null, from: null, to: null, search: '' };

let api: Api;
let cleanup: Cleanup;

beforeEach(() => {
  api = new Api(REAL_URL);
  cleanup = new Cleanup();
  cleanup.add(() => api.cleanup());
  cleanup.add(() => api.put(`${Q}/processor/resume`));
});

afterEach(async () => {
  await cleanup.run();
});

async function open(): Promise<App> {
  const app = cleanup.app(await openApp(REAL_URL, { start: true }));
  await whenOnline(app);
  return app;
}

describe.skipIf(!onRealServer)('queue controls against the real InvokeAI 6.14.2', () => {
  it('retries a failed job: the copy arrives in the history tied to it, and fails the same way', async () => {
    const app = await open();
    const failed = await api.enqueue(graphMissingImage(), { origin: 'real-queue' });
    const id = failed.json.item_ids[0] as number;
    await api.waitForStatus(id, ['failed']);
    expect(await app.call('jobs.retry', { job_ids: [String(id)] })).toEqual({ count: 1 });
    const copy = await until('the retry in the job history', async () => {
      await app.session().syncNow();
      const rows = (await app.call('jobs.list', { query: { ...EVERY, origin: 'real-queue' }, offset: 0, limit: 50 })).items;
      return rows.find((row) => row.retried_from === String(id) && row.job.status === 'failed');
    });
    api.trackQueueItem(Number(copy.job.id));
    expect(copy).toMatchObject({ batch_id: failed.json.batch.batch_id, error_type: 'ImageRecordNotFoundException', on_server: true });
  });

  it('cancels a whole batch while paused and counts it first', async () => {
    const app = await open();
    await app.call('queue.pause', {});
    const batch = await api.enqueue(graphBlank(), { runs: 3 });
    const batchId = batch.json.batch.batch_id as string;
    expect(await app.call('queue.batchPending', { batch_id: batchId })).toEqual({ count: 3 });
    expect(await app.call('jobs.cancelBatch', { batch_id: batchId })).toEqual({ count: 3 });
    for (const id of batch.json.item_ids as number[]) expect((await api.get(`${Q}/i/${id}`)).json.status).toBe('canceled');
    await until('the batch cancelled in the cache', async () => {
      await app.session().syncNow();
      const rows = (await app.call('jobs.list', { query: { ...EVERY, batch_id: batchId }, offset: 0, limit: 10 })).items;
      return rows.length === 3 && rows.every((row) => row.job.status === 'cancelled');
    });
    await app.call('queue.resume', {});
  });

  it('pauses and resumes the processor; the summary follows, and a job waits while paused', async () => {
    const app = await open();
    expect(await app.call('queue.pause', {})).toMatchObject({ paused: true, source: 'server' });
    expect((await api.get(`${Q}/status`)).json.processor.is_started).toBe(false);
    const job = await api.enqueue(graphBlank());
    const id = job.json.item_ids[0] as number;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await api.get(`${Q}/i/${id}`)).json.status).toBe('pending');
    const waiting = await app.call('queue.summary', {});
    expect(waiting.pending).toBeGreaterThanOrEqual(1);
    expect(await app.call('queue.resume', {})).toMatchObject({ paused: false });
    await api.waitForStatus(id, ['completed']);
    // The live status event brings the counts without asking.
    await until('a queue.changed event after the job completed', () =>
      app.events.some((event) => event.name === 'queue.changed' && (event.payload as { pending: number }).pending === 0),
    );
  });
});
