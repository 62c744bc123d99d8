/**
 * Real-server benchmark (`npm run bench -- --real`): the app's first sync against the real
 * InvokeAI 6.14.2 holding N images, measured beside the same server's own rates in the same run,
 * so each figure is a ratio to what the server can give (issue 13's table).
 *
 *   setup            a fresh root, the real server on a free loopback port (test/real/server.ts),
 *                    a few template PNGs uploaded through the API (square, portrait, landscape),
 *                    server stopped, ../shared/invokeai/seed_scale.py seed --n N (rows written into
 *                    its database, template files hard-linked), server restarted, `verify`
 *   server rates     the image name list, then images_by_names in 1000s one after another
 *                    (DTOs/s); /metadata one image per request with the app's pool size (6);
 *                    thumbnails 4 at a time like the app; each over a bounded sample, asked
 *                    uncompressed as the app asks a server on this machine (api/http.ts)
 *   app first sync   the app's real services (createAppServices → session.sync.sync()) in a fresh
 *                    process with an empty cache: names + DTOs as images/s, then the metadata
 *                    backfill until idle; peak RSS, event-loop delay (monitorEventLoopDelay: max
 *                    and p99) in each phase; the cache file's size against the server's own
 *                    databases/invokeai.db
 *
 * The server is stopped at the end whatever happens; its root is removed unless --root was given
 * (then it is kept, and a later run with the same --root and --n reuses the seeded database).
 *
 * Usage: npx tsx bench/real.ts [--quick] [--n N] [--root DIR] [--metadata-sample N] [--thumb-sample N]
 * Writes bench/results/real.json (quick runs: bench/results/quick/real.json).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { startRealServer, type RealServer } from '../test/real/server';
import { defaultVenvDir } from '../test/real/venv';
import { loadAverages, machine, metric, parseFlags, readJson, resultsDir, writeResult, type Metric, type SuiteResult } from './lib/results';
import { processCpuSeconds, REPO, spawnNode } from './lib/proc';
import { round } from './lib/stats';

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');
const SEED_SCRIPT = join(REPO, '..', 'shared', 'invokeai', 'seed_scale.py');
/** The app's metadata pool (src/main/sync/metadata.ts) and thumbnail loads in flight (issue 13). */
const METADATA_CONCURRENCY = 6;
const THUMB_CONCURRENCY = 4;
const DTO_BATCH = 1000;

if (flags.get('worker') === 'client') {
  await clientWorker(flags.get('server')!, flags.get('data'));
} else {
  await main();
}

// ------------------------------------------------------------------------------------------------
// The orchestrator.

interface ServerRates {
  names_s: number;
  total: number;
  dtos_s: number;
  /** Names + images_by_names over every image. */
  dtos_per_s: number;
  metadata_sample: number;
  metadata_per_s: number;
  thumb_sample: number;
  thumbs_per_s: number;
  thumb_bytes_avg: number;
}

interface ClientReport {
  images: number;
  browsable_s: number;
  sync_s: number;
  metadata_fetch_s: number;
  metadata_idle_s: number;
  /** Longest run of 1 s windows after the DTO phase in which the backfill wrote < 50 images/s. */
  metadata_stall_s: number;
  metadata_min_rate_per_s: number | null;
  peak_rss_after_dtos_mb: number;
  peak_rss_mb: number;
  rss_after_mb: number;
  client_cpu_s: number;
  server_cpu_s: number | null;
  event_loop_delay_ms: { names_dtos_p99: number; names_dtos_max: number; metadata_p99: number; metadata_max: number };
  cache_file_mb: number;
  /** process.memoryUsage() when RSS was highest (sampled every 200 ms): what the peak is made of. */
  memory_at_peak_mb: { rss: number; heap_used: number; heap_total: number; external: number; array_buffers: number };
  summary: string;
}

