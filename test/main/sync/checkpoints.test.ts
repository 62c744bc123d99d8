import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../../../src/main/sync/checkpoints';
import type { Cache } from '../../../src/main/cache';
import { imageDto, serverTime, useCaches } from '../cache/fixtures';

const newCache = useCaches();

/** Enough rows to take the WAL well past SQLite's 1000-page auto-checkpoint. */
function writeImages(cache: Cache, count: number, from: number): void {
  for (let start = 0; start < count; start += 1000) {
    const dtos = Array.from({ length: Math.min(1000, count - start) }, (_, i) => imageDto({ created_at: serverTime(from + start + i) }));
    cache.upsertImages(dtos);
  }
}

/** Only a checkpoint copies pages from the WAL into the database file itself. */
const fileSize = (cache: Cache) => statSync(cache.dbPath).size;

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('The condition did not hold in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('WAL checkpoints during a sync', () => {
  it('are run by the worker while held', async () => {
    const cache = newCache();
    const checkpoints = new WalCheckpointer(cache, 50);
    const release = checkpoints.hold();
    try {
      const before = fileSize(cache);
      writeImages(cache, 12_000, 0);
      // The main connection leaves the WAL alone while held (next test): the worker folds it in.
      await eventually(() => fileSize(cache) > before);
    } finally {
      release();
      await checkpoints.stop();
    }
  });

  it('are left alone by the main connection until the last hold is released', async () => {
    const cache = newCache();
    // A worker that never gets to its first checkpoint: only the main connection could grow the file.
    const checkpoints = new WalCheckpointer(cache, 600_000);
    const first = checkpoints.hold();
    const second = checkpoints.hold();
    first();
    const before = fileSize(cache);
    writeImages(cache, 12_000, 0);
    expect(fileSize(cache)).toBe(before);
    second();
    await checkpoints.stop();
    const released = fileSize(cache);
    writeImages(cache, 12_000, 20_000);
    expect(fileSize(cache)).toBeGreaterThan(released);
  });
});
