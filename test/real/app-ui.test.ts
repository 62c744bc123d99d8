import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type Host } from '../host/host';
import { Api, graphBlank } from '../contract/harness';
import { BROWSER_ARGS, findBrowser, NO_BROWSER_FIX } from '../support/browser';
import { REAL_URL, appTag, onRealServer, serverGallery, uploadBehind, type Gallery } from './app-support';

/**
 * A smoke test of the real UI against the real server: the built renderer (`npm run build`)
 * served by the test host, whose services talk to the real InvokeAI 6.14.2, in the machine's
 * Chromium. The gallery paints real thumbnails, a board opens, the Assets filter narrows it,
 * and the job history lists the server's jobs.
 */
const BROWSER = findBrowser();
const RENDERER = join(new URL('../..', import.meta.url).pathname, 'out/renderer');

let api: Api;
let dataDir: string;
let host: Host | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
const tag = appTag();
let boardName: string;
let mine: { general: string[]; asset: string; output: string };
let server: Gallery;

/** Waits until the grid has painted every thumbnail in view for a query of `total` images. */
async function painted(total: number): Promise<void> {
  const html = page.locator('html');
  await expect
    .poll(async () => ((await html.getAttribute('data-gallery-painted')) === null ? null : await html.getAttribute('data-gallery-total')), {
      timeout: 30_000,
    })
    .toBe(String(total));
}

/** The image names of the cells in view, in grid order, and how many of their thumbnails decoded. */
async function cells(): Promise<{ names: string[]; decoded: number; images: number }> {
  // Runs in the page (this file is type-checked without the DOM library).
  return page.locator('[role=gridcell]').evaluateAll((all) => {
    const imgs = all.flatMap((cell) => [...cell.querySelectorAll('img')]);
    return {
      names: all.map((cell) => cell.getAttribute('aria-label') ?? ''),
      images: imgs.length,
      decoded: imgs.filter((img) => img.complete && img.naturalWidth > 0).length,
    };
  });
}

beforeAll(async () => {
  if (!onRealServer) return;
  if (!existsSync(join(RENDERER, 'index.html')))
    throw new Error(`No built renderer in ${RENDERER}: run \`npm run build\` before \`npm run test:real\`.`);
  if (!BROWSER) throw new Error(`Cannot run the UI against the real server: ${NO_BROWSER_FIX}.`);
  api = new Api(REAL_URL);
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-real-ui-'));

  // A board of our own: two generated-looking uploads, one asset, and a real job's output.
  boardName = `${tag} UI board`;
  const board = await api.createBoard(boardName);
  const general = [
    await uploadBehind(api, { prompt: `${tag} ui one`, boardId: board.board_id }),
    await uploadBehind(api, { prompt: `${tag} ui two`, boardId: board.board_id }),
  ];
  const asset = await uploadBehind(api, { prompt: `${tag} ui asset`, boardId: board.board_id, category: 'user' });
  const job = (await api.enqueue(graphBlank({ boardId: board.board_id, width: 64, height: 64 }))).json.item_ids[0] as number;
  await api.waitForStatus(job, ['completed']);
  const output = (await api.get('/api/v1/images/names', { board_id: board.board_id, categories: 'general' })).json.image_names.find(
    (name: string) => !general.includes(name),
  ) as string;
  api.trackImage(output);
  mine = { general, asset, output };
  server = await serverGallery(api);

  host = await startHost({ serverUrl: REAL_URL, dataDir, rendererDir: RENDERER });
  browser = await chromium.launch({
    executablePath: BROWSER.path,
    args: BROWSER_ARGS,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(host.url);
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await api?.cleanup();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!onRealServer)('the UI through the test host against the real InvokeAI 6.14.2', () => {
  it('paints the gallery with real thumbnails, opens a board, filters Assets, and lists the jobs', async () => {
    // All images: the server's count, and every thumbnail in view decoded from the real server's WebP.
    await painted(server.images.length);
    await expect.poll(() => page.locator('#gallery-count').textContent()).toBe(`${server.images.length} images`);
    const gallery = await cells();
    expect(gallery.images).toBeGreaterThan(0);
    expect(gallery.decoded).toBe(gallery.images);
    // Newest first: our job's output, then our uploads, lead the grid.
    expect(gallery.names.slice(0, 4)).toEqual([mine.output, mine.asset, mine.general[1], mine.general[0]]);

    // The sidebar shows the board with the server's counts; opening it shows its four images.
    const boards = page.getByRole('list', { name: 'Boards' });
    const entry = boards.getByRole('button', { name: boardName, exact: true });
    await expect
      .poll(() => entry.getAttribute('aria-describedby').then((id) => page.locator(`[id="${id}"]`).textContent()))
      .toBe('3 images, 1 asset');
    await entry.click();
    await painted(4);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(boardName);
    const board = await cells();
    expect(board.names).toEqual([mine.output, mine.asset, mine.general[1], mine.general[0]]);
    expect(board.decoded).toBe(4);

    // Assets: only the upload made as an asset.
    await page.getByRole('radiogroup', { name: 'Category' }).getByRole('radio', { name: 'Assets' }).click();
    await painted(1);
    expect((await cells()).names).toEqual([mine.asset]);
    // And across every board, the server's asset count.
    await boards.getByRole('button', { name: 'All images', exact: true }).click();
    await painted(server.all.asset_count);
    await page.getByRole('radiogroup', { name: 'Category' }).getByRole('radio', { name: 'All' }).click();
    await painted(server.images.length);

    // Job history: every job the server has, newest first, statuses mapped.
    await page.getByRole('button', { name: 'Job history' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Job history');
    await expect.poll(() => page.locator('.jobs-toolbar .gallery-count').textContent()).toBe(`${server.jobs.length} jobs`);
    const rows = page.getByRole('list', { name: 'Jobs' }).getByRole('listitem');
    const newest = [...server.jobs].sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0) || b.item_id - a.item_id).slice(0, 50);
    await expect.poll(() => rows.count()).toBe(newest.length);
    const shown = await rows.evaluateAll((items) =>
      items.map((item) => ({ id: item.querySelector('.job-id')?.textContent, status: item.querySelector('.status')?.textContent })),
    );
    const label = { completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled', pending: 'Pending', running: 'Running' } as const;
    expect(shown).toEqual(newest.map((job) => ({ id: `#${job.item_id}`, status: label[job.status] })));

    expect(pageErrors).toEqual([]);
  });
});
