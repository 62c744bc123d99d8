import { useStore } from '../../app/store';
import { plural } from '../../ui/format';
import { Icon } from '../../ui/Icon';

/**
 * The one prompt while a multi-user server needs a sign-in (never signed in, signed out, or the
 * sign-in expired or was revoked): why, what waits for it, and the way to Settings' sign-in.
 * Nothing is dropped meanwhile.
 */
export function SignInBanner() {
  const status = useStore((s) => s.status);
  const waitingUploads = useStore((s) => s.uploads.filter((item) => item.state === 'queued').length);
  const dialogOpened = useStore((s) => s.dialogOpened);
  if (!status?.sign_in_required) return null;

  const waiting = [
    status.outbox > 0 ? plural(status.outbox, 'change') : null,
    waitingUploads > 0 ? plural(waitingUploads, 'upload') : null,
  ].filter((part) => part !== null);

  return (
    <div className="offline-banner sign-in-banner" role="alert">
      <Icon name="alert" size={18} />
      <p>
        <strong>Sign-in needed</strong> — {status.message}
        {waiting.length > 0 && <span className="offline-reason"> Kept until then: {waiting.join(', ')}.</span>}
      </p>
      <button type="button" className="button button-ghost" onClick={() => dialogOpened({ kind: 'settings' })}>
        Sign in…
      </button>
    </div>
  );
}
