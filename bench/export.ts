/**
 * Export benchmark: the app's export of 1,000 images (src/main/export) into a fresh folder,
 *
 *   from the server   no full image cached: each file is the server's `/full`, fetched and written
 *   from disk         every full image already in the cache: files copied from it
 *
 * against the server's own full-image rate: the same 1,000 `/full` requests at the same
 * concurrency, bytes read and dropped (what any client could get at best). Files/s and MB/s each.
 * The stand-in runs in its own process so its CPU stays out of the client's figures; `--server URL`
 * measures against another server (the real InvokeAI) instead.
 *
 * Usage: npx tsx bench/export.ts [--quick] [--images N] [--server URL]
 * Writes bench/results/export.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAverages, metric, parseFlags, writeResult, type Metric } from './lib/results';
import { startStandInProcess } from './lib/proc';
import { round } from './lib/stats';
import { itemName, type GalleryQuery } from '../src/shared/ipc';

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');
const COUNT = Number(flags.get('images') ?? (QUICK ? 300 : 1000));
/** The runner's default: a few files in flight. */
const CONCURRENCY = 4;

interface Run {
  files: number;
  bytes: number;
  seconds: number;
}

const perSecond = (run: Run) => ({
  files_per_s: round(run.files / run.seconds, 0),
  mb_per_s: round(run.bytes / 1024 ** 2 / run.seconds, 1),
});

async function serverRate(serverUrl: string, names: readonly string[]): Promise<Run> {
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++]!;
      const response = await fetch(`${serverUrl}/api/v1/images/i/${encodeURIComponent(name)}/full`);
      if (!response.ok) throw new Error(`/full of ${name}: ${response.status}`);
      bytes += (await response.arrayBuffer()).byteLength;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { files: names.length, bytes, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const loadBefore = loadAverages();
  const { createAppServices } = await import('../src/main/services');
  const { memoryTokens } = await import('../src/main/settings/settings');
  // Intermediates are not listed: a gallery a fifth larger holds the 1,000 to export.
  const standIn = flags.get('server') ? null : await startStandInProcess(Math.ceil(COUNT * 1.25), 3);
  const serverUrl = flags.get('server') ?? standIn!.url;
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-bench-export-'));
  const services = createAppServices({ rootDir: dataDir, serverUrl, tokens: memoryTokens() });
  try {
    const session = services.session();
    if (!(await session.probe())) throw new Error(`${serverUrl} cannot be reached`);
    await session.sync.sync();
    // The prompt backfill would share the server with the export and slow both.
    await session.sync.metadataIdle();
    const query: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };
    const names = session.cache.listImages(query, 0, COUNT).map(itemName);
    console.log(`export: ${names.length} images from ${serverUrl}`);

    const rate = await serverRate(serverUrl, names);
    console.log(`  server /full alone: ${JSON.stringify(perSecond(rate))}`);

    const exportOnce = async (label: string): Promise<Run> => {
      const out = mkdtempSync(join(tmpdir(), 'ivk-bench-export-out-'));
      try {
        const started = performance.now();
        const job = await services.exports().start({ image_names: names, out_dir: out, pattern: 'name', sidecar: false });
        const done = await services.exports().idle(job.id);
        const seconds = (performance.now() - started) / 1000;
        if (done.state !== 'done' || done.written !== names.length)
          throw new Error(`${label}: ${JSON.stringify({ ...done, failures: done.failures.slice(0, 3) })}`);
        const run = { files: done.written, bytes: done.bytes, seconds };
        console.log(`  export ${label}: ${JSON.stringify(perSecond(run))}`);
        return run;
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    };

    await session.cache.images.clear();
    const fromServer = await exportOnce('from the server');
    for (const name of names) await session.cache.images.write(name, await session.api.fullImage(name));
    const fromDisk = await exportOnce('from disk');

    const averageKb = round(rate.bytes / names.length / 1024, 1);
    const vsServer = (run: Run) =>
      `${round((run.files / run.seconds / (rate.files / rate.seconds)) * 100, 0)}% of the server's own /full rate`;
    const metrics: Metric[] = [
      metric({
        id: 'export.server_full.files_per_s',
        label: `Server /full alone, ${names.length} images (${CONCURRENCY} at a time)`,
        value: perSecond(rate).files_per_s,
        unit: 'files/s',
        note: `${perSecond(rate).mb_per_s} MB/s; ${averageKb} KB a file`,
      }),
      metric({
        id: 'export.from_server.files_per_s',
        label: `Export ${names.length} from the server`,
        value: perSecond(fromServer).files_per_s,
        unit: 'files/s',
        note: `${perSecond(fromServer).mb_per_s} MB/s; ${vsServer(fromServer)}`,
      }),
      metric({
        id: 'export.from_server.mb_per_s',
        label: `Export ${names.length} from the server`,
        value: perSecond(fromServer).mb_per_s,
        unit: 'MB/s',
      }),
      metric({
        id: 'export.from_disk.files_per_s',
        label: `Export ${names.length} from the cache on disk`,
        value: perSecond(fromDisk).files_per_s,
        unit: 'files/s',
        note: `${perSecond(fromDisk).mb_per_s} MB/s; ${vsServer(fromDisk)}`,
      }),
      metric({
        id: 'export.from_disk.mb_per_s',
        label: `Export ${names.length} from the cache on disk`,
        value: perSecond(fromDisk).mb_per_s,
        unit: 'MB/s',
      }),
    ];
    const path = writeResult(
      'export',
      {
        suite: 'export',
        date: new Date().toISOString(),
        quick: QUICK,
        params: { images: names.length, concurrency: CONCURRENCY, server: standIn ? 'stand-in' : serverUrl, average_kb: averageKb },
        load: { before: loadBefore, after: loadAverages() },
        metrics,
        details: { server_full: rate, from_server: fromServer, from_disk: fromDisk },
      },
      QUICK,
    );
    console.log(`wrote ${path}`);
  } finally {
    await services.stop();
    await standIn?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
