/**
 * The stand-in's videos beyond what the contract suite (test/contract/videos.test.ts, both
 * servers) pins: seeded videos and their real MP4 files, the MP4 probe that stands in for ffmpeg,
 * the upload size cap, board counts and covers over a seeded gallery, the mixed gallery's order
 * with its tie-breakers, and every answer against the 6.14.2 schema.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { writeMp4, writeNonH264Mp4, writeQuickTime, truncateMp4 } from '../support/mp4';
import { generateGallery } from './data/gallery';
import { call, useStandIn } from './helpers';
import { firstFrame, isMp4File, probeMp4 } from './video-probe';
import { parseRange } from './routes/videos';

const ctx = useStandIn({ seed: 11, images: 300, videos: 40, maxVideoUploadBytes: 200_000 });
const req = (method: string, path: string, json?: unknown) => call(ctx.s.url, method, path, json === undefined ? {} : { json });

function uploadForm(bytes: Buffer, filename = 'clip.mp4', type = 'video/mp4'): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  return form;
}

describe('the MP4 probe (the stand-in’s ffmpeg)', () => {
  const options = { width: 48, height: 32, frames: 10, fps: 5, colour: () => ({ r: 20, g: 180, b: 90 }) };

  it('reads size, duration, rate and codec from the boxes, and the first frame of an I_PCM stream', () => {
    const probe = probeMp4(writeMp4(options))!;
    expect(probe).toMatchObject({ width: 48, height: 32, duration: 2, fps: 5, codec: 'h264' });
    expect(probe.samples).toHaveLength(10);
    const frame = firstFrame(probe)!;
    expect([frame.width, frame.height, frame.channels]).toEqual([48, 32, 3]);
    const at = (16 * 48 + 24) * 3;
    expect(Array.from(frame.pixels.subarray(at, at + 3)).map((v, i) => Math.abs(v - [20, 180, 90][i]!) <= 3)).toEqual([true, true, true]);
  });

  it('tells the bad files apart the way the real checks do', () => {
    expect(isMp4File(writeMp4(options))).toBe(true);
    expect(isMp4File(writeQuickTime(options))).toBe(false);
    expect(isMp4File(Buffer.from('not a video at all'))).toBe(false);
    expect(probeMp4(writeNonH264Mp4(options))?.codec).toBe('mp4v');
    const cut = truncateMp4(writeMp4(options));
    expect(isMp4File(cut)).toBe(true);
    expect(probeMp4(cut)).toBeNull();
  });

  it('parses Range headers as 6.14.2 does', () => {
    expect(parseRange('bytes=0-99', 1000)).toEqual([0, 99]);
    expect(parseRange('bytes=900-', 1000)).toEqual([900, 999]);
    expect(parseRange('bytes=-10', 1000)).toEqual([990, 999]);
    expect(parseRange('bytes=990-5000', 1000)).toEqual([990, 999]);
    expect(parseRange('bytes=1000-', 1000)).toBeNull();
    expect(parseRange('bytes=5-2', 1000)).toBeNull();
    expect(parseRange('bytes=-0', 1000)).toBeNull();
    expect(parseRange('items=0-1', 1000)).toBeNull();
  });
});

describe('seeded videos', () => {
  it('are off by default, so image-only figures stay as they were', () => {
    const plain = generateGallery({ seed: 11, images: 50 });
    const withVideos = generateGallery({ seed: 11, images: 50, videos: 5 });
    expect(plain.videos).toEqual([]);
    expect(withVideos.videos).toHaveLength(5);
    expect(JSON.stringify(withVideos.images)).toBe(JSON.stringify(plain.images));
    expect(JSON.stringify(generateGallery({ seed: 11, images: 50, videos: 5 }).videos)).toBe(JSON.stringify(withVideos.videos));
  });

  it('are listed, newest first, with files that are the real MP4s their DTOs describe', async () => {
    const names = (await req('GET', '/api/v1/videos/names?starred_first=false')).json;
    expect(names.total_count).toBe(40);
    const videos = [...ctx.s.state.gallery.videos.all()];
    expect(names.video_names).toEqual(videos.reverse().map((v) => v.video_name));
    const dto = (await req('GET', `/api/v1/videos/i/${names.video_names[0]}`)).json;
    const file = await call(ctx.s.url, 'GET', `/api/v1/videos/i/${dto.video_name}/full`);
    const probe = probeMp4(file.body)!;
    expect(probe).toMatchObject({ width: dto.width, height: dto.height, codec: 'h264' });
    expect(probe.duration).toBeCloseTo(dto.duration, 6);
    expect(probe.fps).toBeCloseTo(dto.fps, 6);
    const thumbnail = await call(ctx.s.url, 'GET', `/api/v1/videos/i/${dto.video_name}/thumbnail`);
    expect(thumbnail.contentType).toBe('image/webp');
  });

  it('count on their boards, and a board’s cover is its top item of either kind', async () => {
    const { gallery } = ctx.s.state;
    const boards = (await req('GET', '/api/v1/boards/?all=true')).json as any[];
    expect(boards.some((b) => b.video_count > 0)).toBe(true);
    for (const board of boards) {
      const videos = gallery.videos.all().filter((v) => v.board_id === board.board_id && !v.is_intermediate);
      const images = [...gallery.images.values()].filter((r) => r.board_id === board.board_id && !r.is_intermediate);
      expect(board.video_count).toBe(videos.length);
      const items = [
        ...images.map((r) => ({
          key: [r.starred ? 1 : 0, r.created_at, 'image', r.image_name].join('|'),
          image: r.image_name,
          video: null,
        })),
        ...videos.map((v) => ({
          key: [v.starred ? 1 : 0, v.created_at, 'video', v.video_name].join('|'),
          image: null,
          video: v.video_name,
        })),
      ].sort((a, b) => (a.key < b.key ? 1 : -1));
      expect({ image: board.cover_image_name, video: board.cover_video_name }).toEqual({
        image: items[0]?.image ?? null,
        video: items[0]?.video ?? null,
      });
    }
  });

  it('mix into the gallery in the real order: starred, created_at, then kind and name', async () => {
    const res = (await req('GET', '/api/v1/gallery/item_names?is_intermediate=false')).json;
    const { gallery } = ctx.s.state;
    const rows = [
      ...[...gallery.images.values()]
        .filter((r) => !r.is_intermediate)
        .map((r) => [r.starred, r.created_at, 'image', r.image_name] as const),
      ...gallery.videos.all().map((v) => [v.starred, v.created_at, 'video', v.video_name] as const),
    ];
    const key = (row: (typeof rows)[number]) => `${row[0] ? 1 : 0}|${row[1]}|${row[2]}|${row[3]}`;
    rows.sort((a, b) => (key(a) < key(b) ? 1 : -1));
    expect(res.item_names).toEqual(rows.map((row) => row[3]));
    expect(res.starred_count).toBe(rows.filter((row) => row[0]).length);
  });

  it('break created_at ties by kind, then name, in the asked direction', async () => {
    const { gallery } = ctx.s.state;
    const board = (await req('POST', '/api/v1/boards/?board_name=Ties')).json.board_id as string;
    const image = [...gallery.images.values()].find((r) => r.board_id === null && !r.is_intermediate)!;
    const twins = gallery.videos.all().slice(0, 2);
    for (const v of twins) {
      v.created_at = image.created_at;
      v.starred = false;
      gallery.videos.move(v.video_name, board);
    }
    image.starred = false;
    gallery.moveImages([image.image_name], board);
    const [low, high] = twins.map((v) => v.video_name).sort() as [string, string];
    const desc = (await req('GET', `/api/v1/gallery/item_names?board_id=${board}`)).json.item_names;
    expect(desc).toEqual([high, low, image.image_name]);
    const asc = (await req('GET', `/api/v1/gallery/item_names?board_id=${board}&order_dir=ASC`)).json.item_names;
    expect(asc).toEqual([image.image_name, low, high]);
    expect((await req('GET', `/api/v1/boards/${board}`)).json).toMatchObject({
      cover_video_name: high,
      cover_image_name: null,
      video_count: 2,
    });
  });
});

describe('uploads', () => {
  it('refuses a file over the cap with 413 and keeps nothing', async () => {
    const before = ctx.s.state.gallery.videos.size;
    const big = writeMp4({ width: 160, height: 160, frames: 6, fps: 6 });
    expect(big.length).toBeGreaterThan(200_000);
    const res = await call(ctx.s.url, 'POST', '/api/v1/videos/upload?video_category=general&is_intermediate=false', {
      body: uploadForm(big),
    });
    expect(res.status).toBe(413);
    expect(res.json).toEqual({ detail: 'Video upload exceeds maximum size (200000 bytes)' });
    expect(ctx.s.state.gallery.videos.size).toBe(before);
  });

  it('refuses a body whose declared length is over the request cap before reading it', async () => {
    const declared = 200_000 + 10 * 1024 * 1024 + 1;
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${ctx.s.url}/api/v1/videos/upload?video_category=general&is_intermediate=false`);
      const request = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': declared },
      });
      request.on('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
          request.destroy();
        });
      });
      request.on('error', reject);
      request.write('--x\r\n'); // a few bytes of the promised body, no more
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({ detail: `Video upload exceeds maximum request size (${declared - 1} bytes)` });
  });

  it('thumbnails an upload from its first frame, and a stream it cannot decode with grey', async () => {
    const green = writeMp4({ width: 32, height: 32, frames: 2, fps: 2, colour: () => ({ r: 30, g: 200, b: 40 }) });
    const dto = (
      await call(ctx.s.url, 'POST', '/api/v1/videos/upload?video_category=general&is_intermediate=false', { body: uploadForm(green) })
    ).json;
    const video = ctx.s.state.gallery.videos.get(dto.video_name)!;
    const thumb = await ctx.s.state.videoFiles.thumbnail(video);
    const sharp = (await import('sharp')).default;
    const centre = async (webp: Buffer) => Array.from((await sharp(webp).removeAlpha().raw().toBuffer()).subarray(0, 3));
    const [r, g, b] = await centre(thumb);
    expect(r! < 80 && g! > 150 && b! < 90, `first frame ${r},${g},${b}`).toBe(true);

    // The same file with its slice data zeroed is still an H.264 MP4, but not one the stand-in can decode.
    const garbled = Buffer.from(green);
    const mdat = garbled.indexOf('mdat', 0, 'latin1');
    garbled.fill(0, mdat + 4 + 4 + 1 + 4, garbled.length);
    const opaque = ctx.s.state.gallery.videos.add({ ...video, source: { kind: 'file', mp4: garbled } });
    const grey = await centre(await ctx.s.state.videoFiles.thumbnail(opaque));
    expect(
      grey.every((v) => Math.abs(v - 128) <= 3),
      `grey ${grey.join(',')}`,
    ).toBe(true);
  });
});

describe('every video and gallery answer matches the schema', () => {
  it('lists, names, DTOs, changes and refusals', async () => {
    const name = ctx.s.state.gallery.videos.all()[5]!.video_name;
    const board = (await req('GET', '/api/v1/boards/?all=true')).json[0].board_id as string;
    for (const path of [
      '/api/v1/videos/?limit=5&categories=general&order_dir=ASC',
      '/api/v1/videos/?limit=5000',
      '/api/v1/videos/names?board_id=none',
      `/api/v1/videos/names?board_id=${board}&search_term=a`,
      `/api/v1/videos/i/${name}`,
      `/api/v1/videos/i/${name}/metadata`,
      `/api/v1/videos/i/${name}/workflow`,
      `/api/v1/videos/i/${name}/urls`,
      '/api/v1/videos/i/nope.mp4',
      '/api/v1/gallery/items/?limit=20&starred_first=false',
      '/api/v1/gallery/items/?board_id=none&origin=external',
      '/api/v1/gallery/item_names?created_date=2026-08-01',
      '/api/v1/gallery/items/names?order_dir=ASC',
    ]) {
      const res = await req('GET', path);
      expect(res.status, path).toBeLessThan(500);
    }
    await req('PATCH', `/api/v1/videos/i/${name}`, { video_category: 'mask', is_intermediate: false });
    await req('PATCH', `/api/v1/videos/i/${name}`, { video_category: 'poster' });
    await req('POST', '/api/v1/videos/star', { video_names: [name] });
    await req('POST', '/api/v1/videos/unstar', { video_names: 'x' });
    await req('POST', '/api/v1/videos/board', { board_id: board, video_name: name });
    await req('DELETE', '/api/v1/videos/board', { video_name: name });
    await req('POST', '/api/v1/videos/delete', { video_names: [name] });
    expect(ctx.s.state.gallery.videos.get(name)).toBeUndefined();
  });
});
