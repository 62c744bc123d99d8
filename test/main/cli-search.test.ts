import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../server';
import type { ImageRecord } from '../server/store';

/** `npm run cli -- images --search` takes the search box's language, answered from the cache. */
const run = promisify(execFile);
const TSX = join(process.cwd(), 'node_modules/.bin/tsx');

let server: StandIn;
let dataDir: string;

const cli = async (...args: string[]) =>
  (await run(TSX, ['src/main/cli.ts', ...args, '--server', server.url, '--data', dataDir], { timeout: 60_000 })).stdout;

beforeAll(async () => {
  server = await startStandIn({ images: 200, seed: 9, queueItems: 5 });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-cli-search-'));
  await cli('sync', '--json');
});

afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Meta {
  positive_prompt?: string;
  negative_prompt?: string;
  model?: { name?: string };
  steps?: number;
}
const meta = (image: ImageRecord): Meta => (image.metadata ? (JSON.parse(image.metadata) as Meta) : {});
const words = (text: string | undefined) => (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

describe('npm run cli -- images --search', () => {
  it('answers field terms, comparisons and exclusions as a straight filter over the server’s metadata', async () => {
    const visible = server.state.gallery.queryImages({ is_intermediate: false }).images;
    const model = meta(visible.find((image) => meta(image).model?.name)!).model!.name!;
    const prefix = model.slice(0, 5);
    const search = `model:"${prefix}" steps:>=30 -blurry`;
    const expected = visible.filter((image) => {
      const m = meta(image);
      const tokens = [...words(m.positive_prompt), ...words(m.negative_prompt), ...words(m.model?.name)];
      return (
        (m.model?.name ?? '').toLowerCase().startsWith(prefix.toLowerCase()) &&
        (m.steps ?? 0) >= 30 &&
        !tokens.some((t) => t.startsWith('blurry'))
      );
    });
    expect(expected.length).toBeGreaterThan(0);
    const images = JSON.parse(await cli('images', '--search', search, '--limit', '1000', '--json')) as { image_name: string }[];
    expect(images.map((image) => image.image_name).sort()).toEqual(expected.map((image) => image.image_name).sort());
  });
});
