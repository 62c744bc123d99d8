import { describe, expect, it } from 'vitest';
import type { AppStatus, ListedImages } from '../../src/shared/ipc';
import { reshareBehindTheAppsBack, useMemberWorld } from '../contract/member-app';
import { until } from '../support/services';

/**
 * A member of a multi-user server sees other users' shared and public boards as the server lets
 * them: the board list says what they may do and why, actions the server would refuse are refused
 * before anything changes or is sent, and a refusal the server still gives (the board changed
 * behind the app's back) is said plainly, with the change undone and nothing lost.
 */
const t = useMemberWorld(
  { images: 10, seed: 31, queueItems: 2, boardNames: { shared: 'Team references', public: 'Open wall' } },
  { prefix: 'ivk-board-access-', probeIntervalMs: 100, syncIntervalMs: 60_000 },
  (member) => {
    const imageOf = (owner: string, boardId: string | null) =>
      member.server.state.gallery.addImage({
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
    return {
      shared: member.shared,
      public: member.public,
      own: member.boardOf('Max drafts', member.memberId, 'private'),
      sharedImage: imageOf(member.adminId, member.shared),
      publicImage: imageOf(member.adminId, member.public),
      ownImage: imageOf(member.memberId, null),
    };
  },
);

describe('boards of other users, as a member', () => {
  it('lists each board with what the member may do and why, and holds the images of shared and public boards', async () => {
    expect((await t.app.boards()).map((b) => b.board_name).sort()).toEqual(['Max drafts', 'Open wall', 'Team references']);
    expect(await t.app.board(t.world.own)).toMatchObject({ access: 'full', access_reason: null });
    const shared = await t.app.board(t.world.shared);
    expect(shared.access).toBe('read_only');
    expect(shared.access_reason).toMatch(/“Team references” is shared with you read-only/);
    const pub = await t.app.board(t.world.public);
    expect(pub.access).toBe('contribute');
    expect(pub.access_reason).toMatch(/only its owner or an admin can rename, archive or delete it/);
    // The member's own list holds only their images; the shared boards' come from their own lists.
    expect(await t.app.inView(t.world.shared)).toEqual([t.world.sharedImage]);
    expect(await t.app.inView(t.world.public)).toEqual([t.world.publicImage]);
    expect(shared.image_count).toBe(1);
    // A second sync keeps them (they are not taken for deleted) and finds nothing to change.
    const summary = await t.app.services.session().sync.sync();
    expect(summary.deleted).toBe(0);
    expect(await t.app.inView(t.world.shared)).toEqual([t.world.sharedImage]);
  });

  it('has a sync count the shared boards’ images apart, as the lists give no category for them', async () => {
    const listed: ListedImages[] = [];
    t.app.services.onEvent((event, payload) => {
      const counts = event === 'status.changed' ? (payload as AppStatus).sync.listed : undefined;
      if (counts) listed.push(counts);
    });
    await t.app.services.session().sync.sync();
    const counts = listed.at(-1)!;
    expect(counts.foreign).toEqual({ total: 2, starred: 0 });
    const own = Object.values(counts.categories).reduce((sum, count) => sum + count.total, 0);
    expect(own + counts.foreign.total).toBe(t.app.services.session().cache.totals().images);
  });

  it('refuses, before anything changes or is sent, what the server would refuse', async () => {
    const sent = t.member.requests.length;
    const refusals: [string, unknown][] = [
      ['images.star', { image_names: [t.world.sharedImage], starred: true }],
      ['images.delete', { image_names: [t.world.sharedImage] }],
      ['images.move', { image_names: [t.world.ownImage], board: t.world.shared }],
      ['images.move', { image_names: [t.world.sharedImage], board: 'none' }],
      ['boards.rename', { board_id: t.world.shared, name: 'Mine now' }],
      ['boards.delete', { board_id: t.world.shared, include_images: false }],
      ['boards.archive', { board_id: t.world.public, archived: true }],
      ['boards.rename', { board_id: t.world.public, name: 'Mine now' }],
    ];
    for (const [channel, input] of refusals) {
      await expect(t.app.call(channel, input), channel).rejects.toThrow(/^not_allowed: “(Team references|Open wall)”/);
    }
    expect(t.member.requests.slice(sent).filter((line) => !line.startsWith('GET'))).toEqual([]);
    expect(t.app.services.session().cache.outbox.count()).toBe(0);
    expect(t.app.cached(t.world.sharedImage)).toMatchObject({ starred: false, board_id: t.world.shared });
    expect(t.app.cached(t.world.ownImage)?.board_id).toBeNull();
    expect((await t.app.board(t.world.shared)).board_name).toBe('Team references');
    expect((await t.app.board(t.world.public)).archived).toBe(false);
    expect(t.member.server.state.gallery.getBoard(t.world.shared)?.board_name).toBe('Team references');
  });

  it('does what a public board allows: stars its images and takes the member’s own image onto it', async () => {
    await t.app.call('images.star', { image_names: [t.world.publicImage], starred: true });
    await t.app.call('images.move', { image_names: [t.world.ownImage], board: t.world.public });
    await until('the server to have both', () => {
      const { gallery } = t.member.server.state;
      return gallery.getImage(t.world.publicImage)?.starred && gallery.getImage(t.world.ownImage)?.board_id === t.world.public;
    });
    expect(t.app.notices).toEqual([]);
  });

  it('says plainly when the server still refuses (the board was re-shared behind the app’s back), undoes the change and loses nothing', async () => {
    await reshareBehindTheAppsBack(t);
    await t.app.call('images.move', { image_names: [t.world.ownImage], board: t.world.public });
    await until('the refusal', () => t.app.notices.find((notice) => /Not authorized to modify this board/.test(notice.message)));
    await until('the move undone', () => t.app.cached(t.world.ownImage)?.board_id === null);
    expect(t.member.server.state.gallery.getImage(t.world.ownImage)?.board_id).toBeNull();
    // The sync that followed taught the app the board's new visibility.
    await until('the board to be read-only', async () => (await t.app.board(t.world.public)).access === 'read_only');

    await reshareBehindTheAppsBack(t);
    await t.app.call('images.star', { image_names: [t.world.publicImage], starred: true });
    await until('the star refusal', () =>
      t.app.notices.find((notice) => /refused 1 image your account may not change/.test(notice.message)),
    );
    await until('the star undone', () => t.app.cached(t.world.publicImage)?.starred === false);
    expect(t.member.server.state.gallery.getImage(t.world.publicImage)?.starred).toBe(false);

    await reshareBehindTheAppsBack(t);
    await t.app.call('images.delete', { image_names: [t.world.publicImage] });
    await until('the delete refusal', () =>
      t.app.notices.find((notice) => /refused 1 image your account may not delete/.test(notice.message)),
    );
    expect(await t.app.inView(t.world.public)).toEqual([t.world.publicImage]);
    expect(t.member.server.state.gallery.getImage(t.world.publicImage)).toBeDefined();
    expect(t.app.services.session().cache.outbox.count()).toBe(0);
  });
});
