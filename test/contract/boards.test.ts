import { describe, expect, it } from 'vitest';
import { runTag, SQLITE_TIME, useTarget } from './harness';
import { expectComponent, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const tag = runTag();

async function allBoards(query: Record<string, string | boolean> = {}): Promise<any[]> {
  const res = await t.api.get('/api/v1/boards/', { all: true, ...query });
  expect(res.status).toBe(200);
  return res.json;
}

describe('boards', () => {
  it('creates a board from the board_name query param: 201, zero counts, no cover', async () => {
    const res = await t.api.post('/api/v1/boards/', undefined, { board_name: `${tag} new` });
    expect(res.status).toBe(201);
    expect(res.type).toBe('application/json');
    expectResponse('post', '/api/v1/boards/', res);
    t.api.trackBoard(res.json.board_id);
    const b = res.json;
    expect(b.board_name).toBe(`${tag} new`);
    expect(b).toMatchObject({
      user_id: 'system',
      archived: false,
      board_visibility: 'private',
      cover_image_name: null,
      cover_video_name: null,
      deleted_at: null,
    });
    expect(b).toMatchObject({ image_count: 0, asset_count: 0, video_count: 0 });
    expect(b.created_at).toMatch(SQLITE_TIME);
    expect(b.updated_at).toBe(b.created_at);
    expect(b.board_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a board create without board_name with a 422 on query.board_name', async () => {
    const res = await t.api.post('/api/v1/boards/');
    expectValidationError(res, ['query', 'board_name'], 'missing');
  });

  it('lists every board as a bare array with all=true, newest first by default', async () => {
    const first = await t.api.createBoard(`${tag} order-1`);
    const second = await t.api.createBoard(`${tag} order-2`);
    const res = await t.api.get('/api/v1/boards/', { all: true });
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expectResponse('get', '/api/v1/boards/', res);
    expect(Array.isArray(res.json)).toBe(true);
    const ids = res.json.map((b: any) => b.board_id);
    expect(ids.indexOf(second.board_id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second.board_id)).toBeLessThan(ids.indexOf(first.board_id));
    const asc = (await allBoards({ direction: 'ASC' })).map((b) => b.board_id);
    expect(asc.indexOf(first.board_id)).toBeLessThan(asc.indexOf(second.board_id));
  });

  it('fills owner_username in list responses but not on a single board read', async () => {
    const board = await t.api.createBoard(`${tag} owner`);
    const listed = (await allBoards()).find((b) => b.board_id === board.board_id);
    expect(listed.owner_username).toBe('System');
    const one = await t.api.get(`/api/v1/boards/${board.board_id}`);
    expect(one.json.owner_username).toBeNull();
    expect(board.owner_username).toBeNull();
  });

  it('sorts by board_name case-insensitively with all=true', async () => {
    const names = ['bravo', 'Alpha', 'charlie', 'Delta'].map((n) => `${tag} sort ${n}`);
    for (const n of names) await t.api.createBoard(n);
    const ours = (await allBoards({ order_by: 'board_name', direction: 'ASC' }))
      .map((b) => b.board_name)
      .filter((n: string) => n.startsWith(`${tag} sort`));
    expect(ours).toEqual([`${tag} sort Alpha`, `${tag} sort bravo`, `${tag} sort charlie`, `${tag} sort Delta`]);
  });

  it('pages boards with offset+limit; total is the size of the page, not the board count', async () => {
    await t.api.createBoard(`${tag} page-a`);
    await t.api.createBoard(`${tag} page-b`);
    await t.api.createBoard(`${tag} page-c`);
    const everything = await allBoards();
    const res = await t.api.get('/api/v1/boards/', { offset: 0, limit: 2 });
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/boards/', res);
    expect(res.json).toMatchObject({ offset: 0, limit: 2 });
    expect(res.json.items).toHaveLength(2);
    expect(everything.length).toBeGreaterThan(2);
    expect(res.json.total).toBe(2);
    expect(res.json.items.map((b: any) => b.board_id)).toEqual(everything.slice(0, 2).map((b) => b.board_id));
  });

  it('answers 400 with a detail string when neither all nor offset+limit is given', async () => {
    for (const query of [{}, { all: false }, { offset: 0 }, { limit: 5 }]) {
      const res = await t.api.get('/api/v1/boards/', query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.json).toEqual({ detail: "Invalid request: Must provide either 'all' or both 'offset' and 'limit'" });
    }
  });

  it('rejects unknown order_by and direction values with 422', async () => {
    expectValidationError(await t.api.get('/api/v1/boards/', { all: true, order_by: 'name' }), ['query', 'order_by'], 'enum');
    expectValidationError(await t.api.get('/api/v1/boards/', { all: true, direction: 'asc' }), ['query', 'direction'], 'enum');
  });

  it('reads one board, and answers 404 "Board not found" for an unknown id and for none', async () => {
    const board = await t.api.createBoard(`${tag} read`);
    const res = await t.api.get(`/api/v1/boards/${board.board_id}`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/boards/{board_id}', res);
    expect(res.json).toEqual(board);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'none']) {
      const missing = await t.api.get(`/api/v1/boards/${id}`);
      expect(missing.status).toBe(404);
      expect(missing.type).toBe('application/json');
      expect(missing.json).toEqual({ detail: 'Board not found' });
    }
  });

  it('renames a board with PATCH: 201, and updated_at loses its fraction (set by a trigger)', async () => {
    const board = await t.api.createBoard(`${tag} rename`);
    await new Promise((r) => setTimeout(r, 1100));
    const res = await t.api.patch(`/api/v1/boards/${board.board_id}`, { board_name: `${tag} renamed` });
    expect(res.status).toBe(201);
    expectResponse('patch', '/api/v1/boards/{board_id}', res);
    expect(res.json.board_name).toBe(`${tag} renamed`);
    expect(res.json.created_at).toBe(board.created_at);
    expect(res.json.updated_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(res.json.updated_at > board.created_at.slice(0, 19)).toBe(true);
    expect((await t.api.get(`/api/v1/boards/${board.board_id}`)).json.board_name).toBe(`${tag} renamed`);
  });

  it('rejects unknown keys in a board PATCH with 422 extra_forbidden', async () => {
    const board = await t.api.createBoard(`${tag} strict`);
    const res = await t.api.patch(`/api/v1/boards/${board.board_id}`, { starred: true });
    expectValidationError(res, ['body', 'starred'], 'extra_forbidden');
  });

  it('answers 404 for PATCH and DELETE of an unknown board', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const patch = await t.api.patch(`/api/v1/boards/${id}`, { board_name: 'x' });
    expect(patch.status).toBe(404);
    expect(patch.json).toEqual({ detail: 'Board not found' });
    const del = await t.api.delete(`/api/v1/boards/${id}`);
    expect(del.status).toBe(404);
    expect(del.json).toEqual({ detail: 'Board not found' });
  });

  it('hides archived boards unless include_archived=true', async () => {
    const board = await t.api.createBoard(`${tag} archive`);
    const res = await t.api.patch(`/api/v1/boards/${board.board_id}`, { archived: true });
    expect(res.status).toBe(201);
    expect(res.json.archived).toBe(true);
    expect((await allBoards()).some((b) => b.board_id === board.board_id)).toBe(false);
    const withArchived = await allBoards({ include_archived: true });
    expect(withArchived.find((b) => b.board_id === board.board_id)?.archived).toBe(true);
    const paged = await t.api.get('/api/v1/boards/', { offset: 0, limit: 1000, include_archived: false });
    expect(paged.json.items.some((b: any) => b.board_id === board.board_id)).toBe(false);
    await t.api.patch(`/api/v1/boards/${board.board_id}`, { archived: false });
    expect((await allBoards()).some((b) => b.board_id === board.board_id)).toBe(true);
  });

  it('counts general images as image_count and the four asset categories as asset_count, skipping intermediates', async () => {
    const board = await t.api.createBoard(`${tag} counts`);
    const boardId = board.board_id;
    await t.api.uploadOk({ boardId, category: 'general' });
    await t.api.uploadOk({ boardId, category: 'general' });
    for (const category of ['user', 'control', 'mask', 'other'] as const) await t.api.uploadOk({ boardId, category });
    await t.api.uploadOk({ boardId, category: 'general', intermediate: true });
    const res = await t.api.get(`/api/v1/boards/${boardId}`);
    expect(res.json).toMatchObject({ image_count: 2, asset_count: 4, video_count: 0 });
    const listed = (await allBoards()).find((b) => b.board_id === boardId);
    expect(listed).toMatchObject({ image_count: 2, asset_count: 4 });
  });

  it('computes the cover as the starred-then-newest image, ignoring a cover_image_name PATCH', async () => {
    const board = await t.api.createBoard(`${tag} cover`);
    const boardId = board.board_id;
    const older = await t.api.uploadOk({ boardId });
    const newer = await t.api.uploadOk({ boardId });
    expect((await t.api.get(`/api/v1/boards/${boardId}`)).json.cover_image_name).toBe(newer.image_name);
    await t.api.post('/api/v1/images/star', { image_names: [older.image_name] });
    expect((await t.api.get(`/api/v1/boards/${boardId}`)).json.cover_image_name).toBe(older.image_name);
    const patched = await t.api.patch(`/api/v1/boards/${boardId}`, { cover_image_name: newer.image_name });
    expect(patched.status).toBe(201);
    expect(patched.json.cover_image_name).toBe(older.image_name);
    const asset = await t.api.uploadOk({ boardId, category: 'user' });
    await t.api.post('/api/v1/images/star', { image_names: [asset.image_name] });
    expect((await t.api.get(`/api/v1/boards/${boardId}`)).json.cover_image_name).toBe(asset.image_name);
  });

  it('lists a board image names with category and intermediate filters, and none for Uncategorized', async () => {
    const board = await t.api.createBoard(`${tag} names`);
    const boardId = board.board_id;
    const g = await t.api.uploadOk({ boardId, category: 'general' });
    const m = await t.api.uploadOk({ boardId, category: 'mask' });
    const i = await t.api.uploadOk({ boardId, category: 'general', intermediate: true });
    const loose = await t.api.uploadOk({ category: 'general' });
    const res = await t.api.get(`/api/v1/boards/${boardId}/image_names`);
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/boards/{board_id}/image_names', res);
    expect([...res.json].sort()).toEqual([g.image_name, m.image_name, i.image_name].sort());
    const general = await t.api.get(`/api/v1/boards/${boardId}/image_names`, { categories: ['general'], is_intermediate: false });
    expect(general.json).toEqual([g.image_name]);
    const assets = await t.api.get(`/api/v1/boards/${boardId}/image_names`, { categories: ['mask', 'user'] });
    expect(assets.json).toEqual([m.image_name]);
    const none = await t.api.get('/api/v1/boards/none/image_names');
    expect(none.status).toBe(200);
    expect(none.json).toContain(loose.image_name);
    expect(none.json).not.toContain(g.image_name);
  });

  it('deletes a board without its images: they move to Uncategorized', async () => {
    const board = await t.api.createBoard(`${tag} delete-keep`);
    const img = await t.api.uploadOk({ boardId: board.board_id });
    const res = await t.api.delete(`/api/v1/boards/${board.board_id}`);
    expect(res.status).toBe(200);
    expectResponse('delete', '/api/v1/boards/{board_id}', res);
    t.api.forgetBoard(board.board_id);
    expect(res.json).toMatchObject({ board_id: board.board_id, deleted_images: [], failed_images: [] });
    expect(res.json.deleted_board_images).toEqual([img.image_name]);
    expect((await t.api.get(`/api/v1/boards/${board.board_id}`)).status).toBe(404);
    const dto = await t.api.get(`/api/v1/images/i/${img.image_name}`);
    expect(dto.status).toBe(200);
    expect(dto.json.board_id).toBeNull();
  });

  it('deletes a board with include_images=true: the images are gone', async () => {
    const board = await t.api.createBoard(`${tag} delete-all`);
    const img = await t.api.uploadOk({ boardId: board.board_id });
    const res = await t.api.delete(`/api/v1/boards/${board.board_id}`, undefined, { include_images: true });
    expect(res.status).toBe(200);
    expectResponse('delete', '/api/v1/boards/{board_id}', res);
    t.api.forgetBoard(board.board_id);
    expect(res.json).toMatchObject({
      board_id: board.board_id,
      deleted_board_images: [],
      deleted_images: [img.image_name],
      failed_images: [],
    });
    expect((await t.api.get(`/api/v1/images/i/${img.image_name}`)).status).toBe(404);
  });

  it('validates every listed board against BoardDTO', async () => {
    for (const b of await allBoards({ include_archived: true })) expectComponent('BoardDTO', b);
  });
});
