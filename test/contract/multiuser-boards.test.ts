/**
 * Who sees and may change what on a multi-user server (6.12+, NOTES.md §7), on the stand-in and on
 * a real 6.14.2 in multi-user mode: an admin and a member, boards of each visibility (private,
 * shared, public), their images, what each user's lists, names and counts hold, and every refusal
 * (its status, its sentence, and that nothing changed). The rules are the real server's
 * (`app/api/routers/_access.py`, `boards.py`, `board_images.py`, `images.py`):
 *
 * - read a board: admin, owner, or shared/public; change or delete it: admin or owner only;
 * - put images on it or take them off: admin, owner, or public; move an image: its direct owner;
 * - read an image: admin, owner, or on a shared/public board; star/delete/update it: admin, owner,
 *   the board's owner, or on a public board;
 * - lists without a board and Uncategorized hold only the caller's own images (admins: everyone's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTag, type Res } from './harness';
import { ADMIN, MEMBER, useMultiUserTarget, UserApi } from './multiuser';
import { expectDetail, expectResponse } from './schema';

const t = useMultiUserTarget();
const tag = runTag();

interface World {
  admin: UserApi;
  member: UserApi;
  adminId: string;
  memberId: string;
  boards: { private: any; shared: any; public: any; member: any };
  /** One admin image on each admin board, one admin image in Uncategorized. */
  adminImages: { private: string; shared: string; public: string; none: string };
  /** The member's image on their own board, and one in Uncategorized. */
  memberImages: { board: string; none: string };
}
const w = {} as World;

const names = (res: Res): string[] => res.json.image_names;

beforeAll(async () => {
  const adminLogin = await t.anonymous.post('/api/v1/auth/login', { email: ADMIN.email, password: ADMIN.password });
  const memberLogin = await t.anonymous.post('/api/v1/auth/login', { email: MEMBER.email, password: MEMBER.password });
  w.admin = new UserApi(t.url, adminLogin.json.token);
  w.member = new UserApi(t.url, memberLogin.json.token);
  w.adminId = adminLogin.json.user.user_id;
  w.memberId = memberLogin.json.user.user_id;
  const boardOf = async (api: UserApi, name: string, visibility: 'private' | 'shared' | 'public') => {
    const board = await api.createBoard(`${tag} ${name}`);
    if (visibility === 'private') return board;
    const res = await api.patch(`/api/v1/boards/${board.board_id}`, { board_visibility: visibility });
    if (res.status !== 201) throw new Error(`visibility ${visibility}: ${res.status} ${res.text}`);
    return res.json;
  };
  w.boards = {
    private: await boardOf(w.admin, 'admin private', 'private'),
    shared: await boardOf(w.admin, 'admin shared', 'shared'),
    public: await boardOf(w.admin, 'admin public', 'public'),
    member: await boardOf(w.member, 'member own', 'private'),
  };
  const upload = async (api: UserApi, boardId?: string) => (await api.uploadOk(boardId ? { boardId } : {})).image_name as string;
  w.adminImages = {
    private: await upload(w.admin, w.boards.private.board_id),
    shared: await upload(w.admin, w.boards.shared.board_id),
    public: await upload(w.admin, w.boards.public.board_id),
    none: await upload(w.admin),
  };
  w.memberImages = { board: await upload(w.member, w.boards.member.board_id), none: await upload(w.member) };
});

// Registered after the target's own afterAll, so it runs first (hooks unwind like a stack).
afterAll(async () => {
  // The member's own things first: the admin's cleanup then deletes the boards with what is left.
  await w.member?.cleanup();
  await w.admin?.cleanup();
});

/** An image as the admin sees it: the truth, whatever the member may read. */
const imageNow = async (name: string): Promise<any> => (await w.admin.get(`/api/v1/images/i/${name}`)).json;
const boardAs = async (api: UserApi, id: string) => (await api.get(`/api/v1/boards/${id}`)).json;

