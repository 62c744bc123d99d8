import type { QueueSummary as Summary } from '../../../../shared/ipc';
import { useStore } from '../../app/store';
import { formatCount } from '../../ui/format';

const PARTS: readonly [keyof Summary & ('pending' | 'in_progress' | 'completed' | 'failed' | 'cancelled'), string, string][] = [
  ['pending', 'pending', 'status-pending'],
  ['in_progress', 'in progress', 'status-running'],
  ['completed', 'completed', 'status-completed'],
  ['failed', 'failed', 'status-failed'],
  ['cancelled', 'cancelled', 'status-cancelled'],
];

/** The queue in one line; `compact` for the status bar (only what is not zero, and paused). */
export function QueueSummaryLine({ compact = false }: { compact?: boolean }) {
  const summary = useStore((s) => s.queueSummary);
  if (!summary) return null;
  const parts = PARTS.filter(([key]) => !compact || summary[key] > 0 || key === 'pending');
  const source = summary.source === 'cache' ? 'as last seen (offline)' : 'on the server';
  return (
    <span className={`queue-summary${compact ? ' queue-summary-compact' : ''}`} role="status" aria-label={`Queue ${source}`}>
      {compact && <span className="queue-summary-title">Queue</span>}
      {summary.paused === true && <span className="queue-paused">Paused</span>}
      {parts.map(([key, label, tone]) => (
        <span key={key} className={`queue-count ${tone}`}>
          <span className="status-dot" aria-hidden="true" />
          {formatCount(summary[key])} {label}
        </span>
      ))}
      {summary.source === 'cache' && <span className="job-faint">(as last seen)</span>}
    </span>
  );
}
