import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, describeApiError, InvokeClient, type InvokeClientOptions } from '../../../src/main/api';
import { sniffImageType } from '../../../src/main/uploads/sniff';
import { startStandIn, type StandIn } from '../../server';
import { imageBytes } from '../../fixtures/images';

let server: StandIn;
let client: InvokeClient;
/** Fast retries so fault tests stay quick; the policy itself is unit-tested. */
const quick: InvokeClientOptions = { retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 20 } };

beforeAll(async () => {
  server = await startStandIn({ images: 1500, seed: 11 });
  client = new InvokeClient({ baseUrl: server.url, ...quick });
});
afterAll(() => server.close());
afterEach(() => server.faults.clear());

function clientWith(options: InvokeClientOptions): InvokeClient {
  return new InvokeClient({ baseUrl: server.url, ...quick, ...options });
}

/** The ApiError a promise rejects with. */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** A latency rule of 0 ms never fires; 1 ms makes a rule that only counts the requests. */
function countRequests(pathPrefix: string) {
  const rule = server.faults.add({ pathPrefix, latencyMs: 1 });
  return () => server.faults.list().find((r) => r.id === rule.id)?.hits ?? 0;
}

describe('InvokeClient against the stand-in', () => {
  it('reads the server version', async () => {
    expect(await client.version()).toBe('6.14.2');
  });

  it('lists boards, with archived ones only when asked', async () => {
    const board = await client.createBoard('archived for the test');
    await client.updateBoard(board.board_id, { archived: true });
    const visible = await client.listBoards(false);
    const all = await client.listBoards(true);
    expect(visible.some((b) => b.board_id === board.board_id)).toBe(false);
    expect(all.find((b) => b.board_id === board.board_id)?.archived).toBe(true);
    await client.deleteBoard(board.board_id, false);
  });

  it('creates, renames and deletes a board (PATCH answers 201)', async () => {
    const board = await client.createBoard('Client test board');
    expect(board).toMatchObject({ board_name: 'Client test board', image_count: 0, asset_count: 0, cover_image_name: null });
    const renamed = await client.updateBoard(board.board_id, { board_name: 'Renamed' });
    expect(renamed.board_name).toBe('Renamed');
    await client.deleteBoard(board.board_id, false);
    expect((await client.listBoards(true)).some((b) => b.board_id === board.board_id)).toBe(false);
  });

  it('reads the name list with board_id=none and repeated categories', async () => {
    const uncategorized = await client.imageNames({ board_id: 'none', categories: ['general'], is_intermediate: false });
    expect(uncategorized.total_count).toBeGreaterThan(0);
    const dtos = await client.imagesByNames(uncategorized.image_names.slice(0, 50));
    expect(dtos.every((d) => d.board_id === null && d.image_category === 'general' && !d.is_intermediate)).toBe(true);
    const assets = await client.imageNames({ categories: ['user', 'control', 'mask', 'other'] });
    const assetDtos = await client.imagesByNames(assets.image_names.slice(0, 50));
    expect(assetDtos.every((d) => d.image_category !== 'general')).toBe(true);
    expect(uncategorized.total_count).toBe(uncategorized.image_names.length);
  });

  it('fetches more than 1000 DTOs by name in calls of 1000, in the order asked', async () => {
    const { image_names } = await client.imageNames({ order_dir: 'ASC', starred_first: false });
    expect(image_names.length).toBeGreaterThan(1000);
    const calls = countRequests('/api/v1/images/images_by_names');
    const asked = [...image_names].reverse();
    const dtos = await client.imagesByNames(asked);
    expect(dtos.map((d) => d.image_name)).toEqual(asked);
    expect(calls()).toBe(Math.ceil(asked.length / 1000));
  });

  it('reads one image, its metadata, its thumbnail (WebP) and its full image (PNG)', async () => {
    const [name] = (await client.imageNames({ categories: ['general'] })).image_names;
    if (!name) throw new Error('no images');
    expect((await client.image(name)).image_name).toBe(name);
    const metadata = await client.imageMetadata(name);
    expect(typeof metadata?.positive_prompt).toBe('string');
    expect(sniffImageType(await client.thumbnail(name))).toBe('image/webp');
    expect(sniffImageType(await client.fullImage(name))).toBe('image/png');
  });

  it('stars, moves and deletes images', async () => {
    const names = (await client.imageNames({ starred_first: false })).image_names.slice(-3);
    expect(new Set(await client.starImages(names))).toEqual(new Set(names));
    expect((await client.imagesByNames(names)).every((d) => d.starred)).toBe(true);
    expect(new Set(await client.unstarImages(names))).toEqual(new Set(names));

    const board = await client.createBoard('Move target');
    expect(new Set(await client.addImagesToBoard(board.board_id, names))).toEqual(new Set(names));
    expect((await client.imagesByNames(names)).every((d) => d.board_id === board.board_id)).toBe(true);
    // The board's own list holds the same names as the image list filtered by the board.
    expect(new Set(await client.boardImageNames(board.board_id, { is_intermediate: false }))).toEqual(new Set(names));
    expect(new Set(await client.removeImagesFromBoard(names))).toEqual(new Set(names));
    expect(await client.boardImageNames(board.board_id, {})).toEqual([]);
    expect((await client.imagesByNames(names)).every((d) => d.board_id === null)).toBe(true);

    const [victim] = names;
    const deleted = await client.deleteImages([victim!, 'no-such-image.png']);
    expect(deleted.deleted_images).toEqual([victim]);
    // The real 6.14.2 skips a name it does not know instead of listing it as failed (NOTES §2.8 says otherwise).
    expect(deleted.failed_images ?? []).toEqual([]);
    await client.deleteBoard(board.board_id, false);
  });

  it('reads queue items by id and cancels one', async () => {
    const ids = await client.queueItemIds();
    const items = await client.queueItemsByIds(ids.slice(0, 20));
    expect(items.map((i) => i.item_id)).toEqual(ids.slice(0, 20));
    const done = items.find((i) => i.status === 'completed');
    if (!done) throw new Error('no completed item in the seed');
    // Cancelling a finished item leaves it as it is (no error).
    expect((await client.cancelQueueItem(done.item_id)).status).toBe('completed');
  });

  it('returns the model configs it can read and skips one it cannot', async () => {
    const before = await client.models();
    expect(before.length).toBeGreaterThan(0);
    server.state.models.push({ name: 'broken: no key, type or base' } as never);
    try {
      const after = await client.models();
      expect(after.map((m) => m.key)).toEqual(before.map((m) => m.key));
    } finally {
      server.state.models.pop();
    }
  });
});

