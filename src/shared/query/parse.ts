import type { ImageCategory } from '../models';
import {
  CHOICES,
  FIELDS,
  FIELD_NAMES,
  isCategory,
  isFieldName,
  type FieldName,
  type NumberField,
  type Ratio,
  type TextField,
} from './fields';
import { hasWord } from './words';

/**
 * The search box's language, parsed without throwing: whatever is typed becomes a list of terms,
 * each either a condition or a marked term with the reason it is left out, so the gallery can
 * show what it understood and what it did not.
 *
 *   fox "golden hour"  free words (prefix) and phrases, all required
 *   -blurry            excludes
 *   fox OR owl         either (binds tighter than the implicit AND)
 *   model:dream  lora:detail  board:portraits  base:sdxl  scheduler:euler   prefix, any case
 *   seed:42  steps:>=30  cfg:5..8.5  w:<1024  h:768       numbers, comparisons, ranges (inclusive)
 *   size:1024x1024  ratio:portrait  category:user  is:starred  has:prompt  has:workflow
 *   date:2026  date:2026-08  date:>2026-01-01  date:2026-01..2026-03   (local calendar days)
 *   prompt:"a fox, snow"  the whole positive prompt, exactly; \" \\ \n inside stand for a
 *                         quote, a backslash and a line break (formatPrompt writes them)
 */

export type NumberCompare =
  | { op: '=' | '>' | '>=' | '<' | '<='; value: number }
  /** Inclusive; either end may be open. */
  | { op: 'range'; from: number | null; to: number | null };

export type Condition =
  | { field: 'text'; text: string; phrase: boolean }
  | { field: TextField; value: string }
  | { field: NumberField; compare: NumberCompare }
  | { field: 'size'; width: number; height: number }
  | { field: 'ratio'; ratio: Ratio }
  /** Local time in ms, `from` inclusive, `to` exclusive; null is open. */
  | { field: 'date'; from: number | null; to: number | null }
  | { field: 'category'; category: ImageCategory }
  | { field: 'is'; flag: 'starred' }
  | { field: 'has'; flag: 'prompt' | 'workflow' }
  /** The outputs of one queue item (its `item_id`), or of every item of a batch (id prefix). */
  | { field: 'job'; itemId: number }
  | { field: 'batch'; value: string }
  /** The whole positive prompt, exactly as stored (a prompt stack). */
  | { field: 'prompt'; prompt: string };

interface TermBase {
  /** The term as typed, without the OR joining it to the one before. */
  raw: string;
  start: number;
  end: number;
  /** What to cut from the input to remove the term, with the OR that joins it to a neighbour. */
  cut: { start: number; end: number };
  negate: boolean;
  /** Joined to the previous term by OR. */
  or: boolean;
}
export type ValidTerm = TermBase & { valid: true; condition: Condition };
export type InvalidTerm = TermBase & { valid: false; reason: string };
export type Term = ValidTerm | InvalidTerm;

export interface ParsedQuery {
  /** Every term in typed order, the invalid ones too (the chips). */
  terms: Term[];
  /** What the search means: every clause must hold, and a clause holds when any of its terms does. */
  clauses: ValidTerm[][];
}

/** More than any real search; a pasted essay becomes this many terms and one marked term. */
export const MAX_TERMS = 32;
const MAX_VALUE_LENGTH = 200;
/** An exact prompt is compared whole, so it is not cut at MAX_VALUE_LENGTH; longer is no prompt. */
const MAX_PROMPT_LENGTH = 20_000;

interface Token {
  start: number;
  end: number;
  negate: boolean;
  /** Set for `name:value`; the name as typed, lower-cased. */
  field: string | null;
  value: string;
  quoted: boolean;
  /** Where the value starts in the input (after the colon and an opening quote). */
  valueStart: number;
}

const FIELD_PREFIX = /^[A-Za-z]+:/;

