import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/main/export';
import { Api, graphBlank } from '../contract/harness';
import { REAL_URL, appTag, onRealServer, uploadBehind } from './app-support';

/**
 * `npm run cli -- export` against the real InvokeAI 6.14.2: a board of uploaded and generated
 * images comes out as the server's own `/full` files, byte for byte (its metadata chunks intact),
 * and the sidecar carries the metadata the server gives.
 */
const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', 'cli', '--', ...args], {
      cwd: repo,
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function serverFull(name: string): Promise<Uint8Array> {
  const response = await fetch(`${REAL_URL}/api/v1/images/i/${encodeURIComponent(name)}/full`);
  expect(response.status).toBe(200);
  return new Uint8Array(await response.arrayBuffer());
}

let api: Api;
let dataDir: string;
let out: string;

beforeAll(() => {
  api = new Api(REAL_URL);
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-real-export-'));
  out = mkdtempSync(join(tmpdir(), 'ivk-real-export-out-'));
});

afterAll(async () => {
  await api?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
});

describe.skipIf(!onRealServer)('npm run cli -- export against the real InvokeAI 6.14.2', () => {
  it('exports a board as the server’s own files, byte for byte, with sidecars', async () => {
    const tag = appTag();
    const board = await api.createBoard(`${tag} export`);
    const uploaded = await uploadBehind(api, { prompt: `${tag} uploaded`, boardId: board.board_id });
    const itemId = (
      await api.enqueue(graphBlank({ boardId: board.board_id, width: 40, height: 24, metadata: { positive_prompt: `${tag} generated` } }))
    ).json.item_ids[0] as number;
    await api.waitForStatus(itemId, ['completed']);

    const result = await cli(
      'export',
      '--server',
      REAL_URL,
      '--data',
      dataDir,
      '--out',
      out,
      '--board',
      board.board_id,
      '--sidecar',
      '--json',
    );
    // Only the CLI's own failure lines count: a loaded machine may log slow cache queries there too.
    expect(result.stderr).not.toMatch(/^cli:/m);
    expect(result.code).toBe(0);
    const results = JSON.parse(result.stdout) as FileResult[];
    expect(results).toHaveLength(2);
    expect(results.map((entry) => entry.image_name)).toContain(uploaded);
    for (const entry of results) {
      expect(entry.outcome).toBe('written');
      const full = await serverFull(entry.image_name);
      const file = await readFile(join(out, entry.path!));
      expect(sha(file)).toBe(sha(full));
      expect(entry.bytes).toBe(full.byteLength);
      const sidecar = JSON.parse(await readFile(join(out, `${entry.path!}.json`), 'utf8')) as { image_name: string; board_id: string };
      expect(sidecar).toMatchObject({ image_name: entry.image_name, board_id: board.board_id });
    }
    // The generated image keeps InvokeAI's metadata chunk: the file is the server's, not a re-encoding.
    const generated = results.find((entry) => entry.image_name !== uploaded)!;
    expect((await readFile(join(out, generated.path!))).includes(Buffer.from('invokeai_metadata'))).toBe(true);
    const generatedSidecar = JSON.parse(await readFile(join(out, `${generated.path!}.json`), 'utf8')) as {
      metadata: { positive_prompt?: string };
    };
    expect(generatedSidecar.metadata.positive_prompt).toBe(`${tag} generated`);
  });
});
