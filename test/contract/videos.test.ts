/**
 * Videos (6.14 `/api/v1/videos/*`) and the mixed gallery (`/api/v1/gallery/*`), on the stand-in
 * and on a real 6.14.2: real H.264 MP4s written by test/support/mp4.ts are uploaded, listed,
 * starred, moved on and off a board, changed, fetched by byte range and deleted; boards count and
 * cover them; the gallery lists them beside images; bad files are refused the way the real server
 * refuses them; and on a multi-user server a member may not touch the admin's video.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { truncateMp4, writeMp4, writeNonH264Mp4, writeQuickTime, type Mp4Options } from '../support/mp4';
import { Api, runTag, SQLITE_TIME, useTarget } from './harness';
import { ADMIN, bearer, MEMBER, signIn, useMultiUserTarget } from './multiuser';
import { encodePng } from './png';
import { expectDetail, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const tag = runTag();

const RED = { r: 200, g: 30, b: 30 };
const BLUE = { r: 30, g: 30, b: 200 };
/** 64×48, 12 frames at 6 fps: two seconds, red then blue. */
const CLIP: Mp4Options = { width: 64, height: 48, frames: 12, fps: 6, colour: (i) => (i < 6 ? RED : BLUE) };
const clip = writeMp4(CLIP);
const UUID_MP4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.mp4$/;

