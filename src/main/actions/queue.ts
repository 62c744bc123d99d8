import type { InvokeApi } from '../api/contract';
import { ApiError } from '../api/errors';
import type { Cache } from '../cache';
import { AppError } from '../errors';
import type { QueueSummary } from '../../shared/ipc';
import type { SessionQueueStatus } from '../../shared/invokeai';
import { JobStatus } from '../../shared/models';

/**
 * The queue controls of the job history: retry, cancel a batch, cancel all but the current job,
 * pause and resume, prune and clear, and the live queue summary.
 *
 * None of these goes through the outbox: what each touches is decided by the server when it
 * runs (a batch, "everything pending", "every finished job"), and a retry or resume starts work.
 * Sent an hour later they would cancel, delete or run jobs the user never saw, so they need the
 * server and say so when it is away. Cancelling named jobs (`Actions`, `job.cancel`) is the one
 * queue action that waits in the outbox: it names exactly the jobs the user saw and never starts
 * anything.
 */
export interface QueueControlOptions {
  api: InvokeApi;
  cache: Cache;
  isOnline: () => boolean;
  /** The summary changed (counts or processor state). */
  onSummary: (summary: QueueSummary) => void;
  /** The server's queue changed in ways no event reports (prune, retry): read it again. */
  requestSync: () => void;
  /** A call reached no server: the session goes offline. */
  onUnreachable: (error: ApiError) => void;
}

const OFFLINE = 'The server is offline: this needs the server, so it was not done. Try again when the app is back online.';
const FINISHED = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED];

export class QueueControl {
  private latest: QueueSummary | null = null;
  private closed = false;

  constructor(private readonly options: QueueControlOptions) {}

  /** The server's summary while online (read once, then kept by events), the cache's offline. */
  async summary(): Promise<QueueSummary> {
    if (!this.options.isOnline()) return this.options.cache.cachedQueueSummary();
    return this.latest ?? (await this.refresh());
  }

  /** Reads the server's status now; offline or failing, the cache's counts stand in. */
  async refresh(): Promise<QueueSummary> {
    try {
      const status = await this.options.api.queueStatus();
      return this.publish(summaryOf(status.queue, !status.processor.is_started));
    } catch (error) {
      this.noteUnreachable(error);
      if (this.closed) throw error;
      return this.options.cache.cachedQueueSummary();
    }
  }

  /** The session is closing: answers still on their way are dropped, the cache is not read again. */
  close(): void {
    this.closed = true;
  }

  /** The `queue_status` a status event carries: the counts, with the processor state we know. */
  liveStatus(queue: SessionQueueStatus): void {
    this.publish(summaryOf(queue, this.latest?.paused ?? null));
  }

  /** Offline: drop the server's figures so the next read takes the cache's. */
  forget(): void {
    this.latest = null;
  }

  async retry(itemIds: readonly number[]): Promise<number> {
    const retried = await this.online(() => this.options.api.retryQueueItems(itemIds));
    // The copies come with no event of their own (only `queue_items_retried`): list the queue.
    this.options.requestSync();
    await this.refresh();
    return retried.length;
  }

  async cancelBatch(batchId: string): Promise<number> {
    const canceled = await this.online(() => this.options.api.cancelByBatchIds([batchId]));
    await this.refresh();
    return canceled;
  }

  /** Unfinished jobs of a batch on the server now: what a batch cancel would touch. */
  async batchPending(batchId: string): Promise<number> {
    const status = await this.online(() => this.options.api.batchStatus(batchId));
    return status.pending + (status.waiting ?? 0) + status.in_progress;
  }

  async cancelAllExceptCurrent(): Promise<number> {
    const canceled = await this.online(() => this.options.api.cancelAllExceptCurrent());
    await this.refresh();
    return canceled;
  }

  async pause(): Promise<QueueSummary> {
    await this.online(() => this.options.api.pauseProcessor());
    return this.refresh();
  }

  async resume(): Promise<QueueSummary> {
    await this.online(() => this.options.api.resumeProcessor());
    return this.refresh();
  }

  /** The server forgets its finished jobs; the app keeps them, marked no longer on the server. */
  async prune(): Promise<number> {
    const deleted = await this.online(() => this.options.api.pruneQueue());
    this.options.cache.markJobsGone(FINISHED);
    // Prune sends no event: a sync settles jobs that finished between the click and the prune.
    this.options.requestSync();
    await this.refresh();
    return deleted;
  }

  async clear(): Promise<number> {
    const deleted = await this.online(() => this.options.api.clearQueue());
    this.options.cache.markJobsGone([]);
    this.options.requestSync();
    await this.refresh();
    return deleted;
  }

  private async online<T>(work: () => Promise<T>): Promise<T> {
    if (!this.options.isOnline()) throw new AppError('unreachable', OFFLINE);
    try {
      return await work();
    } catch (error) {
      this.noteUnreachable(error);
      throw error;
    }
  }

  private noteUnreachable(error: unknown): void {
    if (error instanceof ApiError && (error.kind === 'unreachable' || error.kind === 'timeout')) this.options.onUnreachable(error);
  }

  private publish(summary: QueueSummary): QueueSummary {
    if (this.closed) return summary;
    this.latest = summary;
    this.options.onSummary(summary);
    return summary;
  }
}

function summaryOf(queue: SessionQueueStatus, paused: boolean | null): QueueSummary {
  return {
    // A `waiting` item (a parent paused for its workflow call) is pending to the user.
    pending: queue.pending + (queue.waiting ?? 0),
    in_progress: queue.in_progress,
    completed: queue.completed,
    failed: queue.failed,
    cancelled: queue.canceled,
    total: queue.total,
    paused,
    source: 'server',
  };
}
