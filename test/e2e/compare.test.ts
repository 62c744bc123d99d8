import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { cell, expectGallery, galleryGrid, resetUi, useE2e } from './harness';
import { viewImages, viewNames } from './expected';
import type { StandIn } from '../server';

/**
 * Compare: images picked with Alt+click, "Compare with…" or a selection, shown side by side with
 * one zoom, as a swipe, swapped and stepped through the gallery, beside the table of their
 * parameters that names what differs. The metadata of the first pair is set on the stand-in
 * before the app syncs, so the differences are known.
 */

/** The two newest generated images of one size: what the tests compare. */
function pair(server: StandIn): [string, string] {
  const images = viewImages(server).filter((image) => image.image_category === 'general' && image.metadata !== null);
  const first = images[0]!;
  const second = images.find((image) => image !== first && image.width === first.width && image.height === first.height)!;
  return [first.image_name, second.image_name];
}

const e2e = useE2e({
  server: { images: 200, seed: 31, queueItems: 20 },
  prepare: (server) => {
    const [a, b] = pair(server).map((name) => server.state.gallery.getImage(name)!);
    const base = JSON.parse(a!.metadata!) as Record<string, unknown>;
    const lora = { model: { key: 'lora-1', name: 'detail-tweaker', base: 'sdxl', type: 'lora' }, weight: 0.75 };
    a!.metadata = JSON.stringify({ ...base, positive_prompt: 'a red fox in a snowy forest, oil painting', seed: 101, loras: [lora] });
    b!.metadata = JSON.stringify({
      ...base,
      width: b!.width,
      height: b!.height,
      positive_prompt: 'a red fox in a misty forest, oil painting, golden hour',
      seed: 202,
      scheduler: base.scheduler === 'euler' ? 'dpmpp_2m' : 'euler',
      loras: [{ ...lora, weight: 0.5 }],
      clip_skip: 2,
    });
  },
});

beforeEach(async () => {
  await resetUi(e2e().page);
});

const compareView = (page: Page): Locator => page.getByRole('dialog', { name: 'Compare images' });
const table = (page: Page): Locator => compareView(page).getByRole('table', { name: 'Parameter differences' });

/** The row headers of the rows marked as differing. */
function differingFields(page: Page): Promise<string[]> {
  return table(page).evaluate((element) =>
    [...element.querySelectorAll('tbody tr')]
      .filter((row) => row.getAttribute('aria-describedby') === 'compare-differs')
      .map((row) => row.querySelector('th')?.textContent?.trim() ?? ''),
  );
}

/** The text of the highlighted words of a prompt cell: what `<ins>` and `<del>` hold. */
function marked(page: Page, tag: 'ins' | 'del'): Promise<string[]> {
  return table(page).evaluate((element, name) => [...element.querySelectorAll(name)].map((node) => node.textContent?.trim() ?? ''), tag);
}

/** Which image each pane shows, in order, from the panes' accessible names. */
function panes(page: Page): Promise<string[]> {
  return compareView(page).evaluate((dialog) =>
    [...dialog.querySelectorAll('[role=group]')].map((group) => group.getAttribute('aria-label') ?? ''),
  );
}

function transforms(page: Page): Promise<string[]> {
  return compareView(page).evaluate((dialog) =>
    [...dialog.querySelectorAll('img.compare-full')].map((img) => (img as unknown as { style: { transform: string } }).style.transform),
  );
}

