import { beforeAll, describe, expect, it } from 'vitest';
import { pngSize, webpSize } from './png';
import { runTag, SQLITE_TIME, useTarget } from './harness';
import { expectComponent, expectDetail, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const tag = runTag();

/** A board of our own with a known mix, so filters and order can be checked exactly. */
const fx = {
  boardId: '',
  general: [] as any[],
  assets: [] as any[],
  intermediate: null as any,
  starred: null as any,
  loose: null as any,
};

const names = (list: any[]) => list.map((i) => i.image_name);
const sortedByGalleryOrder = (list: any[], dir: 'ASC' | 'DESC', starredFirst = true) =>
  [...list].sort((a, b) => {
    if (starredFirst && a.starred !== b.starred) return a.starred ? -1 : 1;
    return dir === 'DESC' ? b.created_at.localeCompare(a.created_at) : a.created_at.localeCompare(b.created_at);
  });

beforeAll(async () => {
  const board = await t.api.createBoard(`${tag} images`);
  fx.boardId = board.board_id;
  for (let i = 0; i < 4; i++) {
    fx.general.push(
      await t.api.uploadOk({ boardId: fx.boardId, metadata: { positive_prompt: `${tag} landscape ${i}`, seed: 1000 + i, steps: 20 } }),
    );
  }
  for (const category of ['user', 'control', 'mask', 'other'] as const) {
    fx.assets.push(await t.api.uploadOk({ boardId: fx.boardId, category, metadata: { positive_prompt: `${tag} asset ${category}` } }));
  }
  fx.intermediate = await t.api.uploadOk({ boardId: fx.boardId, intermediate: true, metadata: { positive_prompt: `${tag} intermediate` } });
  fx.loose = await t.api.uploadOk({ metadata: { positive_prompt: `${tag} uncategorized` } });
  const star = await t.api.post('/api/v1/images/star', { image_names: [fx.general[1].image_name] });
  expect(star.status).toBe(200);
  fx.starred = (await t.api.get(`/api/v1/images/i/${fx.general[1].image_name}`)).json;
  fx.general[1] = fx.starred;
});

describe('image list GET /api/v1/images/', () => {
  it('pages with limit 10 by default and a true total', async () => {
    const res = await t.api.get('/api/v1/images/');
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/images/', res);
    expect(res.json.limit).toBe(10);
    expect(res.json.offset).toBe(0);
    expect(res.json.items.length).toBe(Math.min(10, res.json.total));
    expect(res.json.total).toBeGreaterThanOrEqual(10);
  });

  it('filters by board and category, with both intermediate and not when is_intermediate is left out', async () => {
    const res = await t.api.get('/api/v1/images/', { board_id: fx.boardId, limit: 100 });
    expect(res.json.total).toBe(9);
    const general = await t.api.get('/api/v1/images/', {
      board_id: fx.boardId,
      categories: ['general'],
      is_intermediate: false,
      limit: 100,
    });
    expect(new Set(names(general.json.items))).toEqual(new Set(names(fx.general)));
    const assets = await t.api.get('/api/v1/images/', {
      board_id: fx.boardId,
      categories: ['control', 'mask', 'user', 'other'],
      limit: 100,
    });
    expect(new Set(names(assets.json.items))).toEqual(new Set(names(fx.assets)));
    const inter = await t.api.get('/api/v1/images/', { board_id: fx.boardId, is_intermediate: true });
    expect(names(inter.json.items)).toEqual([fx.intermediate.image_name]);
    expect(inter.json.items[0].is_intermediate).toBe(true);
  });

  it('reads board_id=none as Uncategorized, whose DTOs carry board_id null', async () => {
    const res = await t.api.get('/api/v1/images/', { board_id: 'none', search_term: tag, limit: 100 });
    expect(res.status).toBe(200);
    expect(names(res.json.items)).toEqual([fx.loose.image_name]);
    expect(res.json.items[0].board_id).toBeNull();
  });

  it('answers an empty page for an unknown board id', async () => {
    const res = await t.api.get('/api/v1/images/', { board_id: '00000000-0000-4000-8000-000000000000' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ limit: 10, offset: 0, total: 0, items: [] });
  });

  it('finds images by a case-insensitive substring of their metadata with search_term', async () => {
    const res = await t.api.get('/api/v1/images/', { search_term: `${tag} LANDSCAPE`.toUpperCase(), limit: 100 });
    expect(new Set(names(res.json.items))).toEqual(new Set(names(fx.general)));
    const one = await t.api.get('/api/v1/images/', { search_term: `${tag} asset mask`, limit: 100 });
    expect(names(one.json.items)).toEqual([fx.assets[2].image_name]);
  });

  it('also matches search_term against the created_at text', async () => {
    const day = fx.loose.created_at.slice(0, 10);
    const res = await t.api.get('/api/v1/images/', { search_term: day, board_id: fx.boardId, limit: 100 });
    expect(res.json.total).toBe(9);
  });

  it('filters by image_origin', async () => {
    const ext = await t.api.get('/api/v1/images/', { board_id: fx.boardId, image_origin: 'external', limit: 100 });
    expect(ext.json.total).toBe(9);
    const int = await t.api.get('/api/v1/images/', { board_id: fx.boardId, image_origin: 'internal', limit: 100 });
    expect(int.json.total).toBe(0);
  });

  it('orders starred first, then by created_at DESC by default and ASC with order_dir', async () => {
    const all = [...fx.general, ...fx.assets];
    const desc = await t.api.get('/api/v1/images/', { board_id: fx.boardId, is_intermediate: false, limit: 100 });
    expect(names(desc.json.items)).toEqual(names(sortedByGalleryOrder(desc.json.items, 'DESC')));
    expect(desc.json.items[0].image_name).toBe(fx.starred.image_name);
    expect(new Set(names(desc.json.items))).toEqual(new Set(names(all)));
    const asc = await t.api.get('/api/v1/images/', { board_id: fx.boardId, is_intermediate: false, order_dir: 'ASC', limit: 100 });
    expect(asc.json.items[0].image_name).toBe(fx.starred.image_name);
    expect(names(asc.json.items)).toEqual(names(sortedByGalleryOrder(asc.json.items, 'ASC')));
    const plain = await t.api.get('/api/v1/images/', { board_id: fx.boardId, is_intermediate: false, starred_first: false, limit: 100 });
    expect(names(plain.json.items)).toEqual(names(sortedByGalleryOrder(plain.json.items, 'DESC', false)));
    expect(plain.json.items[0].image_name).not.toBe(fx.starred.image_name);
  });

  it('pages with offset and limit over the same order', async () => {
    const whole = await t.api.get('/api/v1/images/', { board_id: fx.boardId, limit: 100 });
    const p1 = await t.api.get('/api/v1/images/', { board_id: fx.boardId, offset: 0, limit: 4 });
    const p2 = await t.api.get('/api/v1/images/', { board_id: fx.boardId, offset: 4, limit: 4 });
    const p3 = await t.api.get('/api/v1/images/', { board_id: fx.boardId, offset: 8, limit: 4 });
    expect([...names(p1.json.items), ...names(p2.json.items), ...names(p3.json.items)]).toEqual(names(whole.json.items));
    expect(p3.json).toMatchObject({ offset: 8, limit: 4, total: 9 });
    const past = await t.api.get('/api/v1/images/', { board_id: fx.boardId, offset: 50, limit: 4 });
    expect(past.json).toEqual({ limit: 4, offset: 50, total: 9, items: [] });
  });

  it('answers just the total for limit=0', async () => {
    const res = await t.api.get('/api/v1/images/', { board_id: fx.boardId, limit: 0, offset: 0 });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ limit: 0, offset: 0, total: 9, items: [] });
  });

  it('accepts limit 1000 and refuses limit 1001 with 422 less_than_equal', async () => {
    const ok = await t.api.get('/api/v1/images/', { limit: 1000 });
    expect(ok.status).toBe(200);
    expect(ok.json.limit).toBe(1000);
    const res = await t.api.get('/api/v1/images/', { limit: 1001 });
    expectValidationError(res, ['query', 'limit'], 'less_than_equal');
    expect(res.json.detail[0]).toMatchObject({ msg: 'Input should be less than or equal to 1000', input: '1001', ctx: { le: 1000 } });
  });

  it('refuses negative limit and offset with 422 greater_than_equal', async () => {
    expectValidationError(await t.api.get('/api/v1/images/', { limit: -1 }), ['query', 'limit'], 'greater_than_equal');
    expectValidationError(await t.api.get('/api/v1/images/', { offset: -1 }), ['query', 'offset'], 'greater_than_equal');
  });

  it('refuses unknown enum values and non-booleans with 422', async () => {
    expectValidationError(await t.api.get('/api/v1/images/', { categories: ['general', 'bogus'] }), ['query', 'categories', 1], 'enum');
    expectValidationError(await t.api.get('/api/v1/images/', { order_dir: 'desc' }), ['query', 'order_dir'], 'enum');
    expectValidationError(await t.api.get('/api/v1/images/', { image_origin: 'uploaded' }), ['query', 'image_origin'], 'enum');
    expectValidationError(await t.api.get('/api/v1/images/', { is_intermediate: 'maybe' }), ['query', 'is_intermediate'], 'bool_parsing');
    expectValidationError(await t.api.get('/api/v1/images/', { limit: 'ten' }), ['query', 'limit'], 'int_parsing');
  });
});

