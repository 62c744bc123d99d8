import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvokeClient } from '../../src/main/api/client';
import { mediaResponse } from '../../src/main/media';
import {
  itemName,
  type BoardList,
  type DesktopResult,
  type ExportJob,
  type GalleryQuery,
  type ImagePage,
  type UploadItem,
} from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import { writeMp4, writeNonH264Mp4, writeQuickTime } from '../support/mp4';
import { startSyncedApp, until, type SyncedApp } from '../support/services';

/**
 * Videos end to end behind the IPC contract, against the stand-in's `/videos` routes: gallery
 * pages, board counts, media (thumbnails and Range reads of the MP4), actions routed to the video
 * routes through the outbox, and MP4 uploads with their refusals.
 */
const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

let server: StandIn;
let app: SyncedApp;

beforeEach(async () => {
  server = await startStandIn({ images: 40, videos: 5, seed: 7, queueItems: 0, maxVideoUploadBytes: 200_000 });
  app = await startSyncedApp(server.url, null, { prefix: 'ivk-videos-', probeIntervalMs: 100 });
});

afterEach(async () => {
  await app.close();
  await server.close();
});

const serverVideo = (name: string) => server.state.gallery.videos.get(name);
async function videoItems() {
  return (await app.call<ImagePage>('images.page', { query: ALL, offset: 0, limit: 1000 })).items.filter((item) => item.kind === 'video');
}

