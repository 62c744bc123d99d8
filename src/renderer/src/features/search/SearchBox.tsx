import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { complete, completingAt } from '../../../../shared/query';
import { useStore } from '../../app/store';
import { Icon } from '../../ui/Icon';
import { RadioGroup, type RadioOption } from '../../ui/RadioGroup';
import type { SearchScope } from '../gallery/galleryQuery';
import { useSuggestions } from './suggestions';
import './search.css';

const SCOPES: readonly RadioOption<SearchScope>[] = [
  { value: 'board', label: 'This board' },
  { value: 'all', label: 'All boards' },
];

/** The query language's limit in the IPC contract (GalleryQuery.search). */
const MAX_SEARCH = 500;

/**
 * The search box: one line of the search language (src/shared/query), with a combobox list that
 * completes field names and their values at the caret. Arrow keys move in the list, Enter or Tab
 * takes a suggestion, Escape closes the list and, pressed again, clears the search.
 */
export function SearchBox() {
  const text = useStore((s) => s.searchText);
  const scope = useStore((s) => s.searchScope);
  const searchTextChanged = useStore((s) => s.searchTextChanged);
  const searchScopeChanged = useStore((s) => s.searchScopeChanged);
  const input = useRef<HTMLInputElement>(null);
  const listId = useId();
  /** Where the caret is while the list may show; null when it is closed. */
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const at = caret === null ? null : completingAt(text, caret);
  const suggestions = useSuggestions(at);
  const open = at !== null && suggestions.length > 0;
  const activeIndex = Math.min(active, suggestions.length - 1);

  const accept = (index: number) => {
    const choice = suggestions[index];
    if (!at || !choice) return;
    const next = complete(text, at, choice.value);
    searchTextChanged(next.text);
    setCaret(next.caret);
    setActive(0);
    requestAnimationFrame(() => input.current?.setSelectionRange(next.caret, next.caret));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (open && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((activeIndex + step + suggestions.length) % suggestions.length);
    } else if (open && (event.key === 'Enter' || event.key === 'Tab')) {
      event.preventDefault();
      accept(activeIndex);
    } else if (event.key === 'Escape' && open) {
      // A search input clears itself on Escape; with the list open, Escape only closes the list.
      event.preventDefault();
      event.stopPropagation();
      setCaret(null);
    } else if (event.key === 'Escape' && text) {
      event.stopPropagation();
      searchTextChanged('');
    }
  };

  return (
    <div className="search-box" role="search">
      <Icon name="search" size={16} />
      <div className="search-combo">
        <input
          ref={input}
          type="search"
          className="field"
          // A searchbox (not a combobox) keeps the name and role the app has always had; the list
          // is still announced through aria-controls and the active option.
          aria-label="Search prompts and names"
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${activeIndex}` : undefined}
          placeholder="Search: fox model:dream steps:>=30"
          maxLength={MAX_SEARCH}
          spellCheck={false}
          value={text}
          onChange={(event) => {
            searchTextChanged(event.target.value);
            setCaret(event.target.selectionStart);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
          onClick={(event) => setCaret(event.currentTarget.selectionStart)}
          onBlur={() => setCaret(null)}
        />
        <ul id={listId} role="listbox" aria-label="Suggestions" className="search-suggestions" hidden={!open}>
          {open &&
            suggestions.map((suggestion, index) => (
              <li
                key={suggestion.value}
                id={`${listId}-${index}`}
                role="option"
                aria-selected={index === activeIndex}
                className="search-suggestion"
                // mousedown, not click: the input keeps focus (and its caret) while a suggestion is taken.
                onMouseDown={(event) => {
                  event.preventDefault();
                  accept(index);
                }}
              >
                <span className="search-suggestion-value">{at?.kind === 'field' ? `${suggestion.value}:` : suggestion.value}</span>
                {suggestion.hint && <span className="search-suggestion-hint">{suggestion.hint}</span>}
              </li>
            ))}
        </ul>
      </div>
      <RadioGroup label="Search in" options={SCOPES} value={scope} onChange={searchScopeChanged} />
    </div>
  );
}
