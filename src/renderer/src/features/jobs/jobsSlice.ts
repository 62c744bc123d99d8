import type { JobFacets, JobListQuery, JobListRow, QueueSummary } from '../../../../shared/ipc';
import type { IvkImage, IvkJob, JobStatus } from '../../../../shared/models';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';
import { useJobProgress } from './progressStore';

interface JobOutputs {
  jobId: string;
  /** Null while they load. */
  images: readonly IvkImage[] | null;
}

/** The job list's filters beside the status filter (which is a stored preference). */
export interface JobFilters {
  origin: string | null;
  destination: string | null;
  batch_id: string | null;
  /** Inclusive local days, `YYYY-MM-DD`; empty = unbounded. */
  fromDay: string;
  toDay: string;
  search: string;
}

export const NO_JOB_FILTERS: JobFilters = { origin: null, destination: null, batch_id: null, fromDay: '', toDay: '', search: '' };

/** A control of the queue, waiting for the user to confirm it. */
export type JobControl =
  | { kind: 'retry'; jobIds: readonly string[]; skipped: number }
  | { kind: 'cancelSelected'; jobIds: readonly string[]; skipped: number }
  | { kind: 'cancelBatch'; batchId: string }
  | { kind: 'cancelAllExceptCurrent' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'prune' }
  | { kind: 'clear' };

/** The confirmation on screen: the control and how many jobs it touches (null while counted). */
export interface JobConfirm {
  control: JobControl;
  count: number | null;
  /** Jobs that keep running or waiting, for the pause and cancel wording. */
  running: number;
}

interface JobPageEntry {
  rows: readonly JobListRow[];
  epoch: number;
}

export interface JobsSlice {
  jobsTotal: number | null;
  jobFilters: JobFilters;
  /** The prompt search as typed; it becomes `jobFilters.search` once typing settles. */
  jobSearchText: string;
  /** Pages of rows of the current query, keyed `${queryKey}#${page}`; a few dozen at most. */
  jobPages: Readonly<Record<string, JobPageEntry>>;
  jobsEpoch: number;
  jobStatusFilter: readonly JobStatus[];
  /** Selected job ids, and the row index shift-click ranges start from. */
  jobSelection: ReadonlySet<string>;
  jobAnchor: number | null;
  focusedJob: IvkJob | null;
  jobOutputs: JobOutputs | null;
  queueSummary: QueueSummary | null;
  jobFacets: JobFacets;
  jobConfirm: JobConfirm | null;
  /** The list scrolls to this row when it changes (opening one job from the gallery). */
  jobScrollTarget: { index: number; nonce: number } | null;

  refreshJobs: () => Promise<void>;
  jobRangeViewed: (first: number, last: number) => void;
  jobStatusFilterToggled: (status: JobStatus) => void;
  jobStatusFilterCleared: () => void;
  jobFiltersChanged: (change: Partial<JobFilters>) => void;
  jobSearchTyped: (text: string) => void;
  jobFocused: (job: IvkJob) => void;
  /** A click on a row: plain selects it alone, ctrl/cmd toggles it, shift selects the range. */
  jobClicked: (index: number, job: IvkJob, modifiers: { shift: boolean; toggle: boolean }) => Promise<void>;
  jobSelectionToggled: (index: number, jobId: string) => void;
  jobSelectionCleared: () => void;
  /** Shows the job history focused on one job (the one that made an image). */
  jobOpened: (jobId: string) => Promise<void>;
  cancelJob: (jobId: string) => Promise<void>;
  /** Opens one of a job's images in the viewer, which then steps through that job's images only. */
  jobOutputsOpened: (jobId: string, index: number) => Promise<void>;
  /** Counts what a control touches and opens its confirmation. */
  jobControlRequested: (control: JobControl) => Promise<void>;
  jobControlConfirmed: () => Promise<void>;
  jobControlDismissed: () => void;
  queueSummaryChanged: (summary: QueueSummary) => void;
  refreshQueueSummary: () => Promise<void>;
  /** A live event moved a job to another status: the rows and the focused job are re-read. */
  jobStatusChangedLive: (jobId: string) => void;
}

export const JOB_PAGE_SIZE = 100;
const MAX_PAGES = 30;
const LIVE_REFRESH_MS = 400;
const SEARCH_SETTLE_MS = 250;
const DAY_MS = 86_400_000;

/** Local midnight of a `YYYY-MM-DD` day, in ms; null for an empty or bad day. */
function dayStart(day: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
}

export function jobQueryOf(statuses: readonly JobStatus[], filters: JobFilters): JobListQuery {
  const to = dayStart(filters.toDay);
  return {
    statuses: [...statuses],
    origin: filters.origin,
    destination: filters.destination,
    batch_id: filters.batch_id,
    from: dayStart(filters.fromDay),
    to: to === null ? null : to + DAY_MS,
    search: filters.search.trim(),
  };
}

