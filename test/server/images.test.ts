import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePng, readPngText, renderSolid } from './data/png';
import { call, useStandIn } from './helpers';

const ctx = useStandIn({ seed: 3 });
const get = (path: string) => call(ctx.s.url, 'GET', path);
const post = (path: string, json?: unknown) => call(ctx.s.url, 'POST', path, json === undefined ? {} : { json });

describe('image lists', () => {
  it('orders starred first, then by created_at in order_dir', async () => {
    for (const dir of ['DESC', 'ASC'] as const) {
      const { json } = await get(`/api/v1/images/?limit=1000&order_dir=${dir}`);
      const items = json.items as { starred: boolean; created_at: string }[];
      const firstUnstarred = items.findIndex((i) => !i.starred);
      expect(firstUnstarred).toBeGreaterThan(0);
      expect(items.slice(firstUnstarred).every((i) => !i.starred)).toBe(true);
      for (const group of [items.slice(0, firstUnstarred), items.slice(firstUnstarred)]) {
        const times = group.map((i) => i.created_at);
        const sorted = [...times].sort();
        expect(times).toEqual(dir === 'ASC' ? sorted : sorted.reverse());
      }
    }
  });

  it('starred_first=false orders by date only and reports starred_count 0', async () => {
    const { json } = await get('/api/v1/images/names?starred_first=false&order_dir=ASC');
    expect(json.starred_count).toBe(0);
    const all = ctx.s.state.gallery.queryImages({ starred_first: false, order_dir: 'ASC' }).images.map((r) => r.created_at);
    expect(all).toEqual([...all].sort());
    expect(json.image_names).toHaveLength(json.total_count);
  });

  it('filters by category, origin, intermediate flag and board', async () => {
    const assets = await get('/api/v1/images/?limit=1000&categories=control&categories=mask&is_intermediate=false');
    expect(assets.json.items.length).toBeGreaterThan(0);
    for (const i of assets.json.items) {
      expect(['control', 'mask']).toContain(i.image_category);
      expect(i.is_intermediate).toBe(false);
    }
    const external = await get('/api/v1/images/?limit=1000&image_origin=external');
    expect(external.json.items.every((i: any) => i.image_origin === 'external')).toBe(true);
    const uncategorized = await get('/api/v1/images/?limit=1000&board_id=none');
    expect(uncategorized.json.total).toBeGreaterThan(0);
    expect(uncategorized.json.items.every((i: any) => i.board_id === null)).toBe(true);
    const boardId = [...ctx.s.state.gallery.boards.keys()][0]!;
    const onBoard = await get(`/api/v1/images/?limit=1000&board_id=${boardId}`);
    expect(onBoard.json.items.every((i: any) => i.board_id === boardId)).toBe(true);
    const unknownBoard = await get('/api/v1/images/?board_id=no-such-board');
    expect(unknownBoard.json).toEqual({ limit: 10, offset: 0, total: 0, items: [] });
  });

  it('search_term matches metadata text (any case) and created_at', async () => {
    const word = 'lighthouse';
    const { json } = await get(`/api/v1/images/names?search_term=${word.toUpperCase()}`);
    expect(json.total_count).toBeGreaterThan(0);
    for (const name of json.image_names.slice(0, 20)) expect(ctx.s.state.gallery.getImage(name)!.metadata!.toLowerCase()).toContain(word);
    const month = ctx.s.state.gallery.queryImages({}).images[0]!.created_at.slice(0, 7);
    const byMonth = await get(`/api/v1/images/names?search_term=${month}`);
    expect(byMonth.json.total_count).toBeGreaterThan(0);
  });

  it('limit above 1000 is a 422 (validated, not clamped); limit=0 gives only the total', async () => {
    const tooMany = await get('/api/v1/images/?limit=1001');
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.detail[0]).toMatchObject({ type: 'less_than_equal', loc: ['query', 'limit'], input: '1001', ctx: { le: 1000 } });
    const zero = await get('/api/v1/images/?limit=0&is_intermediate=false');
    expect(zero.json.items).toEqual([]);
    expect(zero.json.total).toBe(ctx.s.state.gallery.queryImages({ is_intermediate: false }).images.length);
  });

  it('rejects bad query values with FastAPI 422 bodies', async () => {
    const res = await get('/api/v1/images/?order_dir=up&starred_first=maybe&offset=-1&categories=photo');
    expect(res.status).toBe(422);
    const types = Object.fromEntries(res.json.detail.map((d: any) => [d.loc.join('.'), d.type]));
    expect(types).toEqual({
      'query.order_dir': 'enum',
      'query.starred_first': 'bool_parsing',
      'query.offset': 'greater_than_equal',
      'query.categories.0': 'enum',
    });
  });

  it('images_by_names keeps the asked order and drops unknown names; >1000 names is a 422', async () => {
    const names = (await get('/api/v1/images/names')).json.image_names.slice(0, 5) as string[];
    const asked = [names[3], 'missing.png', names[0], names[4]];
    const { json } = await post('/api/v1/images/images_by_names', { image_names: asked });
    expect(json.map((d: any) => d.image_name)).toEqual([names[3], names[0], names[4]]);
    const tooMany = await post('/api/v1/images/images_by_names', { image_names: Array.from({ length: 1001 }, (_, i) => `${i}.png`) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.detail[0]).toMatchObject({ type: 'too_long', loc: ['body', 'image_names'] });
  });
});

