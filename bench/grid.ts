/**
 * Grid and memory benchmark: the real renderer in Debian's Chromium, behind the test host (the
 * real main-process services in their own process), over a cache pre-filled by a first sync of
 * the stand-in InvokeAI server (also in its own process).
 *
 *   cold start        host process started fresh, new browser context (empty memory and HTTP
 *                     caches; the window's localStorage kept, as a desktop profile keeps it), page
 *                     load → every thumbnail in view painted; the first launch ever (thumbnails
 *                     from the server) is reported apart from later launches (thumbnails from disk)
 *   scroll frames     requestAnimationFrame intervals in the page while the grid scrolls under a
 *                     real input gesture (CDP Input.synthesizeScrollGesture, mouse wheel): top to
 *                     bottom in 10 s (scrollbar-drag speed), and 6 s at wheel speed (1.5 px/ms,
 *                     below the grid's fast-scroll cutoff, so thumbnails load while it moves);
 *                     then the same wheel scroll over a plain page with no app (the control)
 *   scroll stop       a short fling that stops somewhere new → every thumbnail in view painted;
 *                     "cold" = the host fetches them from the server, "cached" = from its disk
 *                     (a new browser context, so Chromium's own cache does not answer)
 *   board switch      click a board in the sidebar → every thumbnail in view painted
 *   memory            renderer JS heap after all that scrolling (after a forced GC) and the
 *                     host's RSS (the process that runs the app's services), with its V8 heap
 *                     read through the inspector; a forced GC in the host only at the very end
 *
 * The test host is not quite Electron's main process: it sends every IPC answer as JSON over a
 * WebSocket, and thumbnails over HTTP/1.1 (Chromium opens 6 connections to it; `ivk-media:` has no
 * such limit). It runs with --no-validate: Electron's IPC does not check answers against the
 * contract, and checking them (zod) roughly doubles what a page of images costs the host. Its RSS
 * is reported as measured.
 *
 * Everything in the page goes through bench/lib/page-helpers.js and page.evaluate, never through
 * Playwright locators: those inject Playwright's own script into the page, and with it in the page
 * Chromium (headless, software compositing) schedules main frames differently during wheel
 * scrolling (seen here: a quarter of frames at 33 ms without it, none with it). The benchmark
 * measures the page as the app ships it.
 *
 * "Painted" is measured twice: the renderer's own flag (`data-gallery-painted`, set when every
 * <img> in view has loaded), and this benchmark's stricter check (every cell in view has its
 * <img>, loaded and decoded, and a frame has passed since).
 *
 * Usage: npx tsx bench/grid.ts [--quick] [--images N] [--starts N] [--stops N] [--server URL [--data DIR]] [--only-starts]
 * --only-starts measures the launches and stops there (prints their median; writes no results).
 * Writes bench/results/grid.json and bench/results/memory.json. With --server (bench/real.ts passes
 * the real InvokeAI it seeded) no stand-in is started and the figures go to grid-real.json and
 * memory-real.json; with --data the cache in DIR is already filled (by bench/real.ts's first sync),
 * so no pre-fill sync runs and the folder is left in place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { createAppServices } from '../src/main/services';
import { memoryTokens } from '../src/main/settings/settings';
import { findBrowser, NO_BROWSER_FIX } from '../test/support/browser';
import { freePort } from '../test/real/server';
import { buildRenderer } from './lib/renderer';
import { loadAverages, metric, parseFlags, writeResult, type Metric } from './lib/results';
import { connectInspector, inspectorUrl, nodeMemory, nodeMemoryAroundGc, type InspectorClient } from './lib/inspector';
import { processMemory, spawnNode, startStandInProcess, type NodeChild } from './lib/proc';
import { median, rng, round, summarize } from './lib/stats';

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');
const IMAGES = Number(flags.get('images') ?? (QUICK ? 10_000 : 100_000));
/** A server already running (the real one); no stand-in then. */
const SERVER = flags.get('server');
/** A cache folder already filled by a first sync of SERVER. */
const DATA = flags.get('data');
const SUFFIX = SERVER ? '-real' : '';
/** Cold starts after the first launch (each a fresh host process). */
const STARTS = Number(flags.get('starts') ?? (QUICK ? 2 : 5));
/** Places the grid stops at, per context. */
const STOPS = Number(flags.get('stops') ?? (QUICK ? 4 : 10));
/** Launches only: for working on start-up, where a whole run would take minutes per try. */
const ONLY_STARTS = flags.has('only-starts');
/** Top to bottom in this long: the speed of dragging the scrollbar's thumb down. */
const DRAG_MS = QUICK ? 4_000 : 10_000;
/** How long the wheel-speed stretch lasts. */
const WHEEL_MS = QUICK ? 3_000 : 6_000;
/** Wheel speed: below the grid's fast-scroll cutoff (5 px/ms), so thumbnails load while it moves. */
const WHEEL_PX_PER_MS = 1.5;
const VIEWPORT = { width: 1280, height: 800 };
const BROWSER = findBrowser();
if (!BROWSER) throw new Error(`grid: ${NO_BROWSER_FIX}.`);
const CHROMIUM = BROWSER.path;
const PAINT_TIMEOUT_MS = 30_000;

