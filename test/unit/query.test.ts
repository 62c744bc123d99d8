import { describe, expect, it } from 'vitest';
import {
  complete,
  completingAt,
  formatTerm,
  parseQuery,
  removeTerm,
  toggleTerm,
  MAX_TERMS,
  type Condition,
  type ParsedQuery,
} from '../../src/shared/query';

const conditions = (query: ParsedQuery): (Condition & { negate?: boolean })[][] =>
  query.clauses.map((clause) => clause.map((term) => (term.negate ? { ...term.condition, negate: true } : term.condition)));
const reasons = (input: string) =>
  parseQuery(input)
    .terms.filter((t) => !t.valid)
    .map((t) => (t.valid ? '' : t.reason));

describe('search language', () => {
  it('reads free words, phrases and exclusions as text terms, all required', () => {
    const parsed = parseQuery('fox "golden hour" -blurry');
    expect(conditions(parsed)).toEqual([
      [{ field: 'text', text: 'fox', phrase: false }],
      [{ field: 'text', text: 'golden hour', phrase: true }],
      [{ field: 'text', text: 'blurry', phrase: false, negate: true }],
    ]);
    expect(parsed.terms.map((t) => t.raw)).toEqual(['fox', '"golden hour"', '-blurry']);
  });

  it('groups terms joined by OR into one clause', () => {
    expect(conditions(parseQuery('fox OR owl model:dream'))).toEqual([
      [
        { field: 'text', text: 'fox', phrase: false },
        { field: 'text', text: 'owl', phrase: false },
      ],
      [{ field: 'model', value: 'dream' }],
    ]);
  });

  it('reads text fields as typed, quoted values with spaces included', () => {
    expect(conditions(parseQuery('model:"Juggernaut XL" LoRA:detail scheduler:euler base:sdxl board:portraits'))).toEqual([
      [{ field: 'model', value: 'Juggernaut XL' }],
      [{ field: 'lora', value: 'detail' }],
      [{ field: 'scheduler', value: 'euler' }],
      [{ field: 'base', value: 'sdxl' }],
      [{ field: 'board', value: 'portraits' }],
    ]);
  });

  it('reads numbers with comparisons and inclusive ranges, open at either end', () => {
    expect(conditions(parseQuery('seed:42 steps:>=30 cfg:5..8.5 w:<1024 h:..768 steps:20..'))).toEqual([
      [{ field: 'seed', compare: { op: '=', value: 42 } }],
      [{ field: 'steps', compare: { op: '>=', value: 30 } }],
      [{ field: 'cfg', compare: { op: 'range', from: 5, to: 8.5 } }],
      [{ field: 'w', compare: { op: '<', value: 1024 } }],
      [{ field: 'h', compare: { op: 'range', from: null, to: 768 } }],
      [{ field: 'steps', compare: { op: 'range', from: 20, to: null } }],
    ]);
  });

  it('reads dates as local calendar spans: years, months, days, comparisons and ranges', () => {
    const day = (y: number, m: number, d = 1) => new Date(y, m - 1, d).getTime();
    expect(conditions(parseQuery('date:2026-08 date:2026 date:>2026-01-01 date:<=2026-01-01 date:2026-01..2026-03'))).toEqual([
      [{ field: 'date', from: day(2026, 8), to: day(2026, 9) }],
      [{ field: 'date', from: day(2026, 1), to: day(2027, 1) }],
      [{ field: 'date', from: day(2026, 1, 2), to: null }],
      [{ field: 'date', from: null, to: day(2026, 1, 2) }],
      [{ field: 'date', from: day(2026, 1), to: day(2026, 4) }],
    ]);
  });

  it('reads sizes, ratios, categories and flags', () => {
    expect(conditions(parseQuery('size:1024x768 ratio:Portrait category:user is:starred has:workflow -has:prompt'))).toEqual([
      [{ field: 'size', width: 1024, height: 768 }],
      [{ field: 'ratio', ratio: 'portrait' }],
      [{ field: 'category', category: 'user' }],
      [{ field: 'is', flag: 'starred' }],
      [{ field: 'has', flag: 'workflow' }],
      [{ field: 'has', flag: 'prompt', negate: true }],
    ]);
  });

  it('marks unknown fields and malformed values with a reason, and leaves them out', () => {
    const parsed = parseQuery('fox colour:red steps:many date:2026-13 date:2026-02-30 size:big ratio:wide seed:1.5 cfg:9..2 model:');
    expect(conditions(parsed)).toEqual([[{ field: 'text', text: 'fox', phrase: false }]]);
    expect(reasons('colour:red')[0]).toMatch(/no field “colour:”.*quotes/);
    expect(reasons('steps:many')[0]).toMatch(/steps: takes a whole number/);
    expect(reasons('date:2026-13')[0]).toMatch(/date: takes a year, month or day/);
    expect(reasons('date:2026-02-30')[0]).toMatch(/date:/);
    expect(reasons('size:big')[0]).toMatch(/size: takes width x height/);
    expect(reasons('ratio:wide')[0]).toMatch(/portrait, landscape, square/);
    expect(reasons('seed:1.5')[0]).toMatch(/whole number/);
    expect(reasons('cfg:9..2')[0]).toMatch(/starts after it ends/);
    expect(reasons('model:')[0]).toMatch(/needs a value/);
    expect(parsed.terms.filter((t) => !t.valid)).toHaveLength(9);
  });

  it('reads prompt: as the whole prompt exactly, escapes included, and writes any prompt back as a term that reads the same', () => {
    expect(conditions(parseQuery('prompt:"  Fox, snow " owl'))).toEqual([
      [{ field: 'prompt', prompt: '  Fox, snow ' }],
      [{ field: 'text', text: 'owl', phrase: false }],
    ]);
    expect(conditions(parseQuery(String.raw`prompt:"say \"hi\"\nback\\slash \x"`))).toEqual([
      [{ field: 'prompt', prompt: 'say "hi"\nback\\slash \\x' }],
    ]);
    for (const prompt of ['a "quoted" fox', 'two\nlines', String.raw`back\slash\n not a break`, 'x'.repeat(5000), '"', '\\']) {
      const term = formatTerm('prompt', prompt);
      expect(term).not.toMatch(/\n/);
      expect(conditions(parseQuery(`${term} -owl`)), prompt).toEqual([
        [{ field: 'prompt', prompt }],
        [{ field: 'text', text: 'owl', phrase: false, negate: true }],
      ]);
    }
    expect(reasons('prompt:""')[0]).toMatch(/prompt: needs the prompt/);
    expect(reasons(`prompt:"${'x'.repeat(20_001)}"`)[0]).toMatch(/longer than any prompt/);
  });

  it('survives every operator alone, as a marked term or nothing, never an error', () => {
    for (const input of [
      '-',
      '"',
      '""',
      'OR',
      ':',
      '>',
      '>=',
      '<',
      '<=',
      '..',
      '=',
      '-"',
      'OR OR',
      '- -',
      'a OR',
      'OR a',
      '-OR',
      'steps:>',
      'steps:..',
      'date:..',
    ]) {
      const parsed = parseQuery(input);
      for (const term of parsed.terms) expect(term.valid || term.reason.length > 0).toBe(true);
      expect(parsed.clauses.flat().every((t) => t.condition.field !== 'text' || /\w/.test(t.condition.text))).toBe(true);
    }
    expect(reasons('OR')).toEqual(['OR needs a term on each side']);
    expect(conditions(parseQuery('a OR'))).toEqual([[{ field: 'text', text: 'a', phrase: false }]]);
    expect(reasons('>')).toEqual(['“>” has no letters or digits to search for']);
  });

  it('takes an unbalanced quote as a phrase running to the end', () => {
    expect(conditions(parseQuery('fox "golden hou'))).toEqual([
      [{ field: 'text', text: 'fox', phrase: false }],
      [{ field: 'text', text: 'golden hou', phrase: true }],
    ]);
    expect(conditions(parseQuery('model:"Jugg'))).toEqual([[{ field: 'model', value: 'Jugg' }]]);
  });

  it('parses 10,000 characters of hostile input quickly into a bounded number of terms', () => {
    const hostile = Array.from({ length: 10_000 }, (_, i) => '"-:<>.OR x'[i % 11] ?? ' ').join('');
    const words = 'word '.repeat(2000);
    for (const input of [hostile, words, '"'.repeat(10_000), 'a:'.repeat(5000), '-'.repeat(10_000)]) {
      const parsed = parseQuery(input);
      expect(parsed.terms.length).toBeLessThanOrEqual(MAX_TERMS + input.length);
      expect(parsed.clauses.flat().length).toBeLessThanOrEqual(MAX_TERMS);
    }
    const many = parseQuery(words);
    expect(many.clauses).toHaveLength(MAX_TERMS);
    expect(many.terms.at(-1)).toMatchObject({ valid: false, reason: `Only the first ${MAX_TERMS} terms are used` });
  });
});