export const jobQueryKey = (query: JobListQuery) => JSON.stringify(query);
export const jobPageKey = (queryKey: string, page: number) => `${queryKey}#${page}`;

/** The row at `index` of the current query, when its page is loaded. */
export function jobRowAt(state: Pick<JobsSlice, 'jobPages' | 'jobStatusFilter' | 'jobFilters'>, index: number): JobListRow | undefined {
  const key = jobQueryKey(jobQueryOf(state.jobStatusFilter, state.jobFilters));
  return state.jobPages[jobPageKey(key, Math.floor(index / JOB_PAGE_SIZE))]?.rows[index % JOB_PAGE_SIZE];
}

const RETRYABLE: ReadonlySet<JobStatus> = new Set(['failed', 'cancelled']);
const CANCELLABLE: ReadonlySet<JobStatus> = new Set(['pending', 'running']);

export const createJobsSlice: SliceCreator<JobsSlice> = (set, get) => {
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  let viewed = { first: 0, last: 0 };
  const loading = new Set<string>();

  const currentQuery = () => jobQueryOf(get().jobStatusFilter, get().jobFilters);

  const loadOutputs = async (jobId: string) => {
    set({ jobOutputs: { jobId, images: null } });
    try {
      const images = await invoke('jobs.outputs', { job_id: jobId });
      if (get().focusedJob?.id === jobId) set({ jobOutputs: { jobId, images } });
    } catch (error) {
      get().actionFailed(`read the images of job ${jobId}`, error);
    }
  };

  /** Reads the pages around what is on screen that are missing or older than the epoch. */
  const loadViewed = async () => {
    const query = currentQuery();
    const queryKey = jobQueryKey(query);
    const epoch = get().jobsEpoch;
    // Half a page beyond each end is read ahead, so rows scrolled into view are drawn at once.
    const firstPage = Math.floor(Math.max(0, viewed.first - JOB_PAGE_SIZE / 2) / JOB_PAGE_SIZE);
    const total = get().jobsTotal;
    const ahead = viewed.last + JOB_PAGE_SIZE / 2;
    const lastPage = Math.floor((total === null ? viewed.last : Math.min(Math.max(0, total - 1), ahead)) / JOB_PAGE_SIZE);
    const wanted: number[] = [];
    for (let page = firstPage; page <= lastPage; page++) {
      const key = jobPageKey(queryKey, page);
      const entry = get().jobPages[key];
      if ((!entry || entry.epoch < epoch) && !loading.has(`${key}@${epoch}`)) wanted.push(page);
    }
    if (wanted.length === 0 && get().jobsTotal !== null) return;
    if (wanted.length === 0) wanted.push(firstPage);
    await Promise.all(
      wanted.map(async (page) => {
        const key = jobPageKey(queryKey, page);
        loading.add(`${key}@${epoch}`);
        try {
          const result = await invoke('jobs.list', { query, offset: page * JOB_PAGE_SIZE, limit: JOB_PAGE_SIZE });
          if (jobQueryKey(currentQuery()) !== queryKey) return;
          useJobProgress.getState().jobsSettled(result.items.map((row) => row.job));
          set((state) => {
            const pages: Record<string, JobPageEntry> = { ...state.jobPages, [key]: { rows: result.items, epoch } };
            const keys = Object.keys(pages);
            // Pages of other queries go first, then the ones farthest from the screen.
            const drop = keys
              .filter((other) => other !== key)
              .sort((a, b) => distance(a) - distance(b))
              .slice(0, Math.max(0, keys.length - MAX_PAGES));
            for (const other of drop) delete pages[other];
            const focused = state.focusedJob;
            const fresh = focused ? result.items.find((row) => row.job.id === focused.id)?.job : undefined;
            return { jobPages: pages, jobsTotal: result.total, focusedJob: fresh ?? focused };
          });
        } catch (error) {
          get().actionFailed('read the job history', error);
        } finally {
          loading.delete(`${key}@${epoch}`);
        }
      }),
    );

    function distance(key: string): number {
      const [prefix, page] = [key.slice(0, key.lastIndexOf('#')), Number(key.slice(key.lastIndexOf('#') + 1))];
      if (prefix !== queryKey) return -1;
      return -Math.abs(page - firstPage);
    }
  };

  const queryChanged = () => {
    set((state) => ({ jobPages: {}, jobsTotal: null, jobsEpoch: state.jobsEpoch + 1, jobSelection: new Set(), jobAnchor: null }));
    viewed = { first: 0, last: 0 };
    void loadViewed();
  };

  /** Ids of rows first..last of the current query, read from main where not loaded. */
  const idsInRange = async (first: number, last: number): Promise<string[]> => {
    const ids: string[] = [];
    let missing = false;
    for (let index = first; index <= last; index++) {
      const row = jobRowAt(get(), index);
      if (!row) {
        missing = true;
        break;
      }
      ids.push(row.job.id);
    }
    if (!missing) return ids;
    const all: string[] = [];
    for (let offset = first; offset <= last; offset += 500) {
      const page = await invoke('jobs.list', { query: currentQuery(), offset, limit: Math.min(500, last - offset + 1) });
      all.push(...page.items.map((row) => row.job.id));
    }
    return all;
  };

  return {
    jobsTotal: null,
    jobFilters: NO_JOB_FILTERS,
    jobSearchText: '',
    jobPages: {},
    jobsEpoch: 0,
    jobStatusFilter: [],
    jobSelection: new Set(),
    jobAnchor: null,
    focusedJob: null,
    jobOutputs: null,
    queueSummary: null,
    jobFacets: { origins: [], destinations: [] },
    jobConfirm: null,
    jobScrollTarget: null,

    refreshJobs: async () => {
      set((state) => ({ jobsEpoch: state.jobsEpoch + 1 }));
      const facets = invoke('jobs.facets', {})
        .then((jobFacets) => set({ jobFacets }))
        .catch(() => undefined);
      await Promise.all([loadViewed(), facets, get().queueSummary ? undefined : get().refreshQueueSummary()]);
    },

    jobRangeViewed: (first, last) => {
      viewed = { first, last };
      void loadViewed();
    },

    jobStatusFilterToggled: (status) => {
      const current = get().jobStatusFilter;
      set({ jobStatusFilter: current.includes(status) ? current.filter((s) => s !== status) : [...current, status] });
      queryChanged();
    },

    jobStatusFilterCleared: () => {
      set({ jobStatusFilter: [] });
      queryChanged();
    },

    jobFiltersChanged: (change) => {
      set((state) => ({ jobFilters: { ...state.jobFilters, ...change } }));
      queryChanged();
    },

    jobSearchTyped: (text) => {
      set({ jobSearchText: text });
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        if (get().jobFilters.search !== text) get().jobFiltersChanged({ search: text });
      }, SEARCH_SETTLE_MS);
    },

    jobFocused: (job) => {
      set({ focusedJob: job });
      void loadOutputs(job.id);
    },

    jobClicked: async (index, job, { shift, toggle }) => {
      const { jobAnchor, jobSelection } = get();
      if (shift && jobAnchor !== null) {
        try {
          const ids = await idsInRange(Math.min(jobAnchor, index), Math.max(jobAnchor, index));
          set({ jobSelection: new Set(toggle ? [...jobSelection, ...ids] : ids) });
        } catch (error) {
          get().actionFailed('select those jobs', error);
        }
        return;
      }
      if (toggle) {
        get().jobSelectionToggled(index, job.id);
        return;
      }
      set({ jobSelection: new Set([job.id]), jobAnchor: index });
      get().jobFocused(job);
    },

    jobSelectionToggled: (index, jobId) => {
      const next = new Set(get().jobSelection);
      if (next.has(jobId)) next.delete(jobId);
      else next.add(jobId);
      set({ jobSelection: next, jobAnchor: index });
    },

    jobSelectionCleared: () => set({ jobSelection: new Set(), jobAnchor: null }),

    jobOpened: async (jobId) => {
      clearTimeout(searchTimer);
      set({ view: 'jobs', jobStatusFilter: [], jobFilters: NO_JOB_FILTERS, jobSearchText: '' });
      queryChanged();
      try {
        const query = currentQuery();
        // The job's place in the unfiltered list, found a few hundred rows at a time.
        for (let offset = 0; ; offset += 500) {
          const page = await invoke('jobs.list', { query, offset, limit: 500 });
          const at = page.items.findIndex((row) => row.job.id === jobId);
          const row = page.items[at];
          if (row) {
            set({ jobScrollTarget: { index: offset + at, nonce: Date.now() }, jobSelection: new Set([jobId]), jobAnchor: offset + at });
            get().jobFocused(row.job);
            return;
          }
          if (offset + page.items.length >= page.total || page.items.length === 0) break;
        }
        get().noticeShown({ level: 'warning', message: `Job ${jobId} is no longer in the job history.` });
      } catch (error) {
        get().actionFailed(`open job ${jobId}`, error);
      }
    },

    cancelJob: async (jobId) => {
      try {
        await invoke('jobs.cancel', { job_id: jobId });
        await get().refreshJobs();
      } catch (error) {
        get().actionFailed(`cancel job ${jobId}`, error);
      }
    },

    jobOutputsOpened: async (jobId, index) => {
      try {
        const images = await invoke('jobs.outputs', { job_id: jobId });
        if (images.length > 0) get().viewerOpenedWithImages(images, Math.min(index, images.length - 1));
      } catch (error) {
        get().actionFailed(`open the images of job ${jobId}`, error);
      }
    },

    jobControlRequested: async (control) => {
      const summary = get().queueSummary;
      const running = summary?.in_progress ?? 0;
      set({ jobConfirm: { control, count: null, running } });
      try {
        let count: number;
        switch (control.kind) {
          case 'retry':
          case 'cancelSelected':
            count = control.jobIds.length;
            break;
          case 'cancelBatch':
            count = (await invoke('queue.batchPending', { batch_id: control.batchId })).count;
            break;
          default: {
            // The server's counts now, not the ones from a minute ago.
            const fresh = await invoke('queue.summary', {});
            set({ queueSummary: fresh });
            count = countFor(control, fresh);
          }
        }
        if (get().jobConfirm?.control === control)
          set({ jobConfirm: { control, count, running: get().queueSummary?.in_progress ?? running } });
      } catch (error) {
        set({ jobConfirm: null });
        get().actionFailed('count the jobs this touches', error);
      }
    },

    jobControlConfirmed: async () => {
      const confirm = get().jobConfirm;
      if (!confirm) return;
      set({ jobConfirm: null });
      const { control } = confirm;
      try {
        switch (control.kind) {
          case 'retry': {
            const { count } = await invoke('jobs.retry', { job_ids: [...control.jobIds] });
            get().noticeShown({ level: 'info', message: `${count} ${count === 1 ? 'job was' : 'jobs were'} queued again.` });
            break;
          }
          case 'cancelSelected':
            await invoke('jobs.cancelMany', { job_ids: [...control.jobIds] });
            break;
          case 'cancelBatch':
            await invoke('jobs.cancelBatch', { batch_id: control.batchId });
            break;
          case 'cancelAllExceptCurrent':
            await invoke('queue.cancelAllExceptCurrent', {});
            break;
          case 'pause':
            set({ queueSummary: await invoke('queue.pause', {}) });
            break;
          case 'resume':
            set({ queueSummary: await invoke('queue.resume', {}) });
            break;
          case 'prune':
            await invoke('queue.prune', {});
            break;
          case 'clear':
            await invoke('queue.clear', {});
            break;
        }
        get().jobSelectionCleared();
        await get().refreshJobs();
      } catch (error) {
        get().actionFailed(CONTROL_VERBS[control.kind], error);
      }
    },

    jobControlDismissed: () => set({ jobConfirm: null }),

    queueSummaryChanged: (queueSummary) => set({ queueSummary }),

    refreshQueueSummary: async () => {
      try {
        set({ queueSummary: await invoke('queue.summary', {}) });
      } catch {
        // The status bar keeps what it had; the next queue.changed event brings the figures.
      }
    },

    jobStatusChangedLive: (jobId) => {
      clearTimeout(liveTimer);
      liveTimer = setTimeout(() => {
        if (get().jobsTotal !== null) void get().refreshJobs();
        if (get().focusedJob?.id === jobId) void loadOutputs(jobId);
      }, LIVE_REFRESH_MS);
    },
  };

  function countFor(control: JobControl, summary: QueueSummary): number {
    switch (control.kind) {
      case 'prune':
        return summary.completed + summary.failed + summary.cancelled;
      case 'clear':
        return summary.total;
      default:
        return summary.pending;
    }
  }
};

