/**
 * Videos at scale: what the video step costs in every sync, and what videos add to the reads the
 * UI makes most, with 100k images and a few hundred videos (`--quick`: 10k and 100).
 *
 *   video step        syncVideos alone on a warm cache: every video DTO re-read in pages of 1000
 *                     and compared (no metadata fetched again): median of 5, and the server's
 *                     answer alone beside it
 *   incremental sync  a whole sync that finds nothing new, for scale beside it: median of 3
 *   board list        boards with image, asset and video counts (the video index read): median of 50
 *   first page        200 items of All, newest first: median of 50
 *
 * The stand-in runs in its own process. Usage: npx tsx bench/videos.ts [--quick] [--images N] [--videos N]
 * Writes bench/results/videos.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeClient } from '../src/main/api/client';
import { openCache } from '../src/main/cache';
import { SyncEngine } from '../src/main/sync';
import type { RunContext } from '../src/main/sync/context';
import { syncVideos } from '../src/main/sync/videos';
import type { GalleryQuery } from '../src/shared/ipc';
import { loadAverages, metric, parseFlags, writeResult } from './lib/results';
import { spawnNode } from './lib/proc';
import { median, round } from './lib/stats';

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');
const IMAGES = Number(flags.get('images') ?? (QUICK ? 10_000 : 100_000));
const VIDEOS = Number(flags.get('videos') ?? (QUICK ? 100 : 300));
const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

async function timed(runs: number, work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  return median(times);
}

const loadBefore = loadAverages();
const server = await spawnNode(
  'test/server/cli.ts',
  ['--port', '0', '--images', String(IMAGES), '--videos', String(VIDEOS), '--seed', '3'],
  /^http:\/\//,
  { timeoutMs: 300_000 },
);
const url = server.ready.trim();
const dir = mkdtempSync(join(tmpdir(), 'ivk-bench-videos-'));
try {
  const api = new InvokeClient({ baseUrl: url, timeoutMs: 60_000 });
  const cache = openCache({ dataDir: dir, profileKey: 'bench', slowQueryMs: Number.POSITIVE_INFINITY });
  const engine = new SyncEngine({ api, cache });
  const firstStart = performance.now();
  await engine.sync();
  const firstSyncMs = performance.now() - firstStart;
  const cachedVideos = cache.videoStates().length;

  const ctx: RunContext = { api, cache, signal: new AbortController().signal, report: () => {} };
  const changes = { added: 0, moved: 0, updated: 0, deleted: 0, unreadable: 0 };
  const videoStepMs = await timed(5, () => syncVideos(ctx, changes));
  const videoListMs = await timed(5, () => api.videoPage({ offset: 0, limit: 1000, is_intermediate: false, starred_first: false }));
  const incrementalMs = await timed(3, () => engine.sync());
  const boardListMs = await timed(50, () => cache.boardList(true));
  const firstPageMs = await timed(50, () => cache.listImages(ALL, 0, 200));
  await engine.close();
  cache.close();

  const metrics = [
    metric({ id: 'video_step_ms', label: `Video step of a sync (${cachedVideos} videos, warm)`, value: round(videoStepMs, 1), unit: 'ms' }),
    metric({
      id: 'video_list_ms',
      label: 'Of which the server’s answer (GET /videos/, one page)',
      value: round(videoListMs, 1),
      unit: 'ms',
    }),
    metric({
      id: 'incremental_sync_ms',
      label: `Whole sync finding nothing (${IMAGES} images)`,
      value: round(incrementalMs, 0),
      unit: 'ms',
    }),
    metric({ id: 'board_list_ms', label: 'Board list with video counts', value: round(boardListMs, 2), unit: 'ms' }),
    metric({ id: 'first_page_ms', label: 'First page of 200 (images and videos)', value: round(firstPageMs, 2), unit: 'ms' }),
    metric({ id: 'first_sync_s', label: 'First sync (images, videos, jobs)', value: round(firstSyncMs / 1000, 1), unit: 's' }),
  ];
  for (const m of metrics) console.log(`${m.label}: ${m.value} ${m.unit}`);
  if (changes.added + changes.moved + changes.updated + changes.deleted !== 0)
    console.log('warning: the warm video step found changes', changes);
  const path = writeResult(
    'videos',
    {
      suite: 'videos',
      date: new Date().toISOString(),
      quick: QUICK,
      params: { images: IMAGES, videos: VIDEOS },
      load: { before: loadBefore, after: loadAverages() },
      metrics,
      details: { cached_videos: cachedVideos },
    },
    QUICK,
  );
  console.log(`wrote ${path}`);
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