describe('one image', () => {
  it('serves the DTO, urls, metadata and workflow; 404 for a missing image', async () => {
    const generated = ctx.s.state.gallery.queryImages({ image_origin: 'internal', categories: ['general'] }).images[0]!;
    const dto = (await get(`/api/v1/images/i/${generated.image_name}`)).json;
    expect(dto.image_url).toBe(`api/v1/images/i/${generated.image_name}/full`);
    expect(dto.thumbnail_url).toBe(`api/v1/images/i/${generated.image_name}/thumbnail`);
    const meta = (await get(`/api/v1/images/i/${generated.image_name}/metadata`)).json;
    expect(meta).toMatchObject({ width: dto.width, height: dto.height });
    expect(typeof meta.positive_prompt).toBe('string');
    expect(meta.model).toHaveProperty('key');
    const wf = (await get(`/api/v1/images/i/${generated.image_name}/workflow`)).json;
    expect(typeof JSON.parse(wf.graph).nodes).toBe('object');
    expect(dto.has_workflow).toBe(true); // a graph is enough
    expect((await get('/api/v1/images/i/nope.png/urls')).json).toEqual({
      image_name: 'nope.png',
      image_url: 'api/v1/images/i/nope.png/full',
      thumbnail_url: 'api/v1/images/i/nope.png/thumbnail',
    });
    const missing = await get('/api/v1/images/i/nope.png');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ detail: 'Not Found' });
    expect((await get('/api/v1/images/i/nope.png/full')).status).toBe(404);
  });

  it('full is the PNG with invokeai_metadata; HEAD works; thumbnail is WebP within 256 px', async () => {
    const r = ctx.s.state.gallery.queryImages({ categories: ['general'], image_origin: 'internal' }).images[1]!;
    const full = await get(`/api/v1/images/i/${r.image_name}/full`);
    expect(full.contentType).toBe('image/png');
    expect(full.headers.get('cache-control')).toBe('max-age=31536000');
    const png = await sharp(full.body).metadata();
    expect([png.width, png.height]).toEqual([r.width, r.height]);
    expect(readPngText(full.body).invokeai_metadata).toBe(r.metadata);
    const head = await call(ctx.s.url, 'HEAD', `/api/v1/images/i/${r.image_name}/full`);
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(full.body.length);
    const thumb = await get(`/api/v1/images/i/${r.image_name}/thumbnail`);
    expect(thumb.contentType).toBe('image/webp');
    const t = await sharp(thumb.body).metadata();
    expect(t.format).toBe('webp');
    expect(Math.max(t.width, t.height)).toBe(Math.min(256, Math.max(r.width, r.height)));
  });

  it('sizes thumbnails like PIL: never upscaled, the short side rounded to the closest aspect', async () => {
    for (const [w, h, tw, th] of [
      [40, 20, 40, 20],
      [513, 7, 256, 4],
      [100, 300, 85, 256],
      [511, 383, 256, 192],
    ] as const) {
      const up = await upload(encodePng(renderSolid(w, h, { r: 1, g: 2, b: 3, a: 255 }, 'RGB')), 'image/png');
      const t = await sharp((await get(`/api/v1/images/i/${up.json.image_name}/thumbnail`)).body).metadata();
      expect([t.width, t.height]).toEqual([tw, th]);
    }
  });

  it('PATCH changes category and flags (strict booleans); a missing image is a 400', async () => {
    const r = ctx.s.state.gallery.queryImages({ categories: ['general'], is_intermediate: false }).images[5]!;
    const res = await call(ctx.s.url, 'PATCH', `/api/v1/images/i/${r.image_name}`, {
      json: { image_category: 'user', starred: true, ignored: 1 },
    });
    expect(res.json).toMatchObject({ image_category: 'user', starred: true });
    const strict = await call(ctx.s.url, 'PATCH', `/api/v1/images/i/${r.image_name}`, { json: { starred: 'yes' } });
    expect(strict.status).toBe(422);
    expect(strict.json.detail[0]).toMatchObject({ type: 'bool_type', loc: ['body', 'starred'] });
    const missing = await call(ctx.s.url, 'PATCH', '/api/v1/images/i/missing.png', { json: { starred: true } });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ detail: 'Failed to update image' });
  });
});

