import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvokeClient } from '../../src/main/api/client';
import { ApiError } from '../../src/main/api/errors';
import { mediaResponse } from '../../src/main/media';
import { itemName } from '../../src/shared/ipc';
import { writeMp4, writeNonH264Mp4 } from '../support/mp4';
import { sendUploadHeaders } from '../support/upload-headers';
import { ALL, Cleanup, REAL_URL, appTag, onRealServer, openApp, until, whenOnline, type App } from './app-support';

/**
 * Videos in the app against the real InvokeAI 6.14.2: MP4s the tests write are uploaded behind
 * the app's back and through the app, synced, played through the media route with ranges,
 * starred, moved and deleted on the real video routes. Every video and board made here is
 * deleted afterwards.
 */
let client: InvokeClient;
let cleanup: Cleanup;
let tag: string;
const made: string[] = [];

beforeEach(() => {
  client = new InvokeClient({ baseUrl: REAL_URL });
  cleanup = new Cleanup();
  tag = appTag();
  cleanup.add(async () => {
    if (made.length > 0) await client.deleteVideos(made.splice(0));
  });
});

afterEach(async () => {
  await cleanup.run();
});

async function open(): Promise<App> {
  return cleanup.app(await openApp(REAL_URL, { start: true }));
}

async function uploadBehind(frames: number, fps: number): Promise<string> {
  const dto = await client.uploadVideo({
    bytes: writeMp4({ width: 64, height: 48, frames, fps }),
    file_name: `${tag}.mp4`,
    video_category: 'user',
  });
  made.push(dto.video_name);
  return dto.video_name;
}

