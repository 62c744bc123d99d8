import { JobStatusValues } from '../../../../shared/models';
import { useStore } from '../../app/store';
import { formatCount, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { JobDetail } from './JobDetail';
import { JobRow } from './JobRow';
import { JOBS_PAGE_SIZE } from './jobsSlice';
import { STATUS_LABELS } from './jobStatus';
import './jobs.css';

function StatusFilter() {
  const filter = useStore((s) => s.jobStatusFilter);
  const toggled = useStore((s) => s.jobStatusFilterToggled);
  const cleared = useStore((s) => s.jobStatusFilterCleared);
  return (
    <div className="job-filter" role="group" aria-label="Status filter">
      <button type="button" className="toggle" aria-pressed={filter.length === 0} onClick={cleared}>
        Every status
      </button>
      {JobStatusValues.map((status) => (
        <button
          key={status}
          type="button"
          className={`toggle toggle-${status}`}
          aria-pressed={filter.includes(status)}
          onClick={() => toggled(status)}
        >
          <span className={`status-dot status-${status}`} aria-hidden="true" />
          {STATUS_LABELS[status]}
        </button>
      ))}
    </div>
  );
}

function Pager() {
  const offset = useStore((s) => s.jobsOffset);
  const total = useStore((s) => s.jobsTotal) ?? 0;
  const shown = useStore((s) => s.jobs.length);
  const jobsPageChanged = useStore((s) => s.jobsPageChanged);
  if (total <= JOBS_PAGE_SIZE) return null;
  return (
    <nav className="job-pager" aria-label="Job pages">
      <span>
        {formatCount(offset + 1)}–{formatCount(offset + shown)} of {formatCount(total)}
      </span>
      <button
        type="button"
        className="icon-button"
        aria-label="Newer jobs"
        disabled={offset === 0}
        onClick={() => jobsPageChanged(offset - JOBS_PAGE_SIZE)}
      >
        <Icon name="chevronLeft" />
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Older jobs"
        disabled={offset + JOBS_PAGE_SIZE >= total}
        onClick={() => jobsPageChanged(offset + JOBS_PAGE_SIZE)}
      >
        <Icon name="chevronRight" />
      </button>
    </nav>
  );
}

/** Every queue item, newest first, with live progress and the images each one made. */
export function JobHistory() {
  const jobs = useStore((s) => s.jobs);
  const total = useStore((s) => s.jobsTotal);
  const focusedJob = useStore((s) => s.focusedJob);
  const filtered = useStore((s) => s.jobStatusFilter.length > 0);

  return (
    <div className="jobs">
      <header className="jobs-toolbar">
        <div className="gallery-title">
          <h1>Job history</h1>
          <span className="gallery-count">{total === null ? 'Loading…' : plural(total, 'job')}</span>
        </div>
        <StatusFilter />
      </header>
      <div className="jobs-body">
        <div className="jobs-list-wrap">
          {total === 0 ? (
            <div className="empty-state">
              <Icon name="history" size={32} />
              <h2>{filtered ? 'No job has these statuses' : 'No jobs yet'}</h2>
              <p>{filtered ? 'Choose “Every status” to see them all.' : 'Jobs queued in InvokeAI appear here as they run.'}</p>
            </div>
          ) : (
            <ul className="jobs-list" aria-label="Jobs">
              {jobs.map((job) => (
                <JobRow key={job.id} job={job} />
              ))}
            </ul>
          )}
          <Pager />
        </div>
        {focusedJob ? (
          <JobDetail job={focusedJob} />
        ) : (
          <div className="job-detail job-detail-empty">
            <p>Select a job to see its details and images.</p>
          </div>
        )}
      </div>
    </div>
  );
}