/** Cuts the input into tokens: runs of non-space text, with quotes keeping spaces inside. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let p = 0;
  const n = input.length;
  const isSpace = (i: number) => /\s/.test(input[i]!);
  const readQuoted = (from: number) => {
    const close = input.indexOf('"', from + 1);
    const end = close === -1 ? n : close + 1;
    return { value: input.slice(from + 1, close === -1 ? n : close), end };
  };
  // An exact prompt may hold quotes and line breaks (the box is one line): it is written with
  // backslash escapes, read back here.
  const readEscaped = (from: number) => {
    let value = '';
    let i = from + 1;
    for (; i < n && input[i] !== '"'; i++) {
      const next = input[i + 1];
      if (input[i] === '\\' && next !== undefined && (next === '"' || next === '\\' || next === 'n')) {
        value += next === 'n' ? '\n' : next;
        i++;
      } else value += input[i];
    }
    return { value, end: Math.min(i + 1, n) };
  };
  const readWord = (from: number) => {
    let end = from;
    while (end < n && !isSpace(end)) end++;
    return end;
  };
  while (p < n) {
    if (isSpace(p)) {
      p++;
      continue;
    }
    const start = p;
    const negate = input[p] === '-' && p + 1 < n && !isSpace(p + 1);
    if (negate) p++;
    if (input[p] === '"') {
      const { value, end } = readQuoted(p);
      tokens.push({ start, end, negate, field: null, value, quoted: true, valueStart: p + 1 });
      p = end;
      continue;
    }
    const prefix = FIELD_PREFIX.exec(input.slice(p, p + 24));
    if (prefix) {
      const field = prefix[0].slice(0, -1).toLowerCase();
      const valueAt = p + prefix[0].length;
      if (input[valueAt] === '"') {
        const { value, end } = field === 'prompt' ? readEscaped(valueAt) : readQuoted(valueAt);
        tokens.push({ start, end, negate, field, value, quoted: true, valueStart: valueAt + 1 });
        p = end;
      } else {
        const end = readWord(valueAt);
        tokens.push({ start, end, negate, field, value: input.slice(valueAt, end), quoted: false, valueStart: valueAt });
        p = end;
      }
      continue;
    }
    const end = readWord(p);
    tokens.push({ start, end, negate, field: null, value: input.slice(p, end), quoted: false, valueStart: p });
    p = end;
  }
  return tokens;
}

const isOr = (token: Token) => token.field === null && !token.negate && !token.quoted && token.value === 'OR';

type Outcome = { condition: Condition } | { reason: string };

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

function parseNumber(text: string, integer: boolean): number | null {
  if (!(integer ? INTEGER : DECIMAL).test(text)) return null;
  const value = Number(text);
  return integer ? (Number.isSafeInteger(value) ? value : null) : Number.isFinite(value) ? value : null;
}

const COMPARISON = /^(>=|<=|>|<|=)(.*)$/;

function numberCondition(field: NumberField, value: string): Outcome {
  const integer = field !== 'cfg';
  const expected = `${field}: takes ${integer ? 'a whole number' : 'a number'} (${FIELDS[field].hint})`;
  const comparison = COMPARISON.exec(value);
  if (comparison) {
    const number = parseNumber(comparison[2]!, integer);
    if (number === null) return { reason: expected };
    return { condition: { field, compare: { op: comparison[1] as '=' | '>' | '>=' | '<' | '<=', value: number } } };
  }
  const range = value.split('..');
  if (range.length === 2) {
    const [fromText, toText] = range as [string, string];
    const from = fromText === '' ? null : parseNumber(fromText, integer);
    const to = toText === '' ? null : parseNumber(toText, integer);
    if ((fromText !== '' && from === null) || (toText !== '' && to === null) || (from === null && to === null)) return { reason: expected };
    if (from !== null && to !== null && from > to) return { reason: `${field}: the range ${value} starts after it ends` };
    return { condition: { field, compare: { op: 'range', from, to } } };
  }
  const number = parseNumber(value, integer);
  return number === null ? { reason: expected } : { condition: { field, compare: { op: '=', value: number } } };
}

const DAY = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/;

/** A year, month or day as the local-time span [start, end). */
function dateSpan(text: string): { start: number; end: number } | null {
  const match = DAY.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = match[2] === undefined ? null : Number(match[2]) - 1;
  const day = match[3] === undefined ? null : Number(match[3]);
  if (month !== null && (month < 0 || month > 11)) return null;
  if (month === null) return { start: new Date(year, 0, 1).getTime(), end: new Date(year + 1, 0, 1).getTime() };
  if (day === null) return { start: new Date(year, month, 1).getTime(), end: new Date(year, month + 1, 1).getTime() };
  const start = new Date(year, month, day);
  // Date rolls 2026-02-30 over into March: a day that does not exist is refused.
  if (start.getMonth() !== month || day < 1) return null;
  return { start: start.getTime(), end: new Date(year, month, day + 1).getTime() };
}

function dateCondition(value: string): Outcome {
  const expected = `date: takes a year, month or day (${FIELDS.date.hint})`;
  const comparison = COMPARISON.exec(value);
  if (comparison) {
    const span = dateSpan(comparison[2]!);
    if (!span) return { reason: expected };
    const op = comparison[1];
    if (op === '>') return { condition: { field: 'date', from: span.end, to: null } };
    if (op === '>=') return { condition: { field: 'date', from: span.start, to: null } };
    if (op === '<') return { condition: { field: 'date', from: null, to: span.start } };
    if (op === '<=') return { condition: { field: 'date', from: null, to: span.end } };
    return { condition: { field: 'date', from: span.start, to: span.end } };
  }
  const range = value.split('..');
  if (range.length === 2) {
    const from = range[0] === '' ? null : dateSpan(range[0]!);
    const to = range[1] === '' ? null : dateSpan(range[1]!);
    if ((range[0] !== '' && !from) || (range[1] !== '' && !to) || (!from && !to)) return { reason: expected };
    if (from && to && from.start >= to.end) return { reason: `date: the range ${value} starts after it ends` };
    return { condition: { field: 'date', from: from?.start ?? null, to: to?.end ?? null } };
  }
  const span = dateSpan(value);
  return span ? { condition: { field: 'date', from: span.start, to: span.end } } : { reason: expected };
}

