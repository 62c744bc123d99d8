import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire } from '../../src/shared/wire-json';

describe('wire JSON of the test host', () => {
  it('carries Dates across as Dates, nested anywhere', () => {
    const value = { at: new Date('2026-08-19T01:13:04.123Z'), list: [{ when: new Date(0) }], text: 'x', none: null };
    expect(decodeWire(encodeWire(value))).toEqual(value);
  });

  it('leaves an ordinary object with a $date key among others alone', () => {
    const value = { $date: 'not a tag', other: 1 };
    expect(decodeWire(encodeWire(value))).toEqual(value);
  });
});
