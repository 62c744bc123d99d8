import { describe, expect, it } from 'vitest';
import { boardDto, imageDto, names, query, serverTime, useCaches, videoDto } from './fixtures';

const open = useCaches();

describe('videos in the cache', () => {
  it('shows videos beside images in gallery order, as video items with duration and fps', () => {
    const cache = open();
    const older = imageDto({ created_at: serverTime(10) });
    const newer = imageDto({ created_at: serverTime(30) });
    const video = videoDto({ created_at: serverTime(20), starred: true });
    cache.upsertImages([older, newer]);
    cache.upsertVideos([{ dto: video, metadata: null }]);

    const page = cache.pageImages(query(), 0, 10);
    expect(page.total).toBe(3);
    expect(names(page.items)).toEqual([newer.image_name, video.video_name, older.image_name]);
    expect(page.items[1]).toMatchObject({
      kind: 'video',
      video_name: video.video_name,
      video_category: 'user',
      duration: 1.5,
      fps: 24,
      width: 64,
      height: 48,
      starred: true,
      video_url: video.video_url,
    });
    expect(page.items[0]).toMatchObject({ kind: 'image', image_name: newer.image_name });
    expect(names(cache.listImages(query({ starredOnly: true }), 0, 10))).toEqual([video.video_name]);
    expect(names(cache.listImages(query({ board: 'none', categories: ['user'] }), 0, 10))).toEqual([video.video_name]);
  });

  it('counts videos apart per board as the server does (any category), not as images or assets', () => {
    const cache = open();
    cache.replaceBoards([boardDto({ board_id: 'a' })]);
    cache.upsertImages([imageDto({ board_id: 'a' }), imageDto({ board_id: 'a', image_category: 'user' }), imageDto()]);
    cache.upsertVideos([
      { dto: videoDto({ board_id: 'a', video_category: 'general' }), metadata: null },
      { dto: videoDto({ board_id: 'a', video_category: 'user' }), metadata: null },
      { dto: videoDto({ board_id: 'a', is_intermediate: true }), metadata: null },
      { dto: videoDto(), metadata: null },
    ]);
    const list = cache.boardList(false);
    expect(list.boards[0]).toMatchObject({ board_id: 'a', image_count: 1, asset_count: 1, video_count: 2 });
    expect(list.uncategorized).toEqual({ image_count: 1, asset_count: 0, video_count: 1 });
    expect(list.all).toEqual({ image_count: 2, asset_count: 1, video_count: 3 });
    // The view's total is every item it shows.
    expect(cache.countImages(query({ board: 'a' }))).toBe(4);
  });

  it('keeps videos out of the image sync states, and tells videos from images by name', () => {
    const cache = open();
    const image = imageDto();
    const video = videoDto();
    cache.upsertImages([image]);
    cache.upsertVideos([{ dto: video, metadata: null }]);
    expect(cache.imageStates(-1, 100).map((state) => state.image_name)).toEqual([image.image_name]);
    expect(cache.videoStates().map((state) => state.video_name)).toEqual([video.video_name]);
    expect([...cache.videoNamesAmong([image.image_name, video.video_name, 'unknown.mp4'])]).toEqual([video.video_name]);
  });

  it('stores metadata with the video so it is searchable and never waits in the image backfill', () => {
    const cache = open();
    const video = videoDto();
    cache.upsertVideos([{ dto: video, metadata: { positive_prompt: 'a paper boat drifting' } }]);
    expect(cache.metadataBacklogSize()).toBe(0);
    expect(names(cache.listImages(query({ search: 'boat' }), 0, 10))).toEqual([video.video_name]);
    const details = cache.imageDetails(video.video_name)!;
    expect(details.image).toMatchObject({
      kind: 'video',
      video_name: video.video_name,
      metadata: { positive_prompt: 'a paper boat drifting' },
    });
    expect(details.positive_prompt).toBe('a paper boat drifting');
  });

  it('reports moves and star changes, and leaves rows touched after the listing alone', () => {
    const cache = open();
    const video = videoDto();
    cache.upsertVideos([{ dto: video, metadata: null }]);
    const listedAt = Date.now() + 1;
    const moved = cache.upsertVideos([{ dto: { ...video, board_id: 'a' } }]);
    expect(moved.moved).toEqual([video.video_name]);
    const starred = cache.upsertVideos([{ dto: { ...video, board_id: 'a', starred: true } }]);
    expect(starred.updated).toEqual([video.video_name]);
    cache.setStarred([video.video_name], false);
    const skipped = cache.upsertVideos([{ dto: { ...video, board_id: 'a', starred: true } }], { skipTouchedSince: listedAt - 1 });
    expect(skipped.skipped).toEqual([video.video_name]);
    expect(cache.listImages(query(), 0, 1)[0]).toMatchObject({ starred: false, board_id: 'a' });
  });
});
