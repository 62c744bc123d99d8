/**
 * `npm run bench`: every benchmark, one after another, each in its own process; then one table of
 * figures against their targets, and bench/results/summary.json with the machine they ran on.
 *
 *   npm run bench                      everything at full size (100k images, 1M cached for queries)
 *   npm run bench -- --quick           smaller sizes, for trying it out
 *   npm run bench -- --only sync,grid  some suites: cache, sync, grid, memory (grid and memory are one run), export, jobs, search
 *   npm run bench -- --table           print the table of the results already written, run nothing
 *   npm run bench -- --real [--n N]    the real InvokeAI 6.14.2 seeded with N images (default 100k,
 *                                      --quick 10k): its own rates and the app's first sync beside them
 *                                      ([--root DIR] keeps the seeded root, [--grid] adds the grid suite)
 *
 * Quick runs write to bench/results/quick/ (not kept in git), so they never replace real figures.
 *
 * Suites: cache.ts (cache queries), sync.ts (sync against the stand-in), grid.ts (grid in Chromium,
 * and memory), export.ts (export of 1,000 images from the server and from disk), jobs.ts (job history at 100k
 * jobs: open, scroll frames, jumps), search.ts (field
 * search and facets over 1M cached images). Each writes bench/results/<suite>.json. The machine is shared: load averages are
 * recorded before and after every suite, so noisy figures can be told apart.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadAverages,
  machine,
  metric,
  parseFlags,
  readJson,
  resultsDir,
  RESULTS_DIR,
  writeResult,
  type Metric,
  type SuiteResult,
} from './lib/results';
import { REPO } from './lib/proc';

const SUITES = ['cache', 'sync', 'grid', 'memory', 'export', 'jobs', 'search', 'real'] as const;
type Suite = (typeof SUITES)[number];

const flags = parseFlags(process.argv.slice(2));
const QUICK = flags.has('quick');
// The real server is opt-in (it needs InvokeAI installed and takes minutes to seed): `--real` alone runs it.
const only =
  flags
    .get('only')
    ?.split(',')
    .map((name) => name.trim()) ?? (flags.has('real') ? ['real'] : SUITES.filter((suite) => suite !== 'real'));
const unknown = only.filter((name) => !(SUITES as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`bench: unknown suite ${unknown.join(', ')}; choose from ${SUITES.join(', ')}`);
  process.exit(2);
}
const selected = new Set(only as Suite[]);
const OUT = resultsDir(QUICK);

function runScript(script: string, args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO, stdio: 'inherit' });
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

/** bench/cache.ts keeps its own format: its figures become table rows here. */
function cacheMetrics(): SuiteResult | null {
  const path = join(OUT, 'cache.json');
  if (!existsSync(path)) return null;
  type Figures = { p50: number; p95: number; max: number };
  const report = readJson<{
    date: string;
    targets_at_1m?: { filtered_page_p95_ms?: number; search_page_p95_ms?: number };
    results: ({ images: number; ingest?: Record<string, number> } & Record<string, unknown>)[];
  }>(path);
  const filteredTarget = report.targets_at_1m?.filtered_page_p95_ms ?? 5;
  const searchTarget = report.targets_at_1m?.search_page_p95_ms ?? 30;
  const metrics: Metric[] = [];
  for (const result of report.results) {
    const size = result.images >= 1_000_000 ? `${result.images / 1_000_000}M` : `${Math.round(result.images / 1000)}k`;
    const atMillion = result.images >= 1_000_000;
    const figures = (key: string) => result[key] as Figures | undefined;
    const rows: [string, string, number | undefined, string | undefined][] = [
      ['filtered_page', 'page of 200, board + categories + starred first', filteredTarget, undefined],
      ['search_page', 'prompt search, first page of 200, every board', searchTarget, '~0.1 s substring, one board (goal p95 ≤ 5 ms at 1M)'],
      ['search_board_page', 'prompt search narrowed to a board', undefined, undefined],
      ['search_count', 'exact search match count (after the page)', undefined, undefined],
      ['deep_page', 'page of 200 halfway down', undefined, undefined],
    ];
    for (const [key, label, target, invokeai] of rows) {
      const f = figures(key);
      if (!f) continue;
      const headline = key === 'filtered_page' || key === 'search_page';
      if (headline) {
        metrics.push(metric({ id: `cache.${size}.${key}.p50`, label: `Cache ${size}: ${label}, p50`, value: f.p50, unit: 'ms' }));
      }
      metrics.push(
        metric({
          id: `cache.${size}.${key}.p95`,
          label: `Cache ${size}: ${label}, p95`,
          value: f.p95,
          unit: 'ms',
          ...(atMillion && target !== undefined ? { target: { op: '<' as const, value: target } } : {}),
          ...(headline && invokeai ? { invokeai } : {}),
          note: headline ? `max ${f.max} ms` : `p50 ${f.p50} ms, max ${f.max} ms`,
        }),
      );
    }
  }
  const runPath = join(OUT, 'cache-run.json');
  const load = existsSync(runPath) ? readJson<{ load: SuiteResult['load'] }>(runPath).load : { before: [], after: [] };
  return { suite: 'cache', date: report.date, quick: QUICK, params: { source: 'bench/results/cache.json' }, load, metrics, details: null };
}

