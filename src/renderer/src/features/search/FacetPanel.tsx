import { useEffect, useId, useState } from 'react';
import type { FacetName, Facets } from '../../../../shared/ipc';
import { formatTerm, hasTerm, toggleTerm, type FieldName } from '../../../../shared/query';
import { invoke } from '../../app/bridge';
import { useStore } from '../../app/store';
import { formatCount } from '../../ui/format';
import { Icon } from '../../ui/Icon';
import { ModelsDialog } from './ModelsDialog';
import { PromptsDialog } from './PromptsDialog';

const TITLES: Record<FacetName, string> = {
  model: 'Model',
  base: 'Base',
  lora: 'LoRA',
  scheduler: 'Scheduler',
  size: 'Size',
  month: 'Month',
};

/** The search term a facet value stands for: a click adds it, or removes it when present. */
function termFor(facet: FacetName, value: string): string {
  if (facet === 'month') return `date:${value}`;
  const field: FieldName = facet;
  return formatTerm(field, value);
}

const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric' });
function label(facet: FacetName, value: string): string {
  if (facet !== 'month') return value;
  const [year, month] = value.split('-').map(Number);
  return year && month ? MONTH.format(new Date(year, month - 1, 1)) : value;
}

/** The counts of the current view, re-read when the view or the cache changes. */
function useFacets(): Facets | null {
  const query = useStore((s) => s.query);
  const queryKey = useStore((s) => s.queryKey);
  const epoch = useStore((s) => s.epoch);
  // Counted once the grid's first screen is in: main answers in order, and its thumbnails come first.
  const ready = useStore((s) => s.firstScreenShown);
  const [facets, setFacets] = useState<{ key: string; facets: Facets } | null>(null);
  useEffect(() => {
    if (!queryKey || !ready) return;
    let current = true;
    invoke('search.facets', { query })
      .then((result) => {
        if (current) setFacets({ key: queryKey, facets: result });
      })
      // The panel is an aid: when counting fails it keeps the last counts, the grid says the rest.
      .catch(() => undefined);
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- query is represented by queryKey
  }, [queryKey, epoch, ready]);
  return facets?.facets ?? null;
}

/**
 * The facet panel beside the grid: for the view on screen (board, categories, starred, search),
 * how many images each model, base, LoRA, scheduler, size and month has. A value is a toggle
 * button that adds its term to the search, or takes it out again.
 */
export function FacetPanel() {
  const [open, setOpen] = useState(true);
  const [models, setModels] = useState(false);
  const [prompts, setPrompts] = useState(false);
  const text = useStore((s) => s.searchText);
  const searchTextChanged = useStore((s) => s.searchTextChanged);
  const facets = useFacets();
  const id = useId();
  return (
    <aside className={open ? 'facet-panel' : 'facet-panel facet-panel-closed'} aria-label="Facets">
      <button type="button" className="facet-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
        <Icon name="filter" size={15} />
        {open && <span>Facets</span>}
        <Icon name={open ? 'chevronRight' : 'chevronLeft'} size={14} />
        {!open && <span className="visually-hidden">Show facets</span>}
      </button>
      <div id={id} className="facet-groups" hidden={!open}>
        <button type="button" className="button facet-models" onClick={() => setModels(true)}>
          Models and LoRAs…
        </button>
        <button type="button" className="button facet-models" onClick={() => setPrompts(true)}>
          Prompts…
        </button>
        {facets?.sampled && <p className="facet-note">Counts of the newest {formatCount(facets.sampled)} matches</p>}
        {facets?.facets
          .filter((group) => group.values.length > 0)
          .map((group) => (
            <section key={group.facet} className="facet-group" aria-labelledby={`${id}-${group.facet}`}>
              <h2 id={`${id}-${group.facet}`} className="facet-title">
                {TITLES[group.facet]}
              </h2>
              <ul className="facet-values">
                {group.values.map(({ value, count }) => {
                  const term = termFor(group.facet, value);
                  const active = hasTerm(text, term);
                  return (
                    <li key={value}>
                      <button
                        type="button"
                        className="facet-value"
                        aria-pressed={active}
                        title={active ? `Remove ${term} from the search` : `Search ${term}`}
                        onClick={() => searchTextChanged(toggleTerm(text, term))}
                      >
                        <span className="facet-label">{label(group.facet, value)}</span>
                        <span className="facet-count">{formatCount(count)}</span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </section>
          ))}
      </div>
      {models && <ModelsDialog onClose={() => setModels(false)} />}
      {prompts && <PromptsDialog onClose={() => setPrompts(false)} />}
    </aside>
  );
}
