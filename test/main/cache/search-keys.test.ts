import { describe, expect, it } from 'vitest';
import { Db } from '../../../src/main/cache/db';
import { GAP } from '../../../src/main/cache/search-keys';
import type { ImageDTO } from '../../../src/shared/invokeai';
import { imageDto, names, query, serverTime, useCaches } from './fixtures';

const newCache = useCaches();

/** Every row's key in gallery order (oldest first), read on a connection of its own. */
function keys(path: string): (number | null)[] {
  const db = new Db(path);
  try {
    return db.all<{ key: number | null }>('keys', 'SELECT search_key AS key FROM images ORDER BY id').map((row) => row.key);
  } finally {
    db.close();
  }
}

const gaps = (list: readonly number[]) => list.slice(1).map((key, i) => key - list[i]!);
const described = (dtos: readonly ImageDTO[], prompt: (i: number) => string) =>
  dtos.map((dto, i) => ({ image_name: dto.image_name, json: { positive_prompt: prompt(i) } }));

describe('search keys', () => {
  it('pack a first sync GAP apart: starred first, the rest newest first, some opened meanwhile, the backfill newest first', () => {
    const cache = newCache();
    const dtos = Array.from({ length: 1_000 }, (_, i) => imageDto({ created_at: serverTime(10 * i), starred: i % 20 === 0 }));
    // As a first sync writes: the starred images of every year, then the rest newest first.
    cache.upsertImages(dtos.filter((dto) => dto.starred));
    const rest = dtos.filter((dto) => !dto.starred);
    for (let end = rest.length; end > 0; end -= 100) cache.upsertImages(rest.slice(Math.max(0, end - 100), end));
    expect(keys(cache.dbPath).every((key) => key === null)).toBe(true);
    // Someone opens a few old images before the backfill comes to them.
    cache.writeMetadata(described([dtos[40]!, dtos[3]!, dtos[500]!], () => 'opened early'));
    // The backfill: newest first, 25 at a time; one image the server cannot describe.
    for (let end = 1_000; end > 0; end -= 25) {
      const batch = dtos.slice(end - 25, end).filter((dto) => dto !== dtos[700]);
      cache.writeMetadata(described(batch, () => 'a harbour at dusk'));
    }
    cache.markMetadataUnavailable([dtos[700]!.image_name]);
    const list = keys(cache.dbPath);
    expect(list).toHaveLength(1_000);
    expect(new Set(gaps(list as number[]))).toEqual(new Set([GAP]));
    // New images go above.
    const newer = [imageDto({ created_at: serverTime(20_000) }), imageDto({ created_at: serverTime(20_001) })];
    cache.upsertImages(newer);
    cache.writeMetadata(described(newer, () => 'a harbour at dawn'));
    expect(new Set(gaps(keys(cache.dbPath) as number[]))).toEqual(new Set([GAP]));
    expect(cache.countImages(query({ search: 'harbour' }))).toBe(1_000 - 1 + 2);
    expect(names(cache.listImages(query({ search: dtos[700]!.image_name.slice(0, 8) }), 0, 10))).toEqual([dtos[700]!.image_name]);
  });

  it('give an image arriving between two others a key between theirs, rekeying everything when no gap is left', () => {
    const cache = newCache();
    const dtos = Array.from({ length: 50 }, (_, i) => imageDto({ created_at: serverTime(100 * i) }));
    cache.upsertImages(dtos);
    cache.writeMetadata(described(dtos, (i) => `lighthouse l${i}x`));
    const between = imageDto({ created_at: serverTime(10), starred: true });
    cache.upsertImages([between]);
    cache.writeMetadata(described([between], () => 'lighthouse between'));
    expect(gaps(keys(cache.dbPath) as number[]).slice(0, 2)).toEqual([GAP / 2, GAP / 2]);
    // Two more after it, where the one key left cannot hold both: everything is rekeyed.
    const late = [imageDto({ created_at: serverTime(20), starred: true }), imageDto({ created_at: serverTime(30) })];
    cache.upsertImages(late);
    cache.writeMetadata(described(late, (i) => `lighthouse late ${i}`));
    const list = keys(cache.dbPath) as number[];
    expect(list).toHaveLength(53);
    expect(new Set(gaps(list))).toEqual(new Set([GAP]));
    // Both search indexes were rewritten under the new keys: every match, in gallery order.
    const found = names(cache.listImages(query({ search: 'lighthouse', order: 'oldest' }), 0, 100));
    expect(found).toEqual([dtos[0], between, ...late, ...dtos.slice(1)].map((dto) => dto!.image_name));
    expect(names(cache.listImages(query({ search: 'lighthouse late', starredOnly: true }), 0, 10))).toEqual([late[0]!.image_name]);
    expect(names(cache.listImages(query({ search: 'lighthouse l7x' }), 0, 10))).toEqual([dtos[7]!.image_name]);
  });

  it('bound a date search by the keys of the first images on each side of the span', () => {
    const cache = newCache();
    const day = 86_400;
    // Noon UTC, 2026-08-19 onwards: the same calendar day in any time zone the tests run in.
    const dtos = Array.from({ length: 10 }, (_, i) => imageDto({ created_at: serverTime(day * i + 11 * 3600) }));
    cache.upsertImages(dtos);
    cache.writeMetadata(described(dtos, (i) => `harbour ${i}`));
    const search = (text: string) => names(cache.listImages(query({ search: text, order: 'oldest' }), 0, 20));
    expect(search('harbour date:2026-08-23..2026-08-24')).toEqual([dtos[4]!.image_name, dtos[5]!.image_name]);
    expect(search('harbour date:>=2026-08-26')).toEqual(dtos.slice(7).map((dto) => dto.image_name));
    expect(search('harbour date:>2027-01-01')).toEqual([]);
    expect(search('harbour date:<2027')).toHaveLength(10);
  });
});
