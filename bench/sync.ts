/**
 * Sync benchmark: the app's sync against the stand-in InvokeAI server over loopback, each in its
 * own process so the server's CPU and memory stay out of the client's figures.
 *
 *   first sync        names + DTOs of every image (what makes the gallery browsable), then the
 *                     metadata backfill (prompts, one request per image) until it is idle, in a
 *                     fresh client process with an empty cache: images/s of each, peak RSS
 *   incremental sync  100 changes made on the server behind the app's back (stars, moves,
 *                     deletes, uploads mixed) among the gallery: wall time of the sync that
 *                     finds them, and whether it found them all
 *
 * The app side is the real one: createAppServices → ServerSession → session.sync.sync(). The
 * app prefetches no thumbnails (they are read on demand through the media route), so none are
 * counted here; the grid benchmark times them.
 *
 * Usage: npx tsx bench/sync.ts [--quick] [--images N] [--first-runs N] [--rounds N]
 * Writes bench/results/sync.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { loadAverages, metric, parseFlags, writeResult, type Metric } from './lib/results';
import { processCpuSeconds, spawnNode, startStandInProcess } from './lib/proc';
import { median, rng, round } from './lib/stats';

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');

if (flags.get('worker') === 'client') {
  await clientWorker(flags.get('server')!, Number(flags.get('rounds') ?? 3), Number(flags.get('seed') ?? 1));
} else {
  await main();
}

// ------------------------------------------------------------------------------------------------
// The orchestrator: stand-in in one process, one fresh client process per first sync.

interface PhaseTimes {
  /** Seconds from sync() to the first DTO batch being asked for (boards, the name list). */
  names_s: number;
  /** Seconds spent fetching and writing DTOs. */
  dtos_s: number;
  /** Seconds until the last DTO was written: the gallery is browsable from here. */
  browsable_s: number;
  /** Seconds until sync() resolved (jobs and models too). */
  sync_s: number;
  /** Seconds from sync() resolving until every prompt was fetched and written. */
  metadata_fetch_s: number;
  /** Seconds from sync() resolving until the backfill was idle (search index tidied too). */
  metadata_idle_s: number;
}

interface ClientReport {
  images: number;
  first: PhaseTimes & {
    client_cpu_s: number;
    server_cpu_s: number;
    peak_rss_after_dtos_mb: number;
    peak_rss_mb: number;
    rss_after_mb: number;
    heap_used_after_mb: number;
    event_loop_delay_ms: { names_dtos_p99: number; names_dtos_max: number; metadata_p99: number; metadata_max: number };
    summary: string;
  };
  unchanged_s: number;
  incremental: { wall_s: number; expected: Record<string, number>; found: Record<string, number>; summary: string; client_cpu_s: number }[];
}

