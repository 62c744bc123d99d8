import { useEffect, useState } from 'react';
import { CHOICES, FIELDS, fieldsFor, type Completing } from '../../../../shared/query';
import { invoke } from '../../app/bridge';

export interface Suggestion {
  /** What goes into the box (a field name, or a value). */
  value: string;
  /** What the list shows beside it. */
  hint: string;
}

const ASKED_FIELDS = new Set(['model', 'base', 'scheduler', 'lora', 'board'] as const);
type AskedField = typeof ASKED_FIELDS extends Set<infer F> ? F : never;
const isAsked = (field: string): field is AskedField => ASKED_FIELDS.has(field as AskedField);

/** Suggestions known without asking main: field names, and the values of the choice fields. */
function localSuggestions(at: Completing): Suggestion[] | null {
  if (at.kind === 'field') return fieldsFor(at.prefix).map((name) => ({ value: name, hint: FIELDS[name].hint }));
  if (at.field in CHOICES) {
    const choices = CHOICES[at.field as keyof typeof CHOICES];
    return choices.filter((choice) => choice.startsWith(at.prefix.toLowerCase())).map((value) => ({ value, hint: '' }));
  }
  return isAsked(at.field) ? null : [];
}

/**
 * What to offer while `at` is being typed. Models, bases, schedulers, LoRAs and boards come from
 * the cache (search.values, answered from indexes in well under a millisecond), so the list is
 * what this gallery holds, offline too.
 */
export function useSuggestions(at: Completing | null): Suggestion[] {
  const local = at === null ? [] : localSuggestions(at);
  const field = at?.kind === 'value' && isAsked(at.field) ? at.field : null;
  const prefix = at?.kind === 'value' ? at.prefix : '';
  const [asked, setAsked] = useState<{ key: string; values: Suggestion[] }>({ key: '', values: [] });
  const key = field === null ? '' : `${field}:${prefix}`;
  useEffect(() => {
    if (field === null) return;
    let current = true;
    invoke('search.values', { field, prefix: prefix.slice(0, 200) })
      .then((values) => {
        if (current) setAsked({ key: `${field}:${prefix}`, values: values.map((value) => ({ value, hint: '' })) });
      })
      // Autocomplete is a convenience: a failed lookup just offers nothing.
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [field, prefix]);
  if (local !== null) return local;
  return asked.key === key ? asked.values : [];
}
