import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Api } from '../contract/harness';
import { REAL_URL, appTag, onRealServer, serverGallery, uploadBehind, type ImageFacts } from './app-support';

/**
 * `npm run cli` as a child process against the real server: `sync --json`, then `images --json`
 * and `jobs --json` read the cache it left, and must say exactly what the server says.
 */
const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;

/** `npm run cli -- ARGS`, as a person would type it (`--silent` keeps npm's banner off stdout). */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'cli', '--', ...args], {
      cwd: repo,
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const facts = (images: { image_name: string; board_id: string | null; image_category: string; starred: boolean }[]) =>
  images
    .map(({ image_name, board_id, image_category, starred }) => ({ image_name, board_id, image_category, starred }))
    .sort((a, b) => a.image_name.localeCompare(b.image_name));

let api: Api;
let dataDir: string;
let tag: string;

beforeAll(() => {
  api = new Api(REAL_URL);
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-real-cli-'));
  tag = appTag();
});

afterAll(async () => {
  await api?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!onRealServer)('npm run cli against the real InvokeAI 6.14.2', () => {
  it('syncs, then lists exactly the server images, boards, stars, categories and jobs from the cache', async () => {
    const board = await api.createBoard(`${tag} cli`);
    const onBoard = await uploadBehind(api, { prompt: `${tag} cli starred`, boardId: board.board_id, category: 'mask', starred: true });
    await uploadBehind(api, { prompt: `${tag} cli loose` });

    const synced = await cli('sync', '--server', REAL_URL, '--data', dataDir, '--json');
    expect(synced.stderr).toBe('');
    expect(synced.code).toBe(0);
    const summary = JSON.parse(synced.stdout) as Record<string, unknown>;
    const server = await serverGallery(api);
    expect(summary).toMatchObject({
      images: server.images.length,
      boards: server.boards.length,
      jobs: server.jobs.length,
      added: server.images.length,
      moved: 0,
      deleted: 0,
    });

    const listed = await cli('images', '--server', REAL_URL, '--data', dataDir, '--limit', '100000', '--json');
    expect(listed.code).toBe(0);
    const images = JSON.parse(listed.stdout) as ImageFacts[];
    expect(facts(images)).toEqual(facts(server.images));
    // Every board the server has images on, and no other, in the cache's answer.
    const boardsWithImages = (list: { board_id: string | null }[]) => [...new Set(list.map((image) => image.board_id))].sort();
    expect(boardsWithImages(images)).toEqual(boardsWithImages(server.images));

    // Filters read the same cache: one board, starred only, one category.
    const board1 = JSON.parse(
      (await cli('images', '--server', REAL_URL, '--data', dataDir, '--board', board.board_id, '--json')).stdout,
    ) as ImageFacts[];
    expect(board1.map((image) => image.image_name)).toEqual([onBoard]);
    const starred = JSON.parse(
      (await cli('images', '--server', REAL_URL, '--data', dataDir, '--starred', '--limit', '100000', '--json')).stdout,
    ) as ImageFacts[];
    expect(facts(starred)).toEqual(facts(server.images.filter((image) => image.starred)));
    const masks = JSON.parse(
      (await cli('images', '--server', REAL_URL, '--data', dataDir, '--category', 'mask', '--limit', '100000', '--json')).stdout,
    ) as ImageFacts[];
    expect(facts(masks)).toEqual(facts(server.images.filter((image) => image.image_category === 'mask')));

    const jobs = JSON.parse((await cli('jobs', '--server', REAL_URL, '--data', dataDir, '--json')).stdout) as {
      id: string;
      status: string;
    }[];
    expect(jobs.map((job) => [Number(job.id), job.status]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
      server.jobs.map((job) => [job.item_id, job.status]).sort((a, b) => Number(a[0]) - Number(b[0])),
    );
  });
});
