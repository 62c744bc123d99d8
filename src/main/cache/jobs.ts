import type { SessionQueueItem } from '../../shared/invokeai';
import type { QueueItemStatusChangedEvent } from '../../shared/invokeai/events';
import type { JobPage, JobQuery } from '../../shared/ipc';
import { IvkJob, JobStatus, jobStatusFromWire, type JobStatus as JobStatusValue } from '../../shared/models';
import { batches, placeholders, type Db, type Params } from './db';
import { timeMs } from './upsert';

/**
 * The job history: queue items as the app's IvkJob plus the raw queue fields. Kept after the
 * server prunes its queue, because the server forgets finished items and people do not.
 */

const TERMINAL: ReadonlySet<string> = new Set([JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED]);
const REDACTED = 'redacted';

interface JobRow {
  item_id: number;
  status: JobStatusValue;
  wire_status: string;
  status_sequence: number | null;
  queue_id: string | null;
  batch_id: string | null;
  session_id: string | null;
  priority: number | null;
  origin: string | null;
  destination: string | null;
  user_id: string | null;
  workflow_id: string | null;
  error_type: string | null;
  error_message: string | null;
  error_traceback: string | null;
  created_at: number | null;
  started_at: number | null;
  completed_at: number | null;
  progress: number;
  outputs: string;
}

const JOB_COLUMNS = `item_id, status, wire_status, status_sequence, queue_id, batch_id, session_id, priority, origin,
  destination, user_id, workflow_id, error_type, error_message, error_traceback, created_at, started_at, completed_at,
  progress, outputs`;

const date = (ms: number | null) => (ms === null ? null : new Date(ms));

function jobFromRow(row: JobRow): IvkJob {
  const metadata: Record<string, unknown> = {};
  const raw = {
    item_id: row.item_id,
    queue_id: row.queue_id,
    batch_id: row.batch_id,
    session_id: row.session_id,
    priority: row.priority,
    status_sequence: row.status_sequence,
    wire_status: row.wire_status,
    origin: row.origin,
    destination: row.destination,
    user_id: row.user_id,
    error_type: row.error_type,
    error_message: row.error_message,
    error_traceback: row.error_traceback,
  };
  for (const [key, value] of Object.entries(raw)) if (value !== null) metadata[key] = value;
  const error = [row.error_type, row.error_message].filter(Boolean).join(': ');
  return {
    id: String(row.item_id),
    workflow_id: row.workflow_id,
    status: row.status,
    progress: row.progress,
    created_at: date(row.created_at),
    started_at: date(row.started_at),
    completed_at: date(row.completed_at),
    error: error || null,
    outputs: JSON.parse(row.outputs) as Record<string, unknown>,
    metadata,
  };
}

/** Stored status sequence of each known item, to tell new items and stale snapshots apart. */
function sequences(db: Db, ids: readonly number[]): Map<number, { status: string; status_sequence: number | null }> {
  const known = new Map<number, { status: string; status_sequence: number | null }>();
  for (const batch of batches(ids, 500)) {
    for (const row of db.all<{ item_id: number; status: string; status_sequence: number | null }>(
      'job sequences',
      `SELECT item_id, status, status_sequence FROM jobs WHERE item_id IN (${placeholders(batch.length)})`,
      batch,
    )) {
      known.set(row.item_id, row);
    }
  }
  return known;
}

/** Newer when the server numbered both and this one is higher, or when either is unnumbered. */
function isNewer(incoming: number | null | undefined, stored: number | null | undefined): boolean {
  return incoming === null || incoming === undefined || stored === null || stored === undefined || incoming >= stored;
}

export interface JobWriteResult {
  added: number;
  changed: number;
}

/**
 * Writes queue items fetched from the server. A snapshot older than what a live event already
 * told us (lower status_sequence) is skipped, so a slow fetch cannot move a job backwards.
 */
export function upsertJobs(db: Db, items: readonly SessionQueueItem[]): JobWriteResult {
  const result: JobWriteResult = { added: 0, changed: 0 };
  for (const batch of batches(items)) {
    db.transaction('upsert jobs', () => {
      const known = sequences(
        db,
        batch.map((item) => item.item_id),
      );
      for (const item of batch) {
        const stored = known.get(item.item_id);
        if (stored && !isNewer(item.status_sequence, stored.status_sequence)) continue;
        const job = IvkJob.fromApiResponse(item);
        const values: Params = [
          item.item_id,
          job.status,
          item.status,
          item.status_sequence ?? null,
          item.queue_id,
          item.batch_id,
          item.session_id,
          item.priority,
          item.origin ?? null,
          item.destination ?? null,
          item.user_id ?? null,
          job.workflow_id,
          item.error_type ?? null,
          item.error_message ?? null,
          item.error_traceback ?? null,
          timeMs(item.created_at),
          timeMs(item.updated_at),
          timeMs(item.started_at),
          timeMs(item.completed_at),
          job.progress,
          JSON.stringify(job.outputs),
          item.retried_from_item_id ?? null,
        ];
        // A job the server lists is on it (gone_at is left null by the replace).
        db.run(
          'upsert job',
          `INSERT OR REPLACE INTO jobs (item_id, status, wire_status, status_sequence, queue_id, batch_id, session_id, priority,
             origin, destination, user_id, workflow_id, error_type, error_message, error_traceback, created_at, updated_at,
             started_at, completed_at, progress, outputs, retried_from) VALUES (${placeholders(values.length)})`,
          values,
        );
        if (!stored) result.added++;
        else if (stored.status !== job.status) result.changed++;
      }
    });
  }
  return result;
}

