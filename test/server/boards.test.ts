import { describe, expect, it } from 'vitest';
import { encodePng, renderSolid } from './data/png';
import { call, useStandIn } from './helpers';

const ctx = useStandIn({ seed: 5 });
const req = (method: string, path: string, json?: unknown) => call(ctx.s.url, method, path, json === undefined ? {} : { json });
const board = async (id: string) => (await req('GET', `/api/v1/boards/${id}`)).json;

/** Counts straight from the records: non-intermediate general vs. assets. */
function expectedCounts(boardId: string) {
  const images = [...ctx.s.state.gallery.images.values()].filter((r) => r.board_id === boardId && !r.is_intermediate);
  return {
    image_count: images.filter((r) => r.image_category === 'general').length,
    asset_count: images.filter((r) => r.image_category !== 'general').length,
  };
}

describe('boards', () => {
  it('lists all (array) or paged ({items}), hides archived unless asked; 400 without either', async () => {
    const all = (await req('GET', '/api/v1/boards/?all=true')).json as any[];
    const withArchived = (await req('GET', '/api/v1/boards/?all=true&include_archived=true')).json as any[];
    expect(withArchived.length).toBe(all.length + 1);
    expect(withArchived.filter((b) => b.archived)).toHaveLength(1);
    expect(all.every((b) => b.owner_username === 'System')).toBe(true); // lists only
    expect((await req('GET', `/api/v1/boards/${all[0].board_id}`)).json.owner_username).toBeNull();
    const page = (await req('GET', '/api/v1/boards/?offset=2&limit=3')).json;
    expect(page.items.map((b: any) => b.board_id)).toEqual(all.slice(2, 5).map((b) => b.board_id));
    expect(page.total).toBe(3); // the real server's page-size "total"
    const none = await req('GET', '/api/v1/boards/?offset=0');
    expect(none.status).toBe(400);
    expect(none.json.detail).toBe("Invalid request: Must provide either 'all' or both 'offset' and 'limit'");
    const byName = (await req('GET', '/api/v1/boards/?all=true&order_by=board_name&direction=ASC')).json as any[];
    const names = byName.map((b) => b.board_name.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  it('computes counts and the cover (starred first, then newest) on every read', async () => {
    for (const b of (await req('GET', '/api/v1/boards/?all=true')).json as any[]) {
      expect({ image_count: b.image_count, asset_count: b.asset_count }).toEqual(expectedCounts(b.board_id));
      const items = [...ctx.s.state.gallery.images.values()].filter((r) => r.board_id === b.board_id && !r.is_intermediate);
      const cover = items.sort((x, y) => Number(y.starred) - Number(x.starred) || (y.created_at > x.created_at ? 1 : -1))[0];
      expect(b.cover_image_name).toBe(cover?.image_name ?? null);
    }
  });

  it('creates (201, query param), renames and archives (PATCH → 201), refuses extra keys (422)', async () => {
    const created = await req('POST', '/api/v1/boards/?board_name=Fresh%20Board');
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      board_name: 'Fresh Board',
      image_count: 0,
      asset_count: 0,
      cover_image_name: null,
      archived: false,
    });
    const id = created.json.board_id;
    const patched = await req('PATCH', `/api/v1/boards/${id}`, { board_name: 'Renamed', archived: true, board_visibility: 'shared' });
    expect(patched.status).toBe(201);
    expect(patched.json).toMatchObject({ board_name: 'Renamed', archived: true, board_visibility: 'shared' });
    expect(patched.json.updated_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const extra = await req('PATCH', `/api/v1/boards/${id}`, { starred: true });
    expect(extra.status).toBe(422);
    expect(extra.json.detail[0]).toMatchObject({ type: 'extra_forbidden', loc: ['body', 'starred'] });
    expect((await req('GET', '/api/v1/boards/none')).status).toBe(404);
    expect((await req('PATCH', '/api/v1/boards/none', { archived: false })).json).toEqual({ detail: 'Board not found' });
    expect((await req('POST', '/api/v1/boards/')).status).toBe(422);
  });

  it('keeps counts true as images are moved, starred, uploaded and deleted', async () => {
    const target = (await req('POST', '/api/v1/boards/?board_name=Counts')).json.board_id as string;
    const source = [...ctx.s.state.gallery.boards.keys()][0]!;
    const general = ctx.s.state.gallery.queryImages({ board_id: source, categories: ['general'], is_intermediate: false }).images;
    const [a, b] = general;
    const before = expectedCounts(source);

    const added = await req('POST', '/api/v1/board_images/', { board_id: target, image_name: a!.image_name });
    expect(added.status).toBe(201);
    expect(added.json.added_images).toEqual([a!.image_name]);
    expect(added.json.affected_boards.sort()).toEqual([source, target].sort());
    expect(await board(target)).toMatchObject({ image_count: 1, asset_count: 0, cover_image_name: a!.image_name });
    expect((await board(source)).image_count).toBe(before.image_count - 1);

    await req('POST', '/api/v1/board_images/batch', { board_id: target, image_names: [b!.image_name, 'ghost.png'] });
    expect((await board(target)).image_count).toBe(2);
    // The newest is the cover until the older one is starred.
    const newer = a!.created_at > b!.created_at ? a! : b!;
    const older = newer === a ? b! : a!;
    expect((await board(target)).cover_image_name).toBe(newer.image_name);
    await req('POST', '/api/v1/images/star', { image_names: [older.image_name] });
    expect((await board(target)).cover_image_name).toBe(older.image_name);

    const form = new FormData();
    form.append(
      'file',
      new Blob([new Uint8Array(encodePng(renderSolid(8, 8, { r: 5, g: 5, b: 5, a: 255 }, 'RGB')))], { type: 'image/png' }),
      'x.png',
    );
    const up = await call(ctx.s.url, 'POST', `/api/v1/images/upload?image_category=mask&is_intermediate=false&board_id=${target}`, {
      body: form,
    });
    expect(up.json.board_id).toBe(target);
    expect(await board(target)).toMatchObject({ image_count: 2, asset_count: 1 });

    const removed = await req('DELETE', '/api/v1/board_images/', { image_name: a!.image_name });
    expect(removed.status).toBe(201);
    expect(removed.json.affected_boards.sort()).toEqual(['none', target].sort());
    expect((await req('GET', `/api/v1/images/i/${a!.image_name}`)).json.board_id).toBeNull();
    await req('POST', '/api/v1/images/delete', { image_names: [b!.image_name] });
    expect(await board(target)).toMatchObject({ image_count: 0, asset_count: 1 });
    await req('POST', '/api/v1/board_images/batch/delete', { image_names: [up.json.image_name] });
    expect(await board(target)).toMatchObject({ image_count: 0, asset_count: 0, cover_image_name: null });

    expect((await req('POST', '/api/v1/board_images/', { board_id: 'none', image_name: a!.image_name })).status).toBe(404);
  });

  it("lists a board's image names, including none", async () => {
    const id = [...ctx.s.state.gallery.boards.keys()][1]!;
    const names = (await req('GET', `/api/v1/boards/${id}/image_names`)).json as string[];
    expect(names.sort()).toEqual(
      [...ctx.s.state.gallery.images.values()]
        .filter((r) => r.board_id === id)
        .map((r) => r.image_name)
        .sort(),
    );
    expect((await req('GET', '/api/v1/boards/no-such-board/image_names')).json).toEqual({ detail: 'Board not found' });
    const none = (await req('GET', '/api/v1/boards/none/image_names?categories=general&is_intermediate=false')).json as string[];
    for (const n of none)
      expect(ctx.s.state.gallery.getImage(n)).toMatchObject({ board_id: null, image_category: 'general', is_intermediate: false });
  });

  it('deletes a board, moving its images to Uncategorized or deleting them', async () => {
    const [first, second] = [...ctx.s.state.gallery.boards.keys()].slice(2, 4);
    const keepNames = [...ctx.s.state.gallery.images.values()].filter((r) => r.board_id === first).map((r) => r.image_name);
    const kept = await req('DELETE', `/api/v1/boards/${first}`);
    expect(kept.json).toMatchObject({ board_id: first, deleted_images: [] });
    expect(kept.json.deleted_board_images.sort()).toEqual(keepNames.sort());
    for (const n of keepNames) expect(ctx.s.state.gallery.getImage(n)!.board_id).toBeNull();
    const dropNames = [...ctx.s.state.gallery.images.values()].filter((r) => r.board_id === second).map((r) => r.image_name);
    const dropped = await req('DELETE', `/api/v1/boards/${second}?include_images=true`);
    expect(dropped.json.deleted_images.sort()).toEqual(dropNames.sort());
    for (const n of dropNames) expect(ctx.s.state.gallery.getImage(n)).toBeUndefined();
    expect((await req('DELETE', `/api/v1/boards/${second}`)).status).toBe(404);
  });
});
