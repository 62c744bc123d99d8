import { memo } from 'react';
import type { IvkJob } from '../../../../shared/models';
import { useStore } from '../../app/store';
import { formatShortDate } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { LiveProgress, StatusBadge, isCancellable, jobDuration, useLiveStatus } from './jobStatus';

/** One queue item in the history list; selecting it opens its details beside the list. */
export const JobRow = memo(function JobRow({ job }: { job: IvkJob }) {
  const focused = useStore((s) => s.focusedJob?.id === job.id);
  const jobFocused = useStore((s) => s.jobFocused);
  const cancelJob = useStore((s) => s.cancelJob);
  const status = useLiveStatus(job);
  const duration = jobDuration(job);

  return (
    <li className={`job-row${focused ? ' is-current' : ''}`}>
      <button
        type="button"
        className="job-select"
        aria-label={`Job ${job.id}`}
        aria-current={focused ? 'true' : undefined}
        onClick={() => jobFocused(job)}
      >
        <span className="job-id">#{job.id}</span>
        <StatusBadge status={status} />
        <span className="job-time">{formatShortDate(job.created_at)}</span>
        <span className="job-duration">{duration ?? (status === 'running' ? 'running…' : '')}</span>
        <span className="job-extra">
          {status === 'running' && <LiveProgress job={job} />}
          {status === 'failed' && job.error && <span className="job-error-line">{job.error}</span>}
        </span>
      </button>
      {isCancellable(status) && (
        <button
          type="button"
          className="icon-button job-cancel"
          aria-label={`Cancel job ${job.id}`}
          title="Cancel"
          onClick={() => void cancelJob(job.id)}
        >
          <Icon name="stop" size={16} />
        </button>
      )}
    </li>
  );
});
