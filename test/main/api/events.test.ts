import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InvokeClient, InvokeEvents, type InvokeEventMap } from '../../../src/main/api';
import type { BatchInput } from '../../../src/shared/invokeai';
import { startStandIn, type StandIn } from '../../server';

let server: StandIn;
let client: InvokeClient;
const open: InvokeEvents[] = [];
/** Payloads that failed validation: the stand-in's events must all match the wire schemas. */
const invalid: unknown[] = [];

beforeAll(async () => {
  server = await startStandIn({ images: 50, queueItems: 4, seed: 5, jobStepMs: 5 });
  client = new InvokeClient({ baseUrl: server.url });
});
afterEach(() => {
  for (const events of open.splice(0)) events.close();
  server.faults.refuseSockets(false);
  expect(invalid.splice(0)).toEqual([]);
});
afterAll(() => server.close());

function track(events: InvokeEvents): InvokeEvents {
  open.push(events);
  events.on('invalid_event', (problem) => invalid.push(problem));
  return events;
}

function connectEvents(): InvokeEvents {
  const events = track(new InvokeEvents({ baseUrl: server.url, reconnect: { minDelayMs: 20, maxDelayMs: 200 } }));
  events.connect();
  return events;
}

/** Resolves with the next event of that name that passes `test`. */
function next<N extends keyof InvokeEventMap>(
  events: InvokeEvents,
  name: N,
  test: (payload: InvokeEventMap[N]) => boolean = () => true,
): Promise<InvokeEventMap[N]> {
  return new Promise((resolve) => {
    const off = events.on(name, (payload) => {
      if (!test(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const connected = (events: InvokeEvents) =>
  events.state === 'connected' ? Promise.resolve() : next(events, 'connection', (c) => c.state === 'connected').then(() => undefined);

function graph(node: Record<string, unknown> & { id: string; type: string }): BatchInput {
  return { graph: { id: `g-${node.id}`, nodes: { [node.id]: node }, edges: [] }, runs: 1, origin: 'gallery-test' };
}

const blankImage = (id: string) => graph({ id, type: 'blank_image', width: 64, height: 64, is_intermediate: false, use_cache: false });

type Seen = { name: string; status?: string; detail?: unknown };

/** Records, in arrival order, every queue event for one batch. */
function recordBatch(events: InvokeEvents, until: (seen: Seen[]) => boolean) {
  const seen: Seen[] = [];
  let batchId: string | undefined;
  const offs: (() => void)[] = [];
  const done = new Promise<Seen[]>((resolve) => {
    const push = (entry: Seen, batch: string) => {
      if (batchId && batch !== batchId) return;
      seen.push(entry);
      if (until(seen)) {
        for (const off of offs) off();
        resolve(seen);
      }
    };
    offs.push(
      events.on('batch_enqueued', (e) => {
        batchId ??= e.batch_id;
        push({ name: 'batch_enqueued' }, e.batch_id);
      }),
      events.on('queue_item_status_changed', (e) => push({ name: 'status', status: e.status }, e.batch_id)),
      events.on('invocation_started', (e) => push({ name: 'started', detail: e.invocation.type }, e.batch_id)),
      events.on('invocation_progress', (e) => push({ name: 'progress' }, e.batch_id)),
      events.on('invocation_complete', (e) => push({ name: 'complete', detail: e.output_image_names }, e.batch_id)),
      events.on('invocation_error', (e) => push({ name: 'error', detail: e.error_message }, e.batch_id)),
    );
  });
  return done;
}

const collapseProgress = (seen: Seen[]) => seen.filter((s, i) => s.name !== 'progress' || seen[i - 1]?.name !== 'progress');

describe('InvokeEvents against the stand-in', () => {
  it('follows a job from enqueue to completion, in order, with its new image', async () => {
    const events = connectEvents();
    await connected(events);
    const recorded = recordBatch(events, (seen) => seen.some((s) => s.name === 'status' && s.status === 'completed'));
    const result = await client.enqueueBatch(blankImage('blank'));
    expect(result.enqueued).toBe(1);
    const seen = collapseProgress(await recorded);
    expect(seen.map((s) => (s.status ? `${s.name}:${s.status}` : s.name))).toEqual([
      'batch_enqueued',
      'status:in_progress',
      'started',
      'progress',
      'complete',
      'status:completed',
    ]);
    const names = seen.find((s) => s.name === 'complete')?.detail as string[];
    expect(names).toHaveLength(1);
    const dto = await client.image(names[0]!);
    expect(dto).toMatchObject({ width: 64, height: 64, image_category: 'general', is_intermediate: false });
  });

  it('reports a failing job: failed status, then the invocation error', async () => {
    const events = connectEvents();
    await connected(events);
    const recorded = recordBatch(events, (seen) => seen.some((s) => s.name === 'error'));
    await client.enqueueBatch(graph({ id: 'load', type: 'image', image: { image_name: 'does-not-exist.png' }, use_cache: false }));
    const seen = await recorded;
    expect(seen.map((s) => (s.status ? `${s.name}:${s.status}` : s.name))).toEqual([
      'batch_enqueued',
      'status:in_progress',
      'started',
      'status:failed',
      'error',
    ]);
    expect(seen.at(-1)?.detail).toMatch(/Image record not found/);
  });

  it('finds no new image in a pass-through image node', async () => {
    const events = connectEvents();
    await connected(events);
    const [existing] = (await client.imageNames({})).image_names;
    const complete = next(events, 'invocation_complete', (e) => e.invocation.type === 'image');
    await client.enqueueBatch(graph({ id: 'pass', type: 'image', image: { image_name: existing }, use_cache: false }));
    const event = await complete;
    expect(event.result.type).toBe('image_output');
    expect(event.output_image_names).toEqual([]);
  });

  it('reconnects after the server drops the socket and subscribes again', async () => {
    const events = connectEvents();
    await connected(events);
    const dropped = next(events, 'connection', (c) => c.state === 'disconnected');
    const back = dropped.then(() => next(events, 'connection', (c) => c.state === 'connected'));
    server.faults.disconnectSockets();
    expect(await dropped).toEqual({ state: 'disconnected', reason: 'io server disconnect' });
    await back;
    // `queue_cleared` for the whole queue reaches only sockets in the queue room.
    const cleared = next(events, 'queue_cleared');
    const response = await fetch(`${server.url}/api/v1/queue/default/clear`, { method: 'PUT' });
    expect(response.status).toBe(200);
    expect(await cleared).toMatchObject({ queue_id: 'default', user_id: null });
  });

  it('reconnects after the server goes down and comes back', async () => {
    const events = connectEvents();
    await connected(events);
    const dropped = next(events, 'connection', (c) => c.state === 'disconnected');
    await server.goDown();
    await dropped;
    const back = next(events, 'connection', (c) => c.state === 'connected');
    await server.comeBack();
    await back;
    expect(events.state).toBe('connected');
  });

  it('keeps trying after the server refuses the connection', async () => {
    server.faults.refuseSockets(true);
    const events = track(new InvokeEvents({ baseUrl: server.url, reconnect: { minDelayMs: 20, maxDelayMs: 100 } }));
    const refused = next(events, 'connection', (c) => c.state === 'disconnected');
    events.connect();
    expect(await refused).toEqual({ state: 'disconnected', reason: 'Connection rejected by server' });
    const back = next(events, 'connection', (c) => c.state === 'connected');
    server.faults.refuseSockets(false);
    await back;
  });

  it('sends the token in the handshake', async () => {
    let seen: unknown;
    const events = track(
      new InvokeEvents({
        baseUrl: server.url,
        getToken: () => {
          seen = 'asked';
          return 'a-token';
        },
      }),
    );
    events.connect();
    await connected(events);
    expect(seen).toBe('asked');
  });

  it('stops delivering after unsubscribe and after close', async () => {
    const events = connectEvents();
    await connected(events);
    let count = 0;
    const off = events.on('batch_enqueued', () => count++);
    const first = next(events, 'batch_enqueued');
    await client.enqueueBatch(blankImage('one'));
    await first;
    off();
    const second = next(events, 'batch_enqueued');
    await client.enqueueBatch(blankImage('two'));
    await second;
    expect(count).toBe(1);
    const closed = next(events, 'connection', (c) => c.state === 'disconnected');
    events.close();
    expect(await closed).toEqual({ state: 'disconnected', reason: 'closed' });
  });
});
