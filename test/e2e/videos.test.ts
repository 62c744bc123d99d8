import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { galleryCount, galleryGrid, resetUi, serverApi, sidebarBoards, useE2e, viewer } from './harness';

/**
 * Videos in the UI (InvokeAI 6.14): the grid cell's play badge and length, the viewer playing the
 * MP4 through the media route (ranges and all) with its details, and star and move on a video.
 * `UPDATE_SCREENSHOTS=1` writes the README's picture of it.
 */
const e2e = useE2e({ server: { images: 24, videos: 3, seed: 5, queueItems: 0 } });

const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? resolve('docs/screenshots') : join(tmpdir(), 'ivk-screenshots');

beforeEach(async () => {
  await resetUi(e2e().page);
});

/** The server's newest video, which the default view (newest first) shows near the top. */
function newestVideo() {
  const videos = [...e2e().server.state.gallery.videos.all()].filter((video) => !video.is_intermediate);
  return videos.sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0]!;
}

const clock = (seconds: number) => `${Math.floor(Math.round(seconds) / 60)}:${String(Math.round(seconds) % 60).padStart(2, '0')}`;

function videoCell(page: Page, name: string): Locator {
  return galleryGrid(page).locator(`[data-image-name="${name}"]`);
}

/** What the page's <video> is doing, read in the page. */
async function playback(video: Locator) {
  return video.evaluate((element) => {
    const media = element as unknown as { currentTime: number; readyState: number; paused: boolean; error: { code: number } | null };
    return { currentTime: media.currentTime, readyState: media.readyState, paused: media.paused, error: media.error?.code ?? null };
  });
}

describe('videos in the gallery', () => {
  it('shows a video’s thumbnail with a play badge and its length, labelled for screen readers', async () => {
    const { page } = e2e();
    const video = newestVideo();
    const cell = videoCell(page, video.video_name);
    await cell.scrollIntoViewIfNeeded();
    await expect.poll(() => cell.getAttribute('aria-label')).toBe(`${video.video_name}, video, ${clock(video.duration)}`);
    await expect.poll(() => cell.locator('.cell-video').textContent()).toBe(clock(video.duration));
    // The thumbnail is the server's WebP of the first frame, through the media route.
    await expect
      .poll(() => cell.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    // The sidebar counts videos apart, as the server does.
    const all = sidebarBoards(page).getByRole('listitem').filter({ hasText: 'All images' });
    await expect.poll(() => all.textContent()).toMatch(/, 3 videos$/);
    // A view holding videos counts items, not images (views without videos: gallery.test.ts).
    await expect.poll(() => galleryCount(page)).toMatch(/^\d+ items$/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'video-grid.png') });
  });

  it('plays the video in the viewer, keyboard reachable, with its duration, frame rate and board', async () => {
    const { page } = e2e();
    const video = newestVideo();
    await videoCell(page, video.video_name).dblclick();
    const dialog = viewer(page);
    const player = dialog.getByLabel(`Video ${video.video_name}`);
    await player.waitFor();

    // Tab reaches the player; Space (a real key press, so a user gesture) starts it.
    await player.focus();
    await expect.poll(() => player.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Space');
    await expect.poll(async () => (await playback(player)).readyState).toBeGreaterThanOrEqual(2);
    const started = await playback(player);
    expect(started.error).toBeNull();
    await expect.poll(async () => (await playback(player)).currentTime, { timeout: 10_000 }).toBeGreaterThan(0.2);
    // Space stayed with the player: the viewer did not step to another item.
    await expect.poll(() => dialog.getByRole('banner').first().textContent()).toContain(video.video_name);

    const panel = dialog.getByRole('complementary', { name: 'Image details' });
    await expect.poll(() => panel.getByText(clock(video.duration), { exact: true }).count()).toBe(1);
    await panel.getByText(`${video.fps} fps`, { exact: true }).waitFor();
    await panel.getByText(`${video.width} × ${video.height}`, { exact: true }).waitFor();

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'video.png') });
  });

  it('stars a video from the viewer and moves it to a board from its context menu, on the server’s video routes', async () => {
    const { page, server } = e2e();
    const video = newestVideo();
    const wasStarred = video.starred;
    await videoCell(page, video.video_name).dblclick();
    const dialog = viewer(page);
    await dialog.getByLabel(`Video ${video.video_name}`).waitFor();
    await dialog.getByRole('button', { name: wasStarred ? 'Unstar' : 'Star', exact: true }).click();
    await expect.poll(() => server.state.gallery.videos.get(video.video_name)!.starred).toBe(!wasStarred);

    // Copy image and compare make no sense for a video: disabled, with the reason.
    await dialog.locator('.viewer-canvas').click({ button: 'right', position: { x: 20, y: 20 } });
    const menu = page.getByRole('menu', { name: `Actions for ${video.video_name}`, exact: true });
    const copy = menu.getByRole('menuitem', { name: 'Copy image', exact: true });
    await expect.poll(() => copy.isDisabled()).toBe(true);
    expect(await copy.getAttribute('title')).toMatch(/video cannot go on the clipboard/);
    const compare = menu.getByRole('menuitem', { name: 'Compare with…', exact: true });
    expect(await compare.isDisabled()).toBe(true);
    expect(await compare.getAttribute('title')).toMatch(/Videos cannot be compared/);

    const target = server.state.gallery
      .listBoards({ includeArchived: false, orderBy: 'created_at', direction: 'DESC', caseInsensitive: false })
      .find((board) => board.board_id !== video.board_id && !board.archived)!;
    await menu.getByRole('menuitem', { name: 'Move to board', exact: true }).click();
    await page.getByRole('menu', { name: 'Boards' }).getByRole('menuitem', { name: target.board_name, exact: true }).click();
    await expect.poll(() => server.state.gallery.videos.get(video.video_name)!.board_id).toBe(target.board_id);
  });

  it('shows a video a job made as soon as the job’s node reports it, with its play badge and length', async () => {
    const { page, server } = e2e();
    const clip = (seconds: number) =>
      server.state.gallery.videos.addClip({ width: 96, height: 64, duration: seconds, fps: 8, colour_seed: seconds }).video_name;
    const videos = [clip(2), clip(3)].map((video_name) => ({ video_name }));
    await serverApi(server, 'POST', '/api/v1/queue/default/enqueue_batch', {
      prepend: false,
      batch: {
        runs: 1,
        graph: { id: 'e2e-concat', nodes: { concat: { id: 'concat', type: 'video_concat', videos, use_cache: false } }, edges: [] },
      },
    });
    const fromJob = () => [...server.state.gallery.videos.all()].find((video) => video.video_origin === 'internal' && video.duration === 5);
    await expect.poll(fromJob).toBeTruthy();
    const made = fromJob()!;
    const cell = videoCell(page, made.video_name);
    await expect.poll(() => cell.getAttribute('aria-label')).toBe(`${made.video_name}, video, 0:05`);
    await expect.poll(() => cell.locator('.cell-video').textContent()).toBe('0:05');
    await page.screenshot({ path: join(SCREENSHOTS, 'video-from-job.png') });
  });
});
