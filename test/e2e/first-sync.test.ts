import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { BROWSER, cell, galleryCount, galleryGrid, startE2e, statusBar, waitForSync } from './harness';
import { viewNames } from './expected';
import type { StandIn } from '../server';

/**
 * A first sync into an empty cache, held after its first batch of DTOs so the test sees it halfway
 * however busy the machine: the grid is as long as the server's gallery from the name list on, and
 * its placeholders turn into images as the rows land.
 */
const IMAGES = 4000;
/** The second `images_by_names` call (of four) answers this late: below the app's 20 s timeout. */
const HOLD_MS = 12_000;
const BATCHES = '/api/v1/images/images_by_names';
const SCREENSHOT = '/tmp/ivk-first-sync-during.png';
const BOUNDARY_SCREENSHOT = '/tmp/ivk-first-sync-boundary.png';

const pendingCells = (grid: Locator) => grid.locator('[role=gridcell][aria-label^="Loading image "]');

async function scrollToBottom(grid: Locator): Promise<void> {
  await grid.evaluate((element: { scrollTop: number; scrollHeight: number }) => {
    element.scrollTop = element.scrollHeight;
  });
}

async function scrollHeight(grid: Locator): Promise<number> {
  return grid.evaluate((element: { scrollHeight: number }) => element.scrollHeight);
}

/** The element the grid names as its focused cell. */
function activeCell(grid: Locator): Promise<Record<string, string | null>> {
  return grid.evaluate((element) => {
    const id = element.getAttribute('aria-activedescendant');
    const active = id ? element.ownerDocument.getElementById(id) : null;
    return { label: active?.getAttribute('aria-label') ?? null, name: active?.getAttribute('data-image-name') ?? null };
  });
}

describe.skipIf(!BROWSER)('during a first sync', () => {
  it('the grid has the server’s length as soon as the names are in, placeholders that cannot be selected, and images as rows land', async () => {
    let standIn: StandIn | undefined;
    let batches = 0;
    const ctx = await startE2e({
      server: {
        images: IMAGES,
        seed: 5,
        onRequest: (request) => {
          if (!request.url?.startsWith(BATCHES) || ++batches !== 2) return;
          standIn?.faults.add({ pathPrefix: BATCHES, latencyMs: HOLD_MS, times: 1 });
        },
      },
      prepare: (server) => void (standIn = server),
    });
    try {
      const { page, server } = ctx;
      const names = viewNames(server);
      const grid = galleryGrid(page);
      const columns = Number(await grid.getAttribute('aria-colcount'));
      const rows = String(Math.ceil(names.length / columns));
      const progress = statusBar(page).getByRole('progressbar', { name: 'Sync progress' });

      // The whole length while the DTOs are still on their way: the count says how many are cached so far.
      await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe(rows);
      expect(await galleryCount(page)).toMatch(new RegExp(`^[\\d,]+ of ${names.length.toLocaleString('en-US')} images$`));
      await progress.waitFor();
      // The newest images land first and show at the top.
      await cell(page, names[0]!).waitFor();

      // The bottom is placeholders that say what they wait for, and carry no image.
      await scrollToBottom(grid);
      const last = grid.getByRole('gridcell', {
        name: `Loading image ${names.length.toLocaleString('en-US')} of ${names.length.toLocaleString('en-US')}`,
      });
      await last.waitFor();
      expect(await last.getAttribute('data-image-name')).toBeNull();
      expect(await last.getAttribute('aria-busy')).toBe('true');
      const heightDuring = await scrollHeight(grid);
      await page.screenshot({ path: SCREENSHOT });

      // A placeholder is nothing to select, and the keys stay on cached images.
      await last.click();
      expect(await galleryCount(page)).not.toContain('selected');
      await grid.focus();
      await page.keyboard.press('End');
      await expect.poll(async () => (await activeCell(grid)).name).toMatch(/\S/);
      expect((await activeCell(grid)).label).not.toMatch(/^Loading image/);
      // There the cached rows end: images above, placeholders below.
      await page.screenshot({ path: BOUNDARY_SCREENSHOT });

      // As the rows land the placeholders become images, the grid never changing its length.
      await scrollToBottom(grid);
      await cell(page, names.at(-1)!).waitFor({ timeout: 30_000 });
      await waitForSync(ctx);
      expect(await grid.getAttribute('aria-rowcount')).toBe(rows);
      expect(await scrollHeight(grid)).toBe(heightDuring);
      expect(await pendingCells(grid).count()).toBe(0);
      await expect.poll(() => galleryCount(page)).toMatch(new RegExp(`^${names.length.toLocaleString('en-US')} images`));
      expect(ctx.pageErrors).toEqual([]);
    } finally {
      await ctx.close();
    }
  }, 120_000);
});
