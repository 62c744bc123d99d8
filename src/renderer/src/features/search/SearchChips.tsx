import { useId, useMemo } from 'react';
import { parseQuery, removeTerm } from '../../../../shared/query';
import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';

/**
 * The search as the app understood it: one chip per term, with a button to remove it. A term it
 * could not read (an unknown field, a malformed value) is a marked chip whose tooltip and
 * accessible description say why it is left out, so a search never narrows silently.
 */
export function SearchChips() {
  const text = useStore((s) => s.searchText);
  const searchTextChanged = useStore((s) => s.searchTextChanged);
  const terms = useMemo(() => parseQuery(text).terms, [text]);
  const id = useId();
  if (terms.length === 0) return null;
  return (
    <ul className="search-chips" aria-label="Search terms">
      {terms.map((term, index) => (
        <li key={`${term.start}:${term.raw}`} className="search-chip-item">
          {term.or && <span className="search-chip-or">OR</span>}
          <span
            className={term.valid ? 'search-chip' : 'search-chip search-chip-invalid'}
            title={term.valid ? undefined : term.reason}
            aria-describedby={term.valid ? undefined : `${id}-${index}`}
            data-valid={term.valid}
          >
            {!term.valid && (
              <span className="search-chip-mark" aria-hidden="true">
                !
              </span>
            )}
            <span className="search-chip-label">{term.raw}</span>
            {!term.valid && (
              <span id={`${id}-${index}`} className="visually-hidden">
                Not used: {term.reason}
              </span>
            )}
            <button
              type="button"
              className="search-chip-remove"
              aria-label={`Remove ${term.raw}`}
              onClick={() => searchTextChanged(removeTerm(text, term))}
            >
              <Icon name="close" size={12} />
            </button>
          </span>
        </li>
      ))}
    </ul>
  );
}
