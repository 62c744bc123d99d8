import { tmpdir } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { cell, enqueueBlank, expectGallery, galleryCount, galleryGrid, useE2e, viewer, waitForPainted } from './harness';
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
    // Two takes of one idea for the compare picture: the second changes a few words, the seed and the scheduler.
    const [first, second] = comparedPair(server).map((name) => server.state.gallery.getImage(name)!);
    const take = JSON.parse(first!.metadata!) as Record<string, unknown>;
    const lora = {
      model: { key: 'lora-1', name: 'painterly-v2', base: take.model && (take.model as { base: string }).base, type: 'lora' },
      weight: 0.8,
    };
    first!.metadata = JSON.stringify({
      ...take,
      positive_prompt: 'a lighthouse on a rocky coast at dusk, watercolor, soft light',
      seed: 1234,
      loras: [lora],
    });
    second!.metadata = JSON.stringify({
      ...take,
      positive_prompt: 'a lighthouse on a rocky coast at night, watercolor, dramatic light, stars',
      seed: 98765,
      scheduler: take.scheduler === 'euler' ? 'dpmpp_2m' : 'euler',
      loras: [{ ...lora, weight: 0.6 }],
    });
  },
});

/**
 * The README's pictures are rewritten only on request (`UPDATE_SCREENSHOTS=1 npm test`), so an
 * ordinary test run leaves the checkout clean; otherwise they go to a temporary folder and the
 * same checks run on them.
 */
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? resolve('docs/screenshots') : join(tmpdir(), 'ivk-screenshots');

/** Two generated images of one size near the top of the gallery, for the compare picture. */
function comparedPair(server: Parameters<typeof viewImages>[0]): [string, string] {
  const images = viewImages(server).filter((image) => image.image_category === 'general' && image.metadata !== null && image.width >= 448);
  const first = images[0]!;
  const second = images.find((image) => image !== first && image.width === first.width && image.height === first.height)!;
  return [first.image_name, second.image_name];
}

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

it('writes the context menu, compare and shortcut sheet screenshots', async () => {
  const { page, server } = e2e();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const small = { width: 1280, height: 800 };
  const names = viewNames(server);
  await expectGallery(page, names);
  await waitForPainted(page);

  // The context menu of one image, its board submenu narrowed by typing.
  await cell(page, names[6]!).click({ button: 'right' });
  const menu = page.getByRole('menu', { name: `Actions for ${names[6]}`, exact: true });
  await menu.getByRole('menuitem', { name: 'Move to board' }).click();
  await page.getByRole('searchbox', { name: 'Search boards' }).fill('po');
  await page.getByRole('menu', { name: 'Boards' }).getByRole('menuitem').first().waitFor();
  await settled(page);
  await shoot(page, 'context-menu.png', small);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'detached' });

  // Two takes side by side with the parameter table: what differs is marked, prompts diffed word by word.
  const [first, second] = comparedPair(server);
  await cell(page, first).click({ modifiers: ['Alt'] });
  await cell(page, second).click({ modifiers: ['Alt'] });
  await page.getByRole('toolbar', { name: 'Picked for comparing' }).getByRole('button', { name: 'Compare 2' }).click();
  const compare = page.getByRole('dialog', { name: 'Compare images' });
  for (const name of [first, second]) {
    const full = compare.getByRole('img', { name, exact: true });
    await expect.poll(() => full.evaluate((img) => img.classList.contains('is-loaded'))).toBe(true);
  }
  await compare.getByText(/fields? differs?:/).waitFor();
  await settled(page);
  await shoot(page, 'compare.png', small);
  await page.keyboard.press('Escape');
  await compare.waitFor({ state: 'detached' });

  await galleryGrid(page).focus();
  await page.keyboard.press('?');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  await settled(page);
  await shoot(page, 'shortcuts.png', small);
  await page.keyboard.press('Escape');
});

it('writes the field search screenshot: chips, a marked term, autocomplete and the facet panel', async () => {
  const { page } = e2e();
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear());
  await page.reload();
  await waitForPainted(page);
  const box = page.getByRole('searchbox', { name: 'Search prompts and names' });
  await box.fill('steps:>=30 ratio:square colour:red');
  await expect.poll(() => galleryCount(page)).toMatch(/colour:red/);
  const models = page.getByRole('complementary', { name: 'Facets' }).getByRole('region', { name: 'Model' });
  await models.getByRole('button').first().click();
  await expect.poll(() => models.getByRole('button').count()).toBe(1);
  // LoRA names from the cache, offered while the term is still being typed.
  await box.click();
  await box.press('End');
  await box.pressSequentially(' lora:');
  await page.getByRole('listbox', { name: 'Suggestions' }).getByRole('option').first().waitFor();
  await expect.poll(() => galleryCount(page)).toMatch(/lora:”/);
  await waitForPainted(page);
  await settled(page);
  await shoot(page, 'search.png', { width: 1280, height: 800 });
});
