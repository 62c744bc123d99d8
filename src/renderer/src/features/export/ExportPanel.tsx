import type { ExportJob } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { formatBytes, formatCount, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import './export.css';

/** Failures shown per export; the count says how many more there are. */
const SHOWN_FAILURES = 20;

function headline(job: ExportJob): string {
  const finished = job.written + job.skipped + job.failed;
  switch (job.state) {
    case 'running':
      return `Exporting ${formatCount(finished)} of ${formatCount(job.total)}`;
    case 'done':
      return job.failed > 0
        ? `Exported ${formatCount(job.written + job.skipped)} of ${formatCount(job.total)}`
        : `Exported ${plural(job.total, 'image')}`;
    case 'cancelled':
      return `Cancelled at ${formatCount(finished)} of ${formatCount(job.total)}`;
    case 'interrupted':
      return `Interrupted at ${formatCount(finished)} of ${formatCount(job.total)}`;
  }
}

function counts(job: ExportJob): string {
  const parts = [`${formatCount(job.written)} written (${formatBytes(job.bytes)})`];
  if (job.skipped) parts.push(`${formatCount(job.skipped)} already there`);
  if (job.failed) parts.push(`${formatCount(job.failed)} failed`);
  return parts.join(' · ');
}

function ExportRow({ job }: { job: ExportJob }) {
  const exportCancelled = useStore((s) => s.exportCancelled);
  const exportResumed = useStore((s) => s.exportResumed);
  const exportDismissed = useStore((s) => s.exportDismissed);
  const finished = job.written + job.skipped + job.failed;
  const percent = job.total === 0 ? 100 : Math.round((finished / job.total) * 100);
  const canResume = job.state === 'cancelled' || job.state === 'interrupted' || (job.state === 'done' && job.failed > 0);
  const title = headline(job);
  return (
    <li className={`export export-${job.state}`} aria-label={title}>
      <div className="export-line">
        <strong>{title}</strong>
        <span className="export-actions">
          {job.state === 'running' && (
            <button type="button" className="button button-ghost" onClick={() => void exportCancelled(job.id)}>
              Cancel
            </button>
          )}
          {canResume && (
            <button type="button" className="button button-ghost" onClick={() => void exportResumed(job.id)}>
              {job.state === 'done' ? 'Retry failed' : 'Resume'}
            </button>
          )}
          {job.state !== 'running' && (
            <button
              type="button"
              className="icon-button"
              aria-label={`Remove “${title}” from the list`}
              onClick={() => void exportDismissed(job.id)}
            >
              <Icon name="close" size={16} />
            </button>
          )}
        </span>
      </div>
      <p className="export-folder-name" title={job.out_dir}>
        {job.out_dir}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Export to ${job.out_dir}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <span style={{ width: `${percent}%` }} />
      </div>
      <p className="export-counts">{counts(job)}</p>
      {job.not_cached > 0 && (
        <p className="export-offline">
          <Icon name="cloudOff" size={14} /> {plural(job.not_cached, 'image')} not cached while the server is offline: resume when it is
          back.
        </p>
      )}
      {job.failures.length > 0 && (
        <details className="export-failures">
          <summary>Failed files</summary>
          <ul>
            {job.failures.slice(0, SHOWN_FAILURES).map((failure) => (
              <li key={failure.image_name}>
                <span className="export-failure-name">{failure.image_name}</span> {failure.reason}
              </li>
            ))}
          </ul>
          {job.failed > SHOWN_FAILURES && <p>and {formatCount(job.failed - SHOWN_FAILURES)} more</p>}
        </details>
      )}
    </li>
  );
}

/** Progress of exports, with cancel and resume; fed by main's export.progress events. */
export function ExportPanel() {
  const exports = useStore((s) => s.exports);
  if (exports.length === 0) return null;
  return (
    <section className="corner-panel export-panel" aria-label="Exports">
      <header className="export-head">
        <h2>Exports</h2>
      </header>
      <ul className="export-list">
        {exports.map((job) => (
          <ExportRow key={job.id} job={job} />
        ))}
      </ul>
    </section>
  );
}
