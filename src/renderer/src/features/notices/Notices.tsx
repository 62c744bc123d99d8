import { useStore } from '../../app/store';
import { Icon, type IconName } from '../../ui/Icon';
import type { NoticeLevel } from './noticesSlice';
import './notices.css';

const ICONS: Record<NoticeLevel, IconName> = { info: 'info', warning: 'alert', error: 'alert' };

/** Toasts for failures and news, in sentences; errors are announced at once, the rest politely. */
export function Notices() {
  const notices = useStore((s) => s.notices);
  const noticeDismissed = useStore((s) => s.noticeDismissed);
  return (
    <section className="notices" aria-label="Notifications">
      {notices.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.level}`} role={notice.level === 'error' ? 'alert' : 'status'}>
          <Icon name={ICONS[notice.level]} size={17} />
          <p>{notice.message}</p>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => noticeDismissed(notice.id)}>
            <Icon name="close" size={15} />
          </button>
        </div>
      ))}
    </section>
  );
}