describe('videos behind the IPC contract', () => {
  it('pages videos as video items and counts them per board', async () => {
    const videos = await videoItems();
    expect(videos).toHaveLength(5);
    expect(videos.every((video) => video.kind === 'video' && video.duration! > 0)).toBe(true);
    const list = await app.call<BoardList>('boards.list', { include_archived: true });
    expect(list.all.video_count).toBe(5);
    const onBoards = list.boards.reduce((sum, board) => sum + board.video_count, 0);
    expect(onBoards + list.uncategorized.video_count).toBe(5);
  });

  it('serves a video’s WebP thumbnail and its MP4 with byte ranges, from the cache once fetched', async () => {
    const [video] = await videoItems();
    const name = itemName(video!);
    const thumbnail = await app.services.media.get('thumbnails', name);
    expect(thumbnail.ok && thumbnail.contentType).toBe('image/webp');

    const original = new Uint8Array(await (await fetch(`${server.url}/api/v1/videos/i/${name}/full`)).arrayBuffer());
    const whole = await mediaResponse(app.services.media.fromUrl, { method: 'GET', url: `ivk-media://images/${name}` });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(original);

    const part = await mediaResponse(app.services.media.fromUrl, {
      method: 'GET',
      url: `ivk-media://images/${name}`,
      headers: new Headers({ range: 'bytes=100-199' }),
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${original.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(original.slice(100, 200));
    const tail = await mediaResponse(app.services.media.fromUrl, {
      method: 'GET',
      url: `ivk-media://images/${name}`,
      headers: new Headers({ range: 'bytes=-10' }),
    });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(original.slice(-10));
    const beyond = await mediaResponse(app.services.media.fromUrl, {
      method: 'GET',
      url: `ivk-media://images/${name}`,
      headers: new Headers({ range: `bytes=${original.length}-` }),
    });
    expect(beyond.status).toBe(416);

    // Offline, the cached MP4 still plays.
    await server.goDown();
    const offline = await app.services.media.get('images', name);
    expect(offline.ok && offline.bytes.length).toBe(original.length);
  });

  it('stars, moves, removes from a board and deletes videos on the video routes', async () => {
    const [first, second] = (await videoItems()).map(itemName);
    const board = (await app.call<BoardList>('boards.list', { include_archived: false })).boards[0]!;

    const wasStarred = serverVideo(first!)!.starred;
    await app.call('images.star', { image_names: [first], starred: !wasStarred });
    expect(serverVideo(first!)!.starred).toBe(!wasStarred);
    expect((await videoItems()).find((video) => itemName(video) === first)!.starred).toBe(!wasStarred);
    await app.call('images.move', { image_names: [first, second], board: board.board_id });
    expect([serverVideo(first!)!.board_id, serverVideo(second!)!.board_id]).toEqual([board.board_id, board.board_id]);
    await app.call('images.move', { image_names: [second], board: 'none' });
    expect(serverVideo(second!)!.board_id).toBeNull();
    await app.call('images.delete', { image_names: [first] });
    expect(serverVideo(first!)).toBeUndefined();
    expect((await videoItems()).map(itemName)).not.toContain(first);
    expect(app.services.session().actions.pending).toBe(0);
  });

  it('takes a video deleted elsewhere as gone: its delete succeeds, and a move says it no longer exists instead of retrying', async () => {
    const [first, second] = (await videoItems()).map(itemName);
    const board = (await app.call<BoardList>('boards.list', { include_archived: false })).boards[0]!;
    const other = new InvokeClient({ baseUrl: server.url });
    await other.deleteVideos([first!, second!]);
    const notices: unknown[] = [];
    app.services.onEvent((name, payload) => {
      if (name === 'notice') notices.push(payload);
    });

    await app.call('images.delete', { image_names: [first] });
    expect(app.services.session().actions.pending).toBe(0);
    expect(notices).toEqual([]);
    await app.call('images.move', { image_names: [second], board: board.board_id });
    expect(app.services.session().actions.pending).toBe(0);
    expect(notices).toEqual([{ level: 'warning', message: expect.stringMatching(/no longer exist on the server/) }]);
  });

  it('exports a video’s MP4 byte for byte, and refuses to copy it to the clipboard as a picture', async () => {
    const [video] = (await videoItems()).map(itemName);
    const out = join(app.dataDir, 'exported');
    const started = await app.call<ExportJob>('images.export.start', {
      source: { kind: 'names', image_names: [video] },
      out_dir: out,
      pattern: 'name',
      sidecar: false,
    });
    const done = await until('the export to finish', async () =>
      (await app.call<ExportJob[]>('images.export.list', {})).find((job) => job.id === started.id && job.state === 'done'),
    );
    expect(done).toMatchObject({ written: 1, failed: 0 });
    const original = new Uint8Array(await (await fetch(`${server.url}/api/v1/videos/i/${video}/full`)).arrayBuffer());
    expect(new Uint8Array(readFileSync(join(out, video!)))).toEqual(original);

    const copy = await app.call<DesktopResult>('images.copy', { image_name: video });
    expect(copy).toMatchObject({ done: false, reason: expect.stringMatching(/video cannot go on the clipboard/) });
  });

  it('uploads an MP4 to the video routes and refuses QuickTime, non-H.264 and oversized files with reasons', async () => {
    const dir = join(app.dataDir, 'drop');
    const write = (name: string, bytes: Uint8Array) => {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      return path;
    };
    mkdirSync(dir);
    const good = write('clip.mp4', writeMp4({ width: 48, height: 32, frames: 8, fps: 8 }));
    const movie = write('movie.mp4', writeQuickTime({ width: 16, height: 16, frames: 2, fps: 2 }));
    const mpeg4 = write('mpeg4.mp4', writeNonH264Mp4({ width: 16, height: 16, frames: 2, fps: 2 }));
    const big = write('big.mp4', writeMp4({ width: 320, height: 240, frames: 4, fps: 4 }));
    await app.call('uploads.start', { paths: [good, movie, mpeg4, big], board_id: null, category: 'user' });
    const items = await until('the uploads to finish', async () => {
      const list = await app.call<UploadItem[]>('uploads.list', {});
      return list.every((item) => item.state === 'done' || item.state === 'failed') ? list : null;
    });
    const byFile = new Map(items.map((item) => [item.file_name, item]));
    expect(byFile.get('clip.mp4')).toMatchObject({ state: 'done', error: null });
    const uploaded = byFile.get('clip.mp4')!.image_name!;
    expect(serverVideo(uploaded)).toMatchObject({ width: 48, height: 32, video_category: 'user' });
    expect((await videoItems()).find((video) => itemName(video) === uploaded)).toMatchObject({ kind: 'video', duration: 1, fps: 8 });
    expect(byFile.get('movie.mp4')).toMatchObject({ state: 'failed', error: expect.stringMatching(/QuickTime movie, not an MP4 video/) });
    expect(byFile.get('mpeg4.mp4')).toMatchObject({ state: 'failed', error: expect.stringMatching(/could not take the video .*H\.264/) });
    expect(byFile.get('big.mp4')).toMatchObject({ state: 'failed', error: expect.stringMatching(/refused the video as too large/) });
  });

  it('waits out a busy server (429) and then uploads', async () => {
    const path = join(app.dataDir, 'later.mp4');
    writeFileSync(path, writeMp4({ width: 16, height: 16, frames: 2, fps: 2 }));
    server.faults.add({ pathPrefix: '/api/v1/videos/upload', errorRate: 1, errorStatus: 429, times: 1 });
    await app.call('uploads.start', { paths: [path], board_id: null, category: 'user' });
    await until('the busy notice', async () =>
      (await app.call<UploadItem[]>('uploads.list', {})).some((item) => item.state === 'queued' && /busy/.test(item.error ?? '')),
    );
    const done = await until(
      'the upload after the wait',
      async () => (await app.call<UploadItem[]>('uploads.list', {})).find((item) => item.state === 'done'),
      15_000,
    );
    expect(serverVideo(done.image_name!)).toBeDefined();
  });

  it('lists the same videos the server does with the client alone (names and DTO pages)', async () => {
    const client = new InvokeClient({ baseUrl: server.url });
    const names = await client.videoNames({ is_intermediate: false });
    const page = await client.videoPage({ offset: 0, limit: 1000, is_intermediate: false });
    expect(page!.items.map((dto) => dto.video_name).sort()).toEqual([...names!.video_names].sort());
    const one = await client.video(names!.video_names[0]!);
    expect(one.video_name).toBe(names!.video_names[0]);
  });
});