/** Uploads land in the same millisecond at most once; the orders below need distinct times. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 15));

const sorted = (names: string[]) => [...names].sort();

describe('POST /api/v1/videos/upload and the VideoDTO', () => {
  it('stores a real MP4: 201 VideoDTO with the size, duration and rate read from the file', async () => {
    const res = await t.api.uploadVideo({ bytes: clip, category: 'user', metadataField: { positive_prompt: `${tag} a red clip` } });
    expect(res.status, res.text).toBe(201);
    expectResponse('post', '/api/v1/videos/upload', res);
    const dto = res.json;
    expect(res.headers.get('location')).toBe(`api/v1/videos/i/${dto.video_name}/full`);
    expect(dto.video_name).toMatch(UUID_MP4);
    expect(dto).toMatchObject({
      video_origin: 'external',
      video_category: 'user',
      width: 64,
      height: 48,
      is_intermediate: false,
      starred: false,
      has_workflow: false,
      video_subfolder: '',
      video_url: `api/v1/videos/i/${dto.video_name}/full`,
      thumbnail_url: `api/v1/videos/i/${dto.video_name}/thumbnail`,
      board_id: null,
      session_id: null,
      node_id: null,
      deleted_at: null,
    });
    expect(dto.duration).toBeCloseTo(2, 3);
    expect(dto.fps).toBeCloseTo(6, 3);
    expect(dto.created_at).toMatch(SQLITE_TIME);

    const one = await t.api.get(`/api/v1/videos/i/${dto.video_name}`);
    expectResponse('get', '/api/v1/videos/i/{video_name}', one);
    expect(one.json).toEqual(dto);
    const urls = await t.api.get(`/api/v1/videos/i/${dto.video_name}/urls`);
    expect(urls.json).toEqual({ video_name: dto.video_name, video_url: dto.video_url, thumbnail_url: dto.thumbnail_url });
    const metadata = await t.api.get(`/api/v1/videos/i/${dto.video_name}/metadata`);
    expect(metadata.json).toEqual({ positive_prompt: `${tag} a red clip` });
    const workflow = await t.api.get(`/api/v1/videos/i/${dto.video_name}/workflow`);
    expect(workflow.json).toEqual({ workflow: null, graph: null });
  });

  it('takes a .mp4 name whatever its content type, keeps session and intermediate flags, and finds it by its metadata', async () => {
    const video = await t.api.uploadVideoOk({
      bytes: clip,
      contentType: 'application/octet-stream',
      metadataField: { positive_prompt: `${tag} zebra crossing` },
      query: { is_intermediate: true, session_id: `${tag}-session` },
    });
    expect(video).toMatchObject({ is_intermediate: true, session_id: `${tag}-session` });
    const found = await t.api.get('/api/v1/videos/names', { search_term: `${tag} ZEBRA` });
    expect(found.json).toEqual({ video_names: [video.video_name], starred_count: 0, total_count: 1 });
    const plain = await t.api.get('/api/v1/videos/names', { search_term: tag, is_intermediate: false });
    expect(plain.json.video_names).not.toContain(video.video_name);
  });

  it('answers a bare 404 for a video that does not exist, but its URLs all the same', async () => {
    const res = await t.api.get('/api/v1/videos/i/contract-missing-video.mp4');
    expectDetail(res, 404, 'Not Found');
    expectDetail(await t.api.get('/api/v1/videos/i/contract-missing-video.mp4/full'), 404, 'Not Found');
    expectDetail(await t.api.get('/api/v1/videos/i/contract-missing-video.mp4/thumbnail'), 404, 'Not Found');
    const urls = await t.api.get('/api/v1/videos/i/contract-missing-video.mp4/urls');
    expect(urls.json).toEqual({
      video_name: 'contract-missing-video.mp4',
      video_url: 'api/v1/videos/i/contract-missing-video.mp4/full',
      thumbnail_url: 'api/v1/videos/i/contract-missing-video.mp4/thumbnail',
    });
  });

  it('refuses what is not a browser-playable MP4, each with its reason', async () => {
    const png = encodePng({ width: 16, height: 16 });
    expectDetail(await t.api.uploadVideo({ bytes: png }), 415, 'Not an MP4 video file');
    expectDetail(await t.api.uploadVideo({ bytes: writeQuickTime(CLIP), filename: 'clip.mov' }), 415, 'Not an MP4 video file');
    expectDetail(await t.api.uploadVideo({ bytes: writeNonH264Mp4(CLIP) }), 415, 'Failed to read video');
    expectDetail(await t.api.uploadVideo({ bytes: truncateMp4(clip) }), 415, 'Failed to read video');
    expectDetail(
      await t.api.uploadVideo({ bytes: clip, contentType: 'text/plain', filename: 'clip.txt' }),
      415,
      'Not a supported video file',
    );
    expectDetail(await t.api.uploadVideo({ bytes: clip, metadataField: ['not', 'an', 'object'] }), 422, 'Metadata must be a JSON object');
    const noBoard = await t.api.uploadVideo({ bytes: clip, boardId: 'contract-missing-board' });
    expectDetail(noBoard, 404, 'Board not found');
    // Refused before the body was read: the server closes the connection behind its answer.
    expect(noBoard.headers.get('connection')).toBe('close');
    expectValidationError(
      await t.api.uploadVideo({ bytes: clip, query: { video_category: 'poster' } }),
      ['query', 'video_category'],
      'enum',
    );
    const notMultipart = await t.api.sendWithContinue('POST', '/api/v1/videos/upload', {
      query: { video_category: 'general', is_intermediate: false },
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"file":"x"}'),
    });
    expectDetail(notMultipart, 422, 'Expected a multipart/form-data video upload');
  });
});

describe('video lists, names, star and PATCH', () => {
  let older: any;
  let newer: any;
  const board = { id: '' };

  beforeAll(async () => {
    board.id = (await t.api.createBoard(`${tag} lists`)).board_id;
    older = await t.api.uploadVideoOk({ bytes: clip, boardId: board.id });
    await tick();
    newer = await t.api.uploadVideoOk({ bytes: clip, boardId: board.id });
  });

  it('orders names newest first, starred first, and the other way round on request', async () => {
    const names = async (query: Record<string, string | boolean>) => {
      const res = await t.api.get('/api/v1/videos/names', { board_id: board.id, ...query });
      expect(res.status).toBe(200);
      return res.json;
    };
    expect(await names({})).toEqual({ video_names: [newer.video_name, older.video_name], starred_count: 0, total_count: 2 });
    expect((await names({ order_dir: 'ASC' })).video_names).toEqual([older.video_name, newer.video_name]);

    const star = await t.api.post('/api/v1/videos/star', { video_names: [older.video_name] });
    expectResponse('post', '/api/v1/videos/star', star);
    expect(star.json).toEqual({ affected_boards: [board.id], starred_videos: [older.video_name], failed_videos: [] });
    expect(await names({})).toEqual({ video_names: [older.video_name, newer.video_name], starred_count: 1, total_count: 2 });
    expect(await names({ starred_first: false })).toEqual({
      video_names: [newer.video_name, older.video_name],
      starred_count: 0,
      total_count: 2,
    });

    const unstar = await t.api.post('/api/v1/videos/unstar', { video_names: [older.video_name] });
    expect(unstar.json).toEqual({ affected_boards: [board.id], unstarred_videos: [older.video_name], failed_videos: [] });
    expect((await t.api.get(`/api/v1/videos/i/${older.video_name}`)).json.starred).toBe(false);
  });

  it('reports a missing name in a star batch as failed, and refuses a batch over 1000 names', async () => {
    const res = await t.api.post('/api/v1/videos/star', { video_names: [newer.video_name, 'contract-missing-video.mp4'] });
    expect(res.json).toEqual({
      affected_boards: [board.id],
      starred_videos: [newer.video_name],
      failed_videos: ['contract-missing-video.mp4'],
    });
    await t.api.post('/api/v1/videos/unstar', { video_names: [newer.video_name] });
    const tooMany = await t.api.post('/api/v1/videos/star', { video_names: Array.from({ length: 1001 }, (_, i) => `v${i}.mp4`) });
    expectValidationError(tooMany, ['body', 'video_names'], 'too_long');
  });

  it('pages VideoDTOs with the total, and keeps limit within 0..1000', async () => {
    const page = await t.api.get('/api/v1/videos/', { board_id: board.id, limit: 1, offset: 1 });
    expectResponse('get', '/api/v1/videos/', page);
    expect(page.json).toMatchObject({ limit: 1, offset: 1, total: 2 });
    expect(page.json.items.map((v: any) => v.video_name)).toEqual([older.video_name]);
    expectValidationError(await t.api.get('/api/v1/videos/', { limit: 1001 }), ['query', 'limit'], 'less_than_equal');
    expectValidationError(await t.api.get('/api/v1/videos/', { offset: -1 }), ['query', 'offset'], 'greater_than_equal');
  });

  it('changes category with PATCH and refuses a non-boolean star', async () => {
    const res = await t.api.patch(`/api/v1/videos/i/${newer.video_name}`, { video_category: 'other' });
    expectResponse('patch', '/api/v1/videos/i/{video_name}', res);
    expect(res.json).toMatchObject({ video_name: newer.video_name, video_category: 'other', board_id: board.id });
    const listed = await t.api.get('/api/v1/videos/names', { board_id: board.id, categories: ['other'] });
    expect(listed.json.video_names).toEqual([newer.video_name]);
    expectValidationError(await t.api.patch(`/api/v1/videos/i/${newer.video_name}`, { starred: 'yes' }), ['body', 'starred'], 'bool_type');
    expectDetail(await t.api.patch('/api/v1/videos/i/contract-missing-video.mp4', { starred: true }), 400, 'Failed to update video');
  });
});

describe('videos on boards: membership, counts and covers', () => {
  it('moves a video onto a board and off it, with the affected boards and the board counts', async () => {
    const board = await t.api.createBoard(`${tag} board videos`);
    const video = await t.api.uploadVideoOk({ bytes: clip });
    const add = await t.api.post('/api/v1/videos/board', { board_id: board.board_id, video_name: video.video_name });
    expectResponse('post', '/api/v1/videos/board', add);
    expect(add.status).toBe(200);
    expect(add.json.added_videos).toEqual([video.video_name]);
    expect(sorted(add.json.affected_boards)).toEqual(sorted([board.board_id, 'none']));
    expect((await t.api.get(`/api/v1/videos/i/${video.video_name}`)).json.board_id).toBe(board.board_id);

    const dto = (await t.api.get(`/api/v1/boards/${board.board_id}`)).json;
    expect(dto).toMatchObject({
      video_count: 1,
      image_count: 0,
      asset_count: 0,
      cover_video_name: video.video_name,
      cover_image_name: null,
    });
    const listed = (await t.api.get('/api/v1/boards/', { all: true })).json.find((b: any) => b.board_id === board.board_id);
    expect(listed).toMatchObject({ video_count: 1, cover_video_name: video.video_name, cover_image_name: null });

    const remove = await t.api.delete('/api/v1/videos/board', { video_name: video.video_name });
    expectResponse('delete', '/api/v1/videos/board', remove);
    expect(remove.json.removed_videos).toEqual([video.video_name]);
    expect(sorted(remove.json.affected_boards)).toEqual(sorted([board.board_id, 'none']));
    expect((await t.api.get(`/api/v1/boards/${board.board_id}`)).json).toMatchObject({ video_count: 0, cover_video_name: null });
  });

  it('picks one cover among images and videos: starred first, then the newest', async () => {
    const board = await t.api.createBoard(`${tag} covers`);
    const video = await t.api.uploadVideoOk({ bytes: clip, boardId: board.board_id });
    await tick();
    const image = await t.api.uploadOk({ boardId: board.board_id });
    const cover = async () => {
      const dto = (await t.api.get(`/api/v1/boards/${board.board_id}`)).json;
      return { image: dto.cover_image_name, video: dto.cover_video_name, images: dto.image_count, videos: dto.video_count };
    };
    expect(await cover()).toEqual({ image: image.image_name, video: null, images: 1, videos: 1 });
    await t.api.post('/api/v1/videos/star', { video_names: [video.video_name] });
    expect(await cover()).toEqual({ image: null, video: video.video_name, images: 1, videos: 1 });
  });

  it('refuses a move to a board that does not exist', async () => {
    const video = await t.api.uploadVideoOk({ bytes: clip });
    expectDetail(
      await t.api.post('/api/v1/videos/board', { board_id: 'contract-missing-board', video_name: video.video_name }),
      404,
      'Board not found',
    );
  });

  it('deletes a board without its videos: they are listed as unlinked and fall to Uncategorized', async () => {
    const board = await t.api.createBoard(`${tag} unlink`);
    const video = await t.api.uploadVideoOk({ bytes: clip, boardId: board.board_id });
    const res = await t.api.delete(`/api/v1/boards/${board.board_id}`);
    t.api.forgetBoard(board.board_id);
    expect(res.json).toMatchObject({ deleted_board_videos: [video.video_name], deleted_videos: [] });
    expect((await t.api.get(`/api/v1/videos/i/${video.video_name}`)).json.board_id).toBeNull();
  });
});

describe('deleting a board with its media', () => {
  it('deletes its videos too, and lists them', async () => {
    const board = await t.api.createBoard(`${tag} doomed`);
    const video = await t.api.uploadVideoOk({ bytes: clip, boardId: board.board_id });
    const image = await t.api.uploadOk({ boardId: board.board_id });
    const res = await t.api.delete(`/api/v1/boards/${board.board_id}`, undefined, { include_images: true });
    t.api.forgetBoard(board.board_id);
    expect(res.json).toMatchObject({
      deleted_board_images: [],
      deleted_images: [image.image_name],
      deleted_board_videos: [],
      deleted_videos: [video.video_name],
      failed_videos: [],
    });
    expectDetail(await t.api.get(`/api/v1/videos/i/${video.video_name}`), 404, 'Not Found');
  });
});

describe('the mixed gallery: /api/v1/gallery/items/ and item_names', () => {
  it('lists an image and a video of a board in one order, each with its own fields', async () => {
    const board = await t.api.createBoard(`${tag} gallery`);
    const image = await t.api.uploadOk({ boardId: board.board_id, png: { width: 30, height: 20 } });
    await tick();
    const video = await t.api.uploadVideoOk({ bytes: clip, boardId: board.board_id });

    const names = await t.api.get('/api/v1/gallery/item_names', { board_id: board.board_id });
    expectResponse('get', '/api/v1/gallery/item_names', names);
    expect(names.json).toEqual({ item_names: [video.video_name, image.image_name], starred_count: 0, total_count: 2 });
    const ascending = await t.api.get('/api/v1/gallery/item_names', { board_id: board.board_id, order_dir: 'ASC' });
    expect(ascending.json.item_names).toEqual([image.image_name, video.video_name]);
    const refs = await t.api.get('/api/v1/gallery/items/names', { board_id: board.board_id });
    expect(refs.json).toEqual({
      items: [
        { kind: 'video', name: video.video_name },
        { kind: 'image', name: image.image_name },
      ],
      starred_count: 0,
      total_count: 2,
    });

    const items = await t.api.get('/api/v1/gallery/items/', { board_id: board.board_id, limit: 10 });
    expectResponse('get', '/api/v1/gallery/items/', items);
    expect(items.json).toMatchObject({ limit: 10, offset: 0, total: 2 });
    const [first, second] = items.json.items;
    expect(first).toMatchObject({
      kind: 'video',
      name: video.video_name,
      full_url: video.video_url,
      thumbnail_url: video.thumbnail_url,
      width: 64,
      height: 48,
      category: 'general',
      starred: false,
      is_intermediate: false,
      board_id: board.board_id,
      created_at: video.created_at,
    });
    expect(first.duration).toBeCloseTo(2, 3);
    expect(first.fps).toBeCloseTo(6, 3);
    expect(second).toMatchObject({
      kind: 'image',
      name: image.image_name,
      full_url: image.image_url,
      thumbnail_url: image.thumbnail_url,
      width: 30,
      height: 20,
      board_id: board.board_id,
      duration: null,
      fps: null,
    });

    await t.api.post('/api/v1/images/star', { image_names: [image.image_name] });
    const starred = await t.api.get('/api/v1/gallery/item_names', { board_id: board.board_id });
    expect(starred.json).toEqual({ item_names: [image.image_name, video.video_name], starred_count: 1, total_count: 2 });
    const paged = await t.api.get('/api/v1/gallery/items/', { board_id: board.board_id, limit: 1, offset: 1 });
    expect(paged.json.items.map((item: any) => item.name)).toEqual([video.video_name]);
    expectValidationError(await t.api.get('/api/v1/gallery/items/', { limit: 1001 }), ['query', 'limit'], 'less_than_equal');
  });
});

describe('video bytes: /full with Range, and the thumbnail', () => {
  let name = '';
  beforeAll(async () => {
    name = (await t.api.uploadVideoOk({ bytes: clip })).video_name;
  });

  it('serves the uploaded file whole, by byte range, and refuses a range past its end', async () => {
    const whole = await t.api.get(`/api/v1/videos/i/${name}/full`);
    expect(whole.status).toBe(200);
    expect(whole.type).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.body.equals(clip)).toBe(true);

    const range = (value: string) => t.api.request('GET', `/api/v1/videos/i/${name}/full`, { headers: { range: value } });
    const head = await range('bytes=0-99');
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe(`bytes 0-99/${clip.length}`);
    expect(head.headers.get('content-length')).toBe('100');
    expect(head.body.equals(clip.subarray(0, 100))).toBe(true);
    const tail = await range('bytes=-10');
    expect(tail.headers.get('content-range')).toBe(`bytes ${clip.length - 10}-${clip.length - 1}/${clip.length}`);
    expect(tail.body.equals(clip.subarray(clip.length - 10))).toBe(true);
    const open = await range(`bytes=${clip.length - 5}-`);
    expect(open.body.equals(clip.subarray(clip.length - 5))).toBe(true);
    const past = await range(`bytes=${clip.length + 10}-`);
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${clip.length}`);

    const headOnly = await t.api.request('HEAD', `/api/v1/videos/i/${name}/full`);
    expect(headOnly.status).toBe(200);
    expect(headOnly.headers.get('content-length')).toBe(String(clip.length));
  });

  it('serves the first frame as a WebP thumbnail', async () => {
    const res = await t.api.get(`/api/v1/videos/i/${name}/thumbnail`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('image/webp');
    expect(res.body.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(res.body.subarray(8, 12).toString('latin1')).toBe('WEBP');
    const { data, info } = await sharp(res.body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([64, 48]);
    const middle = (24 * 64 + 32) * 3;
    // The first frame is red (WebP's lossy coding moves colours a little).
    expect(Math.abs(data[middle]! - RED.r)).toBeLessThan(25);
    expect(Math.abs(data[middle + 2]! - RED.b)).toBeLessThan(25);
  });
});

describe('a video made by a job: Concatenate Videos (the one video node that needs no model)', () => {
  it('saves a new internal video, named by the job’s video_output result', async () => {
    const [a, b] = [await t.api.uploadVideoOk({ bytes: clip }), await t.api.uploadVideoOk({ bytes: clip })];
    const graph = {
      id: `${tag}-concat`,
      nodes: {
        concat: {
          id: 'concat',
          type: 'video_concat',
          videos: [{ video_name: a.video_name }, { video_name: b.video_name }],
          use_cache: false,
        },
      },
      edges: [],
    };
    const [itemId] = (await t.api.enqueue(graph)).json.item_ids;
    const item = await t.api.waitForStatus(itemId, ['completed', 'failed'], 60_000);
    expect(item.status, JSON.stringify(item.error_message)).toBe('completed');
    const [result] = Object.values<any>(item.session.results);
    const name = result.video.video_name;
    try {
      expect(result).toEqual({
        type: 'video_output',
        video: { video_name: expect.stringMatching(UUID_MP4) },
        width: 64,
        height: 48,
        num_frames: 24,
        fps: 6,
        duration: 4,
        // output_meta is null, which this route leaves out (response_model_exclude_none).
      });
      const dto = await t.api.get(`/api/v1/videos/i/${name}`);
      expectResponse('get', '/api/v1/videos/i/{video_name}', dto);
      expect(dto.json).toMatchObject({ video_origin: 'internal', video_category: 'general', is_intermediate: false, board_id: null });
      expect(dto.json.session_id).toBe(item.session_id);
      expect(dto.json.node_id).toBe(Object.keys(item.session.results)[0]);
    } finally {
      await t.api.post('/api/v1/videos/delete', { video_names: [name] });
    }
  });
});

describe('deleting videos', () => {
  it('deletes one video, then answers 404 for it', async () => {
    const video = await t.api.uploadVideoOk({ bytes: clip });
    const res = await t.api.delete(`/api/v1/videos/i/${video.video_name}`);
    expectResponse('delete', '/api/v1/videos/i/{video_name}', res);
    expect(res.json).toEqual({ affected_boards: ['none'], deleted_videos: [video.video_name], failed_videos: [] });
    expectDetail(await t.api.get(`/api/v1/videos/i/${video.video_name}`), 404, 'Not Found');
    expectDetail(await t.api.delete(`/api/v1/videos/i/${video.video_name}`), 404, 'Video not found');
  });

  it('deletes a batch, with a missing name as failed', async () => {
    const video = await t.api.uploadVideoOk({ bytes: clip });
    const res = await t.api.post('/api/v1/videos/delete', { video_names: [video.video_name, 'contract-missing-video.mp4'] });
    expectResponse('post', '/api/v1/videos/delete', res);
    expect(res.json).toEqual({
      affected_boards: ['none'],
      deleted_videos: [video.video_name],
      failed_videos: ['contract-missing-video.mp4'],
    });
  });

  it('deletes every uncategorized video, and none on a board', async () => {
    const board = await t.api.createBoard(`${tag} keep`);
    const kept = await t.api.uploadVideoOk({ bytes: clip, boardId: board.board_id });
    const loose = await t.api.uploadVideoOk({ bytes: clip });
    const res = await t.api.delete('/api/v1/videos/uncategorized');
    expectResponse('delete', '/api/v1/videos/uncategorized', res);
    expect(res.json.deleted_videos).toContain(loose.video_name);
    expect(res.json.deleted_videos).not.toContain(kept.video_name);
    expect(res.json.affected_boards).toEqual(['none']);
    expect((await t.api.get(`/api/v1/videos/i/${kept.video_name}`)).status).toBe(200);
  });
});

/** The suite's client with a user's token on every call, uploads included. */
class UserApi extends Api {
  constructor(base: string, token: string) {
    super(base);
    this.defaultHeaders = bearer(token);
  }
}