describe('multi-user boards: what each user sees', () => {
  it("lists the member's own boards and the shared and public ones, never another user's private board", async () => {
    const res = await w.member.get('/api/v1/boards/', { all: true });
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v1/boards/', res);
    const mine = (res.json as any[]).filter((b) => b.board_name.startsWith(tag));
    const byId = new Map(mine.map((b) => [b.board_id, b]));
    expect([...byId.keys()].sort()).toEqual([w.boards.shared.board_id, w.boards.public.board_id, w.boards.member.board_id].sort());
    expect(byId.get(w.boards.shared.board_id)).toMatchObject({ user_id: w.adminId, board_visibility: 'shared', owner_username: null });
    expect(byId.get(w.boards.public.board_id)).toMatchObject({ user_id: w.adminId, board_visibility: 'public' });
    expect(byId.get(w.boards.member.board_id)).toMatchObject({ user_id: w.memberId, board_visibility: 'private' });
    // Counts and covers are the whole board's, whoever owns its images.
    expect(byId.get(w.boards.shared.board_id)).toMatchObject({ image_count: 1, cover_image_name: w.adminImages.shared });
    // No owner names for a member, in any list.
    expect(mine.every((b) => b.owner_username === null)).toBe(true);
  });

  it('lists every board to the admin, with each owner named', async () => {
    const res = await w.admin.get('/api/v1/boards/', { all: true });
    expect(res.status).toBe(200);
    const mine = new Map((res.json as any[]).filter((b) => b.board_name.startsWith(tag)).map((b) => [b.board_id, b]));
    expect(mine.size).toBe(4);
    expect(mine.get(w.boards.member.board_id)).toMatchObject({ user_id: w.memberId, owner_username: MEMBER.display_name });
    expect(mine.get(w.boards.private.board_id)).toMatchObject({ user_id: w.adminId, owner_username: ADMIN.display_name });
    // A single read names nobody, even for the admin.
    expect((await boardAs(w.admin, w.boards.member.board_id)).owner_username).toBeNull();
  });

  it("reads a shared board but refuses another user's private board with 403", async () => {
    const shared = await w.member.get(`/api/v1/boards/${w.boards.shared.board_id}`);
    expect(shared.status).toBe(200);
    expect(shared.json).toMatchObject({ board_id: w.boards.shared.board_id, board_visibility: 'shared', image_count: 1 });
    expectDetail(await w.member.get(`/api/v1/boards/${w.boards.private.board_id}`), 403, 'Not authorized to access this board');
    expectDetail(await w.member.get(`/api/v1/boards/${w.boards.private.board_id}/image_names`), 403, 'Not authorized to access this board');
    expectDetail(
      await w.member.get('/api/v1/images/names', { board_id: w.boards.private.board_id }),
      403,
      'Not authorized to access this board',
    );
    expectDetail(
      await w.member.get('/api/v1/images/', { board_id: w.boards.private.board_id }),
      403,
      'Not authorized to access this board',
    );
    expect((await w.admin.get(`/api/v1/boards/${w.boards.member.board_id}`)).status).toBe(200);
  });

  it("lists only the member's own images without a board and in Uncategorized; a shared board lists all of its images", async () => {
    const all = names(await w.member.get('/api/v1/images/names', { is_intermediate: false }));
    expect(all).toEqual(expect.arrayContaining([w.memberImages.board, w.memberImages.none]));
    for (const name of Object.values(w.adminImages)) expect(all).not.toContain(name);
    const none = names(await w.member.get('/api/v1/images/names', { board_id: 'none' }));
    expect(none).toContain(w.memberImages.none);
    expect(none).not.toContain(w.adminImages.none);
    const noneByBoard = (await w.member.get('/api/v1/boards/none/image_names')).json as string[];
    expect(noneByBoard).toContain(w.memberImages.none);
    expect(noneByBoard).not.toContain(w.adminImages.none);
    expect(names(await w.member.get('/api/v1/images/names', { board_id: w.boards.shared.board_id }))).toEqual([w.adminImages.shared]);
    expect((await w.member.get(`/api/v1/boards/${w.boards.public.board_id}/image_names`)).json).toEqual([w.adminImages.public]);
    // The Uncategorized count the web UI reads is per user too; the admin's holds everyone's.
    const count = async (api: UserApi) =>
      (await api.get('/api/v1/images/', { board_id: 'none', categories: 'general', is_intermediate: false, limit: 0 })).json.total;
    const adminNone = names(await w.admin.get('/api/v1/images/names', { board_id: 'none', categories: 'general', is_intermediate: false }));
    expect(adminNone).toEqual(expect.arrayContaining([w.adminImages.none, w.memberImages.none]));
    expect(await count(w.admin)).toBe(adminNone.length);
    expect(await count(w.member)).toBe(
      names(await w.member.get('/api/v1/images/names', { board_id: 'none', categories: 'general', is_intermediate: false })).length,
    );
  });

  it('leaves images the member may not read out of images_by_names, and refuses them one by one with 403', async () => {
    const asked = [w.adminImages.private, w.adminImages.shared, w.adminImages.none, w.memberImages.none];
    const res = await w.member.post('/api/v1/images/images_by_names', { image_names: asked });
    expect(res.status).toBe(200);
    expect((res.json as any[]).map((d) => d.image_name)).toEqual([w.adminImages.shared, w.memberImages.none]);
    for (const name of [w.adminImages.private, w.adminImages.none]) {
      expectDetail(await w.member.get(`/api/v1/images/i/${name}`), 403, 'Not authorized to access this image');
      expectDetail(await w.member.get(`/api/v1/images/i/${name}/metadata`), 403, 'Not authorized to access this image');
      expectDetail(await w.member.get(`/api/v1/images/i/${name}/thumbnail`), 403, 'Not authorized to access this image');
      expectDetail(await w.member.get(`/api/v1/images/i/${name}/full`), 403, 'Not authorized to access this image');
    }
    expect((await w.member.get(`/api/v1/images/i/${w.adminImages.shared}`)).status).toBe(200);
    const thumb = await w.member.get(`/api/v1/images/i/${w.adminImages.shared}/thumbnail`);
    expect(thumb.status).toBe(200);
    // Media of a multi-user server is never cached by a browser.
    expect(thumb.headers.get('cache-control')).toBe('private, no-store');
    // A name that does not exist is a 404, not a 403, even for the member.
    expectDetail(await w.member.get(`/api/v1/images/i/${tag}-missing.png`), 404, 'Image not found');
  });
});

