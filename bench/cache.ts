/**
 * Cache benchmark: fills a cache with synthetic galleries of 100,000 and 1,000,000 images (varied
 * prompts, 20 boards plus Uncategorized, a few per cent starred, some assets, intermediates and
 * tombstones mixed in, rows arriving out of creation order) through the same write path sync
 * uses, then times the reads the gallery makes:
 *
 *   filtered page   first page of 200 of a board + category + starred-first view, either order
 *   search page     first page of 200 of a prompt search (whole words and half-typed prefixes),
 *                   every board, images tab, starred first
 *   search + board  the same narrowed to one board
 *   search count    the exact match count computed after the first page
 *   deep page       a page of 200 halfway down the biggest view
 *
 * Targets at 1M: p95 < 5 ms for the filtered page, < 30 ms for the search page.
 *
 * With `--server-db=PATH` (a real InvokeAI's `databases/invokeai.db`, e.g. the one `npm run bench
 * -- --real --root DIR` seeds; copy it with VACUUM INTO while its server runs) it also fills a
 * cache with that gallery, rows and metadata exactly as the server holds them, through the same
 * writes, and prints the cache's size against the server's file, table by table (issue 13's
 * "cache no bigger than the server's DB"). `--sizes=` (empty) runs that alone.
 * Usage: npx tsx bench/cache.ts [--sizes=100000,1000000] [--runs=200] [--keep] (keeps the caches
 * for inspection and prints where they are) [--server-db=PATH]
 * Writes bench/results/cache.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openCache, type Cache } from '../src/main/cache';
import type { ImageDTO } from '../src/shared/invokeai';
import type { GalleryQuery } from '../src/shared/ipc';
import type { ImageCategory } from '../src/shared/models';
import { rng } from './lib/stats';

const args = new Map(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]));
const SIZES = (args.get('sizes') ?? '100000,1000000').split(',').filter(Boolean).map(Number);
const SERVER_DB = args.get('server-db');
const RUNS = Number(args.get('runs') ?? 200);
const KEEP = args.has('keep');
const BOARDS = Array.from({ length: 20 }, (_, i) => `board-${String(i).padStart(2, '0')}-0000-4000-8000-000000000000`);

const SUBJECTS = `lighthouse fox astronaut samurai dragon owl robot castle sailboat wolf cat tiger knight witch wizard mermaid
  phoenix hummingbird whale octopus skyline cabin teahouse station greenhouse library bridge windmill cathedral market bicycle
  airship submarine treehouse fisherman dancer blacksmith jellyfish bonsai sunflower koi waterfall glacier volcano caravan
  island clockwork axolotl panda leopard balloon lantern ramen bookshop violin`.split(/\s+/);
const ADJECTIVES = `ancient futuristic cozy abandoned majestic tiny colossal whimsical melancholic serene chaotic overgrown
  crystalline rusty golden misty neon moonlit weathered ornate minimalist surreal gloomy vibrant frozen burning hidden naïve`.split(/\s+/);
const SETTINGS = [
  'on a rocky coast',
  'in a snowy forest',
  'at the edge of a cliff',
  'in a bustling harbor',
  'under a starry sky',
  'in a rainy alley',
  'on a quiet lake',
  'in a sunlit meadow',
  'inside a cave',
  'among the clouds',
  'in the desert at dusk',
  'in an overgrown ruin',
  'on a busy street in Tokyo',
  'in a Parisian café',
  'on the surface of Mars',
  'deep underwater',
];
const STYLES = [
  'oil painting',
  'watercolor',
  'digital art',
  'concept art',
  'photograph',
  'ink illustration',
  'pixel art',
  'low poly 3d render',
  'art nouveau poster',
  'ukiyo-e woodblock print',
  'charcoal sketch',
  'cinematic still',
  'claymation',
  'stained glass',
  'gouache painting',
  'vaporwave',
  'cyberpunk',
  'film noir',
  'matte painting',
];
const LIGHTING = [
  'golden hour',
  'soft volumetric light',
  'dramatic rim lighting',
  'overcast',
  'blue hour',
  'candlelight',
  'backlit',
  'moonlight',
];
const QUALITY = [
  'highly detailed',
  'intricate',
  'sharp focus',
  '8k',
  'masterpiece',
  'award winning',
  'depth of field',
  'bokeh',
  'film grain',
];
const NEGATIVE = ['blurry', 'low quality', 'jpeg artifacts', 'watermark', 'text', 'signature', 'deformed hands', 'extra fingers', 'lowres'];
const MODELS = [
  ['Juggernaut XL v9', 'sdxl'],
  ['DreamShaper 8', 'sd-1'],
  ['FLUX.1 dev', 'flux'],
  ['RealVisXL 4', 'sdxl'],
] as const;
/** What people type: whole words, half-typed words, two-word searches. */
const SEARCHES = [
  'lighthouse',
  'ligh',
  'castle',
  'cas',
  'golden hour',
  'watercolor',
  'water',
  'axolotl',
  'neon',
  'fox harbor',
  'misty cave',
  'dragon',
  'wiz',
  'tokyo',
  'cafe',
  'ramen shop',
  'stained glass',
  'b',
  'po',
  'juggernaut',
];