function fieldCondition(field: FieldName, raw: string): Outcome {
  if (field === 'prompt') {
    if (raw.trim() === '') return { reason: `prompt: needs the prompt (${FIELDS.prompt.hint})` };
    return raw.length > MAX_PROMPT_LENGTH
      ? { reason: `prompt: is longer than any prompt (${MAX_PROMPT_LENGTH.toLocaleString('en')} characters at most)` }
      : { condition: { field, prompt: raw } };
  }
  const value = raw.trim().slice(0, MAX_VALUE_LENGTH);
  if (value === '') return { reason: `${field}: needs a value (${FIELDS[field].hint})` };
  const lower = value.toLowerCase();
  switch (field) {
    case 'model':
    case 'base':
    case 'lora':
    case 'scheduler':
    case 'board':
      return { condition: { field, value } };
    case 'seed':
    case 'steps':
    case 'cfg':
    case 'w':
    case 'h':
      return numberCondition(field, value);
    case 'size': {
      const match = /^(\d{1,6})[x×](\d{1,6})$/i.exec(value);
      return match
        ? { condition: { field, width: Number(match[1]), height: Number(match[2]) } }
        : { reason: `size: takes width x height (${FIELDS.size.hint})` };
    }
    case 'date':
      return dateCondition(value);
    case 'ratio':
      return CHOICES.ratio.includes(lower)
        ? { condition: { field, ratio: lower as Ratio } }
        : { reason: `ratio: is one of ${CHOICES.ratio.join(', ')}` };
    case 'category':
      return isCategory(lower)
        ? { condition: { field, category: lower } }
        : { reason: `category: is one of ${CHOICES.category.join(', ')}` };
    case 'is':
      return lower === 'starred' ? { condition: { field, flag: 'starred' } } : { reason: `is: takes ${CHOICES.is.join(', ')}` };
    case 'has':
      return lower === 'prompt' || lower === 'workflow'
        ? { condition: { field, flag: lower } }
        : { reason: `has: takes ${CHOICES.has.join(' or ')}` };
    case 'job':
      return /^\d{1,15}$/.test(value)
        ? { condition: { field, itemId: Number(value) } }
        : { reason: `job: takes a job's number (${FIELDS.job.hint})` };
    case 'batch':
      return { condition: { field, value: lower } };
  }
}

function tokenOutcome(token: Token): Outcome {
  if (token.field !== null) {
    if (!isFieldName(token.field)) {
      return {
        reason: `There is no field “${token.field}:” (fields: ${FIELD_NAMES.join(', ')}). Put it in quotes to search for the text.`,
      };
    }
    return fieldCondition(token.field, token.value);
  }
  const text = token.value.slice(0, MAX_VALUE_LENGTH);
  if (!hasWord(text)) {
    return {
      reason: token.value === '' ? 'Empty quotes have nothing to search for' : `“${token.value}” has no letters or digits to search for`,
    };
  }
  return { condition: { field: 'text', text, phrase: token.quoted } };
}

export function parseQuery(input: string): ParsedQuery {
  const tokens = tokenize(input);
  const terms: Term[] = [];
  const clauses: ValidTerm[][] = [];
  let pendingOr: Token | null = null;
  let used = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (isOr(token)) {
      const next = tokens[i + 1];
      if (terms.length > 0 && pendingOr === null && next !== undefined && !isOr(next)) pendingOr = token;
      else terms.push(invalid(input, token, 'OR needs a term on each side', false));
      continue;
    }
    if (used === MAX_TERMS) {
      terms.push({
        ...invalid(input, token, `Only the first ${MAX_TERMS} terms are used`, false),
        end: tokens.at(-1)!.end,
        raw: input.slice(token.start, tokens.at(-1)!.end),
        cut: { start: token.start, end: tokens.at(-1)!.end },
      });
      break;
    }
    used++;
    const or = pendingOr !== null;
    const cut = { start: pendingOr?.start ?? token.start, end: token.end };
    pendingOr = null;
    // The first term of an OR chain takes the OR after it when removed, so no OR dangles.
    const after = tokens[i + 1];
    if (!or && after && isOr(after) && tokens[i + 2] && !isOr(tokens[i + 2]!)) cut.end = after.end;
    const outcome = tokenOutcome(token);
    const base = { raw: input.slice(token.start, token.end), start: token.start, end: token.end, cut, negate: token.negate, or };
    if ('reason' in outcome) {
      terms.push({ ...base, valid: false, reason: outcome.reason });
      continue;
    }
    const term: ValidTerm = { ...base, valid: true, condition: outcome.condition };
    terms.push(term);
    const previous = terms.at(-2);
    if (or && previous?.valid && clauses.length > 0) clauses.at(-1)!.push(term);
    else clauses.push([term]);
  }
  return { terms, clauses };
}

function invalid(input: string, token: Token, reason: string, or: boolean): InvalidTerm {
  return {
    raw: input.slice(token.start, token.end),
    start: token.start,
    end: token.end,
    cut: { start: token.start, end: token.end },
    negate: token.negate,
    or,
    valid: false,
    reason,
  };
}