async function main(): Promise<void> {
  const images = Number(flags.get('images') ?? (QUICK ? 10_000 : 100_000));
  const firstRuns = Number(flags.get('first-runs') ?? (QUICK ? 1 : 2));
  const rounds = Number(flags.get('rounds') ?? (QUICK ? 2 : 3));
  const loadBefore = loadAverages();
  console.log(`sync: stand-in with ${images.toLocaleString('en')} images…`);
  const standIn = await startStandInProcess(images);
  const reports: ClientReport[] = [];
  try {
    for (let run = 0; run < firstRuns; run++) {
      // Incremental rounds only in the first client; later ones repeat the first sync.
      const worker = await spawnNode(
        'bench/sync.ts',
        ['--worker', 'client', '--server', standIn.url, '--rounds', String(run === 0 ? rounds : 0), '--seed', String(run + 1)],
        /^RESULT /,
        {
          timeoutMs: 30 * 60_000,
          env: { ...process.env, BENCH_STANDIN_PID: String(standIn.pid) },
        },
      );
      const report = JSON.parse(worker.ready.slice('RESULT '.length)) as ClientReport;
      await worker.exited();
      reports.push(report);
      const first = report.first;
      console.log(
        `  first sync ${run + 1}: names ${first.names_s} s, DTOs ${first.dtos_s} s, browsable after ${first.browsable_s} s ` +
          `(${Math.round(report.images / first.browsable_s).toLocaleString('en')} images/s), metadata ${first.metadata_fetch_s} s ` +
          `(${Math.round(report.images / first.metadata_fetch_s).toLocaleString('en')}/s), idle after ${first.metadata_idle_s} s; ` +
          `peak RSS ${first.peak_rss_mb} MB`,
      );
      for (const round of report.incremental) console.log(`  incremental: ${round.wall_s} s, ${round.summary}`);
    }
  } finally {
    await standIn.stop();
  }

  const firsts = reports.map((report) => report.first);
  // The images the app syncs: the server's gallery less its intermediates (never listed).
  const synced = reports[0]!.images;
  const rate = (seconds: number) => Math.round(synced / seconds);
  const incremental = reports.flatMap((report) => report.incremental);
  const allFound = incremental.every((round) => Object.entries(round.expected).every(([kind, n]) => round.found[kind] === n));
  const metrics: Metric[] = [
    metric({
      id: 'sync.first.names_dtos_per_s',
      label: `First sync ${images / 1000}k: names + DTOs`,
      value: rate(median(firsts.map((first) => first.browsable_s))),
      unit: 'images/s',
      target: { op: '>=', value: 5000 },
      invokeai: 'server allows ~13,700 DTOs/s',
      note: `${synced.toLocaleString('en')} images (the rest are intermediates); median of ${firsts.length}; browsable after ${median(firsts.map((first) => first.browsable_s))} s`,
    }),
    metric({
      id: 'sync.first.browsable_s',
      label: `First sync ${images / 1000}k: gallery browsable after`,
      value: median(firsts.map((first) => first.browsable_s)),
      unit: 's',
    }),
    metric({
      id: 'sync.first.metadata_per_s',
      label: `First sync ${images / 1000}k: metadata (prompts)`,
      value: rate(median(firsts.map((first) => first.metadata_fetch_s))),
      unit: 'images/s',
      invokeai: 'real server gives ~650/s',
      note: 'background, never blocks browsing; the stand-in answers faster than a real server',
    }),
    metric({
      id: 'sync.first.metadata_idle_s',
      label: `First sync ${images / 1000}k: backfill idle (prompts + search index tidy) after`,
      value: median(firsts.map((first) => first.metadata_idle_s)),
      unit: 's',
    }),
    metric({
      id: 'sync.first.thumbnails',
      label: 'First sync: thumbnails prefetched',
      value: 0,
      unit: '',
      note: 'none: read on demand, visible first',
    }),
    metric({
      id: 'sync.first.peak_rss_mb',
      label: `First sync ${images / 1000}k: client peak RSS (prompts included)`,
      value: Math.max(...firsts.map((first) => first.peak_rss_mb)),
      unit: 'MB',
      note: `names + DTOs alone: ${Math.max(...firsts.map((first) => first.peak_rss_after_dtos_mb))} MB`,
    }),
    metric({
      id: 'sync.first.event_loop_p99_ms',
      label: 'First sync: main event loop delay p99 (names + DTOs)',
      value: Math.max(...firsts.map((first) => first.event_loop_delay_ms.names_dtos_p99)),
      unit: 'ms',
      note: `max ${Math.max(...firsts.map((first) => first.event_loop_delay_ms.names_dtos_max))} ms; during metadata p99 ${Math.max(...firsts.map((first) => first.event_loop_delay_ms.metadata_p99))} ms`,
    }),
    metric({
      id: 'sync.unchanged_s',
      label: `Incremental sync ${images / 1000}k, nothing changed`,
      value: median(reports.map((report) => report.unchanged_s)),
      unit: 's',
    }),
    metric({
      id: 'sync.incremental_s',
      label: `Incremental sync ${images / 1000}k, 100 changes`,
      value: incremental.length ? median(incremental.map((round) => round.wall_s)) : null,
      unit: 's',
      target: { op: '<', value: 2 },
      note: `median of ${incremental.length} (${incremental.map((round) => round.wall_s).join(', ')} s); ${allFound ? 'every change found' : 'SOME CHANGES MISSED'}`,
    }),
  ];
  const path = writeResult(
    'sync',
    {
      suite: 'sync',
      date: new Date().toISOString(),
      quick: QUICK,
      params: { images, first_runs: firstRuns, rounds, changes: 100 },
      load: { before: loadBefore, after: loadAverages() },
      metrics,
      details: reports,
    },
    QUICK,
  );
  console.log(`wrote ${path}`);
}

// ------------------------------------------------------------------------------------------------
// The client: the app's own services in a fresh process, so its peak RSS is the sync's alone.

