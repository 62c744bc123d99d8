import { describe, expect, it } from 'vitest';
import { encodePng, pngSize } from './png';
import { runTag, SQLITE_TIME, useTarget } from './harness';
import { expectDetail, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const tag = runTag();

describe('upload POST /api/v1/images/upload', () => {
  it('stores a PNG: 201 ImageDTO, external origin, relative Location header', async () => {
    const res = await t.api.upload({ category: 'user', png: { width: 30, height: 20 } });
    expect(res.status).toBe(201);
    expectResponse('post', '/api/v1/images/upload', res);
    const dto = res.json;
    expect(res.headers.get('location')).toBe(`api/v1/images/i/${dto.image_name}/full`);
    expect(dto).toMatchObject({
      image_origin: 'external',
      image_category: 'user',
      width: 30,
      height: 20,
      is_intermediate: false,
      starred: false,
      board_id: null,
      session_id: null,
      node_id: null,
    });
    expect(dto.image_name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.png$/);
    expect(dto.created_at).toMatch(SQLITE_TIME);
    expect(dto.updated_at).toBe(dto.created_at);
    const full = await t.api.get(`/api/v1/images/i/${dto.image_name}/full`);
    expect(pngSize(full.body)).toEqual({ width: 30, height: 20 });
  });

  it('stores every category, on a board and on none', async () => {
    const board = await t.api.createBoard(`${tag} upload`);
    for (const category of ['general', 'user', 'control', 'mask', 'other'] as const) {
      const onBoard = await t.api.uploadOk({ category, boardId: board.board_id });
      expect(onBoard).toMatchObject({ image_category: category, board_id: board.board_id });
      const loose = await t.api.uploadOk({ category });
      expect(loose).toMatchObject({ image_category: category, board_id: null });
    }
    const after = await t.api.get(`/api/v1/boards/${board.board_id}`);
    expect(after.json).toMatchObject({ image_count: 1, asset_count: 4 });
  });

  it('keeps the invokeai_metadata PNG chunk as the image metadata', async () => {
    const metadata = {
      positive_prompt: `${tag} a lighthouse`,
      negative_prompt: 'blur',
      seed: 77,
      steps: 30,
      cfg_scale: 6.5,
      scheduler: 'euler',
      model: { key: 'k', hash: 'h', name: 'm', base: 'sdxl', type: 'main' },
    };
    const dto = await t.api.uploadOk({ metadata });
    const res = await t.api.get(`/api/v1/images/i/${dto.image_name}/metadata`);
    expect(res.json).toEqual(metadata);
  });

  it('takes the metadata form field over the PNG chunk', async () => {
    const dto = await t.api.uploadOk({
      metadata: { positive_prompt: 'from chunk' },
      metadataField: { positive_prompt: `${tag} from field` },
    });
    expect((await t.api.get(`/api/v1/images/i/${dto.image_name}/metadata`)).json).toEqual({ positive_prompt: `${tag} from field` });
  });

  it('keeps a valid invokeai_workflow chunk and sets has_workflow', async () => {
    const workflow = {
      name: `${tag} wf`,
      author: '',
      description: '',
      version: '1.0.0',
      contact: '',
      tags: '',
      notes: '',
      exposedFields: [],
      meta: { version: '3.0.0', category: 'user' },
      nodes: [],
      edges: [],
    };
    const dto = await t.api.uploadOk({ png: { width: 8, height: 8, text: { invokeai_workflow: JSON.stringify(workflow) } } });
    expect(dto.has_workflow).toBe(true);
    const res = await t.api.get(`/api/v1/images/i/${dto.image_name}/workflow`);
    expect(typeof res.json.workflow).toBe('string');
    expect(JSON.parse(res.json.workflow)).toEqual(workflow);
    expect(res.json.graph).toBeNull();
  });

  it('drops an invokeai_workflow chunk that is not a valid workflow', async () => {
    const dto = await t.api.uploadOk({
      png: { width: 8, height: 8, text: { invokeai_workflow: JSON.stringify({ name: 'half a workflow', nodes: [], edges: [] }) } },
    });
    expect(dto.has_workflow).toBe(false);
    expect((await t.api.get(`/api/v1/images/i/${dto.image_name}/workflow`)).json).toEqual({ workflow: null, graph: null });
  });

  it('sets has_workflow for a graph chunk alone: has_workflow means a workflow or a graph', async () => {
    const graph = { id: `${tag}-graph`, nodes: {}, edges: [] };
    const dto = await t.api.uploadOk({ png: { width: 8, height: 8, text: { invokeai_graph: JSON.stringify(graph) } } });
    expect(dto.has_workflow).toBe(true);
    const res = await t.api.get(`/api/v1/images/i/${dto.image_name}/workflow`);
    expect(res.json.workflow).toBeNull();
    expect(JSON.parse(res.json.graph)).toEqual(graph);
  });

  it('saves other formats as PNG under a .png name', async () => {
    // A 1x1 GIF: PIL reads it, the server re-encodes it as PNG.
    const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
    const dto = await t.api.uploadOk({ bytes: gif, contentType: 'image/gif', filename: 'pixel.gif' });
    expect(dto.image_name).toMatch(/\.png$/);
    expect(dto).toMatchObject({ width: 1, height: 1 });
    const full = await t.api.get(`/api/v1/images/i/${dto.image_name}/full`);
    expect(full.type).toBe('image/png');
    expect(pngSize(full.body)).toEqual({ width: 1, height: 1 });
  });

  it('refuses a part whose content type is not image/* with 415 "Not an image"', async () => {
    const res = await t.api.upload({ bytes: encodePng({ width: 4, height: 4 }), contentType: 'application/octet-stream' });
    expectDetail(res, 415, 'Not an image');
    expectDetail(await t.api.upload({ bytes: Buffer.from('hello'), contentType: 'text/plain', filename: 'a.txt' }), 415, 'Not an image');
  });

  it('refuses bytes it cannot read as an image with 415 "Failed to read image"', async () => {
    expectDetail(await t.api.upload({ bytes: Buffer.from('definitely not a png'), contentType: 'image/png' }), 415, 'Failed to read image');
    const truncated = encodePng({ width: 10, height: 10 }).subarray(0, 20);
    expectDetail(await t.api.upload({ bytes: truncated, contentType: 'image/png' }), 415, 'Failed to read image');
  });

  it('answers 404 "Board not found" for board_id=none and for an unknown board, before looking at the file', async () => {
    expectDetail(await t.api.upload({ boardId: 'none' }), 404, 'Board not found');
    expectDetail(
      await t.api.upload({ boardId: '00000000-0000-4000-8000-000000000000', contentType: 'text/plain' }),
      404,
      'Board not found',
    );
  });

  it('requires image_category and is_intermediate query params (422)', async () => {
    const form = () => {
      const f = new FormData();
      f.append('file', new Blob([new Uint8Array(encodePng({ width: 4, height: 4 }))], { type: 'image/png' }), 'a.png');
      return f;
    };
    expectValidationError(
      await t.api.request('POST', '/api/v1/images/upload', { form: form(), query: { is_intermediate: false } }),
      ['query', 'image_category'],
      'missing',
    );
    expectValidationError(
      await t.api.request('POST', '/api/v1/images/upload', { form: form(), query: { image_category: 'general' } }),
      ['query', 'is_intermediate'],
      'missing',
    );
    expectValidationError(
      await t.api.request('POST', '/api/v1/images/upload', { form: form(), query: { image_category: 'photo', is_intermediate: false } }),
      ['query', 'image_category'],
      'enum',
    );
  });

  it('requires the file part (422 on body.file)', async () => {
    const f = new FormData();
    f.append('metadata', '{}');
    expectValidationError(
      await t.api.request('POST', '/api/v1/images/upload', { form: f, query: { image_category: 'general', is_intermediate: false } }),
      ['body', 'file'],
      'missing',
    );
  });

  it('stores an intermediate upload that galleries leave out', async () => {
    const dto = await t.api.uploadOk({ intermediate: true, metadata: { positive_prompt: `${tag} hidden` } });
    expect(dto.is_intermediate).toBe(true);
    const shown = await t.api.get('/api/v1/images/names', { search_term: `${tag} hidden`, is_intermediate: false });
    expect(shown.json.total_count).toBe(0);
    const all = await t.api.get('/api/v1/images/names', { search_term: `${tag} hidden` });
    expect(all.json.image_names).toEqual([dto.image_name]);
  });

  it('crops to the visible area with crop_visible=true', async () => {
    const png = {
      width: 5,
      height: 4,
      rgba: (x: number, y: number): [number, number, number, number] => [200, 10, 10, x >= 1 && x <= 2 && y === 2 ? 255 : 0],
    };
    const dto = await t.api.uploadOk({ png, query: { crop_visible: true } });
    expect(dto).toMatchObject({ width: 2, height: 1 });
  });

  it('resizes with resize_to and refuses a malformed resize_to with 400', async () => {
    const form = (resize: string) => {
      const f = new FormData();
      f.append('file', new Blob([new Uint8Array(encodePng({ width: 40, height: 20 }))], { type: 'image/png' }), 'a.png');
      f.append('resize_to', resize);
      return f;
    };
    const ok = await t.api.request('POST', '/api/v1/images/upload', {
      form: form('{"width":20,"height":10}'),
      query: { image_category: 'general', is_intermediate: false },
    });
    expect(ok.status).toBe(201);
    t.api.trackImage(ok.json.image_name);
    expect(ok.json).toMatchObject({ width: 20, height: 10 });
    const bad = await t.api.request('POST', '/api/v1/images/upload', {
      form: form('[20,10]'),
      query: { image_category: 'general', is_intermediate: false },
    });
    expectDetail(bad, 400, 'Invalid resize_to format or size');
  });
});
