import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/main/api/errors';
import { serverImages, useWorld } from './harness';

const world = useWorld();

describe('malformed server payloads', () => {
  it('skip the one unreadable image and keep the rest, then pick it up once it is fixed', async () => {
    const { server, cache, engine, counting } = await world({ images: 2600 });
    const broken = serverImages(server)[7]!;
    const width = broken.width;
    (broken as { width: unknown }).width = 'wide';
    const summary = await engine.sync();
    expect(summary.text).toMatch(/, 1 unreadable \(skipped\)$/);
    expect(summary.added).toBe(serverImages(server).length - 1);
    expect(cache.imageDetails(broken.image_name)).toBeNull();
    // One answer a batch of 1000; only the batch that holds it is asked for again, and halving
    // isolates the bad record in a couple of calls per halving, not one call per image.
    expect(counting.count('imageBatchBody')).toBe(3);
    expect(counting.count('imagesByNames')).toBeGreaterThan(0);
    expect(counting.count('imagesByNames')).toBeLessThan(25);

    broken.width = width;
    const next = await engine.sync();
    expect(next.text).toBe('+1 new');
    expect(cache.imageDetails(broken.image_name)?.image.width).toBe(width);
  });

  it('ask again for a truncated answer', async () => {
    const { server, cache, engine } = await world();
    server.faults.add({ pathPrefix: '/api/v1/images/images_by_names', malformedRate: 1, times: 1 });
    const summary = await engine.sync();
    expect(summary.added).toBe(serverImages(server).length);
    expect(cache.totals().images).toBe(serverImages(server).length);
  });

  it('stop the run with a readable error when the name list stays broken, and a later run succeeds', async () => {
    const { server, cache, engine } = await world();
    const rule = server.faults.add({ pathPrefix: '/api/v1/images/names', malformedRate: 1 });
    const failure = await engine.sync().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).kind).toBe('not_json');
    expect(cache.totals().images).toBe(0);
    server.faults.remove(rule.id);
    expect((await engine.sync()).added).toBe(serverImages(server).length);
  });

  it('skip an unreadable queue item and keep the others', async () => {
    const { server, cache, engine } = await world({ paused: true });
    const item = [...server.state.queue.store.items.values()].find((candidate) => candidate.status === 'completed')!;
    (item as { status: string }).status = 'exploded';
    const summary = await engine.sync();
    expect(summary.text).toContain('1 unreadable (skipped)');
    expect(cache.job(item.item_id)).toBeNull();
    expect(summary.jobs).toBe(server.state.queue.store.items.size - 1);
  });

  it('leave metadata that keeps arriving truncated for the next pass, and read odd metadata leniently', async () => {
    const { server, cache, engine } = await world();
    const [stuck, odd] = serverImages(server).filter((image) => image.metadata !== null);
    server.faults.add({ pathPrefix: `/api/v1/images/i/${stuck!.image_name}/metadata`, malformedRate: 1 });
    odd!.metadata = JSON.stringify({ positive_prompt: 42, seed: 'lucky', model: 'not an object', steps: 30 });
    await engine.sync();
    await engine.metadataIdle();
    expect(cache.metadataBacklogSize()).toBe(1);
    expect(cache.imageDetails(stuck!.image_name)?.metadata_loaded).toBe(false);
    expect(cache.imageDetails(odd!.image_name)).toMatchObject({
      metadata_loaded: true,
      positive_prompt: null,
      seed: null,
      model_name: null,
      steps: 30,
    });

    server.faults.clear();
    await engine.sync();
    await engine.metadataIdle();
    expect(cache.metadataBacklogSize()).toBe(0);
    expect(cache.imageDetails(stuck!.image_name)?.metadata_loaded).toBe(true);
  });

  it('stop asking for metadata of images the server no longer has', async () => {
    const { server, cache, engine, counting } = await world();
    counting.before = (method, args) => {
      if (method === 'imageMetadata' && counting.count('imageMetadata') === 0) server.state.gallery.deleteImages([args[0] as string]);
    };
    await engine.sync();
    await engine.metadataIdle();
    expect(cache.metadataBacklogSize()).toBe(0);
  });
});
