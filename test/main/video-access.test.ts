import { describe, expect, it } from 'vitest';
import { reshareBehindTheAppsBack, useMemberWorld } from '../contract/member-app';
import { until } from '../support/services';

/**
 * Videos obey a multi-user server's per-user rules as images do (6.14.2's `_assert_video_owner`,
 * `_assert_video_direct_owner`, `_assert_board_write_access`): a member's sync holds the videos of
 * other users' shared and public boards, what a read-only board forbids is refused before anything
 * is sent, and a refusal the server still gives is told apart from a video that is gone.
 */
const t = useMemberWorld(
  { images: 4, seed: 41, queueItems: 0, boardNames: { shared: 'Team clips', public: 'Open reel' } },
  { prefix: 'ivk-video-access-', probeIntervalMs: 100, syncIntervalMs: 60_000 },
  (member) => {
    const videoOf = (owner: string, boardId: string | null) =>
      member.server.state.gallery.videos.addClip({
        width: 32,
        height: 24,
        duration: 1,
        fps: 8,
        colour_seed: 3,
        board_id: boardId,
        user_id: owner,
      }).video_name;
    return {
      shared: member.shared,
      public: member.public,
      sharedVideo: videoOf(member.adminId, member.shared),
      publicVideo: videoOf(member.adminId, member.public),
      ownVideo: videoOf(member.memberId, null),
    };
  },
);

describe('videos on other users’ boards, as a member', () => {
  it('syncs the videos of shared and public boards beside the member’s own, and keeps them on the next sync', async () => {
    expect(await t.app.inView(t.world.shared)).toEqual([t.world.sharedVideo]);
    expect(await t.app.inView(t.world.public)).toEqual([t.world.publicVideo]);
    expect(t.app.cached(t.world.ownVideo)).toMatchObject({ kind: 'video' });
    expect(t.app.cached(t.world.sharedVideo)).toMatchObject({ kind: 'video', board_id: t.world.shared });
    const summary = await t.app.services.session().sync.sync();
    expect(summary.deleted).toBe(0);
    expect(await t.app.inView(t.world.shared)).toEqual([t.world.sharedVideo]);
  });

  it('refuses star, delete and moves of a read-only board’s videos before anything changes or is sent', async () => {
    const sent = t.member.requests.length;
    const refusals: [string, unknown][] = [
      ['images.star', { image_names: [t.world.sharedVideo], starred: true }],
      ['images.delete', { image_names: [t.world.sharedVideo] }],
      ['images.move', { image_names: [t.world.ownVideo], board: t.world.shared }],
      ['images.move', { image_names: [t.world.sharedVideo], board: 'none' }],
    ];
    for (const [channel, input] of refusals) {
      await expect(t.app.call(channel, input), channel).rejects.toThrow(/^not_allowed: “Team clips” is shared with you read-only/);
    }
    expect(t.member.requests.slice(sent).filter((line) => !line.startsWith('GET'))).toEqual([]);
    expect(t.app.services.session().cache.outbox.count()).toBe(0);
    expect(t.app.cached(t.world.sharedVideo)).toMatchObject({ starred: false, board_id: t.world.shared });
    expect(t.app.cached(t.world.ownVideo)?.board_id).toBeNull();
  });

  it('stars a public board’s video on the server’s video route', async () => {
    await t.app.call('images.star', { image_names: [t.world.publicVideo], starred: true });
    await until('the server to star it', () => t.member.server.state.gallery.videos.get(t.world.publicVideo)?.starred);
    expect(t.member.requests.some((line) => line.startsWith('POST /api/v1/videos/star'))).toBe(true);
    expect(t.app.notices).toEqual([]);
  });

  it('tells a video the server still refuses (the board re-shared behind the app’s back) from one that is gone, and shows it again', async () => {
    await reshareBehindTheAppsBack(t);
    await t.app.call('images.star', { image_names: [t.world.publicVideo], starred: true });
    await until('the star refusal', () =>
      t.app.notices.find((notice) => /refused 1 video your account may not change/.test(notice.message)),
    );
    await until('the star undone', () => t.app.cached(t.world.publicVideo)?.starred === false);
    expect(t.member.server.state.gallery.videos.get(t.world.publicVideo)?.starred).toBe(false);

    await reshareBehindTheAppsBack(t);
    await t.app.call('images.delete', { image_names: [t.world.publicVideo] });
    await until('the delete refusal', () =>
      t.app.notices.find((notice) => /refused 1 video your account may not delete/.test(notice.message)),
    );
    expect(await t.app.inView(t.world.public)).toEqual([t.world.publicVideo]);
    expect(t.member.server.state.gallery.videos.get(t.world.publicVideo)).toBeDefined();

    await reshareBehindTheAppsBack(t);
    await t.app.call('images.move', { image_names: [t.world.ownVideo], board: t.world.public });
    await until('the move refusal', () => t.app.notices.find((notice) => /Not authorized to modify this board/.test(notice.message)));
    await until('the move undone', () => t.app.cached(t.world.ownVideo)?.board_id === null);
    expect(t.member.server.state.gallery.videos.get(t.world.ownVideo)?.board_id).toBeNull();
    expect(t.app.services.session().cache.outbox.count()).toBe(0);
  });
});
