import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import type { Board, BoardList, EventPayload, GalleryQuery, ImagePage } from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import type { BoardVisibility } from '../server/store';
import { callChannel, until } from '../support/services';

/**
 * A member of a multi-user server sees other users' shared and public boards as the server lets
 * them: the board list says what they may do and why, actions the server would refuse are refused
 * before anything changes or is sent, and a refusal the server still gives (the board changed
 * behind the app's back) is said plainly, with the change undone and nothing lost.
 */
const ADMIN = { email: 'ada@example.com', password: 'ada password here', display_name: 'Ada', is_admin: true };
const MEMBER = { email: 'max@example.com', password: 'max password here', display_name: 'Max', is_admin: false };

let server: StandIn;
let dataDir: string;
let services: AppServices;
let requests: string[];
let notices: EventPayload<'notice'>[];
let world: { shared: string; public: string; own: string; sharedImage: string; publicImage: string; ownImage: string };

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);
const boards = async () => (await call<BoardList>('boards.list', { include_archived: false })).boards;
const board = async (id: string): Promise<Board> => (await boards()).find((candidate) => candidate.board_id === id)!;
const inView = async (boardId: string) =>
  (
    await call<ImagePage>('images.page', {
      query: {
        board: boardId,
        categories: [],
        starredOnly: false,
        starredFirst: false,
        search: '',
        order: 'newest',
      } satisfies GalleryQuery,
      offset: 0,
      limit: 50,
    })
  ).items.map((item) => (item.kind === 'image' ? item.image_name : item.video_name));
const cached = (name: string) => services.session().cache.imageDetails(name)?.image;

beforeEach(async () => {
  requests = [];
  notices = [];
  server = await startStandIn({
    images: 10,
    seed: 31,
    queueItems: 2,
    users: [ADMIN, MEMBER],
    onRequest: (request) => requests.push(`${request.method} ${request.url}`),
  });
  const { gallery } = server.state;
  const adminId = server.accounts!.byEmail(ADMIN.email)!.user_id;
  const memberId = server.accounts!.byEmail(MEMBER.email)!.user_id;
  const boardOf = (name: string, owner: string, visibility: BoardVisibility) => {
    const made = gallery.createBoard(name, owner);
    gallery.updateBoard(made.board_id, { board_visibility: visibility });
    return made.board_id;
  };
  const imageOf = (owner: string, boardId: string | null) =>
    gallery.addImage({
      image_origin: 'external',
      image_category: 'general',
      width: 32,
      height: 32,
      is_intermediate: false,
      board_id: boardId,
      session_id: null,
      node_id: null,
      metadata: null,
      workflow: null,
      graph: null,
      source: { kind: 'pattern', seed: 7 },
      user_id: owner,
    }).image_name;
  const shared = boardOf('Team references', adminId, 'shared');
  const pub = boardOf('Open wall', adminId, 'public');
  const own = boardOf('Max drafts', memberId, 'private');
  world = {
    shared,
    public: pub,
    own,
    sharedImage: imageOf(adminId, shared),
    publicImage: imageOf(adminId, pub),
    ownImage: imageOf(memberId, null),
  };
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-board-access-'));
  const tokens = memoryTokens(server.accounts!.issue(server.accounts!.byEmail(MEMBER.email)!, false));
  services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens, probeIntervalMs: 100, syncIntervalMs: 60_000 });
  services.onEvent((event, payload) => {
    if (event === 'notice') notices.push(payload as EventPayload<'notice'>);
  });
  await services.start();
  await services.session().sync.sync();
});

