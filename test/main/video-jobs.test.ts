import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppServices, type AppServices } from '../../src/main/services';
import { memoryTokens } from '../../src/main/settings/settings';
import { startStandIn, type StandIn } from '../server';
import { until } from '../support/services';

/**
 * A video a job makes (invocation_complete with a `video_output`, here 6.14.2's model-free
 * Concatenate Videos) is fetched by name and shown at once, not at the next sync.
 */
let server: StandIn;
let dataDir: string;
let services: AppServices;
let requests: string[];

beforeEach(async () => {
  requests = [];
  server = await startStandIn({
    images: 4,
    seed: 17,
    queueItems: 0,
    onRequest: (request) => requests.push(`${request.method} ${request.url}`),
  });
  dataDir = mkdtempSync(join(tmpdir(), 'ivk-video-jobs-'));
  services = createAppServices({
    rootDir: dataDir,
    serverUrl: server.url,
    tokens: memoryTokens(null),
    probeIntervalMs: 100,
    syncIntervalMs: 600_000,
  });
  await services.start();
  await services.session().sync.sync();
});

afterEach(async () => {
  await services.stop();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function clip(seconds: number): string {
  return server.state.gallery.videos.add({
    video_origin: 'external',
    video_category: 'user',
    width: 64,
    height: 48,
    duration: seconds,
    fps: 8,
    is_intermediate: false,
    board_id: null,
    session_id: null,
    metadata: null,
    source: { kind: 'seed', colour_seed: seconds },
  }).video_name;
}

async function enqueueConcat(videos: string[]): Promise<number> {
  const node = { id: 'concat', type: 'video_concat', videos: videos.map((video_name) => ({ video_name })), use_cache: false };
  const res = await fetch(`${server.url}/api/v1/queue/default/enqueue_batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prepend: false, batch: { runs: 1, graph: { id: 'concat-graph', nodes: { concat: node }, edges: [] } } }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { item_ids: number[] }).item_ids[0]!;
}

describe('a video made by a job', () => {
  it('is cached from its invocation_complete before any sync lists the videos', async () => {
    const [a, b] = [clip(1), clip(2)];
    // Every sync is held up at its first step, so only the event can bring the video in.
    server.faults.add({ pathPrefix: '/api/v1/boards/', latencyMs: 4_000 });
    const since = requests.length;
    await enqueueConcat([a, b]);
    const made = await until('the job’s video on the server', () =>
      [...server.state.gallery.videos.all()].find((video) => video.video_origin === 'internal'),
    );
    const cached = await until('the video in the cache', () => services.session().cache.imageDetails(made.video_name)?.image, 3_000);
    expect(cached).toMatchObject({ kind: 'video', duration: 3, fps: 8, width: 64, height: 48 });
    const after = requests.slice(since);
    expect(after).toContain(`GET /api/v1/videos/i/${made.video_name}`);
    expect(after.filter((line) => line.startsWith('GET /api/v1/videos/?'))).toEqual([]);
  });
});