describe('search text edits', () => {
  it('removes a term with the OR that joined it', () => {
    const input = 'fox OR owl steps:>=30';
    const [fox, owl] = parseQuery(input).terms;
    expect(removeTerm(input, owl!)).toBe('fox steps:>=30');
    expect(removeTerm(input, fox!)).toBe('owl steps:>=30');
  });

  it('toggles a facet term on and off whatever its case or quoting', () => {
    expect(toggleTerm('fox', 'model:"Juggernaut XL"')).toBe('fox model:"Juggernaut XL"');
    expect(toggleTerm('fox model:"juggernaut xl"', 'model:"Juggernaut XL"')).toBe('fox');
  });

  it('knows when a field name or a field value is being typed, and completes it', () => {
    expect(completingAt('fox mo', 6)).toEqual({ kind: 'field', prefix: 'mo', start: 4, end: 6 });
    const value = completingAt('fox -model:dre', 14);
    expect(value).toEqual({ kind: 'value', field: 'model', prefix: 'dre', start: 5, end: 14 });
    expect(complete('fox -model:dre', value!, 'DreamShaper 8')).toEqual({ text: 'fox -model:"DreamShaper 8" ', caret: 27 });
    expect(complete('fox mo', completingAt('fox mo', 6)!, 'model')).toEqual({ text: 'fox model:', caret: 10 });
    expect(completingAt('fox zebra', 9)).toBeNull();
  });
});