async function main(): Promise<void> {
  const n = Number(flags.get('n') ?? (QUICK ? 10_000 : 100_000));
  const metadataSample = Number(flags.get('metadata-sample') ?? (QUICK ? 1000 : 4000));
  const thumbSample = Number(flags.get('thumb-sample') ?? (QUICK ? 500 : 2000));
  if (!Number.isInteger(n) || n < 1) throw new Error(`real: --n must be a positive whole number, not ${flags.get('n')}`);
  if (!existsSync(SEED_SCRIPT)) throw new Error(`real: ${SEED_SCRIPT} is missing: it seeds the server's database`);
  const keepRoot = flags.has('root');
  // With --grid the first sync's cache is kept for bench/grid.ts to open against the same server.
  const clientData = flags.has('grid') ? mkdtempSync(join(tmpdir(), 'ivk-bench-real-client-')) : null;
  const root = flags.get('root') ?? mkdtempSync(join(tmpdir(), 'ivk-bench-real-'));
  const python = join(defaultVenvDir(), 'bin', 'python');
  const loadBefore = loadAverages();
  const log = (line: string) => console.log(`  ${line}`);
  let server: RealServer | null = null;
  const setup: Record<string, number> = {};

  try {
    const seeded = seededCount(root);
    if (seeded !== n) {
      if (seeded !== null)
        throw new Error(`real: ${root} already holds a seeded gallery of another size (${seeded}); pick an empty --root`);
      console.log(`real: seeding a real InvokeAI 6.14.2 with ${n.toLocaleString('en')} images in ${root}…`);
      server = await startRealServer({ root, log });
      let t = performance.now();
      await uploadTemplates(server.url);
      setup.upload_templates_s = round((performance.now() - t) / 1000, 1);
      const port = Number(new URL(server.url).port);
      await server.close();
      server = null;
      t = performance.now();
      runPython(python, [SEED_SCRIPT, 'seed', '--root', root, '--n', String(n), '--port', String(port)], 30 * 60_000);
      setup.seed_s = round((performance.now() - t) / 1000, 1);
    } else {
      console.log(`real: reusing the seeded gallery in ${root}`);
    }
    let t = performance.now();
    server = await startRealServer({ root, log });
    setup.restart_s = round((performance.now() - t) / 1000, 1);
    t = performance.now();
    runPython(python, [SEED_SCRIPT, 'verify', '--root', root, '--url', server.url], 10 * 60_000);
    setup.verify_s = round((performance.now() - t) / 1000, 1);
    // The database file alone: the running server's WAL holds a second copy of pages it has rewritten
    // (at 100k about as big as the file itself) until a checkpoint folds them back in.
    const serverDbMb = fileMb(join(root, 'databases', 'invokeai.db'));
    const serverWalMb = fileMb(join(root, 'databases', 'invokeai.db-wal'));
    const serverPid = serverProcessPid(server.url);

    console.log('real: the server’s own rates…');
    const rates = await serverRates(server.url, metadataSample, thumbSample);
    console.log(
      `  names ${rates.names_s} s (${rates.total.toLocaleString('en')}), DTOs ${rates.dtos_s} s → ${rates.dtos_per_s.toLocaleString('en')} DTOs/s; ` +
        `metadata ${rates.metadata_per_s}/s (${METADATA_CONCURRENCY} at a time); thumbnails ${rates.thumbs_per_s}/s (${THUMB_CONCURRENCY} at a time)`,
    );

    console.log('real: the app’s first sync (a fresh process, empty cache)…');
    const worker = await spawnNode(
      'bench/real.ts',
      ['--worker', 'client', '--server', server.url, ...(clientData ? ['--data', clientData] : [])],
      /^RESULT /,
      {
        timeoutMs: 40 * 60_000,
        env: { ...process.env, ...(serverPid ? { BENCH_SERVER_PID: String(serverPid) } : {}) },
      },
    );
    const client = JSON.parse(worker.ready.slice('RESULT '.length)) as ClientReport;
    await worker.exited();
    const appDtoRate = Math.round(client.images / client.browsable_s);
    const appMetadataRate = Math.round(client.images / client.metadata_fetch_s);
    console.log(
      `  browsable after ${client.browsable_s} s (${appDtoRate.toLocaleString('en')} images/s), metadata ${client.metadata_fetch_s} s ` +
        `(${appMetadataRate}/s; slowest second ${client.metadata_min_rate_per_s}/s, stall ${client.metadata_stall_s} s), peak RSS ${client.peak_rss_mb} MB, ` +
        `cache ${client.cache_file_mb} MB vs server DB ${serverDbMb} MB`,
    );
    const peak = client.memory_at_peak_mb;
    console.log(
      `  at the RSS peak (${peak.rss} MB): JS heap ${peak.heap_used} of ${peak.heap_total} MB, external ${peak.external} MB ` +
        `(array buffers ${peak.array_buffers} MB); the rest is code, stacks, threads and SQLite's page caches`,
    );

    const ratio = (value: number, of: number) => round(value / of, 2);
    const size = `${n / 1000}k`;
    const metrics: Metric[] = [
      metric({
        id: 'real.server.dtos_per_s',
        label: `Real ${size}: server names + images_by_names (1000s)`,
        value: rates.dtos_per_s,
        unit: 'DTOs/s',
        invokeai: 'issue 13: ~13,700 DTOs/s',
      }),
      metric({
        id: 'real.server.metadata_per_s',
        label: `Real ${size}: server /metadata, ${METADATA_CONCURRENCY} at a time`,
        value: rates.metadata_per_s,
        unit: '/s',
        invokeai: 'issue 13: ~650/s',
        note: `${rates.metadata_sample} images, newest first`,
      }),
      metric({
        id: 'real.server.thumbnails_per_s',
        label: `Real ${size}: server thumbnails, ${THUMB_CONCURRENCY} at a time`,
        value: rates.thumbs_per_s,
        unit: '/s',
        note: `${rates.thumb_sample} images, avg ${rates.thumb_bytes_avg} bytes`,
      }),
      metric({
        id: 'real.sync.names_dtos_per_s',
        label: `Real ${size}: app first sync, names + DTOs`,
        value: appDtoRate,
        unit: 'images/s',
        note: `browsable after ${client.browsable_s} s; ${client.images.toLocaleString('en')} images`,
      }),
      metric({
        id: 'real.sync.names_dtos_ratio',
        label: `Real ${size}: app names + DTOs ÷ server rate`,
        value: ratio(appDtoRate, rates.dtos_per_s),
        unit: '×',
        target: { op: '>=', value: 0.8 },
      }),
      metric({
        id: 'real.sync.metadata_per_s',
        label: `Real ${size}: app metadata backfill`,
        value: appMetadataRate,
        unit: 'images/s',
        note: `fetched in ${client.metadata_fetch_s} s, idle after ${client.metadata_idle_s} s`,
      }),
      metric({
        id: 'real.sync.metadata_ratio',
        label: `Real ${size}: app metadata ÷ server rate`,
        value: ratio(appMetadataRate, rates.metadata_per_s),
        unit: '×',
        target: { op: '>=', value: 0.9 },
      }),
      metric({
        id: 'real.sync.metadata_stall_s',
        label: `Real ${size}: metadata stall (longest run of seconds < 50 images/s)`,
        value: client.metadata_stall_s,
        unit: 's',
        target: { op: '<', value: 1 },
        note: `slowest whole second ${client.metadata_min_rate_per_s}/s`,
      }),
      metric({
        id: 'real.sync.peak_rss_mb',
        label: `Real ${size}: app peak RSS during the first sync`,
        value: client.peak_rss_mb,
        unit: 'MB',
        target: { op: '<=', value: 350 },
        note: `after names + DTOs ${client.peak_rss_after_dtos_mb} MB; after the backfill ${client.rss_after_mb} MB`,
      }),
      metric({
        id: 'real.sync.event_loop_max_ms',
        label: `Real ${size}: event-loop delay max during the first sync`,
        value: Math.max(client.event_loop_delay_ms.names_dtos_max, client.event_loop_delay_ms.metadata_max),
        unit: 'ms',
        target: { op: '<=', value: 50 },
        note: `names + DTOs ${client.event_loop_delay_ms.names_dtos_max} ms, metadata ${client.event_loop_delay_ms.metadata_max} ms`,
      }),
      metric({
        id: 'real.sync.event_loop_p99_ms',
        label: `Real ${size}: event-loop delay p99 during the first sync`,
        value: Math.max(client.event_loop_delay_ms.names_dtos_p99, client.event_loop_delay_ms.metadata_p99),
        unit: 'ms',
        target: { op: '<=', value: 16 },
        note: `names + DTOs ${client.event_loop_delay_ms.names_dtos_p99} ms, metadata ${client.event_loop_delay_ms.metadata_p99} ms`,
      }),
      metric({
        id: 'real.cache.file_mb',
        label: `Real ${size}: cache file`,
        value: client.cache_file_mb,
        unit: 'MB',
        note: `server DB ${serverDbMb} MB (its WAL ${serverWalMb} MB more)`,
      }),
      metric({
        id: 'real.cache.file_ratio',
        label: `Real ${size}: cache file ÷ server DB`,
        value: ratio(client.cache_file_mb, serverDbMb),
        unit: '×',
        target: { op: '<=', value: 1 },
      }),
    ];
    let grid: { exit: number; metrics: Metric[] } | null = null;
    if (clientData) {
      console.log('real: the grid against the real server (cold start, warm start, scroll; bench/grid.ts --server)…');
      const exit = await runNode('bench/grid.ts', ['--server', server.url, '--data', clientData, ...(QUICK ? ['--quick'] : [])]);
      grid = { exit, metrics: exit === 0 ? gridMetrics(size) : [] };
      if (exit !== 0) console.error(`real: bench/grid.ts failed (exit ${exit}); the sync figures stand alone`);
      metrics.push(...grid.metrics);
    }
    for (const m of metrics) {
      const goal = m.target ? ` (goal ${m.target.op} ${m.target.value} ${m.unit}: ${m.met ? 'met' : 'NOT met'})` : '';
      console.log(`  ${m.label}: ${m.value} ${m.unit}${goal}`);
    }
    const path = writeResult(
      'real',
      {
        suite: 'real',
        date: new Date().toISOString(),
        quick: QUICK,
        params: { images: n, metadata_sample: metadataSample, thumb_sample: thumbSample, root: keepRoot ? root : null },
        load: { before: loadBefore, after: loadAverages() },
        metrics,
        details: {
          machine: machine(),
          setup,
          server_db_mb: serverDbMb,
          server_wal_mb: serverWalMb,
          server: rates,
          client,
          grid_exit: grid?.exit ?? null,
        },
      },
      QUICK,
    );
    console.log(`wrote ${path}`);
  } finally {
    await server?.close();
    if (!keepRoot) rmSync(root, { recursive: true, force: true });
    if (clientData) rmSync(clientData, { recursive: true, force: true });
  }
}

