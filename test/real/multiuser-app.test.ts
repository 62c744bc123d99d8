import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTag } from '../contract/harness';
import { ADMIN, MEMBER, UserApi, signIn } from '../contract/multiuser';
import { startSyncedApp, until, type SyncedApp } from '../support/services';

/**
 * The app as a member of the real 6.14.2 in multi-user mode (CONTRACT_MULTIUSER_URL, started by
 * `npm run test:real`): the admin's shared and public boards come into the member's cache with
 * their images, marked with what the member may do; what the server would refuse is refused before
 * a request; and a refusal the server still gives (the board re-shared behind the app's back) is
 * reported, with the change undone.
 */
const URL_ = (process.env.CONTRACT_MULTIUSER_URL ?? '').replace(/\/+$/, '');
const tag = runTag();

let admin: UserApi;
let member: UserApi;
let app: SyncedApp;
const made = { shared: '', public: '', sharedImages: [] as string[], publicImage: '', ownImage: '' };

/** A board's item names, sorted: the tests compare them as sets. */
const inView = async (boardId: string) => (await app.inView(boardId)).sort();
const serverImage = async (name: string): Promise<any> => (await admin.get(`/api/v1/images/i/${name}`)).json;

describe.skipIf(!URL_)('the app as a member of a real multi-user server', () => {
  beforeAll(async () => {
    const anonymous = new UserApi(URL_, '');
    admin = new UserApi(URL_, await signIn(anonymous, ADMIN));
    const memberToken = await signIn(anonymous, MEMBER);
    member = new UserApi(URL_, memberToken);
    const boardOf = async (name: string, visibility: string) => {
      const made = await admin.createBoard(`${tag} ${name}`);
      await admin.patch(`/api/v1/boards/${made.board_id}`, { board_visibility: visibility });
      return made.board_id as string;
    };
    made.shared = await boardOf('shared', 'shared');
    made.public = await boardOf('public', 'public');
    made.sharedImages = [
      (await admin.uploadOk({ boardId: made.shared })).image_name,
      (await admin.uploadOk({ boardId: made.shared, category: 'control' })).image_name,
    ];
    made.publicImage = (await admin.uploadOk({ boardId: made.public })).image_name;
    made.ownImage = (await member.uploadOk({})).image_name;

    app = await startSyncedApp(URL_, memberToken, { prefix: 'ivk-real-multiuser-', probeIntervalMs: 200 });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await member?.cleanup();
    await admin?.cleanup();
  });

  it("brings the admin's shared and public boards into the member's cache, with their images and what the member may do", async () => {
    const shared = await app.board(made.shared);
    expect(shared).toMatchObject({ access: 'read_only', image_count: 1, asset_count: 1 });
    expect(shared.access_reason).toMatch(/is shared with you read-only by another user/);
    expect((await app.board(made.public)).access).toBe('contribute');
    expect(await inView(made.shared)).toEqual([...made.sharedImages].sort());
    expect(await inView(made.public)).toEqual([made.publicImage]);
    // A second sync keeps them: the member's own name list lacks them, and that is no deletion.
    expect((await app.services.session().sync.sync()).deleted).toBe(0);
    expect(await inView(made.shared)).toEqual([...made.sharedImages].sort());
  });

  it('refuses before any request what the server would refuse, and changes nothing', async () => {
    await expect(app.call('images.star', { image_names: [made.sharedImages[0]], starred: true })).rejects.toThrow(/^not_allowed: /);
    await expect(app.call('boards.rename', { board_id: made.public, name: 'taken' })).rejects.toThrow(/^not_allowed: /);
    expect(app.services.session().cache.outbox.count()).toBe(0);
    expect((await serverImage(made.sharedImages[0]!)).starred).toBe(false);
  });

  it('reports a refusal the server still gives, and undoes the change', async () => {
    // The admin makes the public board read-only for others after the app's last sync.
    await admin.patch(`/api/v1/boards/${made.public}`, { board_visibility: 'shared' });
    await app.call('images.move', { image_names: [made.ownImage], board: made.public });
    await until('the refusal', () => app.notices.find((notice) => /Not authorized to modify this board/.test(notice.message)), 20_000);
    await until('the move undone', () => app.cached(made.ownImage)?.board_id === null, 20_000);
    expect((await serverImage(made.ownImage)).board_id).toBeNull();
    await until('the board read-only', async () => (await app.board(made.public)).access === 'read_only', 20_000);
  });
});
