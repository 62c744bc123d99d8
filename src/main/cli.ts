import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { heap } from './heap';
import { createAppServices, type AppServices } from './services';
import { AppError, describeError } from './errors';
import { memoryTokens } from './settings/settings';
import { ImageCategorySchema, IvkImage, IvkJob, IvkVideo, JobStatusSchema } from '../shared/models';
import { ExportPattern, itemName, type GalleryQuery, type UploadItem } from '../shared/ipc';
import { MAX_EXPORT } from './export';

/**
 * `npm run cli -- <command> --server URL --data DIR [--json]`: the app's own services without a
 * window, for scripting and for checking a cache by hand. `images` and `jobs` read the cache
 * alone, so they work with the server down.
 */
const USAGE = `usage: npm run cli -- <command> --server URL --data DIR [--json]
  sync                                  sync the cache with the server and print a summary
  images [--board ID|none|all] [--category C]... [--starred] [--search TEXT] [--limit N] [--oldest]
  jobs [--status S]...                  jobs from the cache, newest first
  upload FILE... [--board ID] [--category C]
  export --out DIR [--board ID|none|all] [--starred] [--search TEXT] [--category C]... [--pattern name|board_date_name] [--sidecar]
                                        the view's original files into DIR (existing files are kept); offline, what is cached`;

class UsageError extends Error {}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean', default: false },
    board: { type: 'string' },
    category: { type: 'string', multiple: true },
    starred: { type: 'boolean', default: false },
    search: { type: 'string', default: '' },
    limit: { type: 'string', default: '100' },
    oldest: { type: 'boolean', default: false },
    status: { type: 'string', multiple: true },
    out: { type: 'string' },
    pattern: { type: 'string', default: 'name' },
    sidecar: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function print(json: unknown, lines: () => string[]): void {
  if (values.json) console.log(JSON.stringify(json, null, 2));
  else for (const line of lines()) console.log(line);
}

function parseOr<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`${what}: ${JSON.stringify(value)} is not valid`);
  return parsed.data;
}

async function sync(services: AppServices): Promise<void> {
  const session = services.session();
  if (!(await session.probe())) throw new AppError('unreachable', session.status().message ?? 'The server cannot be reached.');
  const summary = await session.sync.sync();
  await session.sync.metadataIdle();
  print(summary, () => [`${summary.text}`, `${summary.images} images, ${summary.boards} boards, ${summary.jobs} jobs in the cache`]);
}

function viewQuery(): GalleryQuery {
  return {
    board: values.board ?? 'all',
    categories: (values.category ?? []).map((category) => parseOr(ImageCategorySchema, category, '--category')),
    starredOnly: values.starred,
    starredFirst: false,
    search: values.search,
    order: values.oldest ? 'oldest' : 'newest',
  };
}

function images(services: AppServices): void {
  const query = viewQuery();
  const limit = parseOr(z.coerce.number().int().min(1).max(100_000), values.limit, '--limit');
  const page = services.session().cache.pageImages(query, 0, limit);
  print(
    page.items.map((item) => (item.kind === 'video' ? { kind: 'video', ...IvkVideo.toDict(item) } : IvkImage.toDict(item))),
    () => [
      ...page.items.map(
        (item) =>
          `${item.starred ? '*' : ' '} ${itemName(item)}  ${item.kind === 'video' ? item.video_category : item.image_category}  ${item.board_id ?? '(uncategorized)'}`,
      ),
      `${page.items.length} shown of ${page.total}`,
    ],
  );
}

function jobs(services: AppServices): void {
  const statuses = (values.status ?? []).map((status) => parseOr(JobStatusSchema, status, '--status'));
  const page = services.session().cache.pageJobs({ statuses, offset: 0, limit: 500 });
  print(
    page.items.map((job) => IvkJob.toDict(job)),
    () => [
      ...page.items.map(
        (job) => `${job.id.padStart(6)}  ${job.status.padEnd(9)}  ${job.created_at?.toISOString() ?? ''}  ${job.error ?? ''}`,
      ),
      `${page.items.length} shown of ${page.total}`,
    ],
  );
}

async function upload(services: AppServices, files: string[]): Promise<boolean> {
  if (files.length === 0) throw new UsageError('upload needs at least one FILE');
  const session = services.session();
  await session.probe();
  const category = parseOr(ImageCategorySchema, values.category?.[0] ?? 'user', '--category');
  session.uploads.start({ paths: files, board_id: values.board ?? null, category });
  await session.uploads.idle();
  const results: UploadItem[] = session.uploads.list();
  print(results, () =>
    results.map((item) => `${item.state === 'done' ? 'ok  ' : 'FAIL'} ${item.file_name}  ${item.image_name ?? item.error ?? item.state}`),
  );
  return results.every((item) => item.state === 'done');
}

/**
 * Exports the view's images, as the app's Export does. Online it syncs first so the view is the
 * server's; offline it exports what the cache holds and lists the rest. Exit 1 when any file
 * failed, with the first reason on stderr.
 */
async function exportView(services: AppServices): Promise<number> {
  if (!values.out) throw new UsageError('export needs --out DIR');
  const pattern = parseOr(ExportPattern, values.pattern, '--pattern');
  const session = services.session();
  if (await session.probe()) {
    await session.sync.sync();
    if (values.sidecar) await session.sync.metadataIdle();
  }
  const query = viewQuery();
  const names = session.cache.listImages(query, 0, MAX_EXPORT).map(itemName);
  if (names.length === 0) throw new AppError('not_found', 'No images match; nothing was exported.');
  const runner = services.exports();
  const started = await runner.start({ image_names: names, out_dir: resolve(values.out), pattern, sidecar: values.sidecar });
  const stop = () => runner.cancel(started.id);
  process.once('SIGINT', stop);
  const job = await runner.idle(started.id);
  process.off('SIGINT', stop);
  const results = runner.results(started.id);
  print(results, () => [
    ...results.map(
      (result) => `${result.outcome.padEnd(7)} ${result.path ?? result.image_name}${result.reason ? `  ${result.reason}` : ''}`,
    ),
    `${job.written} written, ${job.skipped} already there, ${job.failed} failed of ${job.total} into ${job.out_dir}`,
  ]);
  if (job.state !== 'done')
    throw new AppError('internal', `The export stopped (${job.state}) after ${job.written + job.skipped} of ${job.total}.`);
  if (job.failed > 0) {
    const offline = job.not_cached > 0 ? `${job.not_cached} not cached while the server is offline` : job.failures[0]?.reason;
    process.stderr.write(`cli: ${job.failed} of ${job.total} images were not exported: ${offline ?? ''}\n`);
    return 1;
  }
  return 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!values.server || !values.data) throw new UsageError('--server URL and --data DIR are required');
  heap.makeLean();
  const services = createAppServices({
    rootDir: values.data,
    serverUrl: values.server,
    tokens: memoryTokens(process.env.IVK_TOKEN ?? null),
  });
  try {
    switch (command) {
      case 'sync':
        await sync(services);
        return 0;
      case 'images':
        images(services);
        return 0;
      case 'jobs':
        jobs(services);
        return 0;
      case 'upload':
        return (await upload(services, rest)) ? 0 : 1;
      case 'export':
        return await exportView(services);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await services.stop();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  const message = error instanceof UsageError ? `${error.message}\n${USAGE}` : describeError(error).message;
  process.stderr.write(`cli: ${message.split('\n')[0]}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
