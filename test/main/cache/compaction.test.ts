import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compactFile, fileWaste } from '../../../src/main/cache/compaction';
import { Db } from '../../../src/main/cache/db';
import { imageDto, names, query, serverTime, useCaches } from './fixtures';

const newCache = useCaches();

describe('compacting the cache file', () => {
  it('rewrites a file a newest-first backfill left half empty, keeping every row and the search index', () => {
    const cache = newCache();
    const dtos = Array.from({ length: 2_000 }, (_, i) => imageDto({ created_at: serverTime(i), board_id: i % 3 ? 'b1' : null }));
    // As a first sync writes: newest first, a small batch per transaction.
    for (let end = dtos.length; end > 0; end -= 50) {
      cache.upsertImages(dtos.slice(end - 50, end));
      const batch = dtos.slice(end - 50, end).map((dto, i) => ({ dto, n: end - 50 + i }));
      cache.writeMetadata(
        batch.map(({ dto, n }) => ({ image_name: dto.image_name, json: { positive_prompt: `a harbour at dusk ${n}`, seed: n } })),
      );
    }
    // The writer thread's own connection, as in the app.
    const writer = new Db(cache.dbPath);
    try {
      const before = fileWaste(writer);
      expect(before.waste / before.bytes).toBeGreaterThan(0.12);
      // Small as this file is, any waste is worth a rewrite here.
      const done = compactFile(writer, { share: 0.12, bytes: 0, maxFile: 2 ** 30 });
      expect(done).not.toBeNull();
      expect(done!.afterBytes).toBeLessThan(done!.beforeBytes * 0.85);
      expect(statSync(cache.dbPath).size).toBe(done!.afterBytes);
      expect(fileWaste(writer).waste).toBeLessThan(before.waste / 2);
    } finally {
      writer.close();
    }
    expect(cache.countImages(query())).toBe(2_000);
    expect(cache.countImages(query({ board: 'b1' }))).toBe(dtos.filter((dto) => dto.board_id === 'b1').length);
    expect(names(cache.listImages(query({ search: 'harbour 1234' }), 0, 10))).toEqual([dtos[1234]!.image_name]);
    expect(cache.imageDetails(dtos[5]!.image_name)).toMatchObject({ positive_prompt: 'a harbour at dusk 5', seed: 5 });
  });

  it('leaves a file alone when it is too big to rewrite while the app runs, or would give back a few MB', () => {
    const cache = newCache();
    for (let end = 2_000; end > 0; end -= 50)
      cache.upsertImages(Array.from({ length: 50 }, (_, i) => imageDto({ created_at: serverTime(end - 50 + i) })));
    const writer = new Db(cache.dbPath);
    try {
      expect(compactFile(writer)).toBeNull();
      expect(compactFile(writer, { share: 0, bytes: 0, maxFile: 64 * 1024 })).toBeNull();
      expect(compactFile(writer, { share: 0, bytes: 0, maxFile: 2 ** 30 })).not.toBeNull();
    } finally {
      writer.close();
    }
  });
});
