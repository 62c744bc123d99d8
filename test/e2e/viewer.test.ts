import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { cell, expectGallery, galleryGrid, resetUi, useE2e, viewer } from './harness';
import { viewImages } from './expected';
import type { ImageRecord } from '../server/store';

/** The viewer: the full image, zoom, stepping, the metadata panel and its actions. */
const e2e = useE2e({ server: { images: 300, seed: 7, queueItems: 200 } });

beforeEach(async () => {
  await resetUi(e2e().page);
});

interface Metadata {
  positive_prompt: string;
  negative_prompt: string;
  seed: number;
  model: { name: string; base: string };
  steps: number;
  cfg_scale: number;
  scheduler: string;
}

function metadataOf(image: ImageRecord): Metadata {
  if (!image.metadata) throw new Error(`${image.image_name} has no metadata`);
  return JSON.parse(image.metadata) as Metadata;
}

const zoomLevel = (page: Page) =>
  viewer(page)
    .getByRole('toolbar', { name: 'Zoom' })
    .getByText(/^\d+%$/);

async function zoomPercent(page: Page): Promise<number> {
  return Number((await zoomLevel(page).textContent())!.replace('%', ''));
}

/** The viewer's title: the image's name and where it is in the view. */
async function viewerTitle(page: Page): Promise<string> {
  return (await viewer(page).getByRole('banner').first().textContent())!;
}

/** The metadata panel's fields (dt → dd). */
async function fields(panel: Locator): Promise<Record<string, string>> {
  return panel.evaluate((element) => {
    const out: Record<string, string> = {};
    for (const term of element.querySelectorAll('dt')) out[term.textContent ?? ''] = term.nextElementSibling?.textContent ?? '';
    return out;
  });
}

/** Opens the viewer on an image of the default view by double-clicking its thumbnail. */
async function openViewer(page: Page, names: readonly string[], index: number): Promise<void> {
  await expectGallery(page, names);
  await cell(page, names[index]!).dblclick();
  await viewer(page).waitFor();
  await expect.poll(() => viewerTitle(page)).toContain(names[index]);
}