function runNode(script: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, stdio: 'inherit' });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** bench/grid.ts's figures against the real server, renamed into this suite, plus the scroll ratio to the plain page. */
function gridMetrics(size: string): Metric[] {
  const read = (name: string) => {
    const path = join(resultsDir(QUICK), `${name}.json`);
    return existsSync(path) ? readJson<SuiteResult>(path).metrics : [];
  };
  const all = [...read('grid-real'), ...read('memory-real')];
  const byId = new Map(all.map((m) => [m.id, m]));
  const renamed = all.map((m) => ({ ...m, id: `real.${m.id}`, label: `Real ${size}: ${m.label}` }));
  const wheel = byId.get('grid.scroll_wheel_p95_ms')?.value;
  const control = byId.get('grid.control_wheel_p95_ms')?.value;
  if (typeof wheel === 'number' && typeof control === 'number' && control > 0)
    renamed.push(
      metric({
        id: 'real.grid.scroll_wheel_ratio',
        label: `Real ${size}: scroll frame p95 ÷ the plain page's`,
        value: round(wheel / control, 2),
        unit: '×',
        target: { op: '<=', value: 1.2 },
        note: `${wheel} ms vs ${control} ms`,
      }),
    );
  return renamed;
}

/** The N of a root seed_scale.py already seeded, or null for a fresh root. */
function seededCount(root: string): number | null {
  const path = join(root, 'seed_expected.json');
  if (!existsSync(path)) return null;
  return (JSON.parse(readFileSync(path, 'utf8')) as { total: number }).total;
}

