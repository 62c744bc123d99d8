import { JobStatusValues } from '../../../../shared/models';
import { useStore } from '../../app/store';
import { plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { JobConfirmDialog } from './JobConfirmDialog';
import { JobDetail } from './JobDetail';
import { JobList } from './JobList';
import { selectedJobRows, selectionFor, type JobControl } from './jobsSlice';
import { STATUS_LABELS } from './jobStatus';
import { QueueSummaryLine } from './QueueSummary';
import './jobs.css';

const OFFLINE_REASON = 'Offline: this needs the server';

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

/** Origin, destination, batch, dates and the prompt search. */
function MoreFilters() {
  const filters = useStore((s) => s.jobFilters);
  const facets = useStore((s) => s.jobFacets);
  const changed = useStore((s) => s.jobFiltersChanged);
  const search = useStore((s) => s.jobSearchText);
  const typed = useStore((s) => s.jobSearchTyped);

  return (
    <div className="job-filters-more" role="group" aria-label="More filters">
      <label className="job-search">
        <Icon name="search" size={15} />
        <input
          type="search"
          placeholder="Search prompts"
          aria-label="Search job prompts"
          value={search}
          onChange={(e) => typed(e.target.value)}
        />
      </label>
      <label>
        Origin
        <select value={filters.origin ?? ''} onChange={(e) => changed({ origin: e.target.value || null })}>
          <option value="">Any</option>
          {facets.origins.map((origin) => (
            <option key={origin} value={origin}>
              {origin}
            </option>
          ))}
        </select>
      </label>
      <label>
        Destination
        <select value={filters.destination ?? ''} onChange={(e) => changed({ destination: e.target.value || null })}>
          <option value="">Any</option>
          {facets.destinations.map((destination) => (
            <option key={destination} value={destination}>
              {destination}
            </option>
          ))}
        </select>
      </label>
      <label>
        From
        <input type="date" value={filters.fromDay} onChange={(e) => changed({ fromDay: e.target.value })} />
      </label>
      <label>
        To
        <input type="date" value={filters.toDay} onChange={(e) => changed({ toDay: e.target.value })} />
      </label>
      {filters.batch_id && (
        <span className="job-batch-filter">
          Batch {filters.batch_id.slice(0, 8)}
          <button type="button" className="icon-button" aria-label="Show every batch" onClick={() => changed({ batch_id: null })}>
            <Icon name="close" size={14} />
          </button>
        </span>
      )}
    </div>
  );
}

/** Queue controls: what needs the server is disabled offline, with the reason beside it. */
function QueueControls() {
  const online = useStore((s) => s.status?.connection === 'online');
  const summary = useStore((s) => s.queueSummary);
  const batchId = useStore((s) => s.jobFilters.batch_id);
  const requested = useStore((s) => s.jobControlRequested);
  const request = (control: JobControl) => void requested(control);
  const paused = summary?.paused === true;
  const serverOnly = { disabled: !online, title: online ? undefined : OFFLINE_REASON };
  return (
    <div className="job-controls" role="toolbar" aria-label="Queue controls">
      {paused ? (
        <button type="button" className="button" {...serverOnly} onClick={() => request({ kind: 'resume' })}>
          <Icon name="play" size={15} />
          Resume
        </button>
      ) : (
        <button type="button" className="button" {...serverOnly} onClick={() => request({ kind: 'pause' })}>
          <Icon name="pause" size={15} />
          Pause
        </button>
      )}
      <button type="button" className="button" {...serverOnly} onClick={() => request({ kind: 'cancelAllExceptCurrent' })}>
        <Icon name="stop" size={15} />
        Cancel pending
      </button>
      {batchId && (
        <button type="button" className="button" {...serverOnly} onClick={() => request({ kind: 'cancelBatch', batchId })}>
          <Icon name="stop" size={15} />
          Cancel this batch
        </button>
      )}
      <button type="button" className="button" {...serverOnly} onClick={() => request({ kind: 'prune' })}>
        <Icon name="archive" size={15} />
        Prune finished
      </button>
      <button type="button" className="button button-danger" {...serverOnly} onClick={() => request({ kind: 'clear' })}>
        <Icon name="trash" size={15} />
        Clear queue
      </button>
      {!online && <span className="job-offline-reason">{OFFLINE_REASON}; cancelling chosen jobs still works and is sent later.</span>}
    </div>
  );
}

/** What to do with the selected jobs: retry the failed or cancelled, cancel the unfinished. */
function SelectionBar() {
  const jobSelection = useStore((s) => s.jobSelection);
  const jobPages = useStore((s) => s.jobPages);
  const online = useStore((s) => s.status?.connection === 'online');
  const requested = useStore((s) => s.jobControlRequested);
  const cleared = useStore((s) => s.jobSelectionCleared);
  const count = jobSelection.size;
  if (count === 0) return null;
  const rows = selectedJobRows({ jobSelection, jobPages });
  const retry = selectionFor(rows, 'retry');
  const cancel = selectionFor(rows, 'cancelSelected');
  return (
    <div className="job-selection-bar" role="toolbar" aria-label="Selected jobs">
      <span>{plural(count, 'job')} selected</span>
      <button
        type="button"
        className="button"
        disabled={!online || retry.jobIds.length === 0}
        title={online ? undefined : OFFLINE_REASON}
        onClick={() => void requested({ kind: 'retry', ...retry })}
      >
        <Icon name="refresh" size={15} />
        Retry {retry.jobIds.length > 0 ? retry.jobIds.length : ''}
      </button>
      <button
        type="button"
        className="button"
        disabled={cancel.jobIds.length === 0}
        onClick={() => void requested({ kind: 'cancelSelected', ...cancel })}
      >
        <Icon name="stop" size={15} />
        Cancel {cancel.jobIds.length > 0 ? cancel.jobIds.length : ''}
      </button>
      <button type="button" className="button" onClick={cleared}>
        Clear selection
      </button>
    </div>
  );
}

/** Every queue item, newest first, with what each made, the queue's controls and live progress. */
export function JobHistory() {
  const total = useStore((s) => s.jobsTotal);
  const focusedJob = useStore((s) => s.focusedJob);
  const filtered = useStore(
    (s) =>
      s.jobStatusFilter.length > 0 ||
      s.jobFilters.origin !== null ||
      s.jobFilters.destination !== null ||
      s.jobFilters.batch_id !== null ||
      s.jobFilters.fromDay !== '' ||
      s.jobFilters.toDay !== '' ||
      s.jobFilters.search.trim() !== '',
  );

  return (
    <div className="jobs">
      <header className="jobs-toolbar">
        <div className="gallery-title">
          <h1>Job history</h1>
          <span className="gallery-count" id="jobs-count">
            {total === null ? 'Loading…' : plural(total, 'job')}
          </span>
          <QueueSummaryLine />
        </div>
        <div className="job-actions-row">
          <QueueControls />
          <SelectionBar />
        </div>
        <StatusFilter />
        <MoreFilters />
      </header>
      <div className="jobs-body">
        <div className="jobs-list-wrap">
          {total === 0 ? (
            <div className="empty-state">
              <Icon name="history" size={32} />
              <h2>{filtered ? 'No job matches these filters' : 'No jobs yet'}</h2>
              <p>
                {filtered
                  ? 'Choose “Every status” and clear the other filters to see them all.'
                  : 'Jobs queued in InvokeAI appear here as they run.'}
              </p>
            </div>
          ) : (
            <JobList />
          )}
        </div>
        {focusedJob ? (
          <JobDetail job={focusedJob} />
        ) : (
          <div className="job-detail job-detail-empty">
            <p>Select a job to see its details and images.</p>
          </div>
        )}
      </div>
      <JobConfirmDialog />
    </div>
  );
}
