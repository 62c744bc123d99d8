import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/main/api/errors';
import { isDtoRequest, serverImages, useWorld } from './harness';

const world = useWorld();

describe('an interrupted sync', () => {
  it('stopped by the caller midway keeps what it fetched, and the next run fetches only the rest', async () => {
    const { server, cache, engine, counting } = await world({ images: 2600 });
    const controller = new AbortController();
    counting.before = (method) => {
      // Abort while the second batch of DTOs is on its way.
      if (isDtoRequest(method) && counting.dtoRequests() === 1) controller.abort();
    };
    await expect(engine.sync({ signal: controller.signal })).rejects.toSatisfy(
      (error) => error instanceof ApiError && error.kind === 'aborted',
    );
    const firstRun = [...counting.dtoNames];
    expect(cache.totals().images).toBe(1000);
    expect(engine.lastSummary()).toBeNull();

    counting.before = () => {};
    counting.reset();
    const summary = await engine.sync();
    const total = serverImages(server).length;
    expect(summary.added).toBe(total - 1000);
    expect(cache.totals().images).toBe(total);
    // Nothing stored by the first run was asked for again.
    const stored = new Set(firstRun.slice(0, 1000));
    expect(counting.dtoNames.filter((name) => stored.has(name))).toEqual([]);
    expect(counting.dtoRequests()).toBe(2);
  });

  it('cut off by the server going down resumes where it stopped once it is back', async () => {
    const { server, cache, engine, counting } = await world({ images: 2600 });
    counting.before = async (method) => {
      if (isDtoRequest(method) && counting.dtoRequests() === 2) await server.goDown();
    };
    await expect(engine.sync()).rejects.toSatisfy((error) => error instanceof ApiError && error.kind === 'unreachable');
    expect(cache.totals().images).toBe(2000);

    await server.comeBack();
    counting.before = () => {};
    counting.reset();
    const summary = await engine.sync();
    expect(summary.added).toBe(serverImages(server).length - 2000);
    expect(counting.dtoRequests()).toBe(1);
  });

  it('continues the metadata backfill after a restart without asking twice for any image', async () => {
    const w = await world({ images: 600 });
    let stopped = false;
    w.counting.before = async (method) => {
      if (method === 'imageMetadata' && w.counting.count('imageMetadata') === 150 && !stopped) {
        stopped = true;
        await w.server.goDown();
      }
    };
    await w.engine.sync();
    await w.engine.metadataIdle();
    const left = w.cache.metadataBacklogSize();
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(serverImages(w.server).length);
    const described = new Set(w.counting.metadataNames.filter((name) => w.cache.imageDetails(name)?.metadata_loaded));
    expect(described.size).toBeGreaterThan(100);

    await w.server.comeBack();
    w.counting.before = () => {};
    w.counting.reset();
    const engine = await w.restart();
    await engine.sync();
    await engine.metadataIdle();
    expect(w.cache.metadataBacklogSize()).toBe(0);
    expect(w.counting.metadataNames.filter((name) => described.has(name))).toEqual([]);
    expect(w.counting.metadataNames).toHaveLength(left);
  });
});