describe('multi-user boards: what the member may not change', () => {
  it("refuses to rename, archive, re-share or delete the admin's shared or public board, and changes nothing", async () => {
    for (const board of [w.boards.shared, w.boards.public]) {
      const id = board.board_id;
      expectDetail(
        await w.member.patch(`/api/v1/boards/${id}`, { board_name: `${tag} taken` }),
        403,
        'Not authorized to update this board',
      );
      expectDetail(await w.member.patch(`/api/v1/boards/${id}`, { archived: true }), 403, 'Not authorized to update this board');
      expectDetail(
        await w.member.patch(`/api/v1/boards/${id}`, { board_visibility: 'private' }),
        403,
        'Not authorized to update this board',
      );
      expectDetail(
        await w.member.delete(`/api/v1/boards/${id}`, undefined, { include_images: true }),
        403,
        'Not authorized to delete this board',
      );
      const after = await boardAs(w.admin, id);
      expect(after).toMatchObject({
        board_name: board.board_name,
        archived: false,
        board_visibility: board.board_visibility,
        image_count: 1,
      });
    }
    // The private one is refused the same way, not hidden behind a 404.
    expectDetail(await w.member.delete(`/api/v1/boards/${w.boards.private.board_id}`), 403, 'Not authorized to delete this board');
    expect((await boardAs(w.admin, w.boards.private.board_id)).image_count).toBe(1);
  });

  it('refuses to put its own image on a shared board, or take one off it, and nothing moves', async () => {
    const shared = w.boards.shared.board_id;
    expectDetail(
      await w.member.post('/api/v1/board_images/', { board_id: shared, image_name: w.memberImages.none }),
      403,
      'Not authorized to modify this board',
    );
    expectDetail(
      await w.member.post('/api/v1/board_images/batch', { board_id: shared, image_names: [w.memberImages.none] }),
      403,
      'Not authorized to modify this board',
    );
    expectDetail(
      await w.member.delete('/api/v1/board_images/', { image_name: w.adminImages.shared }),
      403,
      'Not authorized to modify this board',
    );
    // The batch removal skips what it may not touch: 201 with nothing removed.
    const batch = await w.member.post('/api/v1/board_images/batch/delete', { image_names: [w.adminImages.shared] });
    expect(batch.status).toBe(201);
    expect(batch.json).toMatchObject({ removed_images: [], failed_images: [] });
    expect((await imageNow(w.memberImages.none)).board_id).toBeNull();
    expect((await imageNow(w.adminImages.shared)).board_id).toBe(shared);
    // Uploading into it is refused before the file is read.
    expectDetail(await w.member.upload({ boardId: shared }), 403, 'Not authorized to upload to this board');
    expect((await boardAs(w.admin, shared)).image_count).toBe(1);
  });

  it("refuses to move the admin's image onto its own board: 403 alone, skipped in a batch", async () => {
    const own = w.boards.member.board_id;
    expectDetail(
      await w.member.post('/api/v1/board_images/', { board_id: own, image_name: w.adminImages.shared }),
      403,
      'Not authorized to move this image',
    );
    const batch = await w.member.post('/api/v1/board_images/batch', { board_id: own, image_names: [w.adminImages.shared] });
    expect(batch.status).toBe(201);
    expect(batch.json).toMatchObject({ added_images: [], failed_images: [] });
    expect((await imageNow(w.adminImages.shared)).board_id).toBe(w.boards.shared.board_id);
  });

  it('refuses to star, change or delete an image on a shared board: 403 alone, skipped in a list', async () => {
    const name = w.adminImages.shared;
    expectDetail(await w.member.patch(`/api/v1/images/i/${name}`, { starred: true }), 403, 'Not authorized to modify this image');
    expectDetail(await w.member.delete(`/api/v1/images/i/${name}`), 403, 'Not authorized to modify this image');
    const star = await w.member.post('/api/v1/images/star', { image_names: [name, w.memberImages.none] });
    expect(star.status).toBe(200);
    expect(star.json).toMatchObject({ starred_images: [w.memberImages.none], failed_images: [] });
    const deleted = await w.member.post('/api/v1/images/delete', { image_names: [name] });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({ deleted_images: [], failed_images: [] });
    const after = await imageNow(name);
    expect(after).toMatchObject({ image_name: name, starred: false, board_id: w.boards.shared.board_id });
    await w.member.post('/api/v1/images/unstar', { image_names: [w.memberImages.none] });
  });

  it("refuses the member an image of the admin's that it cannot read at all with the same 403 on writes", async () => {
    expectDetail(await w.member.delete(`/api/v1/images/i/${w.adminImages.none}`), 403, 'Not authorized to modify this image');
    expect((await w.admin.get(`/api/v1/images/i/${w.adminImages.none}`)).status).toBe(200);
  });
});

