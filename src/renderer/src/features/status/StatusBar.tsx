import type { AppStatus, SyncProgress } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { formatCount, formatTime, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { QueueSummaryLine } from '../jobs/QueueSummary';
import './status.css';

const CONNECTION_LABELS: Record<AppStatus['connection'], string> = {
  online: 'Online',
  connecting: 'Connecting…',
  offline: 'Offline',
};

const PHASE_LABELS: Record<SyncProgress['phase'], string> = {
  idle: '',
  boards: 'Syncing boards',
  names: 'Syncing the image list',
  images: 'Syncing images',
  metadata: 'Syncing prompts',
  jobs: 'Syncing jobs',
  models: 'Syncing models',
};

function SyncState({ sync }: { sync: SyncProgress }) {
  if (sync.phase === 'idle') return null;
  const fraction = sync.total > 0 ? Math.min(1, sync.done / sync.total) : null;
  return (
    <span className="status-item status-sync">
      <span>
        {PHASE_LABELS[sync.phase]}
        {sync.total > 0 && ` ${formatCount(sync.done)} of ${formatCount(sync.total)}`}
      </span>
      <span
        className={`progress${fraction === null ? ' progress-indeterminate' : ''}`}
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        <span style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
      </span>
    </span>
  );
}

function UploadsButton() {
  const uploads = useStore((s) => s.uploads.filter((upload) => !s.uploadsCleared.has(upload.id)).length);
  const active = useStore((s) => s.uploads.filter((upload) => upload.state === 'queued' || upload.state === 'uploading').length);
  const open = useStore((s) => s.uploadsPanelOpen);
  const uploadsPanelToggled = useStore((s) => s.uploadsPanelToggled);
  if (uploads === 0) return null;
  return (
    <button type="button" className="status-button" aria-pressed={open} onClick={() => uploadsPanelToggled()}>
      <Icon name="upload" size={14} />
      {active > 0 ? `Uploading ${formatCount(active)}` : 'Uploads'}
    </button>
  );
}

/**
 * Where the app stands: server, connection, last sync, sync progress, queued actions. Offline,
 * the banner above the content carries the reason, so the bar does not repeat it.
 */
export function StatusBar() {
  const status = useStore((s) => s.status);
  const syncRequested = useStore((s) => s.syncRequested);
  const dialogOpened = useStore((s) => s.dialogOpened);
  const connection = status?.connection ?? 'connecting';

  return (
    <footer className="status-bar" aria-label="Status">
      <span className={`status-item connection connection-${connection}`}>
        <span className="connection-dot" aria-hidden="true" />
        {CONNECTION_LABELS[connection]}
      </span>
      {status && (
        <span className="status-item status-server" title={status.server_url}>
          {status.server_url}
          {status.server_version && <span className="status-faint"> · InvokeAI {status.server_version}</span>}
        </span>
      )}
      {status?.last_sync && (
        <span className="status-item" title={status.last_sync.text}>
          Synced {formatTime(status.last_sync.finished_at)}
        </span>
      )}
      {status && <SyncState sync={status.sync} />}
      {status && status.outbox > 0 && (
        <span className="status-item status-outbox">
          <Icon name="refresh" size={14} />
          {plural(status.outbox, 'action')} queued
        </span>
      )}
      {status?.message && connection !== 'offline' && !status.sign_in_required && (
        <span className="status-item status-message" title={status.message}>
          <Icon name="alert" size={14} />
          {status.message}
        </span>
      )}
      <span className="status-spacer" />
      <span className="status-item">
        <QueueSummaryLine compact />
      </span>
      <UploadsButton />
      <button type="button" className="status-button" onClick={() => void syncRequested()}>
        <Icon name="refresh" size={14} />
        Sync now
      </button>
      <button type="button" className="status-button" onClick={() => dialogOpened({ kind: 'settings' })}>
        <Icon name="settings" size={14} />
        Settings
      </button>
    </footer>
  );
}
