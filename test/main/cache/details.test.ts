import { describe, expect, it, vi } from 'vitest';
import { extractMetadata } from '../../../src/main/cache';
import { boardDto, imageDto, query, queueItem, useCaches } from './fixtures';

const open = useCaches();

const CORE = {
  generation_mode: 'sdxl_txt2img',
  positive_prompt: 'a lighthouse on a rocky coast',
  negative_prompt: 'blurry',
  seed: 4_294_967_295,
  steps: 30,
  cfg_scale: 7.5,
  scheduler: 'dpmpp_2m_k',
  model: { key: 'k', hash: 'blake3:x', name: 'Juggernaut XL', base: 'sdxl', type: 'main' },
  loras: [],
};

describe('image details', () => {
  it('joins the image, its metadata, its board and the job that made it', () => {
    const cache = open();
    cache.replaceBoards([boardDto({ board_id: 'a', board_name: 'Landscapes' })]);
    cache.upsertJobs([queueItem({ item_id: 42, session_id: 'sess' })]);
    const image = imageDto({ board_id: 'a', session_id: 'sess' });
    cache.upsertImages([image]);
    expect(cache.imageDetails(image.image_name)).toMatchObject({
      metadata_loaded: false,
      positive_prompt: null,
      board_name: 'Landscapes',
      job_id: '42',
    });
    cache.writeMetadata([{ image_name: image.image_name, json: CORE }]);
    expect(cache.imageDetails(image.image_name)).toEqual({
      image: expect.objectContaining({ image_name: image.image_name, metadata: CORE }),
      board_name: 'Landscapes',
      positive_prompt: CORE.positive_prompt,
      negative_prompt: 'blurry',
      seed: 4_294_967_295,
      model_name: 'Juggernaut XL',
      model_base: 'sdxl',
      steps: 30,
      cfg_scale: 7.5,
      scheduler: 'dpmpp_2m_k',
      job_id: '42',
      metadata_loaded: true,
    });
  });

  it('is null for images the cache does not hold or that were deleted here', () => {
    const cache = open();
    const image = imageDto();
    cache.upsertImages([image]);
    cache.markDeleted([image.image_name]);
    expect(cache.imageDetails(image.image_name)).toBeNull();
    expect(cache.imageDetails('missing.png')).toBeNull();
  });

  it('reads metadata of any shape without failing, taking only well-typed fields', () => {
    expect(extractMetadata(null)).toEqual({
      positive_prompt: null,
      negative_prompt: null,
      seed: null,
      model_name: null,
      model_base: null,
      steps: null,
      cfg_scale: null,
      scheduler: null,
    });
    expect(extractMetadata({ positive_prompt: 42, seed: '7', model: 'sdxl', steps: Number.NaN, scheduler: ['x'] })).toMatchObject({
      positive_prompt: null,
      seed: null,
      model_name: null,
      steps: null,
      scheduler: null,
    });
  });

  it('tracks which images still need metadata, newest first, and drops ones the server cannot give', () => {
    const cache = open();
    const images = [imageDto(), imageDto(), imageDto(), imageDto({ is_intermediate: true })];
    cache.upsertImages(images);
    const backlog = cache.metadataBacklog(10);
    expect(backlog.map((row) => row.image_name)).toEqual(
      images
        .slice(0, 3)
        .map((i) => i.image_name)
        .reverse(),
    );
    expect(cache.metadataBacklog(10, backlog[0]!.id).map((row) => row.image_name)).toEqual([images[1]!.image_name, images[0]!.image_name]);
    cache.writeMetadata([{ image_name: images[2]!.image_name, json: null }]);
    cache.markMetadataUnavailable([images[1]!.image_name]);
    expect(cache.metadataBacklogSize()).toBe(1);
    expect(cache.imageDetails(images[2]!.image_name)).toMatchObject({ metadata_loaded: true, image: { metadata: null } });
    // Known to be missing: nothing more to wait for either.
    expect(cache.imageDetails(images[1]!.image_name)).toMatchObject({ metadata_loaded: true, positive_prompt: null });
    expect(cache.writeMetadata([{ image_name: 'not-cached.png', json: CORE }])).toBe(0);
  });
});

describe('slow queries', () => {
  it('are reported with their label when slower than the threshold', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const cache = open({ slowQueryMs: -1 });
      cache.countImages(query({ search: 'anything' }));
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^\[cache\] slow query "search count": \d+\.\d ms$/));
    } finally {
      warn.mockRestore();
    }
  });

  it('go to a custom reporter when one is given', () => {
    const slow: string[] = [];
    const cache = open({ slowQueryMs: -1, onSlowQuery: (label) => slow.push(label) });
    cache.listImages(query(), 0, 10);
    expect(slow).toContain('gallery page');
  });
});

describe('stats and clearing', () => {
  it('counts visible images, thumbnails and bytes on disk', async () => {
    const cache = open();
    cache.upsertImages([imageDto(), imageDto(), imageDto({ is_intermediate: true })]);
    await cache.thumbnails.write('a.png', new Uint8Array(100));
    const stats = cache.cacheStats();
    expect(stats.images).toBe(2);
    expect(stats.thumbnails).toBe(1);
    expect(stats.bytes).toBeGreaterThan(100);
  });

  it('clear empties images, boards, jobs and files but keeps changes waiting in the outbox', async () => {
    const cache = open();
    cache.upsertImages([imageDto()]);
    cache.replaceBoards([boardDto({ board_id: 'a' })]);
    cache.upsertJobs([queueItem({ item_id: 1 })]);
    await cache.thumbnails.write('a.png', new Uint8Array(10));
    const id = cache.outbox.add('star', { image_names: ['x.png'] });
    await cache.clear();
    expect(cache.totals()).toEqual({ images: 0, boards: 0, jobs: 0 });
    expect(cache.thumbnails.has('a.png')).toBe(false);
    expect(cache.outbox.list().map((entry) => entry.id)).toEqual([id]);
    cache.upsertImages([imageDto()]);
    expect(cache.countImages(query())).toBe(1);
  });
});