const CHUNK = 1000;

/** Chunk `c` of a gallery of `n` images, the same on every run whatever order chunks are made in. */
function synthesizeChunk(c: number, n: number) {
  const random = rng(20261126 + c);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const start = Date.UTC(2024, 0, 1);
  const span = 2 * 365 * 24 * 3600 * 1000;
  const rows: { dto: ImageDTO; metadata: Record<string, unknown> }[] = [];
  for (let i = c * CHUNK; i < Math.min(n, (c + 1) * CHUNK); i++) {
    const name = `${crypto.randomUUID()}.png`;
    const time = new Date(start + Math.floor((i / n) * span) + Math.floor(random() * 1000))
      .toISOString()
      .replace('T', ' ')
      .replace('Z', '');
    const category: ImageCategory = random() < 0.12 ? pick(['user', 'control', 'mask', 'other'] as const) : 'general';
    const board = random() < 0.25 ? null : pick(BOARDS);
    const [model, base] = pick(MODELS);
    rows.push({
      dto: {
        image_name: name,
        image_url: `api/v1/images/i/${name}/full`,
        thumbnail_url: `api/v1/images/i/${name}/thumbnail`,
        image_origin: 'internal',
        image_category: category,
        width: 1024,
        height: 1024,
        created_at: time,
        updated_at: time,
        deleted_at: null,
        is_intermediate: random() < 0.01,
        session_id: crypto.randomUUID(),
        node_id: 'canvas_output',
        starred: random() < 0.05,
        has_workflow: true,
        board_id: board,
      },
      metadata: {
        generation_mode: 'txt2img',
        positive_prompt: `${pick(ADJECTIVES)} ${pick(SUBJECTS)} ${pick(SETTINGS)}, ${pick(STYLES)}, ${pick(LIGHTING)}, ${pick(QUALITY)}, ${pick(QUALITY)}`,
        negative_prompt: `${pick(NEGATIVE)}, ${pick(NEGATIVE)}`,
        seed: Math.floor(random() * 4294967295),
        steps: 30,
        cfg_scale: 7,
        scheduler: 'dpmpp_2m_k',
        model: { key: 'k', hash: 'h', name: model, base, type: 'main' },
      },
    });
  }
  return rows;
}

/**
 * Feeds the gallery chunk by chunk, chunks in shuffled order (a resumed or reordered sync, not a
 * sorted load), through the same writes sync makes: DTOs, then their metadata.
 */
function fill(cache: Cache, n: number, random: () => number) {
  const chunks: number[] = Array.from({ length: Math.ceil(n / CHUNK) }, (_, i) => i);
  for (let i = chunks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!];
  }
  let dtoMs = 0;
  let metadataMs = 0;
  const deleted: string[] = [];
  for (const chunk of chunks) {
    const rows = synthesizeChunk(chunk, n);
    let start = performance.now();
    cache.upsertImages(rows.map((row) => row.dto));
    dtoMs += performance.now() - start;
    start = performance.now();
    cache.writeMetadata(rows.map((row) => ({ image_name: row.dto.image_name, json: row.metadata })));
    metadataMs += performance.now() - start;
    deleted.push(rows[0]!.dto.image_name);
  }
  cache.markDeleted(deleted);
  // What the app does once a backfill ends: merge the search index back, slice by slice.
  const slices: number[] = [];
  const tidyStart = performance.now();
  for (let more = cache.searchIndexNeedsTidy(); more;) {
    const slice = performance.now();
    more = cache.tidySearchIndex();
    slices.push(performance.now() - slice);
  }
  slices.sort((a, b) => a - b);
  return {
    dto_per_second: Math.round(n / (dtoMs / 1000)),
    metadata_per_second: Math.round(n / (metadataMs / 1000)),
    tidy_seconds: Math.round((performance.now() - tidyStart) / 100) / 10,
    tidy_slices: slices.length,
    tidy_slice_p95_ms: Math.round(percentile(slices, 95) * 10) / 10,
    tidy_worst_slice_ms: Math.round((slices.at(-1) ?? 0) * 10) / 10,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function measure(run: (i: number) => unknown) {
  for (let i = 0; i < 10; i++) run(i);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), max: round(times[times.length - 1]!) };
}