afterEach(async () => {
  await services.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('boards of other users, as a member', () => {
  it('lists each board with what the member may do and why, and holds the images of shared and public boards', async () => {
    expect((await boards()).map((b) => b.board_name).sort()).toEqual(['Max drafts', 'Open wall', 'Team references']);
    expect(await board(world.own)).toMatchObject({ access: 'full', access_reason: null });
    const shared = await board(world.shared);
    expect(shared.access).toBe('read_only');
    expect(shared.access_reason).toMatch(/“Team references” is shared with you read-only/);
    const pub = await board(world.public);
    expect(pub.access).toBe('contribute');
    expect(pub.access_reason).toMatch(/only its owner or an admin can rename, archive or delete it/);
    // The member's own list holds only their images; the shared boards' come from their own lists.
    expect(await inView(world.shared)).toEqual([world.sharedImage]);
    expect(await inView(world.public)).toEqual([world.publicImage]);
    expect(shared.image_count).toBe(1);
    // A second sync keeps them (they are not taken for deleted) and finds nothing to change.
    const summary = await services.session().sync.sync();
    expect(summary.deleted).toBe(0);
    expect(await inView(world.shared)).toEqual([world.sharedImage]);
  });

  it('refuses, before anything changes or is sent, what the server would refuse', async () => {
    const sent = requests.length;
    const refusals: [string, unknown][] = [
      ['images.star', { image_names: [world.sharedImage], starred: true }],
      ['images.delete', { image_names: [world.sharedImage] }],
      ['images.move', { image_names: [world.ownImage], board: world.shared }],
      ['images.move', { image_names: [world.sharedImage], board: 'none' }],
      ['boards.rename', { board_id: world.shared, name: 'Mine now' }],
      ['boards.delete', { board_id: world.shared, include_images: false }],
      ['boards.archive', { board_id: world.public, archived: true }],
      ['boards.rename', { board_id: world.public, name: 'Mine now' }],
    ];
    for (const [channel, input] of refusals) {
      await expect(call(channel, input), channel).rejects.toThrow(/^not_allowed: “(Team references|Open wall)”/);
    }
    expect(requests.slice(sent).filter((line) => !line.startsWith('GET'))).toEqual([]);
    expect(services.session().cache.outbox.count()).toBe(0);
    expect(cached(world.sharedImage)).toMatchObject({ starred: false, board_id: world.shared });
    expect(cached(world.ownImage)?.board_id).toBeNull();
    expect((await board(world.shared)).board_name).toBe('Team references');
    expect((await board(world.public)).archived).toBe(false);
    expect(server.state.gallery.getBoard(world.shared)?.board_name).toBe('Team references');
  });

  it('does what a public board allows: stars its images and takes the member’s own image onto it', async () => {
    await call('images.star', { image_names: [world.publicImage], starred: true });
    await call('images.move', { image_names: [world.ownImage], board: world.public });
    await until('the server to have both', () => {
      const { gallery } = server.state;
      return gallery.getImage(world.publicImage)?.starred && gallery.getImage(world.ownImage)?.board_id === world.public;
    });
    expect(notices).toEqual([]);
  });

  it('says plainly when the server still refuses (the board was re-shared behind the app’s back), undoes the change and loses nothing', async () => {
    /** The admin makes the public board read-only for others after the app's last sync. */
    const reshareBehindTheAppsBack = async () => {
      server.state.gallery.updateBoard(world.public, { board_visibility: 'public' });
      await services.session().sync.sync();
      expect((await board(world.public)).access).toBe('contribute');
      server.state.gallery.updateBoard(world.public, { board_visibility: 'shared' });
    };

    await reshareBehindTheAppsBack();
    await call('images.move', { image_names: [world.ownImage], board: world.public });
    await until('the refusal', () => notices.find((notice) => /Not authorized to modify this board/.test(notice.message)));
    await until('the move undone', () => cached(world.ownImage)?.board_id === null);
    expect(server.state.gallery.getImage(world.ownImage)?.board_id).toBeNull();
    // The sync that followed taught the app the board's new visibility.
    await until('the board to be read-only', async () => (await board(world.public)).access === 'read_only');

    await reshareBehindTheAppsBack();
    await call('images.star', { image_names: [world.publicImage], starred: true });
    await until('the star refusal', () => notices.find((notice) => /refused 1 image your account may not change/.test(notice.message)));
    await until('the star undone', () => cached(world.publicImage)?.starred === false);
    expect(server.state.gallery.getImage(world.publicImage)?.starred).toBe(false);

    await reshareBehindTheAppsBack();
    await call('images.delete', { image_names: [world.publicImage] });
    await until('the delete refusal', () => notices.find((notice) => /refused 1 image your account may not delete/.test(notice.message)));
    expect(await inView(world.public)).toEqual([world.publicImage]);
    expect(server.state.gallery.getImage(world.publicImage)).toBeDefined();
    expect(services.session().cache.outbox.count()).toBe(0);
  });
});
