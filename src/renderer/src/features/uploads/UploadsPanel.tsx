import type { UploadItem } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { formatCount } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import './uploads.css';

const STATE_LABELS: Record<UploadItem['state'], string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  done: 'Uploaded',
  failed: 'Failed',
};

function UploadRow({ upload }: { upload: UploadItem }) {
  return (
    <li className={`upload upload-${upload.state}`}>
      <div className="upload-line">
        <span className="upload-name" title={upload.file_name}>
          {upload.file_name}
        </span>
        <span className="upload-state">
          {upload.state === 'uploading' ? `${Math.round(upload.progress * 100)}%` : STATE_LABELS[upload.state]}
        </span>
      </div>
      {(upload.state === 'uploading' || upload.state === 'queued') && (
        <div
          className="progress"
          role="progressbar"
          aria-label={`Upload of ${upload.file_name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(upload.progress * 100)}
        >
          <span style={{ width: `${upload.progress * 100}%` }} />
        </div>
      )}
      {upload.error && <p className="upload-error">{upload.error}</p>}
    </li>
  );
}

/** Per-file progress and errors of uploads, fed by main's uploads.changed events. */
export function UploadsPanel() {
  const all = useStore((s) => s.uploads);
  const cleared = useStore((s) => s.uploadsCleared);
  const open = useStore((s) => s.uploadsPanelOpen);
  const uploadsPanelToggled = useStore((s) => s.uploadsPanelToggled);
  const finishedUploadsCleared = useStore((s) => s.finishedUploadsCleared);
  const uploads = all.filter((upload) => !cleared.has(upload.id));
  if (!open || uploads.length === 0) return null;

  const done = uploads.filter((upload) => upload.state === 'done').length;
  const failed = uploads.filter((upload) => upload.state === 'failed').length;
  const summary = `${formatCount(done)} of ${formatCount(uploads.length)} uploaded${failed > 0 ? `, ${formatCount(failed)} failed` : ''}`;

  return (
    <section className="corner-panel uploads-panel" aria-label="Uploads">
      <header className="uploads-head">
        <div>
          <h2>Uploads</h2>
          <p>{summary}</p>
        </div>
        <button type="button" className="button button-ghost" disabled={done + failed === 0} onClick={finishedUploadsCleared}>
          Clear finished
        </button>
        <button type="button" className="icon-button" aria-label="Hide uploads" onClick={() => uploadsPanelToggled(false)}>
          <Icon name="chevronDown" />
        </button>
      </header>
      <ul className="uploads-list">
        {uploads.map((upload) => (
          <UploadRow key={upload.id} upload={upload} />
        ))}
      </ul>
    </section>
  );
}