function runPython(python: string, args: string[], timeoutMs: number): string {
  const r = spawnSync(python, args, { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`real: ${args.slice(0, 2).join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  process.stdout.write(
    r.stdout
      .split('\n')
      .slice(-4)
      .map((line) => (line ? `  ${line}\n` : ''))
      .join(''),
  );
  return r.stdout;
}

function fileMb(path: string): number {
  return existsSync(path) ? round(statSync(path).size / 1024 / 1024, 1) : 0;
}

/** The pid listening on the server's port (for its CPU seconds), read from /proc; null when unknown. */
function serverProcessPid(url: string): number | null {
  const port = Number(new URL(url).port);
  const r = spawnSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(r.stdout ?? '')?.[1];
  return pid ? Number(pid) : null;
}

/** Two templates of each aspect seed_scale.py picks from: square, portrait, landscape. */
async function uploadTemplates(url: string): Promise<void> {
  const sizes: [number, number][] = [
    [512, 512],
    [1024, 1024],
    [512, 768],
    [832, 1216],
    [768, 512],
    [1216, 832],
  ];
  for (const [i, [width, height]] of sizes.entries()) {
    // Noise-free but not flat: a gradient, so the PNG and its thumbnail have realistic-ish sizes.
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const o = (y * width + x) * 3;
        raw[o] = (x * 255) / width;
        raw[o + 1] = (y * 255) / height;
        raw[o + 2] = (i * 40) % 256;
      }
    const png = await sharp(raw, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), `template-${width}x${height}.png`);
    const res = await fetch(`${url}/api/v1/images/upload?image_category=general&is_intermediate=false`, { method: 'POST', body: form });
    if (res.status !== 201) throw new Error(`real: template upload answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}

async function pooled<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * One request as the app sends it to a server on this machine (uncompressed: api/http.ts), tried
 * again when the server closed a kept-alive connection just as it was reused (uvicorn closes idle
 * ones after 5 s; on a loaded machine the race is common).
 */
async function request(input: string, init: RequestInit = {}): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(input, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), 'accept-encoding': 'identity' },
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      if (attempt >= 2) throw error;
    }
  }
}

