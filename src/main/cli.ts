import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAppServices, type AppServices } from './services';
import { AppError, describeError } from './errors';
import { memoryTokens } from './settings/settings';
import { ImageCategorySchema, IvkImage, IvkJob, JobStatusSchema } from '../shared/models';
import type { GalleryQuery, UploadItem } from '../shared/ipc';

/**
 * `npm run cli -- <command> --server URL --data DIR [--json]`: the app's own services without a
 * window, for scripting and for checking a cache by hand. `images` and `jobs` read the cache
 * alone, so they work with the server down.
 */
const USAGE = `usage: npm run cli -- <command> --server URL --data DIR [--json]
  sync                                  sync the cache with the server and print a summary
  images [--board ID|none|all] [--category C]... [--starred] [--search TEXT] [--limit N] [--oldest]
  jobs [--status S]...                  jobs from the cache, newest first
  upload FILE... [--board ID] [--category C]`;

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

function images(services: AppServices): void {
  const query: GalleryQuery = {
    board: values.board ?? 'all',
    categories: (values.category ?? []).map((category) => parseOr(ImageCategorySchema, category, '--category')),
    starredOnly: values.starred,
    starredFirst: false,
    search: values.search,
    order: values.oldest ? 'oldest' : 'newest',
  };
  const limit = parseOr(z.coerce.number().int().min(1).max(100_000), values.limit, '--limit');
  const page = services.session().cache.pageImages(query, 0, limit);
  print(page.items.map(IvkImage.toDict), () => [
    ...page.items.map(
      (image) => `${image.starred ? '*' : ' '} ${image.image_name}  ${image.image_category}  ${image.board_id ?? '(uncategorized)'}`,
    ),
    `${page.items.length} shown of ${page.total}`,
  ]);
}

function jobs(services: AppServices): void {
  const statuses = (values.status ?? []).map((status) => parseOr(JobStatusSchema, status, '--status'));
  const page = services.session().cache.pageJobs({ statuses, offset: 0, limit: 500 });
  print(page.items.map(IvkJob.toDict), () => [
    ...page.items.map(
      (job) => `${job.id.padStart(6)}  ${job.status.padEnd(9)}  ${job.created_at?.toISOString() ?? ''}  ${job.error ?? ''}`,
    ),
    `${page.items.length} shown of ${page.total}`,
  ]);
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

async function main(): Promise<number> {
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (!values.server || !values.data) throw new UsageError('--server URL and --data DIR are required');
  const services = await createAppServices({
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
