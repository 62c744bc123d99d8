import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStandIn, type StandIn } from '../server';
import { startSyncedApp, until, type SyncedApp } from '../support/services';

/**
 * A video a job makes (invocation_complete with a `video_output`, here 6.14.2's model-free
 * Concatenate Videos) is fetched by name and shown at once, not at the next sync.
 */
let server: StandIn;
let app: SyncedApp;
let requests: string[];

beforeEach(async () => {
  requests = [];
  server = await startStandIn({
    images: 4,
    seed: 17,
    queueItems: 0,
    onRequest: (request) => requests.push(`${request.method} ${request.url}`),
  });
  app = await startSyncedApp(server.url, null, { prefix: 'ivk-video-jobs-', probeIntervalMs: 100, syncIntervalMs: 600_000 });
});

afterEach(async () => {
  await app.close();
  await server.close();
});

function clip(seconds: number): string {
  return server.state.gallery.videos.addClip({ width: 64, height: 48, duration: seconds, fps: 8, colour_seed: seconds }).video_name;
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
    const cached = await until('the video in the cache', () => app.services.session().cache.imageDetails(made.video_name)?.image, 3_000);
    expect(cached).toMatchObject({ kind: 'video', duration: 3, fps: 8, width: 64, height: 48 });
    const after = requests.slice(since);
    expect(after).toContain(`GET /api/v1/videos/i/${made.video_name}`);
    expect(after.filter((line) => line.startsWith('GET /api/v1/videos/?'))).toEqual([]);
  });
});