describe('uploads', () => {
  it('uploads an image into a board and reports progress to the end', async () => {
    const board = await client.createBoard('Uploads');
    const progress: number[] = [];
    const dto = await client.uploadImage({
      bytes: await imageBytes('jpeg', 80, 60),
      file_name: 'photo.jpg',
      content_type: 'image/jpeg',
      image_category: 'user',
      board_id: board.board_id,
      onProgress: (sent, total) => progress.push(sent / total),
    });
    expect(dto).toMatchObject({ image_origin: 'external', image_category: 'user', board_id: board.board_id, width: 80, height: 60 });
    expect(dto.image_name).toMatch(/\.png$/);
    expect(progress.at(-1)).toBe(1);
    await client.deleteBoard(board.board_id, true);
  });

  it('reports progress in steps for a larger file', async () => {
    const noisy = sharp({
      create: { width: 1024, height: 1024, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    });
    const bytes = new Uint8Array(await noisy.png().toBuffer());
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const progress: number[] = [];
    const dto = await client.uploadImage({
      bytes,
      file_name: 'noise.png',
      content_type: 'image/png',
      image_category: 'user',
      onProgress: (sent, total) => progress.push(sent / total),
    });
    expect(dto.width).toBe(1024);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
    await client.deleteImages([dto.image_name]);
  });

  it('uploads to Uncategorized when the board is none', async () => {
    const dto = await client.uploadImage({
      bytes: await imageBytes('png'),
      file_name: 'a.png',
      content_type: 'image/png',
      image_category: 'user',
      board_id: 'none',
    });
    expect(dto.board_id).toBeNull();
    await client.deleteImages([dto.image_name]);
  });

  it('reports the server refusing a non-image part type with 415', async () => {
    const error = await failure(
      client.uploadImage({ bytes: await imageBytes('png'), file_name: 'doc.pdf', content_type: 'application/pdf', image_category: 'user' }),
    );
    expect(error.kind).toBe('http');
    expect(error.status).toBe(415);
    expect(error.detail).toBe('Not an image');
    expect(describeApiError(error)).toBe('The server refused the file: Not an image. Only images can be uploaded.');
  });
});

describe('errors', () => {
  it('puts a 422 into words, naming the parameter', async () => {
    const error = await failure(client.imageNames({ categories: ['photos' as never] }));
    expect(error.status).toBe(422);
    expect(error.detail).toBe("query.categories.0: Input should be 'general', 'mask', 'control', 'user' or 'other'");
  });

  it('reports a 404 with the server detail', async () => {
    const error = await failure(client.image('missing.png'));
    expect(error.info).toEqual({ kind: 'http', status: 404, detail: 'Not Found' });
  });

  it('reports the web UI page answering an unknown path as not_json, keeping the base path', async () => {
    const error = await failure(clientWith({ baseUrl: `${server.url}/invoke/` }).version());
    expect(error.info).toMatchObject({ kind: 'not_json', status: 200, broken: false });
    expect(error.info.kind === 'not_json' && error.info.contentType).toMatch(/^text\/html/);
    expect(describeApiError(error)).toMatch(/web page instead of data/);
  });

  it('reports broken JSON as not_json', async () => {
    server.faults.add({ pathPrefix: '/api/v1/boards/', malformedRate: 1 });
    const error = await failure(client.listBoards(false));
    expect(error.info).toMatchObject({ kind: 'not_json', broken: true });
  });

  it('names the field of a payload that does not match the schema', async () => {
    const { image_names } = await client.imageNames({ order_dir: 'ASC', starred_first: false });
    const record = server.state.gallery.getImage(image_names[3]!);
    if (!record) throw new Error('no record');
    const width = record.width;
    (record as { width: unknown }).width = '512';
    try {
      const error = await failure(client.imagesByNames(image_names.slice(0, 5)));
      expect(error.info).toEqual({ kind: 'invalid_payload', path: 'ImageDTO[3].width', problem: 'expected number, got string' });
    } finally {
      record.width = width;
    }
  });
});

describe('retries', () => {
  it('retries a read after 5xx answers', async () => {
    const rule = server.faults.add({ pathPrefix: '/api/v1/boards/', errorRate: 1, times: 2 });
    expect((await client.listBoards(false)).length).toBeGreaterThan(0);
    expect(server.faults.list().find((r) => r.id === rule.id)?.hits).toBe(2);
  });

  it('retries a read after dropped connections', async () => {
    server.faults.add({ pathPrefix: '/api/v1/images/names', dropRate: 1, times: 2 });
    expect((await client.imageNames({})).total_count).toBeGreaterThan(0);
  });

  it('retries the read-only POST images_by_names', async () => {
    const names = (await client.imageNames({})).image_names.slice(0, 3);
    server.faults.add({ pathPrefix: '/api/v1/images/images_by_names', errorRate: 1, times: 1 });
    expect(await client.imagesByNames(names)).toHaveLength(3);
  });

  it('gives up after the configured number of retries with the last error', async () => {
    const calls = countRequests('/api/v1/app/version');
    server.faults.add({ pathPrefix: '/api/v1/app/version', errorRate: 1, errorStatus: 503 });
    const error = await failure(client.version());
    expect(error.info).toEqual({ kind: 'http', status: 503, detail: 'Internal Server Error' });
    expect(calls()).toBe(4);
  });

  it('never retries a write after a 5xx', async () => {
    const calls = countRequests('/api/v1/images/star');
    server.faults.add({ pathPrefix: '/api/v1/images/star', errorRate: 1, times: 1 });
    const error = await failure(client.starImages(['x.png']));
    expect(error.status).toBe(500);
    expect(calls()).toBe(1);
  });

  it('never retries a write after a dropped connection', async () => {
    const calls = countRequests('/api/v1/boards/');
    server.faults.add({ pathPrefix: '/api/v1/boards/', dropRate: 1, times: 1 });
    const error = await failure(client.createBoard('dropped'));
    expect(error.kind).toBe('unreachable');
    expect(calls()).toBe(1);
  });

  it('never retries a 4xx', async () => {
    const calls = countRequests('/api/v1/images/i/');
    await failure(client.image('missing.png'));
    expect(calls()).toBe(1);
  });
});

describe('timeouts and cancellation', () => {
  it('times out a slow answer', async () => {
    server.faults.add({ pathPrefix: '/api/v1/app/version', latencyMs: 1500 });
    const error = await failure(clientWith({ timeoutMs: 100, retry: { retries: 0 } }).version());
    expect(error.info).toEqual({ kind: 'timeout', timeoutMs: 100 });
    expect(describeApiError(error)).toMatch(/did not answer within 0.1 s/);
  });

  it('retries a read that timed out', async () => {
    server.faults.add({ pathPrefix: '/api/v1/app/version', latencyMs: 5000, times: 1 });
    expect(await clientWith({ timeoutMs: 1000 }).version()).toBe('6.14.2');
  });

  it('takes a per-call timeout', async () => {
    server.faults.add({ pathPrefix: '/api/v1/app/version', latencyMs: 1500 });
    const error = await failure(clientWith({ retry: { retries: 0 } }).version({ timeoutMs: 50 }));
    expect(error.info).toEqual({ kind: 'timeout', timeoutMs: 50 });
  });

  it('stops a request when the caller aborts', async () => {
    server.faults.add({ pathPrefix: '/api/v1/app/version', latencyMs: 1500 });
    const controller = new AbortController();
    const pending = client.version({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('stops waiting between retries when the caller aborts', async () => {
    server.faults.add({ pathPrefix: '/api/v1/app/version', errorRate: 1 });
    const controller = new AbortController();
    const slowRetries = clientWith({ retry: { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
    const pending = slowRetries.version({ signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    expect((await failure(pending)).kind).toBe('aborted');
  });

  it('does not send a request the caller already aborted', async () => {
    const calls = countRequests('/api/v1/app/version');
    const error = await failure(client.version({ signal: AbortSignal.abort() }));
    expect(error.kind).toBe('aborted');
    expect(calls()).toBe(0);
  });
});

describe('server down', () => {
  it('reports an unreachable server, then works once it is back', async () => {
    await server.goDown();
    try {
      const error = await failure(clientWith({ retry: { retries: 1 } }).version());
      expect(error.kind).toBe('unreachable');
      expect(describeApiError(error)).toMatch(/cannot be reached/);
    } finally {
      await server.comeBack();
    }
    expect(await client.version()).toBe('6.14.2');
  });
});

describe('token', () => {
  it('reads the token per request and never puts it in an error', async () => {
    let reads = 0;
    const secret = 'secret-token-value';
    const withToken = clientWith({
      getToken: () => {
        reads++;
        return secret;
      },
    });
    expect(await withToken.version()).toBe('6.14.2');
    const error = await failure(withToken.image('missing.png'));
    expect(reads).toBe(2);
    const everything = [
      error.message,
      describeApiError(error),
      JSON.stringify(error.info),
      JSON.stringify(error.request),
      String(error.stack),
    ].join('\n');
    expect(everything).not.toContain(secret);
  });
});
