import { FIELD_NAMES, isFieldName, type FieldName } from './fields';
import { parseQuery, tokenize, type Term } from './parse';

/**
 * Edits of the search text that chips, facets and autocomplete make. The text stays the one
 * source of truth (it is what the box shows and what main parses), so every edit is a string
 * operation on it, guided by the parser's positions.
 */

/**
 * `field:value`, the value quoted when it holds a space (quotes inside cannot be written, so they
 * go), except an exact prompt, which keeps every character: quotes, backslashes and line breaks
 * are escaped (see parse.ts).
 */
export function formatTerm(field: FieldName, value: string): string {
  if (field === 'prompt') return `prompt:"${value.replace(/[\\"]/g, (c) => `\\${c}`).replaceAll('\n', '\\n')}"`;
  const clean = value.replaceAll('"', '');
  return `${field}:${/\s/.test(clean) || clean === '' ? `"${clean}"` : clean}`;
}

/** Terms that mean the same whatever the quoting or case compare equal. */
function termKey(raw: string): string {
  return raw.replaceAll('"', '').toLowerCase();
}

export function removeTerm(input: string, term: Pick<Term, 'cut'>): string {
  return `${input.slice(0, term.cut.start)} ${input.slice(term.cut.end)}`.replace(/\s+/g, ' ').trim();
}

/** Adds the term, or removes it when the search already holds it (a facet click). */
export function toggleTerm(input: string, term: string): string {
  const key = termKey(term);
  const present = parseQuery(input).terms.find((t) => termKey(t.raw) === key);
  if (present) return removeTerm(input, present);
  return input.trim() === '' ? term : `${input.trimEnd()} ${term}`;
}

export function hasTerm(input: string, term: string): boolean {
  const key = termKey(term);
  return parseQuery(input).terms.some((t) => termKey(t.raw) === key);
}

/** What is being typed at the caret: a field name, or the value of a field. */
export type Completing =
  | { kind: 'field'; prefix: string; start: number; end: number }
  | { kind: 'value'; field: FieldName; prefix: string; start: number; end: number };

export function completingAt(input: string, caret: number): Completing | null {
  const token = tokenize(input).find((t) => t.start <= caret && caret <= t.end);
  if (!token) return null;
  if (token.field !== null) {
    if (!isFieldName(token.field) || caret < token.valueStart) return null;
    return { kind: 'value', field: token.field, prefix: token.value, start: token.start + (token.negate ? 1 : 0), end: token.end };
  }
  if (token.quoted || !/^[A-Za-z]+$/.test(token.value)) return null;
  const prefix = token.value.toLowerCase();
  if (!FIELD_NAMES.some((name) => name.startsWith(prefix))) return null;
  return { kind: 'field', prefix, start: token.valueStart, end: token.end };
}

/** The field names that complete `prefix`. */
export function fieldsFor(prefix: string): FieldName[] {
  return FIELD_NAMES.filter((name) => name.startsWith(prefix.toLowerCase()));
}

/**
 * The text with the completion applied and where the caret goes: a field name is followed by its
 * colon (the value comes next), a value by a space (the term is done).
 */
export function complete(input: string, at: Completing, choice: string): { text: string; caret: number } {
  const insert = at.kind === 'field' ? `${choice}:` : `${formatTerm(at.field, choice)} `;
  const after = input.slice(at.end).replace(/^\s+/, '');
  const text = input.slice(0, at.start) + insert + after;
  return { text, caret: at.start + insert.length };
}
