import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import type { Board, BoardList, EventPayload, GalleryQuery, ImagePage } from '../../src/shared/ipc';
import { itemName } from '../../src/shared/ipc';
import { startStandIn, type StandIn } from '../server';
import type { BoardVisibility } from '../server/store';
import { callChannel, until } from '../support/services';

/**
 * Videos obey a multi-user server's per-user rules as images do (6.14.2's `_assert_video_owner`,
 * `_assert_video_direct_owner`, `_assert_board_write_access`): a member's sync holds the videos of
 * other users' shared and public boards, what a read-only board forbids is refused before anything
 * is sent, and a refusal the server still gives is told apart from a video that is gone.
 */
const ADMIN = { email: 'ada@example.com', password: 'ada password here', display_name: 'Ada', is_admin: true };
const MEMBER = { email: 'max@example.com', password: 'max password here', display_name: 'Max', is_admin: false };

let server: StandIn;
let dataDir: string;
let services: AppServices;
let requests: string[];
let notices: EventPayload<'notice'>[];
let world: { shared: string; public: string; sharedVideo: string; publicVideo: string; ownVideo: string };

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);
const board = async (id: string): Promise<Board> =>
  (await call<BoardList>('boards.list', { include_archived: false })).boards.find((candidate) => candidate.board_id === id)!;
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
  ).items.map(itemName);
const cached = (name: string) => services.session().cache.imageDetails(name)?.image;

beforeEach(async () => {
  requests = [];
  notices = [];
  server = await startStandIn({
    images: 4,
    seed: 41,
    queueItems: 0,
    users: [ADMIN, MEMBER],
    onRequest: (request) => requests.push(`${request.method} ${request.url}`),
  });
  const { gallery } = server.state;
  const adminId = server.accounts!.byEmail(ADMIN.email)!.user_id;
  const memberId = server.accounts!.byEmail(MEMBER.email)!.user_id;
  const boardOf = (name: string, visibility: BoardVisibility) => {
    const made = gallery.createBoard(name, adminId);
    gallery.updateBoard(made.board_id, { board_visibility: visibility });
    return made.board_id;
  };
  const videoOf = (owner: string, boardId: string | null) =>
    gallery.videos.add({
      video_origin: 'external',
      video_category: 'user',
      width: 32,
      height: 24,
      duration: 1,
      fps: 8,
      is_intermediate: false,
      board_id: boardId,
      session_id: null,
      metadata: null,
      source: { kind: 'seed', colour_seed: 3 },
      user_id: owner,
    }).video_name;
  const shared = boardOf('Team clips', 'shared');
  const pub = boardOf('Open reel', 'public');
  world = {
    shared,
    public: pub,
    sharedVideo: videoOf(adminId, shared),
    publicVideo: videoOf(adminId, pub),
    ownVideo: videoOf(memberId, null),
  };
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-video-access-'));
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

describe('videos on other users’ boards, as a member', () => {
  it('syncs the videos of shared and public boards beside the member’s own, and keeps them on the next sync', async () => {
    expect(await inView(world.shared)).toEqual([world.sharedVideo]);
    expect(await inView(world.public)).toEqual([world.publicVideo]);
    expect(cached(world.ownVideo)).toMatchObject({ kind: 'video' });
    expect(cached(world.sharedVideo)).toMatchObject({ kind: 'video', board_id: world.shared });
    const summary = await services.session().sync.sync();
    expect(summary.deleted).toBe(0);
    expect(await inView(world.shared)).toEqual([world.sharedVideo]);
  });

  it('refuses star, delete and moves of a read-only board’s videos before anything changes or is sent', async () => {
    const sent = requests.length;
    const refusals: [string, unknown][] = [
      ['images.star', { image_names: [world.sharedVideo], starred: true }],
      ['images.delete', { image_names: [world.sharedVideo] }],
      ['images.move', { image_names: [world.ownVideo], board: world.shared }],
      ['images.move', { image_names: [world.sharedVideo], board: 'none' }],
    ];
    for (const [channel, input] of refusals) {
      await expect(call(channel, input), channel).rejects.toThrow(/^not_allowed: “Team clips” is shared with you read-only/);
    }
    expect(requests.slice(sent).filter((line) => !line.startsWith('GET'))).toEqual([]);
    expect(services.session().cache.outbox.count()).toBe(0);
    expect(cached(world.sharedVideo)).toMatchObject({ starred: false, board_id: world.shared });
    expect(cached(world.ownVideo)?.board_id).toBeNull();
  });

  it('stars a public board’s video on the server’s video route', async () => {
    await call('images.star', { image_names: [world.publicVideo], starred: true });
    await until('the server to star it', () => server.state.gallery.videos.get(world.publicVideo)?.starred);
    expect(requests.some((line) => line.startsWith('POST /api/v1/videos/star'))).toBe(true);
    expect(notices).toEqual([]);
  });

  it('tells a video the server still refuses (the board re-shared behind the app’s back) from one that is gone, and shows it again', async () => {
    const reshareBehindTheAppsBack = async () => {
      server.state.gallery.updateBoard(world.public, { board_visibility: 'public' });
      await services.session().sync.sync();
      expect((await board(world.public)).access).toBe('contribute');
      server.state.gallery.updateBoard(world.public, { board_visibility: 'shared' });
    };

    await reshareBehindTheAppsBack();
    await call('images.star', { image_names: [world.publicVideo], starred: true });
    await until('the star refusal', () => notices.find((notice) => /refused 1 video your account may not change/.test(notice.message)));
    await until('the star undone', () => cached(world.publicVideo)?.starred === false);
    expect(server.state.gallery.videos.get(world.publicVideo)?.starred).toBe(false);

    await reshareBehindTheAppsBack();
    await call('images.delete', { image_names: [world.publicVideo] });
    await until('the delete refusal', () => notices.find((notice) => /refused 1 video your account may not delete/.test(notice.message)));
    expect(await inView(world.public)).toEqual([world.publicVideo]);
    expect(server.state.gallery.videos.get(world.publicVideo)).toBeDefined();

    await reshareBehindTheAppsBack();
    await call('images.move', { image_names: [world.ownVideo], board: world.public });
    await until('the move refusal', () => notices.find((notice) => /Not authorized to modify this board/.test(notice.message)));
    await until('the move undone', () => cached(world.ownVideo)?.board_id === null);
    expect(server.state.gallery.videos.get(world.ownVideo)?.board_id).toBeNull();
    expect(services.session().cache.outbox.count()).toBe(0);
  });
});
