import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult } from '../../../src/main/export';
import { startStandIn, type StandIn } from '../../server';
import { fileSha, serverSha } from './support';

/** `npm run cli -- export`, run as a real child process against the stand-in. */
const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');

let server: StandIn;
let dataDir: string;
let out: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['src/main/cli.ts', ...args], { timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  server = await startStandIn({ images: 80, seed: 23, queueItems: 0 });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-cli-export-'));
  out = mkdtempSync(join(tmpdir(), 'ivk-cli-export-out-'));
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe('npm run cli -- export', () => {
  it('exports a board as the server’s own files, with per-file results in --json', async () => {
    const [boardId] = [...server.state.gallery.boards.keys()];
    const expected = server.state.gallery
      .queryImages({ board_id: boardId!, is_intermediate: false })
      .images.map((image) => image.image_name);
    expect(expected.length).toBeGreaterThan(0);
    const result = await cli('export', '--server', server.url, '--data', dataDir, '--out', out, '--board', boardId!, '--json');
    // Only the CLI's own failure lines count: a loaded machine may log slow cache queries there too.
    expect(result.stderr).not.toMatch(/^cli:/m);
    expect(result.code).toBe(0);
    const results = JSON.parse(result.stdout) as FileResult[];
    expect(results.map((entry) => entry.image_name).sort()).toEqual([...expected].sort());
    expect(results.every((entry) => entry.outcome === 'written' && entry.reason === null)).toBe(true);
    expect((await readdir(out)).sort()).toEqual([...expected].sort());
    for (const name of expected) expect(await fileSha(join(out, name))).toBe(await serverSha(server.url, name));
  });

  it('run again, keeps every file and reports them as already there', async () => {
    const [boardId] = [...server.state.gallery.boards.keys()];
    const result = await cli('export', '--server', server.url, '--data', dataDir, '--out', out, '--board', boardId!, '--json');
    expect(result.code).toBe(0);
    const results = JSON.parse(result.stdout) as FileResult[];
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((entry) => entry.outcome === 'skipped')).toBe(true);
  });

  it('offline, lists what is not cached and exits non-zero with a one-line reason', async () => {
    const offlineOut = join(out, 'offline');
    await server.goDown();
    try {
      const result = await cli('export', '--server', server.url, '--data', dataDir, '--out', offlineOut, '--starred', '--json');
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^cli: \d+ of \d+ images were not exported: \d+ not cached while the server is offline/);
      const results = JSON.parse(result.stdout) as FileResult[];
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((entry) => entry.outcome === 'failed' && entry.not_cached)).toBe(true);
    } finally {
      await server.comeBack();
    }
  });

  it('refuses a missing --out or a bad --pattern with one line', async () => {
    const missing = await cli('export', '--server', server.url, '--data', dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/--out DIR/);
    const pattern = await cli('export', '--server', server.url, '--data', dataDir, '--out', out, '--pattern', 'date');
    expect(pattern.code).toBe(2);
    expect(pattern.stderr).toMatch(/^cli: --pattern/);
  });
});