async function serverRates(url: string, metadataSample: number, thumbSample: number): Promise<ServerRates> {
  const get = async (path: string) => {
    const res = await request(`${url}${path}`);
    if (!res.ok) throw new Error(`real: GET ${path} answered ${res.status}`);
    return res;
  };
  let t = performance.now();
  const names = (await (await get('/api/v1/images/names?is_intermediate=false')).json()) as { image_names: string[]; total_count: number };
  const namesS = (performance.now() - t) / 1000;
  t = performance.now();
  for (let i = 0; i < names.image_names.length; i += DTO_BATCH) {
    const res = await request(`${url}/api/v1/images/images_by_names`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ image_names: names.image_names.slice(i, i + DTO_BATCH) }),
    });
    if (!res.ok) throw new Error(`real: images_by_names answered ${res.status}`);
    await res.json();
  }
  const dtosS = (performance.now() - t) / 1000;

  // Newest first, as the app asks; a different stretch for thumbnails so neither warms the other.
  const metaNames = names.image_names.slice(0, metadataSample);
  t = performance.now();
  await pooled(metaNames, METADATA_CONCURRENCY, async (name) => {
    await (await get(`/api/v1/images/i/${encodeURIComponent(name)}/metadata`)).text();
  });
  const metadataS = (performance.now() - t) / 1000;

  const thumbNames = names.image_names.slice(metadataSample, metadataSample + thumbSample);
  let thumbBytes = 0;
  t = performance.now();
  await pooled(thumbNames, THUMB_CONCURRENCY, async (name) => {
    thumbBytes += (await (await get(`/api/v1/images/i/${encodeURIComponent(name)}/thumbnail`)).arrayBuffer()).byteLength;
  });
  const thumbsS = (performance.now() - t) / 1000;

  return {
    names_s: round(namesS, 2),
    total: names.image_names.length,
    dtos_s: round(dtosS, 2),
    dtos_per_s: Math.round(names.image_names.length / (namesS + dtosS)),
    metadata_sample: metaNames.length,
    metadata_per_s: Math.round(metaNames.length / metadataS),
    thumb_sample: thumbNames.length,
    thumbs_per_s: Math.round(thumbNames.length / thumbsS),
    thumb_bytes_avg: Math.round(thumbBytes / Math.max(1, thumbNames.length)),
  };
}

// ------------------------------------------------------------------------------------------------
// The client: the app's own services in a fresh process, so its RSS and event loop are the sync's.