interface HostProcess extends NodeChild {
  url: string;
  /** The host's own view of its memory (it runs with --inspect on a free loopback port). */
  inspector: InspectorClient;
  /** Milliseconds from spawn to the host listening with its services started. */
  startMs: number;
}

async function startHostProcess(serverUrl: string, dataDir: string, rendererDir: string, port: number): Promise<HostProcess> {
  const started = performance.now();
  const host = await spawnNode(
    'test/host/cli.ts',
    ['--server', serverUrl, '--data', dataDir, '--port', String(port), '--renderer', rendererDir, '--no-validate'],
    /test host: http:\/\//,
    { timeoutMs: 120_000, nodeArgs: ['--inspect=127.0.0.1:0'] },
  );
  const startMs = Math.round(performance.now() - started);
  const url = /(http:\/\/[\d.:]+)/.exec(host.ready)![1]!;
  const debuggerUrl = inspectorUrl(host.output());
  if (!debuggerUrl) throw new Error(`The host printed no inspector address:\n${host.output()}`);
  const inspector = await connectInspector(debuggerUrl);
  return {
    ...host,
    url,
    startMs,
    inspector,
    async stop() {
      inspector.close();
      await host.stop();
    },
  };
}

/** The host's own log of media answers it was slow to give (test/host), since the last call. */
const slowMediaRead = new WeakMap<HostProcess, number>();
function slowMediaAnswers(host: HostProcess): { ms: number; from: string }[] {
  const output = host.output();
  const from = slowMediaRead.get(host) ?? 0;
  slowMediaRead.set(host, output.length);
  return [...output.slice(from).matchAll(/slow media answer: \S+ (\d+) ms \(\d+, (\w+)\)/g)].map((match) => ({
    ms: Number(match[1]),
    from: match[2]!,
  }));
}

/**
 * The host's RSS (now and peak, from /proc) and its own account of it (V8 heap). With `gc`, also
 * after two forced full collections: only at the very end, since a forced GC would flatter every
 * figure read after it.
 */
async function hostMemory(host: HostProcess, gc: boolean) {
  const proc = processMemory(host.pid);
  if (!gc) return { ...proc, rss_after_gc_mb: null, node: { before: await nodeMemory(host.inspector), after_gc: null } };
  const inside = await nodeMemoryAroundGc(host.inspector);
  return { ...proc, rss_after_gc_mb: processMemory(host.pid).rss_mb, node: inside };
}

// ------------------------------------------------------------------------------------------------
// In the page: bench/lib/page-helpers.js defines window.__bench before the app's scripts run.

interface BootTrace {
  response_end: number;
  dom_content_loaded: number;
  first_paint: number;
  scripts: { file: string; start: number; end: number }[];
  calls: { channel: string; sent: number; answered: number | null }[];
  thumbnails: { first_asked: number; first_screen_last_asked: number; first_screen_last_ended: number; first_screen_mean_ms: number };
}

type Painted = { at: number; cells: number } | { timeout: true; cells: number; missing: number };
type ThumbnailLoads = { ended: number; asked_before: number; mean_ms: number; total: number };
interface StopResult {
  painted_ms: number | null;
  flag_ms: number | null;
  cells: number;
  scroll_top: number;
  thumbnails: ThumbnailLoads;
  /** Whether the status bar showed a sync at the stop or when it was timed out: main was busy. */
  syncing: boolean;
}

interface BenchHelpers {
  waitPainted(since: number, timeoutMs: number): Promise<Painted>;
  firstPainted: Promise<Painted>;
  waitFlag(since: number, timeoutMs: number): Promise<number | null>;
  jump(to: number): void;
  startFrames(): void;
  stopFrames(): { deltas: number[]; longTasks: number[]; scrollTop: number };
  armStop(timeoutMs: number): void;
  stopResult(): Promise<StopResult>;
  geometry(): {
    x: number;
    y: number;
    scrollTop: number;
    scrollHeight: number;
    clientHeight: number;
    max: number;
    columns: number;
    rows: number;
  };
  domCounts(): { nodes: number; imgs: number };
  domContentLoaded(): number | null;
  bootTrace(): BootTrace;
  thumbnailLoads(from: number, to: number): ThumbnailLoads;
  syncing(): boolean;
  clickBoard(name: string, timeoutMs: number): Promise<{ painted_ms: number | null; flag_ms: number | null; cells: number }>;
}

