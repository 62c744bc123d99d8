import { createPortal } from 'react-dom';
import { useStore } from '../../app/store';
import { Icon, type IconName } from '../../ui/Icon';
import { useTopDialog } from '../../ui/useTopDialog';
import type { NoticeLevel } from './noticesSlice';
import './notices.css';

const ICONS: Record<NoticeLevel, IconName> = { info: 'info', warning: 'alert', error: 'alert' };

/**
 * Toasts for failures and news, in sentences; errors are announced at once, the rest politely.
 * While a modal dialog is open (the viewer, compare, a confirmation) the rest of the page is covered
 * and inert, so the notices are rendered inside that dialog instead, where they are seen, heard and
 * dismissable. They never take the focus.
 */
export function Notices() {
  const notices = useStore((s) => s.notices);
  const noticeDismissed = useStore((s) => s.noticeDismissed);
  const dialog = useTopDialog();
  const region = (
    <section className={dialog ? 'notices notices-over-dialog' : 'notices'} aria-label="Notifications">
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
  return dialog ? createPortal(region, dialog) : region;
}