function suiteResult(name: 'sync' | 'grid' | 'memory' | 'export' | 'jobs' | 'search' | 'real'): SuiteResult | null {
  const path = join(OUT, `${name}.json`);
  return existsSync(path) ? readJson<SuiteResult>(path) : null;
}

function formatValue(m: Metric): string {
  if (m.value === null) return 'n/a';
  const value = Math.abs(m.value) >= 100 ? Math.round(m.value).toLocaleString('en') : String(m.value);
  return m.unit ? `${value} ${m.unit}` : value;
}

function formatTarget(m: Metric): string {
  if (!m.target) return '';
  return `${m.target.op} ${m.target.value.toLocaleString('en')} ${m.unit}`.trim();
}

function printTable(results: SuiteResult[]): void {
  const rows = results.flatMap((result) =>
    result.metrics.map((m) => [
      result.suite,
      m.label,
      formatValue(m),
      formatTarget(m),
      m.met === null || m.met === undefined ? '' : m.met ? 'yes' : 'NO',
    ]),
  );
  const header = ['suite', 'metric', 'figure', 'target', 'met?'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 2 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((width) => '-'.repeat(width)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  const notes = results.flatMap((result) => result.metrics.filter((m) => m.note).map((m) => `  ${m.label}: ${m.note}`));
  if (notes.length > 0) console.log(`\nnotes\n${notes.join('\n')}`);
  const missed = results.flatMap((result) => result.metrics.filter((m) => m.met === false));
  console.log(missed.length === 0 ? '\nevery target met' : `\n${missed.length} target(s) missed: ${missed.map((m) => m.label).join('; ')}`);
}

const runs: { suite: string; seconds: number; exit: number; load_before: number[]; load_after: number[] }[] = [];

async function runSuite(suite: string, script: string, args: string[]): Promise<void> {
  const loadBefore = loadAverages();
  console.log(`\n=== ${suite} (load ${loadBefore.join(' ')}) ===`);
  const started = performance.now();
  const exit = await runScript(script, args);
  runs.push({
    suite,
    seconds: Math.round((performance.now() - started) / 1000),
    exit,
    load_before: loadBefore,
    load_after: loadAverages(),
  });
  if (exit !== 0) console.error(`bench: ${suite} failed (exit ${exit})`);
}

if (!flags.has('table')) {
  const quick = QUICK ? ['--quick'] : [];
  if (selected.has('cache')) {
    if (QUICK) {
      // bench/cache.ts always writes bench/results/cache.json: a quick run's figures go to
      // results/quick/ and the real ones are put back.
      const real = join(RESULTS_DIR, 'cache.json');
      const saved = existsSync(real) ? readFileSync(real) : null;
      await runSuite('cache', 'bench/cache.ts', ['--sizes=10000,100000', '--runs=50']);
      mkdirSync(OUT, { recursive: true });
      if (existsSync(real)) renameSync(real, join(OUT, 'cache.json'));
      if (saved) writeFileSync(real, saved);
    } else {
      await runSuite('cache', 'bench/cache.ts', []);
    }
    // bench/cache.ts records no load averages: they are kept beside its results.
    const run = runs.at(-1)!;
    writeResult('cache-run', { load: { before: run.load_before, after: run.load_after }, seconds: run.seconds, exit: run.exit }, QUICK);
  }
  if (selected.has('sync')) await runSuite('sync', 'bench/sync.ts', quick);
  if (selected.has('grid') || selected.has('memory')) await runSuite('grid + memory', 'bench/grid.ts', quick);
  if (selected.has('export')) await runSuite('export', 'bench/export.ts', quick);
  if (selected.has('jobs')) await runSuite('jobs', 'bench/jobs.ts', quick);
  if (selected.has('search')) await runSuite('search', 'bench/search.ts', quick);
  if (selected.has('real'))
    await runSuite('real', 'bench/real.ts', [
      ...quick,
      ...['n', 'root'].flatMap((name) => (flags.has(name) ? [`--${name}`, flags.get(name)!] : [])),
      ...(flags.has('grid') ? ['--grid'] : []),
    ]);
}

// The table shows what this run measured (--table: every result on disk); summary.json holds every
// suite's latest figures, each with the date it was measured, so a partial run keeps it whole.
const allResults = [
  cacheMetrics(),
  suiteResult('sync'),
  suiteResult('grid'),
  suiteResult('memory'),
  suiteResult('export'),
  suiteResult('jobs'),
  suiteResult('search'),
  suiteResult('real'),
].filter((result): result is SuiteResult => result !== null);
printTable(allResults.filter((result) => flags.has('table') || selected.has(result.suite as Suite)));

const host = machine();
const summary = {
  machine: host,
  quick: QUICK,
  suites: only,
  runs,
  load_after: loadAverages(),
  loads: Object.fromEntries(allResults.map((result) => [result.suite, result.load])),
  metrics: allResults.flatMap((result) => result.metrics.map((m) => ({ suite: result.suite, measured: result.date, ...m }))),
};
if (!flags.has('table')) {
  const path = writeResult('summary', summary, QUICK);
  console.log(`\nmachine: ${host.cores} × ${host.cpu_model}, ${host.ram_gb} GB RAM, Node ${host.node}, ${host.chromium ?? 'no Chromium'}`);
  console.log(`wrote ${path}`);
}
process.exitCode = runs.some((run) => run.exit !== 0) ? 1 : 0;