describe.skipIf(!onRealServer)('videos in the app against the real InvokeAI 6.14.2', () => {
  it('syncs uploaded videos beside the images with duration, fps and the server’s board counts, and finds changes behind its back', async () => {
    const board = await client.createBoard(`${tag} videos`);
    cleanup.add(() => client.deleteBoard(board.board_id, false));
    const first = await uploadBehind(24, 12);
    const second = await uploadBehind(8, 8);
    await client.addVideoToBoard(board.board_id, second);

    const app = await open();
    await app.session().sync.sync();
    const items = await app.call('images.page', { query: ALL, offset: 0, limit: 1000 });
    expect(items.items.find((item) => itemName(item) === first)).toMatchObject({
      kind: 'video',
      duration: 2,
      fps: 12,
      width: 64,
      height: 48,
    });
    const boards = await app.call('boards.list', { include_archived: true });
    const server = (await client.listBoards(true)).find((dto) => dto.board_id === board.board_id)!;
    const cached = boards.boards.find((b) => b.board_id === board.board_id)!;
    expect([cached.image_count, cached.asset_count, cached.video_count]).toEqual([
      server.image_count,
      server.asset_count,
      server.video_count,
    ]);
    expect(cached.video_count).toBe(1);

    // Changes made by another client: a star, a move, a category change and a deletion.
    await client.starVideos([first]);
    await client.removeVideoFromBoard(second);
    await client.updateVideo(first, { video_category: 'control' });
    const gone = await uploadBehind(4, 4);
    await app.session().sync.sync();
    expect(
      app
        .session()
        .cache.videoStates()
        .map((state) => state.video_name),
    ).toContain(gone);
    await client.deleteVideos([gone]);
    made.splice(made.indexOf(gone), 1);
    await app.session().sync.sync();
    const after = new Map(
      (await app.call('images.page', { query: ALL, offset: 0, limit: 1000 })).items.map((item) => [itemName(item), item]),
    );
    expect(after.get(first)).toMatchObject({ starred: true, video_category: 'control' });
    expect(after.get(second)).toMatchObject({ board_id: null });
    expect(after.has(gone)).toBe(false);
  });

  it('serves the real MP4 through the media route with byte ranges, and its WebP thumbnail', async () => {
    const name = await uploadBehind(12, 6);
    const app = await open();
    await app.session().sync.sync();
    const original = await client.fullVideo(name);
    const part = await mediaResponse(app.services.media.fromUrl, {
      method: 'GET',
      url: `ivk-media://images/${name}`,
      headers: new Headers({ range: 'bytes=0-1023' }),
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-type')).toBe('video/mp4');
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(original.slice(0, 1024));
    const thumbnail = await app.services.media.get('thumbnails', name);
    expect(thumbnail.ok && thumbnail.contentType).toBe('image/webp');
  });

  it('stars, moves and deletes a video through the app, and uploads an MP4 with the real server’s refusals', async () => {
    const board = await client.createBoard(`${tag} moved`);
    cleanup.add(() => client.deleteBoard(board.board_id, false));
    const name = await uploadBehind(6, 6);
    const app = await open();
    await app.session().sync.sync();

    await app.call('images.star', { image_names: [name], starred: true });
    expect((await client.video(name)).starred).toBe(true);
    await app.call('images.move', { image_names: [name], board: board.board_id });
    expect((await client.video(name)).board_id).toBe(board.board_id);
    await app.call('images.move', { image_names: [name], board: 'none' });
    expect((await client.video(name)).board_id ?? null).toBeNull();
    await app.call('images.delete', { image_names: [name] });
    await expect(client.video(name)).rejects.toMatchObject({ status: 404 });
    made.splice(made.indexOf(name), 1);
    expect(app.session().actions.pending).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'ivk-real-videos-'));
    cleanup.add(() => rmSync(dir, { recursive: true, force: true }));
    const good = join(dir, `${tag}.mp4`);
    const mpeg4 = join(dir, `${tag}-mpeg4.mp4`);
    // Three at once: the server takes two video uploads at a time (a third is a 429), so the app sends them in turn.
    const more = [1, 2].map((n) => join(dir, `${tag}-${n}.mp4`));
    writeFileSync(good, writeMp4({ width: 32, height: 32, frames: 4, fps: 4 }));
    for (const path of more) writeFileSync(path, writeMp4({ width: 16, height: 16, frames: 2, fps: 2 }));
    writeFileSync(mpeg4, writeNonH264Mp4({ width: 32, height: 32, frames: 4, fps: 4 }));
    await app.call('uploads.start', { paths: [good, ...more, mpeg4], board_id: null, category: 'user' });
    const items = await until('the uploads to finish', async () => {
      const list = await app.call('uploads.list', {});
      return list.every((item) => item.state === 'done' || item.state === 'failed') ? list : null;
    });
    const uploaded = items.find((item) => item.file_name === `${tag}.mp4`)!;
    expect(uploaded).toMatchObject({ state: 'done' });
    for (const item of items) if (item.image_name) made.push(item.image_name);
    expect(items.filter((item) => item.state === 'done')).toHaveLength(3);
    expect(await client.video(uploaded.image_name!)).toMatchObject({ width: 32, height: 32, duration: 1 });
    expect(items.find((item) => item.file_name === `${tag}-mpeg4.mp4`)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/could not take the video .*H\.264/),
    });
  });

  it('gets the real server’s early refusal of an upload every time: no `100 Continue`, the answer, no broken pipe', async () => {
    // The raw exchange: uvicorn answers a board it cannot find before asking for the body.
    const raw = await sendUploadHeaders(
      `${REAL_URL}/api/v1/videos/upload?video_category=user&is_intermediate=false&board_id=no-such-board`,
      4 * 1024 * 1024,
    );
    expect(raw).toMatchObject({ continued: false, status: 404 });

    // The app's client, with a body big enough to be still going when the connection closes.
    const bytes = Buffer.alloc(4 * 1024 * 1024, 1);
    writeMp4({ width: 16, height: 16, frames: 2, fps: 2 }).copy(bytes);
    for (let round = 0; round < 12; round++) {
      const error = await client.uploadVideo({ bytes, file_name: `${tag}.mp4`, video_category: 'user', board_id: 'no-such-board' }).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).info).toMatchObject({ kind: 'http', status: 404, detail: 'Board not found' });
    }
  });

  it('shows a video a job made (Concatenate Videos, model-free) from its invocation_complete', async () => {
    const [a, b] = [await uploadBehind(8, 8), await uploadBehind(8, 8)];
    const app = await open();
    await whenOnline(app);
    await app.session().sync.sync();
    const node = { id: 'concat', type: 'video_concat', videos: [{ video_name: a }, { video_name: b }], use_cache: false };
    const res = await fetch(`${REAL_URL}/api/v1/queue/default/enqueue_batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prepend: false, batch: { runs: 1, graph: { id: `${tag}-concat`, nodes: { concat: node }, edges: [] } } }),
    });
    expect(res.status).toBe(200);
    const [itemId] = ((await res.json()) as { item_ids: number[] }).item_ids;
    cleanup.add(async () => {
      await fetch(`${REAL_URL}/api/v1/queue/default/i/${itemId}`, { method: 'DELETE' });
    });
    const item = await until(
      'the job to finish',
      async () => {
        const found = (await client.queueItemsByIds([itemId!]))[0];
        return found && ['completed', 'failed'].includes(found.status) ? found : null;
      },
      60_000,
    );
    expect(item.status, JSON.stringify(item.error_message ?? null)).toBe('completed');
    const made2 = Object.values(item.session.results ?? {}).find((result) => (result as { type?: string }).type === 'video_output') as
      { video: { video_name: string }; duration: number; fps: number } | undefined;
    expect(made2).toBeDefined();
    made.push(made2!.video.video_name);
    // 6.14.2's VideoOutput as the event and the queue item carry it: output_meta included.
    expect(made2).toEqual({
      type: 'video_output',
      video: { video_name: made2!.video.video_name },
      width: 64,
      height: 48,
      num_frames: 16,
      fps: 8,
      duration: 2,
      output_meta: null,
    });
    const cached = await until(
      'the job’s video in the cache',
      () => app.session().cache.imageDetails(made2!.video.video_name)?.image,
      20_000,
    );
    expect(cached).toMatchObject({ kind: 'video', width: 64, height: 48, duration: made2!.duration });
  });
});
