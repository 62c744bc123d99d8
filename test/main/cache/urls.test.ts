import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { imageDto, query, useCaches, videoDto } from './fixtures';

const open = useCaches();

describe('gallery row URLs', () => {
  it('stores no URL the server derives from the name, and reads it back as the server gave it', () => {
    const cache = open();
    const image = imageDto();
    const video = videoDto();
    cache.upsertImages([image]);
    cache.upsertVideos([{ dto: video, metadata: null }]);

    const stored = new DatabaseSync(cache.dbPath, { readOnly: true });
    try {
      expect(
        stored
          .prepare('SELECT image_url, thumbnail_url FROM images')
          .all()
          .map((row) => ({ ...row })),
      ).toEqual([
        { image_url: null, thumbnail_url: null },
        { image_url: null, thumbnail_url: null },
      ]);
    } finally {
      stored.close();
    }
    const items = cache.pageImages(query({ categories: [] }), 0, 10).items;
    expect(items.find((item) => item.kind === 'image')).toMatchObject({ image_url: image.image_url, thumbnail_url: image.thumbnail_url });
    expect(items.find((item) => item.kind === 'video')).toMatchObject({ video_url: video.video_url, thumbnail_url: video.thumbnail_url });
  });

  it('keeps a URL that differs from the pattern, exactly', () => {
    const cache = open();
    const image = imageDto({ image_url: 'https://cdn.example/full/1.png', thumbnail_url: 'https://cdn.example/thumb/1.webp' });
    cache.upsertImages([image]);
    expect(cache.pageImages(query(), 0, 10).items[0]).toMatchObject({
      image_url: 'https://cdn.example/full/1.png',
      thumbnail_url: 'https://cdn.example/thumb/1.webp',
    });
  });
});