describe('compare', () => {
  it('compares two images picked with Alt+click, names the fields that differ and marks the words that changed', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    const [a, b] = pair(server);
    await expectGallery(page, names);

    await cell(page, a).click({ modifiers: ['Alt'] });
    const tray = page.getByRole('toolbar', { name: 'Picked for comparing' });
    await tray.getByRole('button', { name: `Take ${a} out` }).waitFor();
    expect(await tray.getByRole('button', { name: /^Compare/ }).isDisabled()).toBe(true);
    await cell(page, b).click({ modifiers: ['Alt'] });
    await tray.getByRole('button', { name: 'Compare 2' }).click();

    await compareView(page).waitFor();
    await compareView(page).getByRole('img', { name: a, exact: true }).waitFor();
    await compareView(page).getByRole('img', { name: b, exact: true }).waitFor();
    await expect.poll(() => differingFields(page)).toEqual(['Prompt', 'Seed', 'Scheduler', 'LoRAs', 'Clip skip']);
    await compareView(page).getByText('5 fields differ: Prompt, Seed, Scheduler, LoRAs, Clip skip.').waitFor();
    const rows = table(page).getByRole('row');
    await rows.filter({ hasText: 'LoRAs' }).getByText('detail-tweaker (0.5)').waitFor();
    // "snowy" left the first prompt; "misty", "golden hour" came in the second.
    expect(await marked(page, 'del')).toEqual(['snowy']);
    expect((await marked(page, 'ins')).join(' ')).toMatch(/misty.*golden hour/);
    expect(await tray.count()).toBe(0);

    await page.keyboard.press('Escape');
    await compareView(page).waitFor({ state: 'detached' });
  });

  it('zooms and pans both images together, swaps them, swipes, and steps the active image through the gallery', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    const [a, b] = pair(server);
    await expectGallery(page, names);
    await cell(page, a).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Compare with…' }).click();
    await cell(page, b).click({ button: 'right' });
    await page.getByRole('menuitem', { name: 'Compare with the picked image' }).click();
    await compareView(page).waitFor();
    expect(await panes(page)).toEqual([`Image 1: ${a}`, `Image 2: ${b}`]);

    const first = compareView(page).getByRole('group', { name: `Image 1: ${a}` });
    const fitted = await transforms(page);
    await first.hover();
    await page.mouse.wheel(0, -400);
    await expect.poll(async () => (await transforms(page))[0]).not.toBe(fitted[0]);
    const box = (await first.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 60, box.y + box.height / 2 + 30, { steps: 4 });
    await page.mouse.up();
    const [left, right] = await transforms(page);
    expect(left).toBe(right);
    expect(left).not.toBe(fitted[0]);
    await page.keyboard.press('0');
    await expect.poll(async () => (await transforms(page))[0]).toBe(fitted[0]);

    await compareView(page).getByRole('button', { name: 'Swap' }).click();
    expect(await panes(page)).toEqual([`Image 1: ${b}`, `Image 2: ${a}`]);
    await page.keyboard.press('s');
    expect(await panes(page)).toEqual([`Image 1: ${a}`, `Image 2: ${b}`]);

    await compareView(page).getByRole('radio', { name: 'Swipe' }).click();
    const slider = compareView(page).getByRole('slider', { name: 'Swipe position' });
    await slider.fill('20');
    await expect
      .poll(() =>
        compareView(page)
          .locator('.compare-swipe-top')
          .evaluate((node) => (node as unknown as { style: { clipPath: string } }).style.clipPath),
      )
      .toBe('inset(0px 0px 0px 20%)');
    await page.keyboard.press('m');
    await compareView(page)
      .getByRole('group', { name: `Image 2: ${b}` })
      .waitFor();

    // The active pane (the second) steps to the images after and before it in the gallery.
    await compareView(page)
      .getByRole('group', { name: `Image 2: ${b}` })
      .click();
    const at = names.indexOf(b);
    await page.keyboard.press('ArrowRight');
    await compareView(page)
      .getByRole('group', { name: `Image 2: ${names[at + 1]}` })
      .waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await compareView(page)
      .getByRole('group', { name: `Image 2: ${names[at - 1]}` })
      .waitFor();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowRight');
    await compareView(page)
      .getByRole('group', { name: `Image 1: ${names[names.indexOf(a) + 1]}` })
      .waitFor();
    await compareView(page).getByRole('button', { name: 'Close comparison' }).click();
    await compareView(page).waitFor({ state: 'detached' });
  });

  it('compares a selection of three in a grid with the c key, and reads the parameters offline from the cache', async () => {
    const { page, server } = e2e();
    const names = viewNames(server);
    await expectGallery(page, names);
    const chosen = viewImages(server)
      .filter((image) => image.metadata !== null)
      .slice(0, 3);
    await cell(page, chosen[0]!.image_name).click();
    await cell(page, chosen[1]!.image_name).click({ modifiers: ['Control'] });
    await cell(page, chosen[2]!.image_name).click({ modifiers: ['Control'] });
    const seeds = chosen.map((image) => String((JSON.parse(image.metadata!) as { seed: number }).seed));
    // The server is gone: what the table shows can only come from the cache.
    await server.close().catch(() => undefined);
    await galleryGrid(page).press('c');
    await compareView(page).waitFor();
    expect(await panes(page)).toEqual(chosen.map((image, at) => `Image ${at + 1}: ${image.image_name}`));
    await expect.poll(async () => (await table(page).getByRole('columnheader').allTextContents()).length).toBe(4);
    await expect.poll(() => table(page).getByRole('row', { name: /^Seed/ }).getByRole('cell').allTextContents()).toEqual(seeds);
  });
});
