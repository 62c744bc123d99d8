import { describe, expect, it } from 'vitest';
import { searchPlan, searchTerms } from '../../../src/main/cache/search';

const sparse = { board: 0.05, categories: 0.1, starred: 0.05 };
const dense = { board: 0.6, categories: 0.5, starred: 0.6 };
const USER = '{positive_prompt negative_prompt model_name image_name}';

describe('search terms', () => {
  it('cut text into words the way the tokenizer does, keeping punctuation-joined runs together', () => {
    expect(searchTerms('  Lighthouse  "rocky" (coast) ')).toEqual([['Lighthouse'], ['rocky'], ['coast']]);
    expect(searchTerms('neon-lit 5f0c1c7e-1b7a.png')).toEqual([
      ['neon', 'lit'],
      ['5f0c1c7e', '1b7a', 'png'],
    ]);
    expect(searchTerms('café naïve e\u0301te')).toEqual([['café'], ['naïve'], ['éte']]);
    expect(searchTerms('*** :: "" ()')).toEqual([]);
    expect(searchTerms('a A a')).toEqual([['a']]);
  });

  it('never let more than 16 terms through', () => {
    expect(searchTerms(Array.from({ length: 40 }, (_, i) => `w${i}`).join(' '))).toHaveLength(16);
  });
});

describe('search plans', () => {
  it('is null without a word to search', () => {
    expect(searchPlan(' ?! ', { board: 'all', categories: [] }, 'any', sparse)).toBeNull();
  });

  it('quote every word as a prefix term confined to the user columns', () => {
    expect(searchPlan('light neon-lit', { board: 'all', categories: [] }, 'any', sparse)).toEqual({
      match: `${USER} : ("light"* AND ("neon lit"* OR "neonlit"*))`,
      where: [],
      params: [],
    });
  });

  it('put sparse filters in the match', () => {
    expect(searchPlan('fox', { board: 'abc-def', categories: ['user', 'mask'] }, 'starred', sparse)?.match).toBe(
      `${USER} : ("fox"*) AND flags : ("babcdef") AND flags : ("cuser" OR "cmask") AND flags : starred`,
    );
    expect(searchPlan('fox', { board: 'none', categories: [] }, 'unstarred', sparse)?.match).toBe(
      `(${USER} : ("fox"*) AND flags : ("b")) NOT (flags : starred)`,
    );
  });

  it('exclude the few categories left out when the chosen ones cover most of the gallery', () => {
    const plan = searchPlan('fox', { board: 'all', categories: ['general'] }, 'any', { ...sparse, categories: 0.9 });
    expect(plan?.match).toBe(`(${USER} : ("fox"*)) NOT (flags : ("cuser" OR "ccontrol" OR "cmask" OR "cother"))`);
  });

  it('check broad filters on the joined rows instead', () => {
    expect(searchPlan('fox', { board: 'b1', categories: ['general', 'user'] }, 'unstarred', dense)).toEqual({
      match: `${USER} : ("fox"*)`,
      where: ['i.board_id = ?', 'i.category IN (?, ?)', 'i.starred = 0'],
      params: ['b1', 'general', 'user'],
    });
    expect(searchPlan('fox', { board: 'none', categories: [] }, 'starred', dense)?.where).toEqual(['i.board_id IS NULL', 'i.starred = 1']);
  });

  it('escape quotes in board ids', () => {
    expect(searchPlan('fox', { board: 'a"b', categories: [] }, 'any', sparse)?.match).toContain('flags : ("ba""b")');
  });
});
