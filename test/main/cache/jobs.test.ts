import { describe, expect, it } from 'vitest';
import { imageDto, queueItem, serverTime, useCaches } from './fixtures';

const open = useCaches();

describe('jobs', () => {
  it('stores queue items as IvkJob with their raw queue fields, newest first', () => {
    const cache = open();
    cache.upsertJobs([
      queueItem({ item_id: 1 }),
      queueItem({ item_id: 3, status: 'in_progress', completed_at: null }),
      queueItem({
        item_id: 2,
        status: 'failed',
        error_type: 'OutOfMemoryError',
        error_message: 'CUDA out of memory',
        error_traceback: 'Traceback…',
      }),
    ]);
    const page = cache.pageJobs({ statuses: [], offset: 0, limit: 10 });
    expect(page.total).toBe(3);
    expect(page.items.map((job) => [job.id, job.status])).toEqual([
      ['3', 'running'],
      ['2', 'failed'],
      ['1', 'completed'],
    ]);
    const failed = page.items[1]!;
    expect(failed.error).toBe('OutOfMemoryError: CUDA out of memory');
    expect(failed.metadata).toMatchObject({
      item_id: 2,
      batch_id: 'batch-1',
      session_id: 'session-2',
      wire_status: 'failed',
      status_sequence: 3,
      error_traceback: 'Traceback…',
    });
    expect(failed.created_at).toEqual(new Date(`${serverTime(2).replace(' ', 'T')}Z`));
  });

  it('filters by status and pages', () => {
    const cache = open();
    cache.upsertJobs(Array.from({ length: 12 }, (_, i) => queueItem({ item_id: i + 1, status: i % 3 ? 'completed' : 'canceled' })));
    const cancelled = cache.pageJobs({ statuses: ['cancelled'], offset: 0, limit: 2 });
    expect(cancelled.total).toBe(4);
    expect(cancelled.items.map((job) => job.id)).toEqual(['10', '7']);
    expect(cache.pageJobs({ statuses: ['cancelled', 'completed'], offset: 10, limit: 5 }).items).toHaveLength(2);
  });

  it('applies live status changes in order and drops stale ones', () => {
    const cache = open();
    cache.upsertJobs([queueItem({ item_id: 7, status: 'pending', status_sequence: 1, started_at: null, completed_at: null })]);
    expect(cache.applyJobStatus({ item_id: 7, status: 'in_progress', status_sequence: 2, started_at: serverTime(100) })?.status).toBe(
      'running',
    );
    expect(cache.applyJobStatus({ item_id: 7, status: 'completed', status_sequence: 3, completed_at: serverTime(200) })).toMatchObject({
      status: 'completed',
      progress: 1,
    });
    expect(cache.applyJobStatus({ item_id: 7, status: 'in_progress', status_sequence: 2 })).toBeNull();
    expect(cache.job(7)?.status).toBe('completed');
    // A fetched snapshot older than the event is ignored too.
    cache.upsertJobs([queueItem({ item_id: 7, status: 'in_progress', status_sequence: 2 })]);
    expect(cache.job(7)?.status).toBe('completed');
  });

  it('creates a job first seen in an event, and keeps real ids when a redacted copy arrives', () => {
    const cache = open();
    cache.applyJobStatus({ item_id: 9, status: 'waiting', batch_id: 'b9', session_id: 's9', user_id: 'system', created_at: serverTime(9) });
    expect(cache.job(9)).toMatchObject({
      id: '9',
      status: 'pending',
      metadata: { batch_id: 'b9', session_id: 's9', wire_status: 'waiting' },
    });
    cache.applyJobStatus({ item_id: 9, status: 'canceled', batch_id: 'redacted', session_id: 'redacted', user_id: 'redacted' });
    expect(cache.job(9)).toMatchObject({ status: 'cancelled', metadata: { batch_id: 'b9', session_id: 's9', user_id: 'system' } });
  });

  it("lists a job's output images through its session", () => {
    const cache = open();
    cache.upsertJobs([queueItem({ item_id: 5, session_id: 'sess-5' })]);
    const outputs = [imageDto({ session_id: 'sess-5' }), imageDto({ session_id: 'sess-5' })];
    cache.upsertImages([...outputs, imageDto({ session_id: 'other' }), imageDto({ session_id: 'sess-5', is_intermediate: true })]);
    expect(cache.jobOutputs('5').map((image) => image.image_name)).toEqual(outputs.map((image) => image.image_name));
    expect(cache.jobOutputs('404')).toEqual([]);
    expect(cache.jobOutputs('not a number')).toEqual([]);
  });

  it('marks unfinished jobs the server forgot as cancelled, keeping finished ones', () => {
    const cache = open();
    cache.upsertJobs([
      queueItem({ item_id: 1 }),
      queueItem({ item_id: 2, status: 'pending' }),
      queueItem({ item_id: 3, status: 'in_progress' }),
    ]);
    expect(cache.unfinishedJobIds().sort()).toEqual([2, 3]);
    expect(cache.cancelVanishedJobs([2])).toBe(1);
    expect(cache.unfinishedJobIds()).toEqual([3]);
    expect(cache.job(2)?.status).toBe('cancelled');
  });
});
