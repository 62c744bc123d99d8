/**
 * Job history benchmark: the real renderer in Chromium, behind the test host (the real services in
 * their own process), over a cache holding 100,000 jobs.
 *
 *   open              click "Job history" in the sidebar → the first rows painted (every row in
 *                     view drawn from its data, not a placeholder); the first open reads the count
 *                     and the first page from the cache, later ones are the same clicks again
 *   scroll frames     requestAnimationFrame intervals while the list scrolls under a real input
 *                     gesture (CDP Input.synthesizeScrollGesture, mouse wheel) at 6,000 px/s
 *   scroll stop       the list jumps somewhere new (scrollTop) → every row in view painted
 *
 * The jobs are written into the cache before the host starts (a sync of 100,000 full queue items
 * measures the server, not this list; bench/sync.ts covers syncing). They are model-free jobs of
 * every status in batches of 1–8, spread over a year; the stand-in behind the host lists none of
 * them, so the app marks them "no longer on the server", as it does after a prune.
 *
 * Usage: npx tsx bench/jobs.ts [--quick] [--jobs N] [--opens N] [--stops N]
 * Writes bench/results/jobs.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type CDPSession, type Page } from 'playwright-core';
import { createAppServices } from '../src/main/services';
import { memoryTokens } from '../src/main/settings/settings';
import { SessionQueueItem } from '../src/shared/invokeai';
import { findBrowser, NO_BROWSER_FIX } from '../test/support/browser';
import { buildRenderer } from './lib/renderer';
import { loadAverages, metric, parseFlags, writeResult } from './lib/results';
import { spawnNode, startStandInProcess } from './lib/proc';
import { rng, round, summarize } from './lib/stats';

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');
const JOBS = Number(flags.get('jobs') ?? (QUICK ? 10_000 : 100_000));
const OPENS = Number(flags.get('opens') ?? (QUICK ? 3 : 8));
const STOPS = Number(flags.get('stops') ?? (QUICK ? 5 : 15));
const SCROLL_PX_PER_S = 6_000;
const SCROLL_MS = QUICK ? 3_000 : 8_000;
const VIEWPORT = { width: 1280, height: 800 };
const BROWSER = findBrowser();
if (!BROWSER) throw new Error(`jobs: ${NO_BROWSER_FIX}.`);
const CHROMIUM = BROWSER.path;
const PAINT_TIMEOUT_MS = 30_000;
/** Above the stand-in's own item ids, so the two never meet. */
const FIRST_ID = 1_000_000;

const STATUSES = ['completed', 'completed', 'completed', 'completed', 'failed', 'canceled'] as const;
const ORIGINS = ['canvas', 'generation', 'workflows', 'upscaling'] as const;

function sqliteTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

/** `count` finished jobs, newest last, in batches, as the server would send them. */
function* syntheticJobs(count: number): Generator<SessionQueueItem[]> {
  const random = rng(16);
  const start = Date.UTC(2025, 11, 1);
  const step = (365 * 86_400_000) / count;
  let batch: SessionQueueItem[] = [];
  let batchId = '';
  let left = 0;
  for (let i = 0; i < count; i++) {
    if (left === 0) {
      batchId = `bench-batch-${i.toString(16).padStart(8, '0')}`;
      left = 1 + Math.floor(random() * 8);
    }
    left--;
    const created = start + i * step;
    const status = STATUSES[Math.floor(random() * STATUSES.length)]!;
    const failed = status === 'failed';
    batch.push(
      SessionQueueItem.parse({
        item_id: FIRST_ID + i,
        status,
        status_sequence: 2,
        priority: 0,
        batch_id: batchId,
        origin: ORIGINS[Math.floor(random() * ORIGINS.length)],
        destination: 'gallery',
        session_id: `bench-session-${i}`,
        error_type: failed ? 'ImageRecordNotFoundException' : null,
        error_message: failed ? 'Image record not found' : null,
        error_traceback: null,
        created_at: sqliteTime(created),
        updated_at: sqliteTime(created + 4_000),
        started_at: status === 'canceled' ? null : sqliteTime(created + 500),
        completed_at: sqliteTime(created + 4_000),
        queue_id: 'default',
        user_id: 'system',
        session: { id: `bench-session-${i}`, results: {} },
        workflow: null,
      }),
    );
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

// ------------------------------------------------------------------------------------------------
// In the page. Functions are serialized into it; the DOM is reached through a loose cast because
// this file is type-checked without the DOM library.

interface PageDoc {
  querySelector(selector: string): PageElement | null;
}
interface PageElement {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  click(): void;
  querySelectorAll(selector: string): { length: number };
}
interface InPage {
  document: PageDoc;
  requestAnimationFrame(callback: (now: number) => void): void;
  __jobsFrames?: { deltas: number[]; last: number | null; running: boolean };
}

/** Clicks the sidebar's Job history entry; resolves with ms to the first frame after every row in view is painted. */
function openJobsInPage(timeoutMs: number): Promise<number | null> {
  const page = globalThis as unknown as InPage;
  const started = performance.now();
  const button = [
    ...(page.document as unknown as { querySelectorAll(s: string): Iterable<PageElement & { textContent: string }> }).querySelectorAll(
      'nav button',
    ),
  ].find((candidate) => candidate.textContent.includes('Job history'));
  if (!button) return Promise.resolve(null);
  button.click();
  return new Promise((resolve) => {
    const check = () => {
      const list = page.document.querySelector('.jobs-scroll');
      if (list?.getAttribute('data-painted') === 'true') {
        page.requestAnimationFrame(() => resolve(performance.now() - started));
        return;
      }
      if (performance.now() - started > timeoutMs) resolve(null);
      else page.requestAnimationFrame(check);
    };
    check();
  });
}

function showGalleryInPage(): boolean {
  const page = globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<PageElement & { textContent: string }> } };
  const button = [...page.document.querySelectorAll('button')].find((candidate) => candidate.textContent.trim().startsWith('All images'));
  button?.click();
  return button !== undefined;
}