/** The selected jobs' rows as the loaded pages know them (a selection is made of rows seen). */
export function selectedJobRows(state: Pick<JobsSlice, 'jobPages' | 'jobSelection'>): JobListRow[] {
  const rows = new Map<string, JobListRow>();
  for (const entry of Object.values(state.jobPages)) {
    for (const row of entry.rows) if (state.jobSelection.has(row.job.id)) rows.set(row.job.id, row);
  }
  return [...rows.values()];
}

/** Eligible ids among the selection for retry (failed, cancelled) or cancel (pending, running). */
export function selectionFor(rows: readonly JobListRow[], kind: 'retry' | 'cancelSelected'): { jobIds: string[]; skipped: number } {
  const fits = kind === 'retry' ? RETRYABLE : CANCELLABLE;
  const jobIds = rows.filter((row) => fits.has(row.job.status) && (kind === 'cancelSelected' || row.on_server)).map((row) => row.job.id);
  return { jobIds, skipped: rows.length - jobIds.length };
}

const CONTROL_VERBS: Record<JobControl['kind'], string> = {
  retry: 'retry the jobs',
  cancelSelected: 'cancel the jobs',
  cancelBatch: 'cancel the batch',
  cancelAllExceptCurrent: 'cancel the pending jobs',
  pause: 'pause the queue',
  resume: 'resume the queue',
  prune: 'prune the queue',
  clear: 'clear the queue',
};
