import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, onTestFailed, vi } from 'vitest';
import { startStandIn, type StandIn, type StandInOptions } from '../server';
import { startHost, type Host } from '../host/host';
import type { TokenStore } from '../../src/main/settings/settings';
import { BROWSER_ARGS, findBrowser, NO_BROWSER_FIX } from '../support/browser';

/**
 * End-to-end fixtures in the shape Insomnia's Playwright suite uses: a `server` (the InvokeAI
 * stand-in), a fresh `dataDir` per suite, the `host` (the real services behind the built UI) and
 * a `page` in the machine's Chromium (test/support/browser.ts finds it). Tests wait on what the app
 * reports (roles, names, data flags), never on sleeps, and fail when the page logs an uncaught error.
 * Where the machine has no browser, every UI test is reported skipped, with the fix, never passed.
 */
export const BROWSER = findBrowser();

/** How long a test waits for the UI to show something (bounded: a broken app fails, not hangs). */
export const UI_TIMEOUT = 15_000;

export interface E2eContext {
  server: StandIn;
  host: Host;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Uncaught errors the page raised; a test ends by expecting none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface E2eOptions {
  server?: StandInOptions;
  viewport?: { width: number; height: number };
  /** Runs on the stand-in before the app first connects to it (setup behind the app's back). */
  prepare?: (server: StandIn) => void | Promise<void>;
  /** The app's token store, made once the stand-in runs (a multi-user stand-in needs a token to sync). */
  tokens?: (server: StandIn) => TokenStore;
}

export async function launchBrowser(): Promise<Browser> {
  if (!BROWSER) throw new Error(`Cannot run the UI: ${NO_BROWSER_FIX}.`);
  return chromium.launch({ executablePath: BROWSER.path, args: BROWSER_ARGS });
}

export async function startE2e(options: E2eOptions = {}): Promise<E2eContext> {
  const server = await startStandIn({ images: 300, seed: 7, jobStepMs: 150, ...options.server });
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-e2e-'));
  let host: Host | undefined;
  let browser: Browser | undefined;
  try {
    await options.prepare?.(server);
    host = await startHost({ serverUrl: server.url, dataDir, ...(options.tokens ? { tokens: options.tokens(server) } : {}) });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    // "Copy prompt" writes to the clipboard; the test reads it back.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT);
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(host.url);
    const started = { host, browser };
    return {
      server,
      host,
      browser,
      page,
      dataDir,
      pageErrors,
      async close() {
        await started.browser.close();
        await started.host.close();
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser?.close();
    await host?.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * One stand-in, host and page for a whole test file: started before the first test, waited on
 * until the first sync (prompts included) is in, closed after the last. Every test ends by
 * expecting no uncaught page error; a failing test leaves a screenshot in the temp folder.
 */
export function useE2e(options: E2eOptions = {}): () => E2eContext {
  // expect.poll waits as long as a locator does (its default of 1 s is too short for a UI).
  vi.setConfig({ expect: { requireAssertions: false, poll: { timeout: UI_TIMEOUT, interval: 50 } } });
  let ctx: E2eContext | undefined;
  if (!BROWSER) {
    beforeEach((test) => test.skip(`UI test skipped: ${NO_BROWSER_FIX}`));
    return () => {
      throw new Error('The end-to-end context is not started: no browser');
    };
  }
  beforeAll(async () => {
    ctx = await startE2e(options);
    await waitForSync(ctx);
  }, 90_000);
  afterAll(async () => {
    await ctx?.close();
  }, 30_000);
  afterEach((test) => {
    if (!ctx) return;
    const errors = ctx.pageErrors.splice(0);
    expect(errors, `uncaught errors in the page during "${test.task.name}"`).toEqual([]);
  });
  return () => {
    if (!ctx) throw new Error('The end-to-end context is not started');
    const current = ctx;
    onTestFailed(async (test) => {
      const dir = join(tmpdir(), 'ivk-e2e-failures');
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${test.task.name.replace(/[^\w-]+/g, '_').slice(0, 80)}.png`);
      await current.page.screenshot({ path }).catch(() => undefined);
      console.error(`Screenshot of the failed test: ${path}`);
    });
    return current;
  };
}

// ------------------------------------------------------------------------------------------------
// Waiting on the app

/**
 * Waits until the app is online, the status bar says when it last synced, no sync is running and
 * every prompt has been read (search works on prompts only once they are in the cache).
 */
export async function waitForSync(ctx: E2eContext): Promise<void> {
  const status = statusBar(ctx.page);
  await status.getByText('Online', { exact: true }).waitFor({ timeout: 30_000 });
  await status.getByText(/^Synced /).waitFor({ timeout: 30_000 });
  await ctx.host.services.session().sync.metadataIdle();
  await status.getByRole('progressbar', { name: 'Sync progress' }).waitFor({ state: 'detached', timeout: 30_000 });
}

/** Clears the stored preferences and reloads: the default view (All images, no filter). */
export async function resetUi(page: Page): Promise<void> {
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await galleryGrid(page).waitFor();
  await waitForPainted(page);
}

/** Waits for the app's own flag: every thumbnail in view has loaded (see src/renderer/README.md). */
export async function waitForPainted(page: Page): Promise<void> {
  await page.locator('html[data-gallery-painted]').waitFor({ state: 'attached' });
}

/*
 * Page-side code runs in Chromium, but this project type-checks tests without the DOM library:
 * page functions reach the DOM through the element they are given (typed loosely by Playwright)
 * or through `globalThis` cast to the little they use. (String expressions would be evaluated
 * in the page, which the app's CSP rightly forbids.)
 */

// ------------------------------------------------------------------------------------------------
// Finding things

export function statusBar(page: Page): Locator {
  return page.getByRole('contentinfo', { name: 'Status' });
}

export function galleryGrid(page: Page): Locator {
  return page.getByRole('grid', { name: 'Gallery' });
}

export function sidebarBoards(page: Page): Locator {
  return page.getByRole('list', { name: 'Boards' });
}

/** The sidebar entry's select button of a board (or "All images", "Uncategorized"). */
export function boardButton(page: Page, name: string): Locator {
  return sidebarBoards(page).getByRole('button', { name, exact: true });
}

export function cell(page: Page, imageName: string): Locator {
  return galleryGrid(page).getByRole('gridcell', { name: imageName, exact: true });
}

export function viewer(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Image viewer' });
}

/** An element's accessible description (aria-describedby), as a screen reader reads it. */
export async function description(locator: Locator): Promise<string> {
  return locator.evaluate((element) =>
    String(element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .map((id) => String(element.ownerDocument.getElementById(id)?.textContent ?? ''))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Whether the element is what a user sees and clicks at its centre: shown, and covered by nothing. */
export async function isOnTop(locator: Locator): Promise<boolean> {
  if (!(await locator.isVisible())) return false;
  return locator.evaluate((element) => {
    const box = element.getBoundingClientRect();
    const top = element.ownerDocument.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
    return top !== null && element.contains(top);
  });
}

/** What the gallery says it shows: "286 images", "12 images match “fox”", "… · 3 selected". */
export function galleryCount(page: Page): Promise<string> {
  return description(galleryGrid(page));
}

/** A board's counts in the sidebar: "22 images, 3 assets". */
export function boardCounts(page: Page, name: string): Promise<string> {
  return description(boardButton(page, name));
}

/**
 * The images the grid has rendered, in order, once every cell in view has its image (no
 * placeholders): the first rows of the query, as names.
 */
export async function shownNames(page: Page): Promise<string[] | null> {
  return galleryGrid(page).evaluate((grid) => {
    const cells: { getAttribute(name: string): string | null }[] = [...grid.querySelectorAll('[role=gridcell]')];
    if (cells.some((cell) => cell.getAttribute('aria-busy') === 'true')) return null;
    return cells.map((cell) => cell.getAttribute('aria-label') ?? '');
  });
}

/**
 * Waits until the grid has painted the query whose images are `expected` (in order): the count,
 * the painted total and the first rendered images all agree. Checks as many leading images as
 * the grid renders (at least one row).
 */
export async function expectGallery(page: Page, expected: readonly string[], leading = 10): Promise<void> {
  const count = Math.min(expected.length, leading);
  await expect
    .poll(
      async () => {
        const painted = await page.locator('html').getAttribute('data-gallery-total');
        const shown = (await shownNames(page)) ?? [];
        return { total: painted === null ? null : Number(painted), first: shown.slice(0, count) };
      },
      { timeout: UI_TIMEOUT, interval: 100 },
    )
    .toEqual({ total: expected.length, first: expected.slice(0, count) });
}

// ------------------------------------------------------------------------------------------------
// Acting

/**
 * Drops real files onto an element the way a file manager does: dragenter, dragover, drop, each
 * carrying a DataTransfer of File objects built in the page from the bytes. Answers whether the
 * target accepted the drag (cancelled dragover), as a browser requires before it delivers a drop.
 */
export async function dropFiles(target: Locator, files: readonly { name: string; type: string; bytes: Uint8Array }[]): Promise<boolean> {
  const payload = files.map((file) => ({ name: file.name, type: file.type, data: Buffer.from(file.bytes).toString('base64') }));
  return target.evaluate((element, items) => {
    const page = element.ownerDocument.defaultView!;
    const transfer = new page.DataTransfer();
    for (const item of items) {
      const binary = atob(item.data);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
      transfer.items.add(new page.File([bytes], item.name, { type: item.type }));
    }
    const rect = element.getBoundingClientRect();
    const init = {
      bubbles: true,
      cancelable: true,
      composed: true,
      dataTransfer: transfer,
      clientX: rect.left + rect.width / 2,
      clientY: rect.top + rect.height / 2,
    };
    element.dispatchEvent(new page.DragEvent('dragenter', init));
    const accepted = !element.dispatchEvent(new page.DragEvent('dragover', init));
    element.dispatchEvent(new page.DragEvent('drop', init));
    return Boolean(accepted);
  }, payload);
}

/** A call to the stand-in's HTTP API (what another InvokeAI client would do). */
export async function serverApi<T = unknown>(server: StandIn, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export interface BlankJob {
  width?: number;
  height?: number;
  color?: { r: number; g: number; b: number; a: number };
  boardId?: string;
  /** Written into the image like InvokeAI's core metadata (prompt, seed, model…). */
  metadata?: Record<string, unknown>;
}

/** Enqueues one `blank_image` job on the stand-in (a real job: progress, then a real PNG). */
export async function enqueueBlank(server: StandIn, job: BlankJob = {}): Promise<number> {
  const node: Record<string, unknown> = {
    id: 'blank',
    type: 'blank_image',
    width: job.width ?? 96,
    height: job.height ?? 64,
    is_intermediate: false,
    use_cache: false,
  };
  if (job.color) node.color = job.color;
  if (job.boardId) node.board = { board_id: job.boardId };
  if (job.metadata) node.metadata = job.metadata;
  const result = await serverApi<{ item_ids: number[] }>(server, 'POST', '/api/v1/queue/default/enqueue_batch', {
    prepend: false,
    batch: { runs: 1, origin: 'e2e', destination: 'gallery', graph: { id: `e2e-${Date.now()}`, nodes: { blank: node }, edges: [] } },
  });
  const [itemId] = result.item_ids;
  if (itemId === undefined) throw new Error('enqueue_batch answered no item id');
  return itemId;
}
