import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../server';

/** `npm run cli`: the app's services from a shell, run as a real child process. */
const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');

let server: StandIn;
let dataDir: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['src/main/cli.ts', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  server = await startStandIn({ images: 150, seed: 5, queueItems: 30 });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-cli-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run cli', () => {
  it('syncs and prints one JSON summary', async () => {
    const result = await cli('sync', '--server', server.url, '--data', dataDir, '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as Record<string, number>;
    const visible = server.state.gallery.queryImages({ is_intermediate: false }).images.length;
    expect(summary).toMatchObject({ images: visible, boards: server.state.gallery.boards.size, added: visible, moved: 0, deleted: 0 });
    expect(summary.jobs).toBeGreaterThan(0);
  });

  it('lists images from the cache alone, with the server down', async () => {
    await server.goDown();
    try {
      const result = await cli(
        'images',
        '--server',
        server.url,
        '--data',
        dataDir,
        '--starred',
        '--category',
        'general',
        '--limit',
        '1000',
        '--json',
      );
      expect(result.code).toBe(0);
      const images = JSON.parse(result.stdout) as { image_name: string; starred: boolean; image_category: string }[];
      const expected = server.state.gallery
        .queryImages({ is_intermediate: false, categories: ['general'] })
        .images.filter((image) => image.starred);
      expect(images.map((image) => image.image_name).sort()).toEqual(expected.map((image) => image.image_name).sort());
      expect(images.every((image) => image.starred && image.image_category === 'general')).toBe(true);
    } finally {
      await server.comeBack();
    }
  });

  it('lists jobs by status from the cache', async () => {
    const result = await cli('jobs', '--server', server.url, '--data', dataDir, '--status', 'failed', '--json');
    expect(result.code).toBe(0);
    const jobs = JSON.parse(result.stdout) as { status: string; error: string | null }[];
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((job) => job.status === 'failed' && job.error)).toBe(true);
  });

  it('uploads files, reporting each, and fails when one is refused', async () => {
    const good = join(dataDir, 'good.png');
    const bad = join(dataDir, 'report.png');
    await sharp({ create: { width: 32, height: 24, channels: 3, background: '#336699' } })
      .png()
      .toFile(good);
    writeFileSync(bad, '%PDF-1.7\n1 0 obj << >> endobj\n');
    const result = await cli('upload', good, bad, '--server', server.url, '--data', dataDir, '--json');
    expect(result.code).toBe(1);
    const items = JSON.parse(result.stdout) as { file_name: string; state: string; image_name: string | null; error: string | null }[];
    const uploaded = items.find((item) => item.file_name === 'good.png')!;
    expect(uploaded.state).toBe('done');
    expect(server.state.gallery.getImage(uploaded.image_name!)?.image_category).toBe('user');
    expect(items.find((item) => item.file_name === 'report.png')).toMatchObject({ state: 'failed' });
  });

  it('exits non-zero with a one-line reason on bad usage and on an unreachable server', async () => {
    const usage = await cli('images', '--server', server.url);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim().split('\n')).toHaveLength(1);
    const unreachable = await cli('sync', '--server', 'http://127.0.0.1:9', '--data', join(dataDir, 'other'));
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^cli: .*cannot be reached/);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
  });
});
