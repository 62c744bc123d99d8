import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { cell, enqueueBlank, expectGallery, galleryGrid, useE2e, viewer, waitForPainted } from './harness';
import { viewImages, viewNames } from './expected';

/**
 * The README's screenshots, taken from the real UI against the stand-in and overwritten on every
 * run: the gallery, the viewer and the job history at 1280×800, and the gallery at 2560×1440.
 */
const e2e = useE2e({
  // Slow, many-step jobs: a job enqueued for the picture is still running when it is taken.
  server: { images: 300, seed: 7, queueItems: 80, progressSteps: 100, jobStepMs: 150 },
  // The seeded "running" job started at the data's fixed anchor date and finishes at start-up,
  // months later by the clock: its made-up duration has no place in the README.
  prepare: (server) => {
    const running = [...server.state.queue.store.items.values()].find((job) => job.seed?.status === 'in_progress');
    if (running) server.state.queue.deleteItem(running);
  },
});

/**
 * The README's pictures are rewritten only on request (`UPDATE_SCREENSHOTS=1 npm test`), so an
 * ordinary test run leaves the checkout clean; otherwise they go to a temporary folder and the
 * same checks run on them.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? resolve('docs/screenshots') : join(tmpdir(), 'ivk-screenshots');

/** Waits until nothing is in motion: no toast, every image in the window decoded. */
async function settled(page: Page): Promise<void> {
  await page.getByRole('region', { name: 'Notifications' }).getByRole('status').first().waitFor({ state: 'detached' });
  await page.waitForFunction(() => {
    interface Img {
      complete: boolean;
      getBoundingClientRect(): { width: number; top: number; bottom: number; left: number; right: number };
    }
    const view = globalThis as unknown as { innerWidth: number; innerHeight: number; document: { images: Iterable<Img> } };
    return [...view.document.images]
      .filter((img) => {
        const rect = img.getBoundingClientRect();
        return rect.width > 0 && rect.bottom > 0 && rect.top < view.innerHeight && rect.right > 0 && rect.left < view.innerWidth;
      })
      .every((img) => img.complete);
  });
}

async function shoot(page: Page, file: string, size: { width: number; height: number }): Promise<void> {
  const path = join(SCREENSHOTS, file);
  await page.screenshot({ path });
  const written = await sharp(path).metadata();
  expect({ width: written.width, height: written.height }, file).toEqual(size);
}

it('writes the gallery, viewer and job history screenshots', async () => {
  const { page, server } = e2e();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const small = { width: 1280, height: 800 };

  const names = viewNames(server);
  await expectGallery(page, names);
  await waitForPainted(page);
  await settled(page);
  await shoot(page, 'gallery.png', small);

  // The viewer on a generated image, its full file loaded and its details read.
  const images = viewImages(server);
  const index = images.findIndex((image) => image.image_category === 'general' && image.metadata !== null && image.width >= 448);
  await cell(page, names[index]!).dblclick();
  const full = viewer(page).getByRole('img', { name: names[index], exact: true });
  await expect.poll(() => full.evaluate((img) => img.classList.contains('is-loaded'))).toBe(true);
  await viewer(page).getByRole('complementary', { name: 'Image details' }).getByRole('region', { name: 'Prompt', exact: true }).waitFor();
  await settled(page);
  await shoot(page, 'viewer.png', small);
  await page.keyboard.press('Escape');
  await viewer(page).waitFor({ state: 'detached' });

  // Job history with a job running at the top and the newest job that made an image open beside the list.
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Job history' }).click();
  const running = await enqueueBlank(server, {
    width: 512,
    height: 512,
    metadata: { positive_prompt: 'a lighthouse on a rocky coast, watercolor', seed: 1234, steps: 30, cfg_scale: 7, scheduler: 'euler' },
  });
  const bar = page.getByRole('list', { name: 'Jobs' }).getByRole('progressbar', { name: `Progress of job ${running}` });
  await expect
    .poll(async () => Number((await bar.getAttribute('aria-valuenow', { timeout: 1000 }).catch(() => null)) ?? 0))
    .toBeGreaterThanOrEqual(20);
  const completed = [...server.state.queue.store.items.values()]
    .filter((job) => job.status === 'completed' && images.some((image) => image.session_id === job.session_id))
    .sort((a, b) => (a.created_at < b.created_at ? 1 : -1))[0]!;
  await page
    .getByRole('list', { name: 'Jobs' })
    .getByRole('button', { name: `Job ${completed.item_id}`, exact: true })
    .click();
  await page
    .getByRole('region', { name: `Job ${completed.item_id} details` })
    .getByRole('list', { name: 'Output images' })
    .waitFor();
  await settled(page);
  await shoot(page, 'job-history.png', small);

  // The gallery on a large screen, nothing selected.
  await page.getByRole('list', { name: 'Boards' }).getByRole('button', { name: 'All images', exact: true }).click();
  await galleryGrid(page).press('Escape');
  await page.getByRole('toolbar', { name: 'Selection' }).waitFor({ state: 'detached' });
  await galleryGrid(page).blur();
  const large = { width: 2560, height: 1440 };
  await page.setViewportSize(large);
  await expectGallery(page, names);
  await waitForPainted(page);
  await settled(page);
  await shoot(page, 'gallery-2560x1440.png', large);
  await page.setViewportSize(small);
});