/**
 * Functions handed to page.evaluate run in the page, where `globalThis.__bench` is the helpers;
 * the cast only types it (the bench is compiled without the DOM library).
 */
type InPage = typeof globalThis & { __bench: BenchHelpers };

// ------------------------------------------------------------------------------------------------
// The run

function paintedAt(result: Painted): number | null {
  return 'timeout' in result ? null : result.at;
}

async function openPage(context: BrowserContext, hostUrl: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`  page error: ${error.message}`));
  // tsx compiles this file with esbuild's keepNames, which wraps named functions in __name():
  // functions serialized into the page need it defined there too.
  await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
  await page.addInitScript({ path: join(import.meta.dirname, 'lib', 'page-helpers.js') });
  await page.goto(hostUrl);
  return page;
}

/** Page load (navigation start) → every thumbnail in view painted, by both measures. */
async function coldStartFigures(page: Page) {
  const painted = await page.evaluate(() => (globalThis as InPage).__bench.firstPainted);
  const flag = await page.evaluate((timeout) => (globalThis as InPage).__bench.waitFlag(0, timeout), PAINT_TIMEOUT_MS);
  const domContentLoaded = await page.evaluate(() => (globalThis as InPage).__bench.domContentLoaded());
  const boot = await page.evaluate(() => (globalThis as InPage).__bench.bootTrace());
  return { painted_ms: paintedAt(painted), flag_ms: flag, cells: painted.cells, dom_content_loaded_ms: domContentLoaded, boot };
}

/** One line of where a start's time went: scripts in, bridge calls, thumbnails asked and in. */
function bootLine(boot: BootTrace): string {
  const calls = boot.calls.map((call) => `${call.channel} ${call.sent}→${call.answered ?? '-'}`).join(', ');
  const scripts = boot.scripts.map((script) => `${script.file} ${script.end}`).join(', ');
  const t = boot.thumbnails;
  return `html ${boot.response_end}, scripts in [${scripts}], DOMContentLoaded ${boot.dom_content_loaded}, first paint ${boot.first_paint}; calls: ${calls}; thumbnails asked ${t.first_asked}–${t.first_screen_last_asked}, in by ${t.first_screen_last_ended} (mean ${t.first_screen_mean_ms} ms)`;
}

/** Waits until the session's own start-up sync is over (no progress bar for two seconds). */
async function waitSyncIdle(page: Page): Promise<void> {
  const deadline = Date.now() + 180_000;
  let quiet = 0;
  while (quiet < 8 && Date.now() < deadline) {
    quiet = (await page.evaluate(() => (globalThis as InPage).__bench.syncing())) ? 0 : quiet + 1;
    await page.waitForTimeout(250);
  }
}

async function scrollGeometry(page: Page) {
  return page.evaluate(() => (globalThis as InPage).__bench.geometry());
}

/**
 * Scrolls the grid with a real input gesture (CDP Input.synthesizeScrollGesture: mouse-wheel
 * events through the compositor, as Chrome's own scrolling benchmarks do) while the page records
 * its frame intervals. A script setting scrollTop every frame would not do: each such scroll ends
 * with a scrollend event, so the grid would believe every frame that scrolling had stopped.
 */
async function scrollPass(page: Page, cdp: CDPSession, distance: number, pxPerSecond: number) {
  const { x, y } = await page.evaluate(() => (globalThis as InPage).__bench.geometry());
  await page.evaluate(() => (globalThis as InPage).__bench.startFrames());
  const started = performance.now();
  await cdp.send('Input.synthesizeScrollGesture', {
    x,
    y,
    yDistance: -Math.round(distance),
    speed: Math.round(pxPerSecond),
    gestureSourceType: 'mouse',
    preventFling: true,
  });
  const seconds = (performance.now() - started) / 1000;
  const result = await page.evaluate(() => (globalThis as InPage).__bench.stopFrames());
  const frames = summarize(result.deltas);
  return {
    frames,
    over_20ms: result.deltas.filter((delta) => delta > 20).length,
    over_50ms: result.deltas.filter((delta) => delta > 50).length,
    long_tasks: result.longTasks.length,
    long_task_max_ms: round(Math.max(0, ...result.longTasks), 1),
    px: Math.round(distance),
    seconds: round(seconds, 1),
    ended_at: Math.round(result.scrollTop),
  };
}