describe('name list and DTOs by name', () => {
  it('lists names in gallery order with starred_count and total_count', async () => {
    const res = await t.api.get('/api/v1/images/names', { board_id: fx.boardId, is_intermediate: false });
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/images/names', res);
    const page = await t.api.get('/api/v1/images/', { board_id: fx.boardId, is_intermediate: false, limit: 100 });
    expect(res.json.image_names).toEqual(names(page.json.items));
    expect(res.json.starred_count).toBe(1);
    expect(res.json.total_count).toBe(8);
  });

  it('applies categories, search_term and order_dir to names; starred_count is 0 with starred_first=false', async () => {
    const res = await t.api.get('/api/v1/images/names', {
      board_id: fx.boardId,
      categories: ['general'],
      is_intermediate: false,
      order_dir: 'ASC',
      starred_first: false,
    });
    const expected = names(sortedByGalleryOrder(fx.general, 'ASC', false));
    expect(res.json).toEqual({ image_names: expected, starred_count: 0, total_count: 4 });
    const search = await t.api.get('/api/v1/images/names', { search_term: `${tag} uncategorized`, board_id: 'none' });
    expect(search.json).toEqual({ image_names: [fx.loose.image_name], starred_count: 0, total_count: 1 });
  });

  it('returns DTOs in the order asked and drops names that do not exist', async () => {
    const asked = [fx.assets[0].image_name, 'no-such-image.png', fx.general[2].image_name, fx.loose.image_name];
    const res = await t.api.post('/api/v1/images/images_by_names', { image_names: asked });
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/images/images_by_names', res);
    expect(names(res.json)).toEqual([fx.assets[0].image_name, fx.general[2].image_name, fx.loose.image_name]);
    const empty = await t.api.post('/api/v1/images/images_by_names', { image_names: [] });
    expect(empty.json).toEqual([]);
  });

  it('accepts 1000 names and refuses 1001 with 422 too_long', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => `missing-${i}.png`);
    const ok = await t.api.post('/api/v1/images/images_by_names', { image_names: many });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual([]);
    const res = await t.api.post('/api/v1/images/images_by_names', { image_names: [...many, 'one-more.png'] });
    expectValidationError(res, ['body', 'image_names'], 'too_long');
  });

  it('refuses a body without image_names with 422', async () => {
    expectValidationError(await t.api.post('/api/v1/images/images_by_names', {}), ['body', 'image_names'], 'missing');
  });
});

