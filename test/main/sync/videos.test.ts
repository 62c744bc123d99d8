import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { InvokeClient } from '../../../src/main/api/client';
import { openCache } from '../../../src/main/cache';
import { SyncEngine } from '../../../src/main/sync';
import type { GalleryQuery } from '../../../src/shared/ipc';
import { itemName } from '../../../src/shared/ipc';
import { writeMp4 } from '../../support/mp4';
import { serverImages, useWorld } from './harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const world = useWorld();
const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

describe('video sync', () => {
  it('caches every non-intermediate video with its DTO, beside the images, with board counts as the server gives them', async () => {
    const { server, cache, engine, client } = await world({ images: 60, videos: 12 });
    await engine.sync();

    const serverVideos = [...server.state.gallery.videos.all()].filter((video) => !video.is_intermediate);
    expect(serverVideos.length).toBeGreaterThan(0);
    const items = cache.listImages(ALL, 0, 1000);
    const videos = items.filter((item) => item.kind === 'video');
    expect(videos.map(itemName).sort()).toEqual(serverVideos.map((video) => video.video_name).sort());
    for (const video of serverVideos) {
      const cached = videos.find((item) => itemName(item) === video.video_name)!;
      expect(cached).toMatchObject({
        board_id: video.board_id,
        video_category: video.video_category,
        starred: video.starred,
        duration: video.duration,
        fps: video.fps,
        width: video.width,
        height: video.height,
      });
    }
    expect(items.length).toBe(serverImages(server).length + serverVideos.length);

    // Board counts: the server's image, asset and video counts for every board.
    const list = cache.boardList(true);
    for (const dto of await client.listBoards(true)) {
      const board = list.boards.find((b) => b.board_id === dto.board_id)!;
      expect([board.image_count, board.asset_count, board.video_count]).toEqual([dto.image_count, dto.asset_count, dto.video_count ?? 0]);
    }
  });

  it('finds stars, moves, category changes, deletions and uploads made behind the app’s back', async () => {
    const { server, cache, engine, client } = await world({ images: 30, videos: 6 });
    await engine.sync();
    const [starMe, moveMe, recategorise, deleteMe] = [...server.state.gallery.videos.all()].filter((video) => !video.starred);
    const board = (await client.listBoards(false))[0]!;

    // Another client changes the server.
    const other = new InvokeClient({ baseUrl: server.url });
    await other.starVideos([starMe!.video_name]);
    await other.addVideoToBoard(board.board_id, moveMe!.video_name);
    await other.updateVideo(recategorise!.video_name, { video_category: 'control' });
    await other.deleteVideos([deleteMe!.video_name]);
    const uploaded = await other.uploadVideo({
      bytes: writeMp4({ width: 32, height: 32, frames: 6, fps: 6 }),
      file_name: 'clip.mp4',
      video_category: 'user',
    });

    const summary = await engine.sync();
    expect(summary).toMatchObject({ deleted: 1 });
    const byName = new Map(cache.listImages(ALL, 0, 1000).map((item) => [itemName(item), item]));
    expect(byName.get(starMe!.video_name)).toMatchObject({ kind: 'video', starred: true });
    expect(byName.get(moveMe!.video_name)).toMatchObject({ kind: 'video', board_id: board.board_id });
    expect(byName.get(recategorise!.video_name)).toMatchObject({ kind: 'video', video_category: 'control' });
    expect(byName.has(deleteMe!.video_name)).toBe(false);
    expect(byName.get(uploaded.video_name)).toMatchObject({ kind: 'video', duration: 1, fps: 6, width: 32, height: 32 });
  });

  it('reads videos in pages of at most 1000 and fetches metadata only for videos new to the cache', async () => {
    const { engine, counting } = await world({ images: 20, videos: 8 });
    await engine.sync();
    expect(counting.count('videoPage')).toBe(1);
    const described = counting.count('videoMetadata');
    expect(described).toBe(8);
    counting.reset();
    await engine.sync();
    expect(counting.count('videoPage')).toBe(1);
    expect(counting.count('videoMetadata')).toBe(0);
  });

  it('makes video prompts searchable without the image metadata backfill asking the image routes', async () => {
    const { server, cache, engine, counting } = await world({ images: 10, videos: 10 });
    await engine.sync();
    await engine.metadataIdle();
    const promptOf = (metadata: string | null) =>
      metadata ? (JSON.parse(metadata) as { positive_prompt?: string }).positive_prompt : undefined;
    const described = [...server.state.gallery.videos.all()].find((video) => promptOf(video.metadata));
    expect(described).toBeDefined();
    const prompt = promptOf(described!.metadata)!;
    const word = prompt.split(/\W+/).find((w) => w.length > 4)!;
    expect(cache.listImages({ ...ALL, search: word }, 0, 1000).map(itemName)).toContain(described!.video_name);
    expect(counting.metadataNames.filter((name) => name.endsWith('.mp4'))).toEqual([]);
  });

  it('treats a server older than 6.14 (no /videos routes: its web UI answers 200 HTML) as one with no videos', async () => {
    const { server } = await world({ images: 10, videos: 3 });
    // A proxy in front of the stand-in that answers like InvokeAI before 6.14 for the video routes.
    const old = createServer((request, response) => {
      if (request.url?.startsWith('/api/v1/videos')) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html><body>Invoke</body></html>');
        return;
      }
      void fetch(server.url + request.url, { method: request.method }).then(async (answer) => {
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
        response.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((done) => old.listen(0, '127.0.0.1', done));
    const dir = mkdtempSync(join(tmpdir(), 'ivk-old-'));
    const cache = openCache({ dataDir: dir, profileKey: 'old', slowQueryMs: Number.POSITIVE_INFINITY });
    try {
      // The cache held videos from when the server was 6.14 (e.g. a downgrade): they go.
      const modern = new SyncEngine({ api: new InvokeClient({ baseUrl: server.url }), cache });
      await modern.sync();
      await modern.close();
      expect(cache.videoStates()).toHaveLength(3);

      const client = new InvokeClient({ baseUrl: `http://127.0.0.1:${(old.address() as AddressInfo).port}` });
      expect(await client.videoPage({ offset: 0, limit: 10 })).toBeNull();
      const engine = new SyncEngine({ api: client, cache });
      const summary = await engine.sync();
      await engine.close();
      expect(summary.deleted).toBe(3);
      expect(cache.videoStates()).toHaveLength(0);
      expect(cache.listImages(ALL, 0, 100)).toHaveLength(10);
    } finally {
      cache.close();
      rmSync(dir, { recursive: true, force: true });
      await new Promise((done) => old.close(done));
    }
  });
});