async function upload(
  data: Buffer,
  type: string,
  query: string = 'image_category=user&is_intermediate=false',
  fields: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([new Uint8Array(data)], { type }), 'upload.bin');
  return call(ctx.s.url, 'POST', `/api/v1/images/upload?${query}`, { body: form });
}

describe('upload', () => {
  it('saves any image as a new .png, external, with metadata from the PNG chunk', async () => {
    const meta = { positive_prompt: 'uploaded unicorn', seed: 1 };
    const png = encodePng(renderSolid(30, 30, { r: 9, g: 9, b: 9, a: 255 }, 'RGB'), { invokeai_metadata: JSON.stringify(meta) });
    const res = await upload(png, 'image/png');
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`api/v1/images/i/${res.json.image_name}/full`);
    expect(res.json).toMatchObject({ image_origin: 'external', image_category: 'user', width: 30, height: 30, board_id: null });
    expect(res.json.image_name).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect((await get(`/api/v1/images/i/${res.json.image_name}/metadata`)).json).toEqual(meta);
    expect((await get('/api/v1/images/names?search_term=uploaded%20unicorn')).json.image_names).toEqual([res.json.image_name]);
  });

  it('converts a JPEG to PNG and takes metadata from the form field', async () => {
    const jpeg = await sharp({ create: { width: 20, height: 10, channels: 3, background: { r: 255, g: 0, b: 0 } } })
      .jpeg()
      .toBuffer();
    const res = await upload(jpeg, 'image/jpeg', 'image_category=control&is_intermediate=true', { metadata: JSON.stringify({ a: 1 }) });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ image_category: 'control', is_intermediate: true, width: 20, height: 10 });
    expect((await get(`/api/v1/images/i/${res.json.image_name}/full`)).contentType).toBe('image/png');
    expect((await get(`/api/v1/images/i/${res.json.image_name}/metadata`)).json).toEqual({ a: 1 });
  });

  it('refuses non-images (415), unreadable images (415), missing params (422) and board none (404)', async () => {
    const text = await upload(Buffer.from('hello'), 'text/plain');
    expect(text.status).toBe(415);
    expect(text.json).toEqual({ detail: 'Not an image' });
    expect((await upload(Buffer.from('not really a png'), 'image/png')).status).toBe(415);
    const missing = await upload(encodePng(renderSolid(4, 4, { r: 0, g: 0, b: 0, a: 255 }, 'RGB')), 'image/png', '');
    expect(missing.status).toBe(422);
    expect(missing.json.detail.map((d: any) => d.loc.join('.')).sort()).toEqual(['query.image_category', 'query.is_intermediate']);
    // The board is checked before the file: board_id=none is a 404 even for a text file.
    const none = await upload(Buffer.from('hello'), 'text/plain', 'image_category=user&is_intermediate=false&board_id=none');
    expect(none.status).toBe(404);
    expect(none.json).toEqual({ detail: 'Board not found' });
  });

  it('keeps only a valid embedded workflow or graph, and resizes to resize_to exactly', async () => {
    const graph = JSON.stringify({ id: 'g', nodes: {}, edges: [] });
    const withGraph = await upload(
      encodePng(renderSolid(8, 8, { r: 0, g: 0, b: 0, a: 255 }, 'RGB'), { invokeai_workflow: '{"name":"x"}', invokeai_graph: graph }),
      'image/png',
    );
    expect(withGraph.json.has_workflow).toBe(true);
    expect((await get(`/api/v1/images/i/${withGraph.json.image_name}/workflow`)).json).toEqual({ workflow: null, graph });
    const invalid = await upload(
      encodePng(renderSolid(8, 8, { r: 0, g: 0, b: 0, a: 255 }, 'RGB'), { invokeai_workflow: 'not json' }),
      'image/png',
    );
    expect(invalid.json.has_workflow).toBe(false);
    const resized = await upload(encodePng(renderSolid(40, 20, { r: 0, g: 0, b: 0, a: 255 }, 'RGB')), 'image/png', undefined, {
      resize_to: '{"width":10,"height":10}',
    });
    expect([resized.json.width, resized.json.height]).toEqual([10, 10]);
  });
});