/** A queue_item_status_changed payload, or the parts of one the cache uses. */
export type JobStatusChange = Pick<QueueItemStatusChangedEvent, 'item_id' | 'status'> &
  Partial<
    Pick<
      QueueItemStatusChangedEvent,
      | 'queue_id'
      | 'batch_id'
      | 'session_id'
      | 'origin'
      | 'destination'
      | 'user_id'
      | 'status_sequence'
      | 'error_type'
      | 'error_message'
      | 'error_traceback'
      | 'created_at'
      | 'updated_at'
      | 'started_at'
      | 'completed_at'
    >
  >;

/**
 * Applies a live status change. Returns the job as now cached, or null when the change was older
 * than what the cache holds. A redacted copy (another user's job) updates the status and times
 * only, never overwriting real ids with `redacted`.
 */
export function applyJobStatus(db: Db, change: JobStatusChange): IvkJob | null {
  return db.transaction('apply job status', () => {
    const stored = sequences(db, [change.item_id]).get(change.item_id);
    if (stored && !isNewer(change.status_sequence, stored.status_sequence)) return null;
    const status = jobStatusFromWire(change.status);
    const redacted = change.user_id === REDACTED;
    const real = (value: string | null | undefined) => (redacted || value === undefined ? undefined : value);
    const fields: Record<string, string | number | null | undefined> = {
      status,
      wire_status: change.status,
      status_sequence: change.status_sequence ?? undefined,
      queue_id: change.queue_id,
      batch_id: real(change.batch_id),
      session_id: real(change.session_id),
      origin: real(change.origin),
      destination: real(change.destination),
      user_id: real(change.user_id),
      error_type: real(change.error_type),
      error_message: real(change.error_message),
      error_traceback: real(change.error_traceback),
      created_at: change.created_at === undefined ? undefined : timeMs(change.created_at),
      updated_at: change.updated_at === undefined ? undefined : timeMs(change.updated_at),
      started_at: change.started_at === undefined ? undefined : timeMs(change.started_at),
      completed_at: change.completed_at === undefined ? undefined : timeMs(change.completed_at),
      progress: status === JobStatus.COMPLETED ? 1 : undefined,
    };
    const present = Object.entries(fields).filter((entry): entry is [string, string | number | null] => entry[1] !== undefined);
    if (stored) {
      db.run('update job status', `UPDATE jobs SET ${present.map(([column]) => `${column} = ?`).join(', ')} WHERE item_id = ?`, [
        ...present.map(([, value]) => value),
        change.item_id,
      ]);
    } else {
      db.run(
        'insert job from event',
        `INSERT INTO jobs (item_id, ${present.map(([column]) => column).join(', ')}) VALUES (${placeholders(present.length + 1)})`,
        [change.item_id, ...present.map(([, value]) => value)],
      );
    }
    return jobById(db, change.item_id);
  });
}

export function jobById(db: Db, itemId: number): IvkJob | null {
  const row = db.get<JobRow>('job by id', `SELECT ${JOB_COLUMNS} FROM jobs WHERE item_id = ?`, [itemId]);
  return row ? jobFromRow(row) : null;
}

/** Jobs newest first, optionally of some statuses only. */
export function pageJobs(db: Db, query: JobQuery): JobPage {
  const statuses = [...new Set(query.statuses)];
  const where = statuses.length ? `WHERE status IN (${placeholders(statuses.length)})` : '';
  const rows = db.all<JobRow>(
    'job page',
    `SELECT ${JOB_COLUMNS} FROM jobs ${where} ORDER BY created_at DESC, item_id DESC LIMIT ? OFFSET ?`,
    [...statuses, query.limit, query.offset],
  );
  const total = db.get<{ n: number }>('job count', `SELECT count(*) AS n FROM jobs ${where}`, statuses)?.n ?? 0;
  return { items: rows.map(jobFromRow), total };
}

export function sessionOfJob(db: Db, itemId: number): string | null {
  return (
    db.get<{ session_id: string | null }>('job session', 'SELECT session_id FROM jobs WHERE item_id = ?', [itemId])?.session_id ?? null
  );
}

export function jobIdOfSession(db: Db, sessionId: string): string | null {
  const row = db.get<{ item_id: number }>('job of session', 'SELECT item_id FROM jobs WHERE session_id = ? LIMIT 1', [sessionId]);
  return row ? String(row.item_id) : null;
}

/** Ids of cached jobs that may still change (not completed, failed or cancelled). */
export function unfinishedJobIds(db: Db): number[] {
  return db
    .all<{ item_id: number }>('unfinished jobs', `SELECT item_id FROM jobs WHERE status NOT IN (${placeholders(TERMINAL.size)})`, [
      ...TERMINAL,
    ])
    .map((row) => row.item_id);
}

export function jobIds(db: Db): Set<number> {
  return new Set(db.all<{ item_id: number }>('job ids', 'SELECT item_id FROM jobs').map((row) => row.item_id));
}

/**
 * Unfinished jobs the server no longer lists were cleared or deleted there before they ended:
 * they will never finish, so they are marked cancelled rather than left spinning. Finished ones
 * stay as history.
 */
export function cancelVanishedJobs(db: Db, itemIds: readonly number[]): number {
  let changed = 0;
  for (const batch of batches(itemIds, 500)) {
    changed += db.transaction(
      'cancel vanished jobs',
      () =>
        db.run(
          'cancel vanished jobs',
          `UPDATE jobs SET status = ?, wire_status = 'canceled' WHERE item_id IN (${placeholders(batch.length)})`,
          [JobStatus.CANCELLED, ...batch],
        ).changes,
    );
  }
  return changed;
}

export function jobCount(db: Db): number {
  return db.get<{ n: number }>('job total', 'SELECT count(*) AS n FROM jobs')?.n ?? 0;
}
