import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';
import { useJobProgress } from './progressStore';

/** "Job history" in the sidebar, with a live count of the jobs running now. */
export function JobsNavEntry() {
  const current = useStore((s) => s.view === 'jobs');
  const viewShown = useStore((s) => s.viewShown);
  const running = useJobProgress((s) => Object.values(s.byJob).filter((job) => job.status === 'running').length);
  return (
    <li className={`board-entry${current ? ' is-current' : ''}`}>
      <button type="button" className="board-select" aria-current={current ? 'page' : undefined} onClick={() => viewShown('jobs')}>
        <span className="board-cover" aria-hidden="true">
          <Icon name="history" size={16} />
        </span>
        <span className="board-text">
          <span className="board-name">Job history</span>
        </span>
        {running > 0 && (
          <span className="nav-live" aria-label={`${running} running`}>
            <span className="live-dot" aria-hidden="true" />
            {running}
          </span>
        )}
      </button>
    </li>
  );
}