describe('star, delete, intermediates', () => {
  it('stars and unstars, silently skipping unknown names', async () => {
    const r = ctx.s.state.gallery.queryImages({ starred_first: false }).images.find((i) => !i.starred && i.board_id)!;
    const star = await post('/api/v1/images/star', { image_names: [r.image_name, 'ghost.png'] });
    expect(star.json).toEqual({ starred_images: [r.image_name], affected_boards: [r.board_id], failed_images: [] });
    const first = (await get(`/api/v1/images/names?board_id=${r.board_id}`)).json;
    expect(first.image_names.slice(0, first.starred_count)).toContain(r.image_name);
    const unstar = await post('/api/v1/images/unstar', { image_names: [r.image_name] });
    expect(unstar.json.unstarred_images).toEqual([r.image_name]);
    expect(ctx.s.state.gallery.getImage(r.image_name)!.starred).toBe(false);
  });

  it('deletes by list (unknown names skipped), by name (missing is a 404) and uncategorized', async () => {
    const [a, b] = ctx.s.state.gallery.queryImages({ board_id: 'none' }).images;
    const res = await post('/api/v1/images/delete', { image_names: [a!.image_name, a!.image_name, 'ghost.png'] });
    expect(res.json).toEqual({ deleted_images: [a!.image_name], failed_images: [], affected_boards: ['none'] });
    const one = await call(ctx.s.url, 'DELETE', `/api/v1/images/i/${b!.image_name}`);
    expect(one.json.deleted_images).toEqual([b!.image_name]);
    const again = await call(ctx.s.url, 'DELETE', `/api/v1/images/i/${b!.image_name}`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ detail: 'Image not found' });
    expect((await get(`/api/v1/images/i/${b!.image_name}`)).status).toBe(404);
    const count = (await get('/api/v1/images/?board_id=none&limit=0')).json.total;
    const cleared = await call(ctx.s.url, 'DELETE', '/api/v1/images/uncategorized');
    expect(cleared.json.deleted_images).toHaveLength(count);
    expect((await get('/api/v1/images/?board_id=none&limit=0')).json.total).toBe(0);
  });

  it('counts intermediates', async () => {
    const { json } = await get('/api/v1/images/intermediates');
    expect(json).toBe(ctx.s.state.gallery.queryImages({ is_intermediate: true }).images.length);
  });
});

describe('what is not an API route', () => {
  it('answers unknown GETs (and the slash-less list path) with the SPA HTML, other methods with 405', async () => {
    for (const path of ['/api/v1/boards', '/no/such/page', '/api/v1/images/i/x.png/thumbnail/extra']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.contentType).toBe('text/html');
    }
    const post405 = await post('/api/v1/nope', {});
    expect(post405.status).toBe(405);
    expect(post405.json).toEqual({ detail: 'Method Not Allowed' });
    expect((await call(ctx.s.url, 'DELETE', '/api/v1/images/names')).status).toBe(405);
  });

  it('gzips large JSON when asked', async () => {
    const res = await fetch(`${ctx.s.url}/api/v1/images/names`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(((await res.json()) as { image_names: string[] }).image_names.length).toBeGreaterThan(0);
  });
});
