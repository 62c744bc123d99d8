import { describe, expect, it } from 'vitest';
import { InvokeEvents } from '../../../src/main/api/events';
import { useWorld } from './harness';
import { imageOnly } from '../../support/gallery-items';

const world = useWorld();

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('live updates', () => {
  it('follow a job from the socket into the cache: status changes, then its new image, searchable', async () => {
    const { server, client, cache, engine } = await world();
    await engine.sync();
    const events = new InvokeEvents({ baseUrl: server.url });
    const statuses: string[] = [];
    const added: string[] = [];
    events.on('queue_item_status_changed', (event) => {
      const job = engine.applyJobUpdate(event);
      if (job) statuses.push(job.status);
    });
    events.on('invocation_complete', (event) => {
      void engine.addImagesByName(event.output_image_names).then((dtos) => added.push(...dtos.map((dto) => dto.image_name)));
    });
    try {
      events.connect();
      await waitFor(() => events.state === 'connected');
      const board = [...server.state.gallery.boards.values()][0]!;
      const { item_ids } = await client.enqueueBatch({
        graph: {
          id: 'g',
          nodes: {
            blank: {
              id: 'blank',
              type: 'blank_image',
              width: 32,
              height: 32,
              color: { r: 1, g: 2, b: 3, a: 255 },
              is_intermediate: false,
              use_cache: false,
              board: { board_id: board.board_id },
              metadata: { positive_prompt: 'a live quetzal portrait', model: { name: 'Tiny', base: 'sd-1' } },
            },
          },
          edges: [],
        },
        runs: 1,
      });
      const itemId = item_ids[0]!;
      await waitFor(() => cache.job(itemId)?.status === 'completed' && added.length === 1);
      expect(statuses).toEqual(['running', 'completed']);
      const image = cache.imageDetails(added[0]!)!;
      expect(image.image.board_id).toBe(board.board_id);
      expect(cache.jobOutputs(String(itemId)).map((output) => output.image_name)).toEqual(added);
      await engine.metadataIdle();
      expect(
        cache
          .listImages(
            { board: board.board_id, categories: [], starredOnly: false, starredFirst: true, search: 'quetz', order: 'newest' },
            0,
            5,
          )
          .map((output) => imageOnly(output).image_name),
      ).toEqual(added);
      // A sync right after has nothing to add: the event already brought it.
      expect((await engine.sync()).added).toBe(0);
    } finally {
      events.close();
    }
  });

  it('never let a stale status move a job backwards', async () => {
    const { cache, engine } = await world({ paused: true });
    await engine.sync();
    const id = cache.unfinishedJobIds()[0]!;
    const base = { item_id: id, batch_id: 'b', session_id: 's', queue_id: 'default', user_id: 'system' };
    expect(engine.applyJobUpdate({ ...base, status: 'completed', status_sequence: 100 })?.status).toBe('completed');
    expect(engine.applyJobUpdate({ ...base, status: 'in_progress', status_sequence: 99 })).toBeNull();
    expect(cache.job(id)?.status).toBe('completed');
  });
});