describe('one image', () => {
  it('reads an ImageDTO with relative URLs and SQLite timestamps', async () => {
    const img = fx.general[0];
    const res = await t.api.get(`/api/v1/images/i/${img.image_name}`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/images/i/{image_name}', res);
    expect(res.json).toEqual(img);
    expect(img.image_name).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect(img.image_url).toBe(`api/v1/images/i/${img.image_name}/full`);
    expect(img.thumbnail_url).toBe(`api/v1/images/i/${img.image_name}/thumbnail`);
    expect(img.created_at).toMatch(SQLITE_TIME);
    expect(img).toMatchObject({
      image_origin: 'external',
      image_category: 'general',
      board_id: fx.boardId,
      image_subfolder: '',
      has_workflow: false,
      deleted_at: null,
      node_id: null,
      session_id: null,
    });
    expect(Object.keys(res.json).sort()).toEqual([
      'board_id',
      'created_at',
      'deleted_at',
      'has_workflow',
      'height',
      'image_category',
      'image_name',
      'image_origin',
      'image_subfolder',
      'image_url',
      'is_intermediate',
      'node_id',
      'session_id',
      'starred',
      'thumbnail_url',
      'updated_at',
      'width',
    ]);
  });

  it('answers 404 {detail: "Not Found"} for a missing image, its metadata, full and thumbnail', async () => {
    for (const suffix of ['', '/metadata', '/full', '/thumbnail', '/workflow']) {
      expectDetail(await t.api.get(`/api/v1/images/i/no-such-image.png${suffix}`), 404, 'Not Found');
    }
  });

  it('gives the urls object', async () => {
    const img = fx.general[0];
    const res = await t.api.get(`/api/v1/images/i/${img.image_name}/urls`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/images/i/{image_name}/urls', res);
    expect(res.json).toEqual({ image_name: img.image_name, image_url: img.image_url, thumbnail_url: img.thumbnail_url });
  });

  it('serves the metadata object read from the PNG, and null when there is none', async () => {
    const res = await t.api.get(`/api/v1/images/i/${fx.general[3].image_name}/metadata`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.json).toEqual({ positive_prompt: `${tag} landscape 3`, seed: 1003, steps: 20 });
    const bare = await t.api.uploadOk({});
    const none = await t.api.get(`/api/v1/images/i/${bare.image_name}/metadata`);
    expect(none.status).toBe(200);
    expect(none.text).toBe('null');
  });

  it('serves the workflow pair, both null for a plain upload', async () => {
    const res = await t.api.get(`/api/v1/images/i/${fx.general[0].image_name}/workflow`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/images/i/{image_name}/workflow', res);
    expect(res.json).toEqual({ workflow: null, graph: null });
  });

  it('serves the full image as PNG with a one-year cache and an inline filename, no ETag', async () => {
    const img = fx.general[0];
    const res = await t.api.get(`/api/v1/images/i/${img.image_name}/full`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('max-age=31536000');
    expect(res.headers.get('content-disposition')).toBe(`inline; filename="${img.image_name}"`);
    expect(res.headers.get('etag')).toBeNull();
    expect(res.headers.get('last-modified')).toBeNull();
    expect(pngSize(res.body)).toEqual({ width: img.width, height: img.height });
    const head = await t.api.request('HEAD', `/api/v1/images/i/${img.image_name}/full`);
    expect(head.status).toBe(200);
    expect(head.type).toBe('image/png');
  });

  it('serves the thumbnail as WebP within 256 px, never upscaled', async () => {
    const big = await t.api.uploadOk({ png: { width: 600, height: 300 } });
    const res = await t.api.get(`/api/v1/images/i/${big.image_name}/thumbnail`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('image/webp');
    expect(res.headers.get('cache-control')).toBe('max-age=31536000');
    expect(res.headers.get('etag')).toBeNull();
    expect(webpSize(res.body)).toEqual({ width: 256, height: 128 });
    const small = await t.api.get(`/api/v1/images/i/${fx.general[0].image_name}/thumbnail`);
    expect(webpSize(small.body)).toEqual({ width: fx.general[0].width, height: fx.general[0].height });
  });
});

describe('changing images', () => {
  it('stars and unstars through /images/star and /images/unstar, dropping unknown names', async () => {
    const img = await t.api.uploadOk({ boardId: fx.boardId, category: 'other' });
    const star = await t.api.post('/api/v1/images/star', { image_names: [img.image_name, 'no-such-image.png'] });
    expect(star.status).toBe(200);
    expectResponse('post', '/api/v1/images/star', star);
    expect(star.json).toEqual({ starred_images: [img.image_name], affected_boards: [fx.boardId], failed_images: [] });
    const dto = (await t.api.get(`/api/v1/images/i/${img.image_name}`)).json;
    expect(dto.starred).toBe(true);
    const unstar = await t.api.post('/api/v1/images/unstar', { image_names: [img.image_name] });
    expect(unstar.status).toBe(200);
    expectResponse('post', '/api/v1/images/unstar', unstar);
    expect(unstar.json).toEqual({ unstarred_images: [img.image_name], affected_boards: [fx.boardId], failed_images: [] });
    expect((await t.api.get(`/api/v1/images/i/${img.image_name}`)).json.starred).toBe(false);
  });

  it('reports "none" as the affected board of an Uncategorized image', async () => {
    const img = await t.api.uploadOk({});
    const star = await t.api.post('/api/v1/images/star', { image_names: [img.image_name] });
    expect(star.json.affected_boards).toEqual(['none']);
  });

  it('moves updated_at on star and keeps created_at', async () => {
    const img = await t.api.uploadOk({});
    await new Promise((r) => setTimeout(r, 20));
    await t.api.post('/api/v1/images/star', { image_names: [img.image_name] });
    const after = (await t.api.get(`/api/v1/images/i/${img.image_name}`)).json;
    expect(after.created_at).toBe(img.created_at);
    expect(after.updated_at > img.updated_at).toBe(true);
  });

  it('updates category and starred with PATCH, ignoring unknown keys, and refuses non-booleans with 422', async () => {
    const img = await t.api.uploadOk({});
    const res = await t.api.patch(`/api/v1/images/i/${img.image_name}`, {
      image_category: 'user',
      starred: true,
      board_id: fx.boardId,
      bogus: 1,
    });
    expect(res.status).toBe(200);
    expectResponse('patch', '/api/v1/images/i/{image_name}', res);
    expect(res.json).toMatchObject({ image_category: 'user', starred: true, board_id: null });
    expectValidationError(await t.api.patch(`/api/v1/images/i/${img.image_name}`, { starred: 'yes' }), ['body', 'starred'], 'bool_type');
    expectValidationError(
      await t.api.patch(`/api/v1/images/i/${img.image_name}`, { image_category: 'photo' }),
      ['body', 'image_category'],
      'enum',
    );
  });

  it('answers 400 "Failed to update image" for PATCH of a missing image', async () => {
    expectDetail(await t.api.patch('/api/v1/images/i/no-such-image.png', { starred: true }), 400, 'Failed to update image');
  });

  it('deletes one image: 200 with its board in affected_boards; a missing one is 404 "Image not found"', async () => {
    const img = await t.api.uploadOk({ boardId: fx.boardId, category: 'control' });
    const res = await t.api.delete(`/api/v1/images/i/${img.image_name}`);
    expect(res.status).toBe(200);
    expectResponse('delete', '/api/v1/images/i/{image_name}', res);
    expect(res.json).toEqual({ deleted_images: [img.image_name], failed_images: [], affected_boards: [fx.boardId] });
    expect((await t.api.get(`/api/v1/images/i/${img.image_name}`)).status).toBe(404);
    expect((await t.api.get(`/api/v1/images/i/${img.image_name}/full`)).status).toBe(404);
    expectDetail(await t.api.delete(`/api/v1/images/i/${img.image_name}`), 404, 'Image not found');
  });

  it('deletes in bulk, skipping names that do not exist', async () => {
    const a = await t.api.uploadOk({});
    const b = await t.api.uploadOk({ boardId: fx.boardId });
    const res = await t.api.post('/api/v1/images/delete', { image_names: [a.image_name, b.image_name, a.image_name, 'no-such-image.png'] });
    expect(res.status).toBe(200);
    expectResponse('post', '/api/v1/images/delete', res);
    expect([...res.json.deleted_images].sort()).toEqual([a.image_name, b.image_name].sort());
    expect(res.json.failed_images).toEqual([]);
    expect([...res.json.affected_boards].sort()).toEqual([fx.boardId, 'none'].sort());
  });

  it('counts intermediates with GET /api/v1/images/intermediates', async () => {
    const res = await t.api.get('/api/v1/images/intermediates');
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(Number.isInteger(res.json)).toBe(true);
    expect(res.json).toBeGreaterThanOrEqual(1);
  });

  it('moves Uncategorized and board totals with uploads, stars and deletes', async () => {
    const count = async (query: Record<string, string | string[] | boolean | number>) =>
      (await t.api.get('/api/v1/images/', { ...query, limit: 0 })).json.total as number;
    const q = { board_id: 'none', categories: ['general'], is_intermediate: false, search_term: `${tag} counting` };
    expect(await count(q)).toBe(0);
    const a = await t.api.uploadOk({ metadata: { positive_prompt: `${tag} counting a` } });
    const b = await t.api.uploadOk({ metadata: { positive_prompt: `${tag} counting b` } });
    expect(await count(q)).toBe(2);
    const named = await t.api.get('/api/v1/images/names', q);
    expect(named.json.starred_count).toBe(0);
    await t.api.post('/api/v1/images/star', { image_names: [b.image_name] });
    expect((await t.api.get('/api/v1/images/names', q)).json).toEqual({
      image_names: [b.image_name, a.image_name],
      starred_count: 1,
      total_count: 2,
    });
    await t.api.post('/api/v1/images/delete', { image_names: [a.image_name] });
    expect(await count(q)).toBe(1);
  });

  it('sets has_workflow exactly when /workflow holds a workflow or a graph, for any image on the server', async () => {
    const res = await t.api.get('/api/v1/images/', { limit: 60, starred_first: false });
    for (const dto of res.json.items) {
      const stored = (await t.api.get(`/api/v1/images/i/${dto.image_name}/workflow`)).json;
      expect(dto.has_workflow, dto.image_name).toBe(stored.workflow !== null || stored.graph !== null);
    }
  });

  it('validates every DTO of a full page against ImageDTO', async () => {
    const res = await t.api.get('/api/v1/images/', { limit: 200 });
    for (const dto of res.json.items) expectComponent('ImageDTO', dto);
  });
});
