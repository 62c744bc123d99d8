import { describe, expect, it } from 'vitest';
import { runTag, useTarget } from './harness';
import { expectDetail, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const tag = runTag();

const sorted = (a: string[]) => [...a].sort();
async function board(id: string) {
  return (await t.api.get(`/api/v1/boards/${id}`)).json;
}
async function image(name: string) {
  return (await t.api.get(`/api/v1/images/i/${name}`)).json;
}

describe('board membership /api/v1/board_images', () => {
  it('adds an Uncategorized image to a board: 201, affected boards are the board and none', async () => {
    const b = await t.api.createBoard(`${tag} add`);
    const img = await t.api.uploadOk({});
    const res = await t.api.post('/api/v1/board_images/', { board_id: b.board_id, image_name: img.image_name });
    expect(res.status).toBe(201);
    expectResponse('post', '/api/v1/board_images/', res);
    expect(res.json.added_images).toEqual([img.image_name]);
    expect(sorted(res.json.affected_boards)).toEqual(sorted([b.board_id, 'none']));
    expect(res.json.failed_images).toEqual([]);
    const dto = await image(img.image_name);
    expect(dto.board_id).toBe(b.board_id);
    expect(dto.updated_at).toBe(img.updated_at);
    expect((await board(b.board_id)).image_count).toBe(1);
  });

  it('moves an image between boards, and the counts of both follow', async () => {
    const b1 = await t.api.createBoard(`${tag} from`);
    const b2 = await t.api.createBoard(`${tag} to`);
    const img = await t.api.uploadOk({ boardId: b1.board_id, category: 'control' });
    expect((await board(b1.board_id)).asset_count).toBe(1);
    const res = await t.api.post('/api/v1/board_images/', { board_id: b2.board_id, image_name: img.image_name });
    expect(res.status).toBe(201);
    expect(sorted(res.json.affected_boards)).toEqual(sorted([b1.board_id, b2.board_id]));
    expect((await board(b1.board_id)).asset_count).toBe(0);
    expect((await board(b2.board_id)).asset_count).toBe(1);
    const names = await t.api.get(`/api/v1/boards/${b2.board_id}/image_names`);
    expect(names.json).toEqual([img.image_name]);
  });

  it('removes an image from its board with DELETE and a JSON body: it becomes Uncategorized', async () => {
    const b = await t.api.createBoard(`${tag} remove`);
    const img = await t.api.uploadOk({ boardId: b.board_id, metadata: { positive_prompt: `${tag} removed` } });
    const res = await t.api.delete('/api/v1/board_images/', { image_name: img.image_name });
    expect(res.status).toBe(201);
    expectResponse('delete', '/api/v1/board_images/', res);
    expect(res.json.removed_images).toEqual([img.image_name]);
    expect(sorted(res.json.affected_boards)).toEqual(sorted([b.board_id, 'none']));
    expect((await image(img.image_name)).board_id).toBeNull();
    expect((await board(b.board_id)).image_count).toBe(0);
    const none = await t.api.get('/api/v1/images/names', { board_id: 'none', search_term: `${tag} removed` });
    expect(none.json.image_names).toEqual([img.image_name]);
  });

  it('adds and removes in batches, skipping names that do not exist', async () => {
    const b = await t.api.createBoard(`${tag} batch`);
    const other = await t.api.createBoard(`${tag} batch-other`);
    const a = await t.api.uploadOk({});
    const c = await t.api.uploadOk({ boardId: other.board_id });
    const add = await t.api.post('/api/v1/board_images/batch', {
      board_id: b.board_id,
      image_names: [a.image_name, c.image_name, 'no-such-image.png'],
    });
    expect(add.status).toBe(201);
    expectResponse('post', '/api/v1/board_images/batch', add);
    expect(sorted(add.json.added_images)).toEqual(sorted([a.image_name, c.image_name]));
    expect(sorted(add.json.affected_boards)).toEqual(sorted([b.board_id, other.board_id, 'none']));
    expect(add.json.failed_images).toEqual([]);
    expect((await board(b.board_id)).image_count).toBe(2);
    expect((await board(other.board_id)).image_count).toBe(0);
    const del = await t.api.post('/api/v1/board_images/batch/delete', { image_names: [a.image_name, c.image_name, 'no-such-image.png'] });
    expect(del.status).toBe(201);
    expectResponse('post', '/api/v1/board_images/batch/delete', del);
    expect(sorted(del.json.removed_images)).toEqual(sorted([a.image_name, c.image_name]));
    expect(sorted(del.json.affected_boards)).toEqual(sorted([b.board_id, 'none']));
    expect((await board(b.board_id)).image_count).toBe(0);
  });

  it('answers 404 "Board not found" when adding to none or an unknown board', async () => {
    const img = await t.api.uploadOk({});
    for (const id of ['none', '00000000-0000-4000-8000-000000000000']) {
      expectDetail(await t.api.post('/api/v1/board_images/', { board_id: id, image_name: img.image_name }), 404, 'Board not found');
      expectDetail(await t.api.post('/api/v1/board_images/batch', { board_id: id, image_names: [img.image_name] }), 404, 'Board not found');
    }
  });

  it('answers 500 "Failed to add image to board" for a single add of a missing image', async () => {
    const b = await t.api.createBoard(`${tag} missing`);
    expectDetail(
      await t.api.post('/api/v1/board_images/', { board_id: b.board_id, image_name: 'no-such-image.png' }),
      500,
      'Failed to add image to board',
    );
  });

  it('refuses bodies without the required keys with 422', async () => {
    expectValidationError(await t.api.post('/api/v1/board_images/', { image_name: 'x.png' }), ['body', 'board_id'], 'missing');
    expectValidationError(await t.api.delete('/api/v1/board_images/', {}), ['body', 'image_name'], 'missing');
    expectValidationError(await t.api.post('/api/v1/board_images/batch', { board_id: 'x' }), ['body', 'image_names'], 'missing');
  });
});
