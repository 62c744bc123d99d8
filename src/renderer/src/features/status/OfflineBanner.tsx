import { useStore } from '../../app/store';
import { formatTime, plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';

/** Says plainly that the app is working from its cache, since when, and what waits to be sent. */
export function OfflineBanner() {
  const status = useStore((s) => s.status);
  const syncRequested = useStore((s) => s.syncRequested);
  const dialogOpened = useStore((s) => s.dialogOpened);
  if (status?.connection !== 'offline') return null;

  const since = status.offline_since ? `Offline since ${formatTime(status.offline_since)}` : 'Offline';
  const queued =
    status.outbox > 0
      ? `; ${plural(status.outbox, 'action')} will be sent when the server is back`
      : '; changes you make will be sent when the server is back';

  return (
    <div className="offline-banner" role="status">
      <Icon name="cloudOff" size={18} />
      <p>
        <strong>{since}</strong> — showing the cache{queued}.{status.message && <span className="offline-reason"> {status.message}</span>}
      </p>
      <button type="button" className="button button-ghost" onClick={() => void syncRequested()}>
        Try again
      </button>
      <button type="button" className="button button-ghost" onClick={() => dialogOpened({ kind: 'settings' })}>
        Settings
      </button>
    </div>
  );
}
