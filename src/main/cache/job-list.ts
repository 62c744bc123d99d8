import type { JobFacets, JobListPage, JobListQuery, JobListRow, QueueSummary } from '../../shared/ipc';
import { JobStatus } from '../../shared/models';
import { batches, placeholders, type Db, type Params } from './db';
import { jobById } from './jobs';
import { searchTerms } from './search';

/**
 * The job history list: filtered pages of jobs with what each made (first outputs, prompt and
 * model of its images), the queue's counts as the cache knows them, and which jobs the server
 * no longer holds.
 */

/** How many output thumbnails a row shows. */
const FIRST_OUTPUTS = 3;

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"*`;

/** An FTS5 expression over the prompt and model of images, every word required. */
function promptMatch(text: string): string | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  return terms.map((words) => `{positive_prompt model_name} : ${quoted(words.join(' '))}`).join(' AND ');
}

function whereOf(query: JobListQuery): { sql: string; params: Params } {
  const clauses: string[] = [];
  const params: Params = [];
  const statuses = [...new Set(query.statuses)];
  if (statuses.length > 0) {
    clauses.push(`status IN (${placeholders(statuses.length)})`);
    params.push(...statuses);
  }
  for (const column of ['origin', 'destination', 'batch_id'] as const) {
    const value = query[column];
    if (value !== null) {
      clauses.push(`${column} = ?`);
      params.push(value);
    }
  }
  if (query.from !== null) {
    clauses.push('created_at >= ?');
    params.push(query.from);
  }
  if (query.to !== null) {
    clauses.push('created_at < ?');
    params.push(query.to);
  }
  const match = promptMatch(query.search);
  if (match !== null) {
    // The search index holds the images' prompts: jobs are found through their images' sessions.
    clauses.push(`session_id IN (SELECT i.session_id FROM images_fts f JOIN images i ON i.id = f.rowid
      WHERE images_fts MATCH ? AND i.session_id IS NOT NULL)`);
    params.push(match);
  }
  return { sql: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

interface ListRow {
  item_id: number;
  session_id: string | null;
  batch_id: string | null;
  origin: string | null;
  destination: string | null;
  error_type: string | null;
  gone_at: number | null;
  retried_from: number | null;
  outputs: string;
}

interface OutputRow {
  image_name: string;
  positive_prompt: string | null;
  model_name: string | null;
}

/** Output images named by the job's results: a cached node answers with an earlier image. */
function resultImageNames(outputs: string): string[] {
  const names: string[] = [];
  for (const value of Object.values(JSON.parse(outputs) as Record<string, unknown>)) {
    const image = (value as { image?: { image_name?: unknown } } | null)?.image;
    if (typeof image?.image_name === 'string') names.push(image.image_name);
  }
  return names;
}

/** An output's positive prompt (stored once in `prompts` since migration 8). */
const POSITIVE_PROMPT = '(SELECT text FROM prompts WHERE id = m.positive) AS positive_prompt';

function outputsOf(db: Db, row: ListRow): { first: string[]; count: number; prompt: string | null; model: string | null } {
  const bySession =
    row.session_id === null
      ? []
      : db.all<OutputRow>(
          'job list outputs',
          `SELECT i.image_name, ${POSITIVE_PROMPT}, m.model_name FROM images i LEFT JOIN image_metadata m ON m.image_id = i.id
           WHERE i.session_id = ? AND i.deleted = 0 AND i.is_intermediate = 0 ORDER BY i.id`,
          [row.session_id],
        );
  const made =
    bySession.length > 0
      ? bySession
      : (() => {
          const names = resultImageNames(row.outputs);
          if (names.length === 0) return [];
          return db.all<OutputRow>(
            'job list outputs by name',
            `SELECT i.image_name, ${POSITIVE_PROMPT}, m.model_name FROM images i LEFT JOIN image_metadata m ON m.image_id = i.id
             WHERE i.image_name IN (${placeholders(names.length)}) AND i.deleted = 0 AND i.is_intermediate = 0 ORDER BY i.id`,
            names,
          );
        })();
  const described = made.find((image) => image.positive_prompt !== null || image.model_name !== null);
  return {
    first: made.slice(0, FIRST_OUTPUTS).map((image) => image.image_name),
    count: made.length,
    prompt: described?.positive_prompt ?? null,
    model: described?.model_name ?? null,
  };
}

export function listJobs(db: Db, query: JobListQuery, offset: number, limit: number): JobListPage {
  const where = whereOf(query);
  const rows = db.all<ListRow>(
    'job list page',
    `SELECT item_id, session_id, batch_id, origin, destination, error_type, gone_at, retried_from, outputs FROM jobs ${where.sql}
     ORDER BY created_at DESC, item_id DESC LIMIT ? OFFSET ?`,
    [...where.params, limit, offset],
  );
  const total = db.get<{ n: number }>('job list count', `SELECT count(*) AS n FROM jobs ${where.sql}`, where.params)?.n ?? 0;
  const items: JobListRow[] = [];
  for (const row of rows) {
    const job = jobById(db, row.item_id);
    if (!job) continue;
    const outputs = outputsOf(db, row);
    items.push({
      job,
      batch_id: row.batch_id,
      origin: row.origin,
      destination: row.destination,
      error_type: row.error_type,
      on_server: row.gone_at === null,
      retried_from: row.retried_from === null ? null : String(row.retried_from),
      first_outputs: outputs.first,
      output_count: outputs.count,
      prompt: outputs.prompt,
      model: outputs.model,
    });
  }
  return { items, total };
}

export function jobFacets(db: Db): JobFacets {
  const distinct = (column: 'origin' | 'destination') =>
    db
      .all<{ value: string }>(
        `job ${column}s`,
        `SELECT DISTINCT ${column} AS value FROM jobs WHERE ${column} IS NOT NULL ORDER BY ${column} LIMIT 100`,
      )
      .map((row) => row.value);
  return { origins: distinct('origin'), destinations: distinct('destination') };
}

/** The queue's counts as the cache knows them (jobs the server still holds), for offline. */
export function cachedQueueSummary(db: Db): QueueSummary {
  const counts = new Map(
    db
      .all<{ status: string; n: number }>(
        'job status counts',
        'SELECT status, count(*) AS n FROM jobs WHERE gone_at IS NULL GROUP BY status',
      )
      .map((row) => [row.status, row.n]),
  );
  const of = (status: string) => counts.get(status) ?? 0;
  return {
    pending: of(JobStatus.PENDING),
    in_progress: of(JobStatus.RUNNING),
    completed: of(JobStatus.COMPLETED),
    failed: of(JobStatus.FAILED),
    cancelled: of(JobStatus.CANCELLED),
    total: [...counts.values()].reduce((a, b) => a + b, 0),
    paused: null,
    source: 'cache',
  };
}

/**
 * Marks which cached jobs the server holds: those in `listed` are on it, every other one is not
 * (pruned, cleared, or deleted there) and keeps its first `gone_at`. Answers how many changed.
 */
export function markJobsOnServer(db: Db, listed: ReadonlySet<number>, now = Date.now()): number {
  return db.transaction('mark jobs on server', () => {
    const cached = db.all<{ item_id: number; gone_at: number | null }>('job presence', 'SELECT item_id, gone_at FROM jobs');
    const gone = cached.filter((row) => row.gone_at === null && !listed.has(row.item_id)).map((row) => row.item_id);
    const back = cached.filter((row) => row.gone_at !== null && listed.has(row.item_id)).map((row) => row.item_id);
    let changed = 0;
    for (const batch of batches(gone, 500)) {
      changed += db.run('jobs gone', `UPDATE jobs SET gone_at = ? WHERE item_id IN (${placeholders(batch.length)})`, [
        now,
        ...batch,
      ]).changes;
    }
    for (const batch of batches(back, 500)) {
      changed += db.run('jobs back', `UPDATE jobs SET gone_at = NULL WHERE item_id IN (${placeholders(batch.length)})`, batch).changes;
    }
    return changed;
  });
}

/** Jobs of these statuses (all when none given) are marked as no longer on the server. */
export function markJobsGone(db: Db, statuses: readonly string[], now = Date.now()): number {
  const where = statuses.length > 0 ? `AND status IN (${placeholders(statuses.length)})` : '';
  return db.run('jobs pruned', `UPDATE jobs SET gone_at = ? WHERE gone_at IS NULL ${where}`, [now, ...statuses]).changes;
}