async function clientWorker(serverUrl: string, keepData: string | undefined): Promise<void> {
  const { createAppServices } = await import('../src/main/services');
  const { memoryTokens } = await import('../src/main/settings/settings');
  const { heap } = await import('../src/main/heap');
  // As every entry point of a main process does (Electron's, the CLI's).
  heap.makeLean();
  const serverPid = Number(process.env.BENCH_SERVER_PID) || null;
  const dataDir = keepData ?? mkdtempSync(join(tmpdir(), 'ivk-bench-real-client-'));
  const services = createAppServices({ rootDir: dataDir, tokens: memoryTokens(null), serverUrl });
  const session = services.session();
  const phases: { phase: string; done: number; total: number; at: number }[] = [];
  services.onEvent((event, payload) => {
    if (event === 'status.changed') {
      const { phase, done, total } = (payload as { sync: { phase: string; done: number; total: number } }).sync;
      phases.push({ phase, done, total, at: performance.now() });
    }
  });
  const maxRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    if (now.rss > atPeak.rss) atPeak = now;
  }, 200);
  let report: ClientReport;
  try {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const serverCpu0 = serverPid ? processCpuSeconds(serverPid) : null;
    const cpu0 = cpu();
    const start = performance.now();
    delay.enable();
    const summary = await session.sync.sync();
    const synced = performance.now();
    const peakAfterDtos = maxRssMb();
    const lastImages = phases.findLast((step) => step.phase === 'images');
    const namesDtos = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    delay.reset();
    await session.sync.metadataIdle();
    const idle = performance.now();
    const metadata = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    delay.disable();
    const lastMetadata = phases.findLast((step) => step.phase === 'metadata' && step.done >= step.total && step.total > 0);
    const stall = metadataStall(
      phases.filter((step) => step.phase === 'metadata' && step.at >= synced),
      synced,
    );
    const images = session.cache.totals().images;
    const s = (ms: number) => round(ms / 1000, 2);
    report = {
      images,
      browsable_s: s((lastImages?.at ?? synced) - start),
      sync_s: s(synced - start),
      metadata_fetch_s: s((lastMetadata?.at ?? idle) - synced),
      metadata_idle_s: s(idle - synced),
      metadata_stall_s: stall.stall_s,
      metadata_min_rate_per_s: stall.min_rate,
      peak_rss_after_dtos_mb: peakAfterDtos,
      peak_rss_mb: maxRssMb(),
      rss_after_mb: Math.round(process.memoryUsage.rss() / 1024 / 1024),
      client_cpu_s: round(cpu() - cpu0, 1),
      server_cpu_s: serverPid && serverCpu0 !== null ? round(processCpuSeconds(serverPid) - serverCpu0, 1) : null,
      event_loop_delay_ms: {
        names_dtos_p99: round(namesDtos.p99, 1),
        names_dtos_max: round(namesDtos.max, 1),
        metadata_p99: round(metadata.p99, 1),
        metadata_max: round(metadata.max, 1),
      },
      cache_file_mb: 0,
      memory_at_peak_mb: {
        rss: mb(atPeak.rss),
        heap_used: mb(atPeak.heapUsed),
        heap_total: mb(atPeak.heapTotal),
        external: mb(atPeak.external),
        array_buffers: mb(atPeak.arrayBuffers),
      },
      summary: summary.text,
    };
  } finally {
    clearInterval(sampler);
    await services.stop();
  }
  // Closed, so the WAL is folded into the file: its size is what stays on disk.
  report.cache_file_mb = cacheFileMb(dataDir);
  if (!keepData) rmSync(dataDir, { recursive: true, force: true });
  console.log(`RESULT ${JSON.stringify(report)}`);
}

/** The backfill's progress per whole second after the DTO phase: the longest run of slow seconds. */
function metadataStall(steps: { done: number; at: number }[], from: number): { stall_s: number; min_rate: number | null } {
  const last = steps.at(-1);
  if (!last) return { stall_s: 0, min_rate: null };
  const seconds = Math.floor((last.at - from) / 1000);
  let run = 0;
  let longest = 0;
  let minRate: number | null = null;
  // Images done by the end of each whole second.
  const doneAt: number[] = [0];
  let i = 0;
  let done = 0;
  for (let second = 1; second <= seconds; second++) {
    while (i < steps.length && steps[i]!.at - from <= second * 1000) done = Math.max(done, steps[i++]!.done);
    doneAt.push(done);
  }
  for (let second = 1; second < doneAt.length; second++) {
    const rate = doneAt[second]! - doneAt[second - 1]!;
    minRate = minRate === null ? rate : Math.min(minRate, rate);
    run = rate < 50 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return { stall_s: longest, min_rate: minRate };
}

function cacheFileMb(dir: string): number {
  let bytes = 0;
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^cache\.sqlite(-wal)?$/.test(entry.name)) bytes += statSync(full).size;
    }
  };
  walk(dir);
  return round(bytes / 1024 / 1024, 1);
}
