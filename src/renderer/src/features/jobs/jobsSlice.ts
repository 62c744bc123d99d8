import type { IvkImage, IvkJob, JobStatus } from '../../../../shared/models';
import { invoke } from '../../app/bridge';
import type { SliceCreator } from '../../app/store';
import { useJobProgress } from './progressStore';

interface JobOutputs {
  jobId: string;
  /** Null while they load. */
  images: readonly IvkImage[] | null;
}

export interface JobsSlice {
  jobs: readonly IvkJob[];
  jobsTotal: number | null;
  jobsOffset: number;
  jobStatusFilter: readonly JobStatus[];
  focusedJob: IvkJob | null;
  jobOutputs: JobOutputs | null;

  refreshJobs: () => Promise<void>;
  jobsPageChanged: (offset: number) => void;
  jobStatusFilterToggled: (status: JobStatus) => void;
  jobStatusFilterCleared: () => void;
  jobFocused: (job: IvkJob) => void;
  /** Shows the job history focused on one job (the one that made an image). */
  jobOpened: (jobId: string) => Promise<void>;
  cancelJob: (jobId: string) => Promise<void>;
  /** A live event moved a job to another status: the page and the focused job are re-read. */
  jobStatusChangedLive: (jobId: string) => void;
}

export const JOBS_PAGE_SIZE = 50;
/** How far back jobOpened looks for a job before saying it is gone. */
const JOB_SEARCH_LIMIT = 5000;
const JOB_SEARCH_STEP = 500;
const LIVE_REFRESH_MS = 400;

export const createJobsSlice: SliceCreator<JobsSlice> = (set, get) => {
  let liveTimer: ReturnType<typeof setTimeout> | undefined;
  let readSequence = 0;

  const loadOutputs = async (jobId: string) => {
    set({ jobOutputs: { jobId, images: null } });
    try {
      const images = await invoke('jobs.outputs', { job_id: jobId });
      if (get().focusedJob?.id === jobId) set({ jobOutputs: { jobId, images } });
    } catch (error) {
      get().actionFailed(`read the images of job ${jobId}`, error);
    }
  };

  return {
    jobs: [],
    jobsTotal: null,
    jobsOffset: 0,
    jobStatusFilter: [],
    focusedJob: null,
    jobOutputs: null,

    refreshJobs: async () => {
      const sequence = ++readSequence;
      const { jobStatusFilter, jobsOffset } = get();
      try {
        const page = await invoke('jobs.page', { statuses: [...jobStatusFilter], offset: jobsOffset, limit: JOBS_PAGE_SIZE });
        if (sequence !== readSequence) return;
        useJobProgress.getState().jobsSettled(page.items);
        const focused = get().focusedJob;
        const fresh = focused ? page.items.find((job) => job.id === focused.id) : undefined;
        set({ jobs: page.items, jobsTotal: page.total, focusedJob: fresh ?? focused });
        // A page emptied under us (filter, deletions) steps back to the last page that has jobs.
        if (page.items.length === 0 && jobsOffset > 0 && page.total > 0) {
          get().jobsPageChanged(Math.floor((page.total - 1) / JOBS_PAGE_SIZE) * JOBS_PAGE_SIZE);
        }
      } catch (error) {
        if (sequence === readSequence) get().actionFailed('read the job history', error);
      }
    },

    jobsPageChanged: (offset) => {
      set({ jobsOffset: Math.max(0, offset) });
      void get().refreshJobs();
    },

    jobStatusFilterToggled: (status) => {
      const current = get().jobStatusFilter;
      const jobStatusFilter = current.includes(status) ? current.filter((s) => s !== status) : [...current, status];
      set({ jobStatusFilter, jobsOffset: 0 });
      void get().refreshJobs();
    },

    jobStatusFilterCleared: () => {
      set({ jobStatusFilter: [], jobsOffset: 0 });
      void get().refreshJobs();
    },

    jobFocused: (job) => {
      set({ focusedJob: job });
      void loadOutputs(job.id);
    },

    jobOpened: async (jobId) => {
      set({ view: 'jobs', jobStatusFilter: [], jobsOffset: 0 });
      try {
        for (let offset = 0; offset < JOB_SEARCH_LIMIT; offset += JOB_SEARCH_STEP) {
          const page = await invoke('jobs.page', { statuses: [], offset, limit: JOB_SEARCH_STEP });
          const at = page.items.findIndex((job) => job.id === jobId);
          const job = page.items[at];
          if (job) {
            set({ jobsOffset: Math.floor((offset + at) / JOBS_PAGE_SIZE) * JOBS_PAGE_SIZE });
            get().jobFocused(job);
            await get().refreshJobs();
            return;
          }
          if (offset + page.items.length >= page.total) break;
        }
        get().noticeShown({ level: 'warning', message: `Job ${jobId} is no longer in the job history; the server may have pruned it.` });
      } catch (error) {
        get().actionFailed(`open job ${jobId}`, error);
      }
      await get().refreshJobs();
    },

    cancelJob: async (jobId) => {
      try {
        await invoke('jobs.cancel', { job_id: jobId });
        await get().refreshJobs();
      } catch (error) {
        get().actionFailed(`cancel job ${jobId}`, error);
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
};
