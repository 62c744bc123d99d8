import type { IvkJob } from '../../../../shared/models';
import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { formatDate, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { LiveProgress, StatusBadge, isCancellable, jobDuration, useLiveStatus } from './jobStatus';

function Outputs({ jobId }: { jobId: string }) {
  const outputs = useStore((s) => (s.jobOutputs?.jobId === jobId ? s.jobOutputs.images : null));
  const media = useStore((s) => s.media);
  const viewerOpenedWithImages = useStore((s) => s.viewerOpenedWithImages);
  if (outputs === null) return <p className="job-muted">Reading the job’s images…</p>;
  if (outputs.length === 0) return <p className="job-muted">This job made no images.</p>;
  return (
    <ul className="job-outputs" aria-label="Output images">
      {outputs.map((image, index) => (
        <li key={image.image_name}>
          <button type="button" aria-label={`Open ${image.image_name}`} onClick={() => viewerOpenedWithImages(outputs, index)}>
            {media && <img src={thumbnailUrl(media, image.image_name)} alt="" loading="lazy" decoding="async" />}
          </button>
        </li>
      ))}
    </ul>
  );
}

function stringField(job: IvkJob, key: string): string | null {
  const value = job.metadata[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

/** Everything about one job: times, its error, live progress, cancel, and the images it made. */
export function JobDetail({ job }: { job: IvkJob }) {
  const cancelJob = useStore((s) => s.cancelJob);
  const requested = useStore((s) => s.jobControlRequested);
  const online = useStore((s) => s.status?.connection === 'online');
  const searchShown = useStore((s) => s.searchShown);
  const status = useLiveStatus(job);
  const duration = jobDuration(job);
  const origin = stringField(job, 'origin');
  const destination = stringField(job, 'destination');
  const batch = stringField(job, 'batch_id');
  const outputCount = useStore((s) => (s.jobOutputs?.jobId === job.id ? (s.jobOutputs.images?.length ?? null) : null));

  return (
    <section className="job-detail" aria-label={`Job ${job.id} details`}>
      <header className="job-detail-head">
        <h2>Job #{job.id}</h2>
        <StatusBadge status={status} />
        {isCancellable(status) && (
          <button type="button" className="button job-detail-cancel" onClick={() => void cancelJob(job.id)}>
            <Icon name="stop" size={15} />
            Cancel job
          </button>
        )}
        {(status === 'failed' || status === 'cancelled') && (
          <button
            type="button"
            className="button job-detail-cancel"
            disabled={!online}
            title={online ? undefined : 'Offline: this needs the server'}
            onClick={() => void requested({ kind: 'retry', jobIds: [job.id], skipped: 0 })}
          >
            <Icon name="refresh" size={15} />
            Retry job
          </button>
        )}
      </header>
      {status === 'running' && <LiveProgress job={job} />}
      {status === 'failed' && (
        <div className="job-error" role="note" aria-label="Error">
          <Icon name="alert" size={16} />
          <p>{job.error ?? 'The server gave no reason.'}</p>
        </div>
      )}
      <dl className="job-fields">
        <dt>Created</dt>
        <dd>{formatDate(job.created_at, true)}</dd>
        <dt>Started</dt>
        <dd>{formatDate(job.started_at, true)}</dd>
        <dt>Completed</dt>
        <dd>{formatDate(job.completed_at, true)}</dd>
        <dt>Duration</dt>
        <dd>{duration ?? '—'}</dd>
        {origin && (
          <>
            <dt>Origin</dt>
            <dd>{origin}</dd>
          </>
        )}
        {destination && (
          <>
            <dt>Destination</dt>
            <dd>{destination}</dd>
          </>
        )}
        {batch && (
          <>
            <dt>Batch</dt>
            <dd className="job-mono">{batch}</dd>
          </>
        )}
      </dl>
      <div className="job-outputs-head">
        <h3 className="job-outputs-title">{outputCount === null ? 'Images' : plural(outputCount, 'image')}</h3>
        <button type="button" className="button" onClick={() => searchShown(`job:${job.id}`)}>
          <Icon name="image" size={15} />
          Show in the gallery
        </button>
        {batch && (
          <button type="button" className="button" onClick={() => searchShown(`batch:${batch}`)}>
            <Icon name="images" size={15} />
            Show the batch’s images
          </button>
        )}
      </div>
      <Outputs jobId={job.id} />
    </section>
  );
}