describe('the viewer', () => {
  it('loads the full image, zooms, and steps to the previous and next images', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const names = images.map((image) => image.image_name);
    await openViewer(page, names, 0);
    expect(await viewerTitle(page)).toBe(`${names[0]}1 of ${names.length}`);

    // The full image (not its thumbnail) has loaded, at the server's size.
    const full = viewer(page).getByRole('img', { name: names[0], exact: true });
    await expect
      .poll(() => full.evaluate((img) => (img.complete ? { width: Number(img.naturalWidth), height: Number(img.naturalHeight) } : null)))
      .toEqual({ width: images[0]!.width, height: images[0]!.height });
    await expect.poll(() => full.evaluate((img) => img.classList.contains('is-loaded'))).toBe(true);

    const fit = viewer(page).getByRole('button', { name: 'Fit to window' });
    expect(await fit.getAttribute('aria-pressed')).toBe('true');
    const fitted = await zoomPercent(page);
    await viewer(page).getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => zoomPercent(page)).toBe(Math.round(fitted * 1.25));
    expect(await fit.getAttribute('aria-pressed')).toBe('false');
    await viewer(page).getByRole('button', { name: 'Zoom out' }).click();
    await viewer(page).getByRole('button', { name: 'Zoom out' }).click();
    await expect.poll(() => zoomPercent(page)).toBe(Math.round(fitted / 1.25));
    await viewer(page).getByRole('button', { name: 'Actual size' }).click();
    await expect.poll(() => zoomPercent(page)).toBe(100);
    await page.keyboard.press('+');
    await expect.poll(() => zoomPercent(page)).toBe(125);
    await fit.click();
    await expect.poll(() => zoomPercent(page)).toBe(fitted);
    expect(await fit.getAttribute('aria-pressed')).toBe('true');

    const previous = viewer(page).getByRole('button', { name: 'Previous image' });
    expect(await previous.isDisabled()).toBe(true);
    await viewer(page).getByRole('button', { name: 'Next image' }).click();
    await expect.poll(() => viewerTitle(page)).toBe(`${names[1]}2 of ${names.length}`);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => viewerTitle(page)).toBe(`${names[2]}3 of ${names.length}`);
    await previous.click();
    await expect.poll(() => viewerTitle(page)).toBe(`${names[1]}2 of ${names.length}`);
    await viewer(page).getByRole('img', { name: names[1], exact: true }).waitFor();

    await viewer(page).getByRole('button', { name: 'Close viewer' }).click();
    await viewer(page).waitFor({ state: 'detached' });
    // The grid kept up: the image the viewer ended on is the focused one.
    await expect.poll(async () => galleryGrid(page).getAttribute('aria-activedescendant')).toBe('gallery-cell-1');
  });

  it('shows the prompt, seed, model, steps, CFG scale and scheduler the server has for the image', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const index = images.findIndex((image, at) => at > 3 && image.metadata !== null && metadataOf(image).negative_prompt !== '');
    const image = images[index]!;
    const metadata = metadataOf(image);
    await openViewer(
      page,
      images.map((candidate) => candidate.image_name),
      index,
    );

    const panel = viewer(page).getByRole('complementary', { name: 'Image details' });
    await panel.getByRole('region', { name: 'Prompt', exact: true }).getByText(metadata.positive_prompt, { exact: true }).waitFor();
    await panel.getByRole('region', { name: 'Negative prompt' }).getByText(metadata.negative_prompt, { exact: true }).waitFor();
    const board = image.board_id ? server.state.gallery.getBoard(image.board_id)!.board_name : 'Uncategorized';
    expect(await fields(panel)).toMatchObject({
      Seed: String(metadata.seed),
      Model: `${metadata.model.name} (${metadata.model.base})`,
      Steps: String(metadata.steps),
      'CFG scale': String(metadata.cfg_scale),
      Scheduler: metadata.scheduler,
      Size: `${image.width} × ${image.height}`,
      Category: image.image_category,
      Board: board,
      Name: image.image_name,
    });

    // "i" hides and shows the panel.
    await page.keyboard.press('i');
    await panel.waitFor({ state: 'detached' });
    await viewer(page).getByRole('button', { name: 'Image details', pressed: false }).click();
    await panel.waitFor();
  });

  it('copies the prompt to the clipboard', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const index = images.findIndex((image) => image.metadata !== null);
    const prompt = metadataOf(images[index]!).positive_prompt;
    await openViewer(
      page,
      images.map((image) => image.image_name),
      index,
    );
    await viewer(page).getByRole('button', { name: 'Copy prompt' }).click();
    await page.getByRole('status').filter({ hasText: 'Prompt copied to the clipboard.' }).waitFor();
    const clipboard = await page.evaluate(() =>
      (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText(),
    );
    expect(clipboard).toBe(prompt);
  });

  it('stars and unstars the image, with the button and the “.” key', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const index = images.findIndex((image) => !image.starred);
    const name = images[index]!.image_name;
    await openViewer(
      page,
      images.map((image) => image.image_name),
      index,
    );

    await viewer(page).getByRole('button', { name: 'Star', exact: true }).click();
    await viewer(page).getByRole('button', { name: 'Unstar', pressed: true }).waitFor();
    await expect.poll(() => server.state.gallery.getImage(name)?.starred).toBe(true);

    await page.keyboard.press('.');
    await viewer(page).getByRole('button', { name: 'Star', exact: true, pressed: false }).waitFor();
    await expect.poll(() => server.state.gallery.getImage(name)?.starred).toBe(false);

    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
    await cell(page, name)
      .getByRole('button', { name: `Star ${name}`, pressed: false })
      .waitFor();
  });

  it('opens the job that made the image, with the image among its outputs', async () => {
    const { page, server } = e2e();
    const images = viewImages(server);
    const jobs = [...server.state.queue.store.items.values()];
    const index = images.findIndex((image) => jobs.some((job) => job.status === 'completed' && job.session_id === image.session_id));
    expect(index).toBeGreaterThanOrEqual(0);
    const image = images[index]!;
    const job = jobs.find((candidate) => candidate.session_id === image.session_id)!;
    await openViewer(
      page,
      images.map((candidate) => candidate.image_name),
      index,
    );

    await viewer(page).getByRole('button', { name: 'Open the job that made it' }).click();
    await viewer(page).waitFor({ state: 'detached' });
    await page.getByRole('main', { name: 'Job history' }).waitFor();
    const detail = page.getByRole('region', { name: `Job ${job.item_id} details` });
    // The detail's header: its title and status badge.
    await expect
      .poll(() =>
        detail
          .getByRole('heading', { name: `Job #${job.item_id}` })
          .locator('..')
          .textContent(),
      )
      .toBe(`Job #${job.item_id}Completed`);
    await detail
      .getByRole('list', { name: 'Output images' })
      .getByRole('button', { name: `Open ${image.image_name}` })
      .waitFor();
    // Its row in the list is the current one.
    expect(
      await page
        .getByRole('list', { name: 'Jobs' })
        .getByRole('button', { name: `Job ${job.item_id}`, exact: true })
        .getAttribute('aria-current'),
    ).toBe('true');

    // The output opens in the viewer again, from the job.
    await detail.getByRole('button', { name: `Open ${image.image_name}` }).click();
    await viewer(page).waitFor();
    await expect.poll(() => viewerTitle(page)).toBe(`${image.image_name}1 of 1`);
    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
  });
});