describe('videos on a multi-user server: a member and the admin’s video', () => {
  const mu = useMultiUserTarget();
  const w = {} as { admin: UserApi; member: UserApi; video: any; sharedVideo: any; privateBoard: string };

  beforeAll(async () => {
    w.admin = new UserApi(mu.url, await signIn(mu.anonymous, ADMIN));
    w.member = new UserApi(mu.url, await signIn(mu.anonymous, MEMBER));
    w.privateBoard = (await w.admin.createBoard(`${tag} admin private`)).board_id;
    const shared = await w.admin.createBoard(`${tag} admin shared`);
    await w.admin.patch(`/api/v1/boards/${shared.board_id}`, { board_visibility: 'shared' });
    w.video = await w.admin.uploadVideoOk({ bytes: clip });
    w.sharedVideo = await w.admin.uploadVideoOk({ bytes: clip, boardId: shared.board_id });
  });
  afterAll(async () => {
    await w.member?.cleanup();
    await w.admin?.cleanup();
  });

  it('refuses the member every read and change of the admin’s uncategorized video', async () => {
    const name = w.video.video_name;
    expectDetail(await w.member.get(`/api/v1/videos/i/${name}`), 403, 'Not authorized to access this video');
    expectDetail(await w.member.get(`/api/v1/videos/i/${name}/metadata`), 403, 'Not authorized to access this video');
    expectDetail(await w.member.patch(`/api/v1/videos/i/${name}`, { starred: true }), 403, 'Not authorized to modify this video');
    expectDetail(await w.member.delete(`/api/v1/videos/i/${name}`), 403, 'Not authorized to modify this video');
    const star = await w.member.post('/api/v1/videos/star', { video_names: [name] });
    expect(star.json).toEqual({ affected_boards: [], starred_videos: [], failed_videos: [] });
    const del = await w.member.post('/api/v1/videos/delete', { video_names: [name] });
    expect(del.json).toEqual({ affected_boards: [], deleted_videos: [], failed_videos: [] });
    expectDetail(await w.member.get('/api/v1/videos/i/contract-missing-video.mp4'), 404, 'Video not found');
    // Nothing changed, and the member's own lists never show it.
    expect((await w.admin.get(`/api/v1/videos/i/${name}`)).json).toMatchObject({ starred: false, board_id: null });
    expect((await w.member.get('/api/v1/videos/names')).json.video_names).not.toContain(name);
    expect((await w.member.get('/api/v1/gallery/item_names')).json.item_names).not.toContain(name);
    expect((await w.admin.get('/api/v1/videos/names')).json.video_names).toContain(name);
  });

  it('lets the member see a video on a shared board, but not change or move it', async () => {
    const name = w.sharedVideo.video_name;
    expect((await w.member.get(`/api/v1/videos/i/${name}`)).status).toBe(200);
    expectDetail(await w.member.patch(`/api/v1/videos/i/${name}`, { video_category: 'other' }), 403, 'Not authorized to modify this video');
    const memberBoard = await w.member.createBoard(`${tag} member own`);
    expectDetail(
      await w.member.post('/api/v1/videos/board', { board_id: memberBoard.board_id, video_name: name }),
      403,
      'Not authorized to move this video',
    );
  });

  it('refuses an upload without a valid token before the body, in the upload limiter’s words', async () => {
    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer not-a-token' }];
    for (const headers of attempts) {
      const res = await mu.anonymous.sendWithContinue('POST', '/api/v1/videos/upload', {
        query: { video_category: 'general', is_intermediate: false },
        headers: { ...headers, 'content-type': 'multipart/form-data; boundary=x' },
        body: Buffer.from('--x--\r\n'),
      });
      expectDetail(res, 401, 'Authentication required');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('refuses the member the lists of the admin’s private board', async () => {
    for (const path of ['/api/v1/videos/', '/api/v1/videos/names', '/api/v1/gallery/items/', '/api/v1/gallery/item_names']) {
      expectDetail(await w.member.get(path, { board_id: w.privateBoard }), 403, 'Not authorized to access this board');
    }
  });

  it('refuses the member an upload to the admin’s private board', async () => {
    expectDetail(await w.member.uploadVideo({ bytes: clip, boardId: w.privateBoard }), 403, 'Not authorized to upload to this board');
  });
});