/** Sets the list's scrollTop; resolves with ms to the first frame with every row in view painted. */
function jumpInPage(args: { fraction: number; timeoutMs: number }): Promise<number | null> {
  const page = globalThis as unknown as InPage;
  const list = page.document.querySelector('.jobs-scroll');
  if (!list) return Promise.resolve(null);
  const started = performance.now();
  list.scrollTop = Math.floor((list.scrollHeight - list.clientHeight) * args.fraction);
  return new Promise((resolve) => {
    let framesSeen = 0;
    const check = () => {
      framesSeen++;
      // One frame first: the list learns of the scroll and draws placeholders before it can be painted.
      if (framesSeen > 1 && list.getAttribute('data-painted') === 'true') {
        resolve(performance.now() - started);
        return;
      }
      if (performance.now() - started > args.timeoutMs) resolve(null);
      else page.requestAnimationFrame(check);
    };
    page.requestAnimationFrame(check);
  });
}

function listGeometryInPage(): { x: number; y: number; rows: number } | null {
  const page = globalThis as unknown as InPage;
  const list = page.document.querySelector('.jobs-scroll');
  if (!list) return null;
  const box = list.getBoundingClientRect();
  return { x: Math.round(box.left + box.width / 2), y: Math.round(box.top + box.height / 2), rows: list.querySelectorAll('li').length };
}

function startFramesInPage(): void {
  const page = globalThis as unknown as InPage;
  const state = { deltas: [] as number[], last: null as number | null, running: true };
  const tick = (now: number) => {
    if (!state.running) return;
    if (state.last !== null) state.deltas.push(now - state.last);
    state.last = now;
    page.requestAnimationFrame(tick);
  };
  page.requestAnimationFrame(tick);
  page.__jobsFrames = state;
}

function stopFramesInPage(): number[] {
  const page = globalThis as unknown as InPage;
  const state = page.__jobsFrames!;
  state.running = false;
  return state.deltas;
}

function syncingInPage(): boolean {
  const page = globalThis as unknown as InPage;
  return page.document.querySelector('[aria-label="Sync progress"]') !== null;
}

// ------------------------------------------------------------------------------------------------

async function waitSyncIdle(page: Page): Promise<void> {
  const deadline = Date.now() + 180_000;
  let quiet = 0;
  while (quiet < 8 && Date.now() < deadline) {
    quiet = (await page.evaluate(syncingInPage)) ? 0 : quiet + 1;
    await page.waitForTimeout(250);
  }
}

async function scrollFrames(page: Page, cdp: CDPSession) {
  const geometry = await page.evaluate(listGeometryInPage);
  if (!geometry) throw new Error('jobs: the job list is not on screen');
  await page.evaluate(startFramesInPage);
  await cdp.send('Input.synthesizeScrollGesture', {
    x: geometry.x,
    y: geometry.y,
    yDistance: -Math.round((SCROLL_PX_PER_S * SCROLL_MS) / 1000),
    speed: SCROLL_PX_PER_S,
    gestureSourceType: 'mouse',
    preventFling: true,
  });
  const deltas = await page.evaluate(stopFramesInPage);
  return { frames: summarize(deltas), over_20ms: deltas.filter((delta) => delta > 20).length, rows_in_dom: geometry.rows };
}

