import { memo, type MouseEvent } from 'react';
import type { JobListRow } from '../../../../shared/ipc';
import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { formatShortDate } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { LiveProgress, StatusBadge, isCancellable, jobDuration, useLiveStatus } from './jobStatus';

export const JOB_ROW_HEIGHT = 64;

/** A steady hue per batch, so rows of one batch are visibly tied wherever they sit. */
export function batchHue(batchId: string): number {
  let hash = 0;
  for (let i = 0; i < batchId.length; i++) hash = (hash * 31 + batchId.charCodeAt(i)) >>> 0;
  return hash % 360;
}

function Thumbs({ row }: { row: JobListRow }) {
  const media = useStore((s) => s.media);
  const openOutputs = useStore((s) => s.jobOutputsOpened);
  if (row.output_count === 0) return <span className="job-thumbs job-thumbs-empty" aria-hidden="true" />;
  const more = row.output_count - row.first_outputs.length;
  return (
    <span className="job-thumbs">
      {row.first_outputs.map((name, index) => (
        <button
          key={name}
          type="button"
          className="job-thumb"
          aria-label={`Open image ${index + 1} of job ${row.job.id}`}
          onClick={(event) => {
            event.stopPropagation();
            // The viewer steps through this job's outputs only.
            void openOutputs(row.job.id, index);
          }}
        >
          {media && <img src={thumbnailUrl(media, name)} alt="" loading="lazy" decoding="async" />}
        </button>
      ))}
      {more > 0 && <span className="job-thumb-more">+{more}</span>}
    </span>
  );
}

/** One queue item in the history list: what it made, its prompt, batch, route, times and status. */
/** The virtualizer's ref: it measures the row and moves it into place without a React render. */
type MeasureRef = (element: HTMLLIElement | null) => void;

export const JobRow = memo(function JobRow({ row, index, measure }: { row: JobListRow; index: number; measure: MeasureRef }) {
  const { job } = row;
  const focused = useStore((s) => s.focusedJob?.id === job.id);
  const selected = useStore((s) => s.jobSelection.has(job.id));
  const jobClicked = useStore((s) => s.jobClicked);
  const jobSelectionToggled = useStore((s) => s.jobSelectionToggled);
  const jobFiltersChanged = useStore((s) => s.jobFiltersChanged);
  const cancelJob = useStore((s) => s.cancelJob);
  const status = useLiveStatus(job);
  const duration = jobDuration(job);
  const onClick = (event: MouseEvent) => void jobClicked(index, job, { shift: event.shiftKey, toggle: event.ctrlKey || event.metaKey });
  const hue = row.batch_id ? batchHue(row.batch_id) : null;
  const route = [row.origin, row.destination].filter(Boolean).join(' → ');

  return (
    <li
      ref={measure}
      data-index={index}
      data-job-id={job.id}
      className={`job-row${focused ? ' is-current' : ''}${selected ? ' is-selected' : ''}${row.on_server ? '' : ' is-gone'}`}
      style={{ height: JOB_ROW_HEIGHT, ...(hue === null ? { '--batch-alpha': 0 } : { '--batch-hue': hue }) }}
      aria-posinset={index + 1}
    >
      <input
        type="checkbox"
        className="job-check"
        aria-label={`Select job ${job.id}`}
        checked={selected}
        onChange={() => jobSelectionToggled(index, job.id)}
      />
      <Thumbs row={row} />
      <button
        type="button"
        className="job-select"
        aria-label={`Job ${job.id}`}
        aria-current={focused ? 'true' : undefined}
        aria-describedby={`job-summary-${job.id}`}
        onClick={onClick}
      >
        <span className="job-line">
          <span className="job-id">#{job.id}</span>
          <StatusBadge status={status} />
          <span className="job-prompt" title={row.prompt ?? undefined}>
            {row.prompt ?? <span className="job-faint">{row.output_count > 0 ? 'No prompt recorded' : 'No images'}</span>}
          </span>
        </span>
        <span className="job-line job-line-meta" id={`job-summary-${job.id}`}>
          {row.model && <span className="job-model">{row.model}</span>}
          {route && <span className="job-route">{route}</span>}
          <span className="job-time">{formatShortDate(job.created_at)}</span>
          <span className="job-duration">{duration ?? (status === 'running' ? 'running…' : '')}</span>
          {row.retried_from && <span className="job-faint">retry of #{row.retried_from}</span>}
          {!row.on_server && <span className="job-gone">no longer on the server</span>}
          {status === 'running' && <LiveProgress job={job} />}
          {status === 'failed' && <span className="job-error-line">{row.error_type ?? job.error ?? 'Failed'}</span>}
        </span>
      </button>
      {row.batch_id && (
        <button
          type="button"
          className="job-batch"
          title={`Batch ${row.batch_id}: show only its jobs`}
          aria-label={`Show only batch ${row.batch_id.slice(0, 8)}`}
          onClick={() => jobFiltersChanged({ batch_id: row.batch_id })}
        >
          {row.batch_id.slice(0, 8)}
        </button>
      )}
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

export function PlaceholderJobRow({ index, measure }: { index: number; measure: MeasureRef }) {
  return (
    <li
      ref={measure}
      data-index={index}
      className="job-row job-row-placeholder"
      style={{ height: JOB_ROW_HEIGHT }}
      aria-posinset={index + 1}
      aria-hidden="true"
    />
  );
}
