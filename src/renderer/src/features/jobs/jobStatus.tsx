import type { IvkJob, JobStatus } from '../../../../shared/models';
import { formatDuration } from '../../ui/format';
import { useJobProgress } from './progressStore';

export const STATUS_LABELS: Record<JobStatus, string> = {
  pending: 'Pending',
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  return <span className={`badge status status-${status}`}>{STATUS_LABELS[status]}</span>;
}

/** The job's status, overridden by a newer live event when one has arrived. */
export function useLiveStatus(job: IvkJob): JobStatus {
  return useJobProgress((s) => s.byJob[job.id]?.status) ?? job.status;
}

export function isCancellable(status: JobStatus): boolean {
  return status === 'pending' || status === 'running';
}

/** The live bar of a running job; only this component wakes on progress ticks. */
export function LiveProgress({ job }: { job: IvkJob }) {
  const live = useJobProgress((s) => s.byJob[job.id]);
  const progress = live?.progress ?? null;
  return (
    <div className="job-progress">
      <div
        className={`progress${progress === null ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label={`Progress of job ${job.id}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress === null ? undefined : Math.round(progress * 100)}
      >
        <span style={progress === null ? undefined : { width: `${progress * 100}%` }} />
      </div>
      {live?.message && <span className="job-progress-message">{live.message}</span>}
    </div>
  );
}

export function jobDuration(job: IvkJob): string | null {
  if (!job.started_at) return null;
  const end = job.completed_at ?? null;
  return end ? formatDuration(end.getTime() - job.started_at.getTime()) : null;
}