function view(overrides: Partial<GalleryQuery>): GalleryQuery {
  return { board: 'all', categories: ['general'], starredOnly: false, starredFirst: true, search: '', order: 'newest', ...overrides };
}

const ASSETS: ImageCategory[] = ['user', 'control', 'mask', 'other'];

function benchSize(n: number) {
  const dir = mkdtempSync(join(tmpdir(), 'ivk-bench-'));
  const random = rng(20261126 + n);
  // Slow-query warnings would flood the output while filling; the figures below are the point.
  const cache = openCache({ dataDir: dir, profileKey: 'bench', slowQueryMs: Number.POSITIVE_INFINITY });
  try {
    console.log(`\n${n.toLocaleString('en')} images: filling the cache…`);
    const ingest = fill(cache, n, random);
    const visible = cache.countImages(view({ categories: [], starredFirst: false }));
    const dbBytes =
      statSync(cache.dbPath).size +
      (() => {
        try {
          return statSync(`${cache.dbPath}-wal`).size;
        } catch {
          return 0;
        }
      })();
    console.log(
      `  ${visible.toLocaleString('en')} visible; ${ingest.dto_per_second.toLocaleString('en')} DTOs/s, ${ingest.metadata_per_second.toLocaleString('en')} metadata/s; ${(dbBytes / 1e6).toFixed(0)} MB`,
    );
    console.log(
      `  search index tidied in ${ingest.tidy_seconds} s, ${ingest.tidy_slices} slices, p95 ${ingest.tidy_slice_p95_ms} ms, worst ${ingest.tidy_worst_slice_ms} ms`,
    );

    const board = (i: number) => BOARDS[i % BOARDS.length]!;
    const results = {
      filtered_page: measure((i) =>
        cache.pageImages(
          view({ board: board(i), categories: i % 4 === 3 ? ASSETS : ['general'], order: i % 2 ? 'oldest' : 'newest' }),
          0,
          200,
        ),
      ),
      search_page: measure((i) => cache.listImages(view({ search: SEARCHES[i % SEARCHES.length]! }), 0, 200)),
      search_board_page: measure((i) => cache.listImages(view({ board: board(i), search: SEARCHES[i % SEARCHES.length]! }), 0, 200)),
      search_count: measure((i) => {
        // A write in between: the memo must not answer, the count is what is measured.
        cache.meta.set('bench', i);
        return cache.countImages(view({ search: SEARCHES[i % SEARCHES.length]! }));
      }),
      deep_page: measure((i) =>
        cache.listImages(view({ starredFirst: false, categories: [] }), Math.floor(visible / 2) + (i % 50) * 200, 200),
      ),
    };
    for (const [name, figures] of Object.entries(results)) {
      console.log(
        `  ${name.padEnd(18)} p50 ${figures.p50.toFixed(2).padStart(7)} ms   p95 ${figures.p95.toFixed(2).padStart(7)} ms   max ${figures.max.toFixed(2).padStart(7)} ms`,
      );
    }
    return { images: n, visible, db_mb: Math.round(dbBytes / 1e6), ingest, ...results };
  } finally {
    cache.close();
    if (KEEP) console.log(`  kept ${cache.dbPath}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes per table (its indexes and FTS5 shadow tables folded in), largest first, from dbstat. */
function bytesPerTable(path: string): { table: string; mb: number }[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db
      .prepare(
        `SELECT coalesce(t.tbl_name, s.name) AS name, sum(s.pgsize) AS bytes FROM dbstat AS s
         LEFT JOIN sqlite_schema AS t ON t.name = s.name GROUP BY 1`,
      )
      .all() as { name: string; bytes: number }[];
    const byTable = new Map<string, number>();
    // FTS5 keeps its index in shadow tables named <table>_data, _idx, _docsize, _config.
    for (const row of rows) {
      const table = row.name.replace(/_(data|idx|docsize|config|content)$/, '');
      byTable.set(table, (byTable.get(table) ?? 0) + row.bytes);
    }
    return [...byTable]
      .map(([table, bytes]) => ({ table, mb: Math.round(bytes / 1e5) / 10 }))
      .filter((row) => row.mb >= 0.1)
      .sort((a, b) => b.mb - a.mb);
  } finally {
    db.close();
  }
}

/**
 * The cache a real server's gallery makes: every image row and its metadata read straight from the
 * server's database and written through the same writes sync makes, in the order a first sync
 * fetches them (starred first, newest first: the order decides how full the table pages end up),
 * then the files compared.
 */
function sizeFromServer(path: string) {
  const server = new DatabaseSync(path, { readOnly: true });
  const dir = mkdtempSync(join(tmpdir(), 'ivk-bench-size-'));
  const cache = openCache({ dataDir: dir, profileKey: 'bench', slowQueryMs: Number.POSITIVE_INFINITY });
  try {
    const serverBytes = statSync(path).size;
    console.log(`\nserver DB ${path}: ${(serverBytes / 1e6).toFixed(1)} MB; filling a cache from it…`);
    const rows = server
      .prepare(
        `SELECT i.image_name, i.image_origin, i.image_category, i.width, i.height, i.session_id, i.node_id, i.metadata,
           i.is_intermediate, i.created_at, i.updated_at, i.starred, i.has_workflow, b.board_id
         FROM images AS i LEFT JOIN board_images AS b ON b.image_name = i.image_name WHERE i.deleted_at IS NULL
         ORDER BY i.starred DESC, i.created_at DESC`,
      )
      .iterate() as Iterable<Record<string, string | number | null>>;
    let batch: { dto: ImageDTO; metadata: string | null }[] = [];
    let images = 0;
    const started = performance.now();
    const flush = () => {
      cache.upsertImages(batch.map((row) => row.dto));
      cache.writeMetadata(
        batch.map((row) => ({
          image_name: row.dto.image_name,
          json: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>),
        })),
      );
      images += batch.length;
      batch = [];
    };
    for (const row of rows) {
      const name = String(row.image_name);
      batch.push({
        dto: {
          image_name: name,
          image_url: `api/v1/images/i/${name}/full`,
          thumbnail_url: `api/v1/images/i/${name}/thumbnail`,
          image_origin: row.image_origin as ImageDTO['image_origin'],
          image_category: row.image_category as ImageDTO['image_category'],
          width: Number(row.width),
          height: Number(row.height),
          created_at: String(row.created_at),
          updated_at: String(row.updated_at),
          deleted_at: null,
          is_intermediate: Boolean(row.is_intermediate),
          session_id: row.session_id === null ? null : String(row.session_id),
          node_id: row.node_id === null ? null : String(row.node_id),
          starred: Boolean(row.starred),
          has_workflow: Boolean(row.has_workflow),
          board_id: row.board_id === null ? null : String(row.board_id),
        },
        metadata: row.metadata === null ? null : String(row.metadata),
      });
      if (batch.length === CHUNK) flush();
    }
    if (batch.length > 0) flush();
    for (let more = cache.searchIndexNeedsTidy(); more;) more = cache.tidySearchIndex();
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    cache.close();
    const cacheBytes = statSync(cache.dbPath).size + (statSync(`${cache.dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0);
    const tables = bytesPerTable(cache.dbPath);
    console.log(
      `  ${images.toLocaleString('en')} images in ${seconds} s: cache ${(cacheBytes / 1e6).toFixed(1)} MB, ${(cacheBytes / serverBytes).toFixed(2)}× the server's DB`,
    );
    for (const row of tables) console.log(`    ${row.table.padEnd(24)} ${row.mb.toFixed(1).padStart(7)} MB`);
    return {
      server_db: path,
      images,
      server_db_mb: Math.round(serverBytes / 1e5) / 10,
      cache_mb: Math.round(cacheBytes / 1e5) / 10,
      ratio: Math.round((cacheBytes / serverBytes) * 100) / 100,
      fill_seconds: seconds,
      tables,
      server_tables: bytesPerTable(path).slice(0, 6),
    };
  } finally {
    server.close();
    if (KEEP) console.log(`  kept ${cache.dbPath}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const sqliteVersion = (new DatabaseSync(':memory:').prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
// The machine is shared: load averages tell a slow run on a busy machine from a slow cache.
const loadBefore = loadavg().map((n) => Math.round(n * 100) / 100);
const results = SIZES.map(benchSize);
const size = SERVER_DB === undefined ? null : sizeFromServer(SERVER_DB);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  sqlite: sqliteVersion,
  cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  load: { before: loadBefore, after: loadavg().map((n) => Math.round(n * 100) / 100) },
  runs: RUNS,
  page_size: 200,
  targets_at_1m: { filtered_page_p95_ms: 5, search_page_p95_ms: 30 },
  results,
  size,
};
const out = join(import.meta.dirname, 'results', 'cache.json');
mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
// A size-only run keeps the speed figures of the last full run, and the other way round.
const previous = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Partial<typeof report>) : {};
const merged = SIZES.length === 0 ? { ...previous, size } : { ...report, size: size ?? previous.size ?? null };
writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
console.log('\nwrote bench/results/cache.json');