/** Frame intervals with nothing happening: the floor under every scrolling figure. */
async function idleFrames(page: Page, ms: number) {
  await page.evaluate(() => (globalThis as InPage).__bench.startFrames());
  await page.waitForTimeout(ms);
  const result = await page.evaluate(() => (globalThis as InPage).__bench.stopFrames());
  return { frames: summarize(result.deltas), over_20ms: result.deltas.filter((delta) => delta > 20).length };
}

/** Puts the grid at `top` and waits until what is in view has painted (nothing left loading). */
async function settleAt(page: Page, top: number): Promise<void> {
  await page.evaluate((to) => (globalThis as InPage).__bench.jump(to), top);
  await page.evaluate((timeout) => (globalThis as InPage).__bench.waitPainted(performance.now() + 100, timeout), PAINT_TIMEOUT_MS);
}

/**
 * The grid is put 13 rows above `target` and left to paint, then a short fling (2,400 px at
 * 8,000 px/s: fast enough for plain boxes) stops near `target`; the page times from the last
 * scroll event to every thumbnail in view painted.
 */
async function stopAt(page: Page, cdp: CDPSession, target: number): Promise<StopResult> {
  const FLING = 2400;
  await settleAt(page, Math.max(0, target - FLING));
  const { x, y } = await page.evaluate(() => (globalThis as InPage).__bench.geometry());
  await page.evaluate((timeout) => (globalThis as InPage).__bench.armStop(timeout), PAINT_TIMEOUT_MS);
  await cdp.send('Input.synthesizeScrollGesture', { x, y, yDistance: -FLING, speed: 8000, gestureSourceType: 'mouse', preventFling: true });
  return page.evaluate(() => (globalThis as InPage).__bench.stopResult());
}

async function switchBoard(page: Page, name: string) {
  return page.evaluate(({ name, timeout }) => (globalThis as InPage).__bench.clickBoard(name, timeout), {
    name,
    timeout: PAINT_TIMEOUT_MS,
  });
}

/**
 * A page with no app in it, shaped like the grid (a scroller as tall, rows of 180 px): a scroll
 * listener moves a block of rows whenever a row boundary passes, as any virtualised list does.
 * Its frame times under the same wheel gesture are the floor this browser and machine set.
 */
function controlPage(height: number): string {
  const rows = Array.from({ length: 8 }, (_, i) => `<div style="height:180px;margin:4px 0;background:hsl(${i * 40},40%,40%)"></div>`).join(
    '',
  );
  const script = `const g = document.querySelector('[role=grid]'), r = document.getElementById('rows');
    g.addEventListener('scroll', () => { r.style.transform = 'translateY(' + Math.floor(g.scrollTop / 184) * 184 + 'px)'; }, { passive: true });`;
  return `<!doctype html><body style="margin:0"><div role="grid" style="height:800px;overflow:auto"><div style="height:${height}px;position:relative"><div id="rows" style="position:absolute;left:0;top:0;width:100%">${rows}</div></div></div><script>${script}</script></body>`;
}

async function settleControl(page: Page, top: number): Promise<void> {
  await page.evaluate((to) => (globalThis as InPage).__bench.jump(to), top);
  await page.waitForTimeout(300);
}

async function heapFigures(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  const before = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const after = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
  const dom = await page.evaluate(() => (globalThis as InPage).__bench.domCounts());
  await cdp.detach();
  const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
  return { used_before_gc_mb: mb(before.usedSize), used_mb: mb(after.usedSize), total_mb: mb(after.totalSize), ...dom };
}

/** Names of boards with images, for the board switches (the same ones in every context). */
async function boardsToVisit(serverUrl: string, count: number): Promise<string[]> {
  const response = await fetch(`${serverUrl}/api/v1/boards/?all=true`);
  const boards = (await response.json()) as { board_name: string; image_count: number; archived: boolean }[];
  return boards
    .filter((board) => !board.archived && board.image_count > 0)
    .sort((a, b) => b.image_count - a.image_count)
    .slice(0, count)
    .map((board) => board.board_name);
}