async function clientWorker(serverUrl: string, rounds: number, seed: number): Promise<void> {
  const { createAppServices } = await import('../src/main/services');
  const { memoryTokens } = await import('../src/main/settings/settings');
  const standInPid = Number(process.env.BENCH_STANDIN_PID);
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-bench-sync-'));
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
  let report: ClientReport;
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };

  try {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    const serverCpu0 = processCpuSeconds(standInPid);
    const cpu0 = cpu();
    const start = performance.now();
    delay.enable();
    const summary = await session.sync.sync();
    const synced = performance.now();
    const peakAfterDtos = maxRssMb();
    const lastImages = phases.findLast((step) => step.phase === 'images');
    const firstImages = phases.find((step) => step.phase === 'images');
    const namesDtosDelay = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    delay.reset();
    await session.sync.metadataIdle();
    const idle = performance.now();
    const metadataDelay = { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 };
    delay.disable();
    const lastMetadata = phases.findLast((step) => step.phase === 'metadata' && step.done >= step.total && step.total > 0);
    const s = (ms: number) => round(ms / 1000, 2);
    globalThis.gc?.();
    const first = {
      names_s: s((firstImages?.at ?? synced) - start),
      dtos_s: s((lastImages?.at ?? synced) - (firstImages?.at ?? start)),
      browsable_s: s((lastImages?.at ?? synced) - start),
      sync_s: s(synced - start),
      metadata_fetch_s: s((lastMetadata?.at ?? idle) - synced),
      metadata_idle_s: s(idle - synced),
      client_cpu_s: round(cpu() - cpu0, 1),
      server_cpu_s: round(processCpuSeconds(standInPid) - serverCpu0, 1),
      peak_rss_after_dtos_mb: peakAfterDtos,
      peak_rss_mb: maxRssMb(),
      rss_after_mb: Math.round(process.memoryUsage.rss() / 1024 / 1024),
      heap_used_after_mb: Math.round(process.memoryUsage().heapUsed / 1024 / 1024),
      event_loop_delay_ms: {
        names_dtos_p99: round(namesDtosDelay.p99, 1),
        names_dtos_max: round(namesDtosDelay.max, 1),
        metadata_p99: round(metadataDelay.p99, 1),
        metadata_max: round(metadataDelay.max, 1),
      },
      summary: summary.text,
    };
    const images = session.cache.totals();

    // A sync with nothing to find: the floor under every incremental figure.
    let t = performance.now();
    await session.sync.sync();
    const unchanged = s(performance.now() - t);

    const incremental: ClientReport['incremental'] = [];
    const random = rng(seed * 7919);
    for (let round_ = 0; round_ < rounds; round_++) {
      const expected = await changeBehindTheAppsBack(serverUrl, random);
      const cpuBefore = cpu();
      t = performance.now();
      const result = await session.sync.sync();
      const wall = s(performance.now() - t);
      incremental.push({
        wall_s: wall,
        expected,
        found: { added: result.added, moved: result.moved, deleted: result.deleted, updated: result.updated },
        summary: result.text,
        client_cpu_s: round(cpu() - cpuBefore, 2),
      });
      // The new uploads' prompts: let the backfill finish so the next round times a sync alone.
      await session.sync.metadataIdle();
    }

    report = { images: images.images, first, unchanged_s: unchanged, incremental };
  } finally {
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  // Last, once the cache is closed and removed: the orchestrator reads it and waits for the exit.
  console.log(`RESULT ${JSON.stringify(report)}`);
}

/**
 * 100 changes by "another client" over the stand-in's HTTP API: 25 stars toggled, 25 images moved
 * to another board, 25 deleted, 25 uploaded. Answers what the next sync should report.
 */
async function changeBehindTheAppsBack(serverUrl: string, random: () => number): Promise<Record<string, number>> {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${serverUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const { image_names: names } = await call<{ image_names: string[] }>('GET', '/api/v1/images/names?is_intermediate=false');
  const boards = (await call<{ board_id: string; archived: boolean }[]>('GET', '/api/v1/boards/?all=true')).filter(
    (board) => !board.archived,
  );
  const picked = new Set<string>();
  while (picked.size < 75) picked.add(names[Math.floor(random() * names.length)]!);
  const dtos = await call<{ image_name: string; starred: boolean; board_id: string | null }[]>('POST', '/api/v1/images/images_by_names', {
    image_names: [...picked],
  });
  const [stars, moves, deletes] = [dtos.slice(0, 25), dtos.slice(25, 50), dtos.slice(50, 75)];

  const toStar = stars.filter((dto) => !dto.starred).map((dto) => dto.image_name);
  const toUnstar = stars.filter((dto) => dto.starred).map((dto) => dto.image_name);
  if (toStar.length) await call('POST', '/api/v1/images/star', { image_names: toStar });
  if (toUnstar.length) await call('POST', '/api/v1/images/unstar', { image_names: toUnstar });
  for (const dto of moves) {
    const others = boards.filter((board) => board.board_id !== dto.board_id);
    const board = others[Math.floor(random() * others.length)]!;
    await call('POST', '/api/v1/board_images/', { board_id: board.board_id, image_name: dto.image_name });
  }
  await call('POST', '/api/v1/images/delete', { image_names: deletes.map((dto) => dto.image_name) });
  for (let i = 0; i < 25; i++) {
    const png = await sharp({
      create: { width: 64, height: 64, channels: 3, background: { r: Math.floor(random() * 255), g: 80, b: 160 } },
    })
      .png()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), `bench-${i}.png`);
    const response = await fetch(`${serverUrl}/api/v1/images/upload?image_category=general&is_intermediate=false`, {
      method: 'POST',
      body: form,
    });
    if (response.status !== 201) throw new Error(`upload: ${response.status} ${await response.text()}`);
  }
  return { added: 25, moved: 25, deleted: 25, updated: 25 };
}
