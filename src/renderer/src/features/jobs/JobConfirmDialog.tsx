import { useStore } from '../../app/store';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { plural } from '../../ui/format';
import type { JobConfirm } from './jobsSlice';

const KEPT = 'The app keeps its own copy of their history: they stay in this list, marked “no longer on the server”.';

interface Wording {
  title: string;
  action: string;
  body: string;
  tone: 'quiet' | 'danger';
}

/** What the control will do, in words, with the number of jobs it touches. */
function wordingOf({ control, count, running }: JobConfirm): Wording {
  const n = count === null ? 'Counting the' : plural(count, 'job');
  switch (control.kind) {
    case 'retry':
      return {
        title: 'Retry jobs',
        action: count === 1 ? 'Retry 1 job' : `Retry ${count ?? ''} jobs`,
        body:
          `${n} failed or cancelled will be queued again on the server as new jobs; the originals stay as they are.` +
          (control.skipped > 0 ? ` ${plural(control.skipped, 'other selected job')} cannot be retried and will be left alone.` : ''),
        tone: 'quiet',
      };
    case 'cancelSelected':
      return {
        title: 'Cancel jobs',
        action: count === 1 ? 'Cancel 1 job' : `Cancel ${count ?? ''} jobs`,
        body:
          `${n} pending or running will be cancelled. While offline the cancel waits and is sent when the server is back.` +
          (control.skipped > 0 ? ` ${plural(control.skipped, 'other selected job')} already finished and will be left alone.` : ''),
        tone: 'danger',
      };
    case 'cancelBatch':
      return {
        title: 'Cancel the batch',
        action: 'Cancel batch',
        body: `${n} of batch ${control.batchId.slice(0, 8)} not finished yet will be cancelled (a running one stops). Finished jobs of the batch stay as they are.`,
        tone: 'danger',
      };
    case 'cancelAllExceptCurrent':
      return {
        title: 'Cancel all pending jobs',
        action: 'Cancel pending jobs',
        body: `${n} waiting in the queue will be cancelled.${running > 0 ? ' The running job is left to finish.' : ''}`,
        tone: 'danger',
      };
    case 'pause':
      return {
        title: 'Pause the queue',
        action: 'Pause',
        body: `The server starts no new job until you resume: ${n} pending will wait.${running > 0 ? ' The running job finishes first.' : ''}`,
        tone: 'quiet',
      };
    case 'resume':
      return {
        title: 'Resume the queue',
        action: 'Resume',
        body: `The server starts working again: ${n} pending will run in turn.`,
        tone: 'quiet',
      };
    case 'prune':
      return {
        title: 'Prune the queue',
        action: 'Prune',
        body: `The server deletes its ${n} that finished (completed, failed or cancelled). Pending and running jobs stay. ${KEPT}`,
        tone: 'danger',
      };
    case 'clear':
      return {
        title: 'Clear the queue',
        action: 'Clear queue',
        body: `The server deletes all its ${n}, pending ones too, and cancels the running one. ${KEPT}`,
        tone: 'danger',
      };
  }
}

export function JobConfirmDialog() {
  const confirm = useStore((s) => s.jobConfirm);
  const confirmed = useStore((s) => s.jobControlConfirmed);
  const dismissed = useStore((s) => s.jobControlDismissed);
  if (!confirm) return null;
  const wording = wordingOf(confirm);
  return (
    <ConfirmDialog
      label={wording.title}
      onCancel={dismissed}
      choices={confirm.count === null ? [] : [{ label: wording.action, tone: wording.tone, onChoose: () => void confirmed() }]}
    >
      <p>{confirm.count === null ? 'Counting the jobs this touches…' : wording.body}</p>
    </ConfirmDialog>
  );
}