async function main(): Promise<void> {
  const loadBefore = loadAverages();
  console.log(`jobs: ${JOBS.toLocaleString('en')} jobs${QUICK ? ' (quick)' : ''}`);
  const standIn = await startStandInProcess(500, 3);
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-bench-jobs-'));
  try {
    const filled = performance.now();
    const services = createAppServices({ rootDir: dataDir, serverUrl: standIn.url, tokens: memoryTokens() });
    for (const batch of syntheticJobs(JOBS)) services.session().cache.upsertJobs(batch);
    await services.stop();
    console.log(`jobs: cache filled in ${round((performance.now() - filled) / 1000, 1)} s`);

    const rendererDir = await buildRenderer();
    const host = await spawnNode(
      'test/host/cli.ts',
      ['--server', standIn.url, '--data', dataDir, '--port', '0', '--renderer', rendererDir],
      /test host: http:\/\//,
      { timeoutMs: 120_000 },
    );
    const hostUrl = /(http:\/\/[\d.:]+)/.exec(host.ready)![1]!;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    try {
      const context = await browser.newContext({ viewport: VIEWPORT });
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`  page error: ${error.message}`));
      await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
      await page.goto(hostUrl);
      await waitSyncIdle(page);

      const opens: number[] = [];
      let firstOpen: number | null = null;
      for (let i = 0; i < OPENS; i++) {
        const ms = await page.evaluate(openJobsInPage, PAINT_TIMEOUT_MS);
        if (ms === null) throw new Error('jobs: the job history never painted its first rows');
        if (i === 0) firstOpen = ms;
        else opens.push(ms);
        await page.waitForTimeout(300);
        if (i < OPENS - 1) {
          await page.evaluate(showGalleryInPage);
          await page.waitForTimeout(500);
        }
      }
      const openFigures = summarize(opens.length > 0 ? opens : [firstOpen!]);
      console.log(`jobs: open → first rows: first ${round(firstOpen!, 1)} ms, then p50 ${openFigures.p50} ms, p95 ${openFigures.p95} ms`);

      const cdp = await context.newCDPSession(page);
      const scroll = await scrollFrames(page, cdp);
      console.log(`jobs: scroll frames p50 ${scroll.frames.p50} ms, p95 ${scroll.frames.p95} ms, ${scroll.over_20ms} over 20 ms`);

      const random = rng(7);
      const stops: number[] = [];
      for (let i = 0; i < STOPS; i++) {
        const ms = await page.evaluate(jumpInPage, { fraction: random(), timeoutMs: PAINT_TIMEOUT_MS });
        if (ms === null) throw new Error('jobs: rows never painted after a jump');
        stops.push(ms);
        await page.waitForTimeout(200);
      }
      const stopFigures = summarize(stops);
      console.log(`jobs: jump → rows painted p50 ${stopFigures.p50} ms, p95 ${stopFigures.p95} ms`);

      const size = JOBS >= 1000 ? `${Math.round(JOBS / 1000)}k` : String(JOBS);
      const path = writeResult(
        'jobs',
        {
          suite: 'jobs',
          date: new Date().toISOString(),
          quick: QUICK,
          params: { jobs: JOBS, opens: OPENS, stops: STOPS, scroll_px_per_s: SCROLL_PX_PER_S, scroll_ms: SCROLL_MS, viewport: VIEWPORT },
          load: { before: loadBefore, after: loadAverages() },
          metrics: [
            metric({
              id: `jobs.${size}.open_first.ms`,
              label: `Job history ${size}: first open → first rows painted`,
              value: round(firstOpen!, 1),
              unit: 'ms',
              target: { op: '<=', value: 400 },
            }),
            metric({
              id: `jobs.${size}.open.p50`,
              label: `Job history ${size}: open again → first rows painted, p50`,
              value: openFigures.p50,
              unit: 'ms',
              target: { op: '<=', value: 60 },
              note: `p95 ${openFigures.p95} ms over ${opens.length} opens`,
            }),
            metric({
              id: `jobs.${size}.scroll.frame_p95`,
              label: `Job history ${size}: scroll at ${SCROLL_PX_PER_S.toLocaleString('en')} px/s, frame p95`,
              value: scroll.frames.p95,
              unit: 'ms',
              target: { op: '<=', value: 20 },
              note: `p50 ${scroll.frames.p50} ms, max ${scroll.frames.max} ms, ${scroll.over_20ms} of ${scroll.frames.n} frames over 20 ms`,
            }),
            metric({
              id: `jobs.${size}.jump.p95`,
              label: `Job history ${size}: jump → rows in view painted, p95`,
              value: stopFigures.p95,
              unit: 'ms',
              target: { op: '<=', value: 100 },
              note: `p50 ${stopFigures.p50} ms over ${stops.length} jumps`,
            }),
          ],
          details: { first_open_ms: firstOpen, opens, scroll, stops },
        },
        QUICK,
      );
      console.log(`jobs: wrote ${path}`);
    } finally {
      await browser.close();
      await host.stop();
      rmSync(rendererDir, { recursive: true, force: true });
    }
  } finally {
    await standIn.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
