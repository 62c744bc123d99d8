import { useEffect, useId, useState } from 'react';
import type { PromptStacks, PromptStacksQuery } from '../../../../shared/ipc';
import { formatTerm } from '../../../../shared/query';
import { invoke } from '../../app/bridge';
import { thumbnailUrl } from '../../app/media';
import { useStore } from '../../app/store';
import { Dialog } from '../../ui/Dialog';
import { formatShortDate, plural } from '../../ui/format';

const PAGE = 60;
type Sort = PromptStacksQuery['sort'];

/** Stacks for the words and order chosen, the pages before `offset` kept; a newer choice drops answers to older ones. */
function useStacks(search: string, sort: Sort, offset: number) {
  const [state, setState] = useState<{ key: string; stacks: PromptStacks['stacks']; more: boolean } | null>(null);
  const key = `${sort}\n${search}`;
  useEffect(() => {
    let current = true;
    invoke('search.prompts', { search, sort, offset, limit: PAGE })
      .then((page) => {
        if (!current) return;
        setState((previous) => ({
          key,
          stacks: offset > 0 && previous?.key === key ? [...previous.stacks, ...page.stacks] : page.stacks,
          more: page.more,
        }));
      })
      .catch((error: unknown) => useStore.getState().actionFailed('read the prompts', error));
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- search and sort are represented by key
  }, [key, offset]);
  const shown = state?.key === key ? state : null;
  return { stacks: shown?.stacks ?? null, more: shown?.more ?? false };
}

/**
 * The Prompts view: images grouped by identical positive prompt across the gallery (the cache, so
 * offline too), most used or most recent first, each with its newest image and its first and last
 * use. Opening a stack searches the grid for that exact prompt (`prompt:"…"`).
 */
export function PromptsDialog({ onClose }: { onClose: () => void }) {
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('count');
  // Other words or another order start again at the first page.
  const [offset, setOffset] = useState(0);
  const { stacks, more } = useStacks(search, sort, offset);
  const media = useStore((s) => s.media);
  const searchTextChanged = useStore((s) => s.searchTextChanged);
  const id = useId();
  const open = (prompt: string) => {
    searchTextChanged(formatTerm('prompt', prompt));
    onClose();
  };
  return (
    <Dialog label="Prompts" onClose={onClose} className="prompts-dialog">
      <div className="prompts-controls">
        <label htmlFor={`${id}-search`} className="visually-hidden">
          Find prompts containing
        </label>
        <input
          id={`${id}-search`}
          type="search"
          className="field prompts-search"
          data-autofocus
          placeholder="Find prompts containing…"
          value={search}
          onChange={(event) => {
            setSearch(event.target.value);
            setOffset(0);
          }}
        />
        <label htmlFor={`${id}-sort`}>Sort</label>
        <select
          id={`${id}-sort`}
          className="field"
          value={sort}
          onChange={(event) => {
            setSort(event.target.value as Sort);
            setOffset(0);
          }}
        >
          <option value="count">Most images</option>
          <option value="recent">Most recent</option>
        </select>
      </div>
      {stacks === null ? (
        <p>Reading…</p>
      ) : stacks.length === 0 ? (
        <p>{search.trim() === '' ? 'No cached image has a prompt yet.' : 'No prompt contains all of these words.'}</p>
      ) : (
        <ul className="prompt-stacks" aria-label="Prompt stacks">
          {stacks.map((stack) => (
            <li key={stack.prompt}>
              <button
                type="button"
                className="prompt-stack"
                title={`Show the ${plural(stack.images, 'image')} made with this prompt`}
                onClick={() => open(stack.prompt)}
              >
                {media && <img src={thumbnailUrl(media, stack.newest_image)} alt="" loading="lazy" decoding="async" />}
                <span className="prompt-text">{stack.prompt}</span>
                <span className="prompt-count">{plural(stack.images, 'image')}</span>
                <span className="prompt-dates">
                  {formatShortDate(stack.first_used)}
                  {stack.images > 1 && ` – ${formatShortDate(stack.last_used)}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {more && (
        <button type="button" className="button prompts-more" onClick={() => setOffset(stacks?.length ?? 0)}>
          More prompts
        </button>
      )}
    </Dialog>
  );
}