describe('multi-user boards: what the member may do', () => {
  it('puts its own image on a public board and takes it off again', async () => {
    const pub = w.boards.public.board_id;
    const add = await w.member.post('/api/v1/board_images/', { board_id: pub, image_name: w.memberImages.none });
    expect(add.status).toBe(201);
    expect((await boardAs(w.member, pub)).image_count).toBe(2);
    // Still the member's: it stays in the member's own list.
    expect(names(await w.member.get('/api/v1/images/names'))).toContain(w.memberImages.none);
    const off = await w.member.delete('/api/v1/board_images/', { image_name: w.memberImages.none });
    expect(off.status).toBe(201);
    expect((await imageNow(w.memberImages.none)).board_id).toBeNull();
  });

  it("stars the admin's image on a public board (a public board lends its images' rights)", async () => {
    const name = w.adminImages.public;
    const star = await w.member.post('/api/v1/images/star', { image_names: [name] });
    expect(star.json.starred_images).toEqual([name]);
    expect((await imageNow(name)).starred).toBe(true);
    const unstar = await w.member.post('/api/v1/images/unstar', { image_names: [name] });
    expect(unstar.json.unstarred_images).toEqual([name]);
  });

  it("uploads into a public board, and sets its own board's visibility", async () => {
    const uploaded = await w.member.upload({ boardId: w.boards.public.board_id });
    expect(uploaded.status).toBe(201);
    expect(uploaded.json.board_id).toBe(w.boards.public.board_id);
    const shared = await w.member.patch(`/api/v1/boards/${w.boards.member.board_id}`, { board_visibility: 'shared' });
    expect(shared.status).toBe(201);
    expect(shared.json.board_visibility).toBe('shared');
    const back = await w.member.patch(`/api/v1/boards/${w.boards.member.board_id}`, { board_visibility: 'private' });
    expect(back.json.board_visibility).toBe('private');
  });

  it("lets the admin change the member's board and star the member's image", async () => {
    const id = w.boards.member.board_id;
    const renamed = await w.admin.patch(`/api/v1/boards/${id}`, { board_name: `${tag} renamed by admin` });
    expect(renamed.status).toBe(201);
    expect(renamed.json).toMatchObject({ board_name: `${tag} renamed by admin`, user_id: w.memberId });
    await w.admin.patch(`/api/v1/boards/${id}`, { board_name: w.boards.member.board_name });
    const star = await w.admin.post('/api/v1/images/star', { image_names: [w.memberImages.board] });
    expect(star.json.starred_images).toEqual([w.memberImages.board]);
    await w.admin.post('/api/v1/images/unstar', { image_names: [w.memberImages.board] });
  });
});