async function main(): Promise<void> {
  const loadBefore = loadAverages();
  console.log(`grid: building the renderer…`);
  const rendererDir = await buildRenderer();
  if (DATA && !SERVER) throw new Error('grid: --data needs the --server its cache was filled from');
  if (!SERVER) console.log(`grid: stand-in with ${IMAGES.toLocaleString('en')} images…`);
  const standIn = SERVER ? null : await startStandInProcess(IMAGES);
  const serverUrl = SERVER ?? standIn!.url;
  const dataDir = DATA ?? mkdtempSync(join(tmpdir(), 'ivk-bench-grid-'));
  let browser: Browser | undefined;
  let host: HostProcess | undefined;
  try {
    // The app paints from its cache, then syncs: fill the cache first, as a previous session would.
    console.log(DATA ? `grid: the cache in ${DATA}, catching up with ${serverUrl}…` : 'grid: pre-filling the cache with a first sync…');
    const warn = console.warn;
    let slowQueries = 0;
    // The cache warns about each slow write while it fills; a count says as much here.
    console.warn = (...args: unknown[]) => (String(args[0]).startsWith('[cache] slow query') ? slowQueries++ : warn(...args));
    const prefill = createAppServices({ rootDir: dataDir, tokens: memoryTokens(null), serverUrl });
    const prefillStart = performance.now();
    await prefill.session().sync.sync();
    await prefill.session().sync.metadataIdle();
    const cached = prefill.session().cache.totals().images;
    await prefill.stop();
    console.warn = warn;
    console.log(
      `  ${cached.toLocaleString('en')} images cached in ${((performance.now() - prefillStart) / 1000).toFixed(1)} s (${slowQueries} slow-query warnings)`,
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    // Each context starts with empty memory and HTTP caches but the window's own storage of the
    // last one (its preferences, its remembered first page), as a desktop app's profile keeps them
    // across launches. Storage belongs to an origin: every host listens on the same port.
    const hostPort = await freePort();
    let storage: Awaited<ReturnType<BrowserContext['storageState']>> | undefined;
    const newContext = () => browser!.newContext({ viewport: VIEWPORT, ...(storage ? { storageState: storage } : {}) });
    /** Closes a launch's context, keeping its storage for the next one. */
    const closeContext = async (closing: BrowserContext) => {
      storage = await closing.storageState();
      await closing.close();
    };

    // The very first launch: thumbnails come from the server through the host.
    host = await startHostProcess(serverUrl, dataDir, rendererDir, hostPort);
    let context = await newContext();
    let page = await openPage(context, host.url);
    const firstOpen = { ...(await coldStartFigures(page)), host_start_ms: host.startMs };
    console.log(
      `  first launch: painted ${firstOpen.painted_ms?.toFixed(0)} ms after page load (flag ${firstOpen.flag_ms} ms), host up in ${host.startMs} ms`,
    );
    await closeContext(context);
    await host.stop();

    // Later launches: the first screen's thumbnails are on disk.
    const starts: (Awaited<ReturnType<typeof coldStartFigures>> & { host_start_ms: number })[] = [];
    for (let i = 0; i < STARTS; i++) {
      host = await startHostProcess(serverUrl, dataDir, rendererDir, hostPort);
      context = await newContext();
      page = await openPage(context, host.url);
      const figures = { ...(await coldStartFigures(page)), host_start_ms: host.startMs };
      starts.push(figures);
      console.log(
        `  launch ${i + 2}: painted ${figures.painted_ms?.toFixed(0)} ms after page load (flag ${figures.flag_ms} ms), host up in ${host.startMs} ms`,
      );
      console.log(`    ${bootLine(figures.boot)}`);
      if (i < STARTS - 1) {
        await closeContext(context);
        await host.stop();
      }
    }
    if (ONLY_STARTS) {
      const paints = starts.map((start) => start.painted_ms ?? Number.POSITIVE_INFINITY);
      console.log(`  launches: median ${Math.round(median(paints))} ms (${paints.map((ms) => Math.round(ms)).join(', ')})`);
      return;
    }
    await waitSyncIdle(page);
    const hostIdle = await hostMemory(host, false);

    const geometry = await scrollGeometry(page);
    const random = rng(IMAGES);
    // Stops between 10% and 90% down, away from where the scroll passes leave thumbnails behind.
    const stops = Array.from({ length: STOPS }, () => Math.round((0.1 + random() * 0.8) * geometry.max));
    const wheelFrom = Math.round(0.05 * geometry.max);
    const wheelTo = Math.min(geometry.max, wheelFrom + WHEEL_PX_PER_MS * WHEEL_MS);
    const boards = await boardsToVisit(serverUrl, QUICK ? 2 : 3);
    console.log(
      `  grid: ${geometry.columns} columns × ${geometry.rows.toLocaleString('en')} rows, ${geometry.scrollHeight.toLocaleString('en')} px`,
    );

    const perContext: Record<string, unknown>[] = [];
    for (const thumbnails of ['cold', 'cached'] as const) {
      if (thumbnails === 'cached') {
        // A new context: Chromium's memory and HTTP caches start empty, the host's disk is warm.
        // Its storage is the launches' (All images), not the cold pass's last board switch.
        await context.close();
        context = await newContext();
        page = await openPage(context, host.url);
        await page.evaluate((timeout) => (globalThis as InPage).__bench.waitFlag(0, timeout), PAINT_TIMEOUT_MS);
      }
      const cdp = await context.newCDPSession(page);
      const idle = await idleFrames(page, 2000);
      await settleAt(page, 0);
      const drag = await scrollPass(page, cdp, geometry.max, geometry.max / (DRAG_MS / 1000));
      console.log(
        `  [${thumbnails}] idle frames p95 ${idle.frames.p95} ms; top→bottom in ${drag.seconds} s: p50 ${drag.frames.p50} p95 ${drag.frames.p95} max ${drag.frames.max} ms, ${drag.over_20ms}/${drag.frames.n} frames > 20 ms (ended at ${drag.ended_at} of ${geometry.max})`,
      );
      await settleAt(page, wheelFrom);
      const wheel = await scrollPass(page, cdp, wheelTo - wheelFrom, WHEEL_PX_PER_MS * 1000);
      console.log(
        `  [${thumbnails}] wheel ${WHEEL_PX_PER_MS} px/ms for ${wheel.seconds} s: p50 ${wheel.frames.p50} p95 ${wheel.frames.p95} max ${wheel.frames.max} ms, ${wheel.over_20ms}/${wheel.frames.n} frames > 20 ms`,
      );
      const stopped = [];
      for (const target of stops) stopped.push(await stopAt(page, cdp, target));
      const stopTimes = stopped.map((stop) => stop.painted_ms ?? Number.POSITIVE_INFINITY);
      console.log(
        `  [${thumbnails}] scroll stop → thumbnails painted: ${stopped.map((stop) => stop.painted_ms?.toFixed(0) ?? 'timeout').join(', ')} ms (flag ${stopped.map((stop) => stop.flag_ms?.toFixed(0) ?? '-').join(', ')})`,
      );
      console.log(
        `  [${thumbnails}]   thumbnails loaded meanwhile (asked before the stop, mean ms): ${stopped.map((stop) => `${stop.thumbnails.ended} (${stop.thumbnails.asked_before}, ${stop.thumbnails.mean_ms})${stop.syncing ? ' syncing' : ''}`).join(', ')}`,
      );
      const switched = [];
      for (const board of boards) switched.push({ board, ...(await switchBoard(page, board)) });
      console.log(
        `  [${thumbnails}] board switch → thumbnails painted: ${switched.map((s) => s.painted_ms?.toFixed(0) ?? 'timeout').join(', ')} ms`,
      );
      await cdp.detach();
      const slow = slowMediaAnswers(host);
      if (slow.length > 0) {
        const fromDisk = slow.filter((answer) => answer.from === 'disk').length;
        console.log(
          `  [${thumbnails}] host media answers > 0.5 s: ${slow.length}, ${fromDisk} of them from disk (slowest ${Math.max(...slow.map((answer) => answer.ms))} ms)`,
        );
      }
      const heap = await heapFigures(page);
      const hostMem = await hostMemory(host, thumbnails === 'cached');
      const gced = hostMem.node.after_gc;
      const afterGc = gced
        ? `; after a forced GC: RSS ${hostMem.rss_after_gc_mb} MB, V8 heap ${gced.heap_used_mb} of ${gced.heap_total_mb} MB`
        : '';
      console.log(
        `  [${thumbnails}] renderer heap ${heap.used_mb} MB after GC (${heap.used_before_gc_mb} before), ${heap.nodes} DOM nodes; ` +
          `host RSS ${hostMem.rss_mb} MB (anonymous ${hostMem.rss_anon_mb}, file-backed ${hostMem.rss_file_mb}; peak ${hostMem.peak_rss_mb}; V8 heap ${hostMem.node.before.heap_used_mb} of ${hostMem.node.before.heap_total_mb} MB${afterGc})`,
      );
      perContext.push({
        thumbnails,
        idle,
        drag,
        wheel,
        stops: stopped,
        stop_summary: summarize(stopTimes),
        boards: switched,
        slow_media_ms: slow,
        heap,
        host_memory: hostMem,
      });
    }
    await context.close();

    // The same wheel scroll over a plain page of the same shape with no app in it, for the floor
    // this browser sets: see controlPage().
    context = await newContext();
    page = await context.newPage();
    await page.addInitScript({ content: 'globalThis.__name = (fn) => fn;' });
    await page.addInitScript({ path: join(import.meta.dirname, 'lib', 'page-helpers.js') });
    await page.goto(`data:text/html,${encodeURIComponent(controlPage(geometry.scrollHeight))}`);
    const controlCdp = await context.newCDPSession(page);
    await settleControl(page, wheelFrom);
    const control = await scrollPass(page, controlCdp, wheelTo - wheelFrom, WHEEL_PX_PER_MS * 1000);
    console.log(
      `  [control] plain virtual list, wheel ${WHEEL_PX_PER_MS} px/ms: p50 ${control.frames.p50} p95 ${control.frames.p95} ms, ${control.over_20ms}/${control.frames.n} frames > 20 ms`,
    );
    await context.close();

    type Ctx = {
      drag: Awaited<ReturnType<typeof scrollPass>>;
      wheel: Awaited<ReturnType<typeof scrollPass>>;
      idle: Awaited<ReturnType<typeof idleFrames>>;
      stop_summary: ReturnType<typeof summarize>;
      stops: StopResult[];
      boards: { painted_ms: number | null }[];
      heap: Awaited<ReturnType<typeof heapFigures>>;
      host_memory: Awaited<ReturnType<typeof hostMemory>>;
    };
    const [cold, warm] = perContext as [Ctx, Ctx];
    const startPaints = starts.map((start) => start.painted_ms ?? Number.POSITIVE_INFINITY);
    const k = `${Math.round(cached / 1000)}k`;
    const flagSummary = (stops: { flag_ms: number | null }[]) => summarize(stops.map((stop) => stop.flag_ms ?? Number.POSITIVE_INFINITY));
    const metrics: Metric[] = [
      metric({
        id: 'grid.cold_start_ms',
        label: `Cold start ${k}: page load → thumbnails painted`,
        value: round(median(startPaints), 0),
        unit: 'ms',
        target: { op: '<', value: 1000 },
        invokeai: '3.9 s (goal ≤ 0.4 s)',
        note: `median of ${starts.length} launches (${startPaints.map((ms) => Math.round(ms)).join(', ')}); app flag ${round(median(starts.map((start) => start.flag_ms ?? Infinity)), 0)} ms; host process up in ${Math.round(median(starts.map((start) => start.host_start_ms)))} ms before that`,
      }),
      metric({
        id: 'grid.first_launch_ms',
        label: `First launch ${k} (thumbnails from the server)`,
        value: firstOpen.painted_ms === null ? null : round(firstOpen.painted_ms, 0),
        unit: 'ms',
        note: `app flag ${firstOpen.flag_ms} ms`,
      }),
      metric({
        id: 'grid.scroll_drag_p95_ms',
        label: `Scroll top → bottom (${k}, ${DRAG_MS / 1000} s drag): frame p95`,
        value: Math.max(cold.drag.frames.p95, warm.drag.frames.p95),
        unit: 'ms',
        target: { op: '<', value: 20 },
        invokeai: '160 ms (goal ≤ 20 ms)',
        note: `worse of 2 runs (${cold.drag.frames.p95}, ${warm.drag.frames.p95}); p50 ${cold.drag.frames.p50}; frames > 20 ms: ${cold.drag.over_20ms}/${cold.drag.frames.n}, ${warm.drag.over_20ms}/${warm.drag.frames.n}; idle p95 ${cold.idle.frames.p95}`,
      }),
      metric({
        id: 'grid.scroll_wheel_p95_ms',
        label: `Scroll at wheel speed (${WHEEL_PX_PER_MS} px/ms, thumbnails loading): frame p95`,
        value: Math.max(cold.wheel.frames.p95, warm.wheel.frames.p95),
        unit: 'ms',
        target: { op: '<', value: 20 },
        note: `thumbnails from the server ${cold.wheel.frames.p95} ms, from disk ${warm.wheel.frames.p95} ms; frames > 20 ms: ${cold.wheel.over_20ms}/${cold.wheel.frames.n}, ${warm.wheel.over_20ms}/${warm.wheel.frames.n}`,
      }),
      metric({
        id: 'grid.control_wheel_p95_ms',
        label: 'Control: plain 30-line virtual list, same wheel scroll: frame p95',
        value: control.frames.p95,
        unit: 'ms',
        note: `no app in the page; frames > 20 ms: ${control.over_20ms}/${control.frames.n}`,
      }),
      metric({
        id: 'grid.stop_cached_p95_ms',
        label: 'Scroll stop → visible thumbnails painted (cached on disk): p95',
        value: warm.stop_summary.p95,
        unit: 'ms',
        target: { op: '<', value: 200 },
        invokeai: '1.0 s (goal ≤ 0.1 s)',
        note: `p50 ${warm.stop_summary.p50} ms over ${warm.stop_summary.n} stops; app flag p50 ${flagSummary(warm.stops).p50}, p95 ${flagSummary(warm.stops).p95} ms`,
      }),
      metric({
        id: 'grid.stop_cold_p95_ms',
        label: `Scroll stop → visible thumbnails painted (cold: from the ${SERVER ? 'real server' : 'stand-in'}): p95`,
        value: cold.stop_summary.p95,
        unit: 'ms',
        note: `p50 ${cold.stop_summary.p50} ms; app flag p50 ${flagSummary(cold.stops).p50}, p95 ${flagSummary(cold.stops).p95} ms`,
      }),
      metric({
        id: 'grid.board_switch_cached_ms',
        label: 'Board switch → thumbnails painted (cached): median',
        value: round(median(warm.boards.map((board) => board.painted_ms ?? Infinity)), 0),
        unit: 'ms',
        invokeai: '0.6 s (goal ≤ 0.06 s)',
        note: `cold ${cold.boards.map((board) => Math.round(board.painted_ms ?? Infinity)).join(', ')} ms; cached ${warm.boards.map((board) => Math.round(board.painted_ms ?? Infinity)).join(', ')} ms`,
      }),
    ];
    const memoryMetrics: Metric[] = [
      metric({
        id: 'memory.renderer_heap_mb',
        label: `Renderer JS heap after scrolling ${k} (after GC)`,
        value: Math.max(cold.heap.used_mb, warm.heap.used_mb),
        unit: 'MB',
        target: { op: '<', value: 300 },
        invokeai: '69 MB for one board of 32k (goal ≤ 69 MB for all)',
        note: `before GC ${Math.max(cold.heap.used_before_gc_mb, warm.heap.used_before_gc_mb)} MB; ${cold.heap.nodes} DOM nodes`,
      }),
      metric({
        id: 'memory.host_rss_mb',
        label: `Main process (host) RSS after scrolling ${k}`,
        value: Math.max(cold.host_memory.rss_mb, warm.host_memory.rss_mb),
        unit: 'MB',
        target: { op: '<', value: 300 },
        note:
          `peak ${Math.max(cold.host_memory.peak_rss_mb, warm.host_memory.peak_rss_mb)} MB; ${hostIdle.rss_mb} MB once the start-up sync was over; ` +
          `V8 heap ${warm.host_memory.node.before.heap_used_mb} MB used of ${warm.host_memory.node.before.heap_total_mb}` +
          (warm.host_memory.node.after_gc
            ? `; after a forced GC ${warm.host_memory.rss_after_gc_mb} MB (V8 heap ${warm.host_memory.node.after_gc.heap_used_mb} of ${warm.host_memory.node.after_gc.heap_total_mb})`
            : ''),
      }),
    ];
    const common = {
      date: new Date().toISOString(),
      quick: QUICK,
      params: {
        images: IMAGES,
        cached_images: cached,
        viewport: VIEWPORT,
        starts: STARTS,
        stops: STOPS,
        drag_ms: DRAG_MS,
        wheel_ms: WHEEL_MS,
        wheel_px_per_ms: WHEEL_PX_PER_MS,
        chromium: CHROMIUM,
        geometry,
      },
      load: { before: loadBefore, after: loadAverages() },
    };
    console.log(
      `wrote ${writeResult(`grid${SUFFIX}`, { suite: `grid${SUFFIX}`, ...common, metrics, details: { first_open: firstOpen, starts, contexts: perContext, control } }, QUICK)}`,
    );
    console.log(
      `wrote ${writeResult(`memory${SUFFIX}`, { suite: `memory${SUFFIX}`, ...common, metrics: memoryMetrics, details: { host_after_start: hostIdle, contexts: perContext.map((c) => ({ thumbnails: c.thumbnails, heap: c.heap, host_memory: c.host_memory })) } }, QUICK)}`,
    );
  } finally {
    await browser?.close();
    await host?.stop();
    await standIn?.stop();
    if (!DATA) rmSync(dataDir, { recursive: true, force: true });
    rmSync(rendererDir, { recursive: true, force: true });
  }
}

await main();
