import { create } from 'zustand';
import type { EventPayload } from '../../../../shared/ipc';
import type { IvkJob, JobStatus } from '../../../../shared/models';

type JobProgress = EventPayload<'job.progress'>;

interface ProgressState {
  byJob: Readonly<Record<string, JobProgress>>;
  progressReceived: (progress: JobProgress) => void;
  /** Main's list says these jobs are over: a missed final event must not keep them "running". */
  jobsSettled: (jobs: readonly IvkJob[]) => void;
}

const FINAL: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

/** Jobs remembered here; the list re-reads statuses from main, this only carries the live tick. */
const MAX_TRACKED = 32;

/**
 * Progress ticks arrive many times a second. They live in this store of their own so that only
 * the progress bars subscribe to them, and the grid and the main store never wake for a tick.
 */
export const useJobProgress = create<ProgressState>()((set) => ({
  byJob: {},
  progressReceived: (progress) =>
    set((state) => {
      const entries = Object.entries(state.byJob).filter(([id]) => id !== progress.job_id);
      return { byJob: Object.fromEntries([...entries.slice(-(MAX_TRACKED - 1)), [progress.job_id, progress]]) };
    }),
  jobsSettled: (jobs) =>
    set((state) => {
      const finished = new Set(jobs.filter((job) => FINAL.has(job.status)).map((job) => job.id));
      const kept = Object.entries(state.byJob).filter(([id, live]) => !finished.has(id) || FINAL.has(live.status));
      return kept.length === Object.keys(state.byJob).length ? state : { byJob: Object.fromEntries(kept) };
    }),
}));
