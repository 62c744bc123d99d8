import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import { call, connectEvents, useStandIn } from './helpers';

const ctx = useStandIn({ seed: 11, images: 200 });
const version = () => fetch(`${ctx.s.url}/api/v1/app/version`);

/** A raw GET that reports how the connection ended, to see a mid-body drop. */
function rawGet(url: string): Promise<{ status: number; declared: number; received: number; aborted: boolean }> {
  return new Promise((resolve) => {
    const req = request(url, (res) => {
      let received = 0;
      let aborted = false;
      res.on('data', (c: Buffer) => (received += c.length));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, declared: Number(res.headers['content-length']), received, aborted }));
    });
    req.on('error', () => resolve({ status: 0, declared: 0, received: 0, aborted: true }));
    req.end();
  });
}

describe('faults, in-process', () => {
  it('answers 5xx for a prefix, a limited number of times', async () => {
    ctx.s.faults.add({ pathPrefix: '/api/v1/images/', errorRate: 1, errorStatus: 503, times: 2 });
    const first = await call(ctx.s.url, 'GET', '/api/v1/images/names', { raw: true });
    expect(first.status).toBe(503);
    expect(first.text).toBe('Internal Server Error');
    expect((await call(ctx.s.url, 'GET', '/api/v1/app/version')).status).toBe(200); // other prefix untouched
    expect((await call(ctx.s.url, 'GET', '/api/v1/images/names', { raw: true })).status).toBe(503);
    expect((await call(ctx.s.url, 'GET', '/api/v1/images/names')).status).toBe(200);
    expect(ctx.s.faults.list()[0]!.hits).toBe(2);
    ctx.s.faults.clear();
  });

  it('answers 5xx at a seeded rate', async () => {
    ctx.s.faults.set({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 40 }, async () => (await version()).status));
    const errors = statuses.filter((s) => s === 500).length;
    expect(errors).toBeGreaterThan(5);
    expect(errors).toBeLessThan(35);
    ctx.s.faults.clear();
  });

  it('adds latency (counted, not timed)', async () => {
    const rule = ctx.s.faults.add({ latencyMs: 30, pathPrefix: '/api/v1/app/' });
    expect((await version()).status).toBe(200);
    expect(ctx.s.faults.list().find((r) => r.id === rule.id)!.hits).toBe(1);
    ctx.s.faults.remove(rule.id);
  });

  it('drops the connection part-way through the body', async () => {
    ctx.s.faults.set({ dropRate: 1, pathPrefix: '/api/v1/images/names' });
    const res = await rawGet(`${ctx.s.url}/api/v1/images/names`);
    expect(res.status).toBe(200);
    expect(res.received).toBeLessThan(res.declared);
    expect(res.aborted).toBe(true);
    await expect(fetch(`${ctx.s.url}/api/v1/images/names`).then((r) => r.json())).rejects.toThrow();
    ctx.s.faults.clear();
  });

  it('sends malformed JSON', async () => {
    ctx.s.faults.set({ malformedRate: 1 });
    const res = await call(ctx.s.url, 'GET', '/api/v1/boards/?all=true', { raw: true });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('application/json');
    expect(() => JSON.parse(res.text)).toThrow();
    ctx.s.faults.clear();
  });

  it('goes down and comes back on the same port', async () => {
    const client = await connectEvents(ctx.s.url);
    const disconnected = new Promise((resolve) => client.socket.once('disconnect', resolve));
    await ctx.s.goDown();
    expect(ctx.s.faults.isDown).toBe(true);
    await disconnected;
    await expect(version()).rejects.toThrow();
    await ctx.s.comeBack();
    expect((await version()).status).toBe(200);
    client.close();
    const again = await connectEvents(ctx.s.url);
    expect(again.socket.connected).toBe(true);
    again.close();
  });

  it('disconnects sockets server-side, and can refuse new ones', async () => {
    const client = await connectEvents(ctx.s.url);
    const reason = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    ctx.s.faults.disconnectSockets();
    expect(await reason).toBe('io server disconnect');
    ctx.s.faults.refuseSockets(true);
    await expect(connectEvents(ctx.s.url)).rejects.toThrow('Connection rejected by server');
    ctx.s.faults.refuseSockets(false);
    (await connectEvents(ctx.s.url)).close();
  });
});

describe("the real server's polling quirk", () => {
  it('answers engine.io polling with 500 when gzip is accepted; websocket is unaffected', async () => {
    const poll = (encoding: string) =>
      fetch(`${ctx.s.url}/ws/socket.io/?EIO=4&transport=polling`, { headers: { 'accept-encoding': encoding } });
    expect((await poll('gzip, deflate')).status).toBe(500);
    const plain = await poll('identity');
    expect(plain.status).toBe(200);
    expect(await plain.text()).toMatch(/^0\{"sid"/);
    (await connectEvents(ctx.s.url)).close();
  });
});

describe('faults over the control route', () => {
  const control = (method: string, path: string, json?: unknown) =>
    call(ctx.s.url, method, `/__stand_in__/${path}`, { raw: true, ...(json === undefined ? {} : { json }) });

  it('adds, lists and clears rules; bad rules are a 400', async () => {
    const added = await control('POST', 'faults', { pathPrefix: '/api/v1/boards/', errorRate: 1, times: 1 });
    expect(added.status).toBe(201);
    expect(added.json.rules).toHaveLength(1);
    expect((await call(ctx.s.url, 'GET', '/api/v1/boards/?all=true', { raw: true })).status).toBe(500);
    expect((await control('GET', 'faults')).json.rules[0]).toMatchObject({ hits: 1, times: 1 });
    expect((await control('PUT', 'faults', { rules: [{ malformedRate: 1, pathPrefix: '/api/v2/' }] })).json.rules).toHaveLength(1);
    expect((await control('DELETE', 'faults')).json).toEqual({ rules: [] });
    expect((await control('POST', 'faults', { errorRate: 2 })).status).toBe(400);
    expect((await control('POST', 'faults', { nonsense: true })).status).toBe(400);
  });

  it('goes down for a while and comes back by itself', async () => {
    const res = await control('POST', 'down', { for_ms: 200 });
    expect(res.status).toBe(202);
    let sawDown = false;
    for (let i = 0; i < 200; i++) {
      const ok = await version().then(
        () => true,
        () => false,
      );
      if (!ok) sawDown = true;
      else if (sawDown) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(sawDown).toBe(true);
    expect((await version()).status).toBe(200);
  });

  it('disconnects sockets and reports state', async () => {
    const client = await connectEvents(ctx.s.url);
    const gone = new Promise((resolve) => client.socket.once('disconnect', resolve));
    expect((await control('POST', 'sockets/disconnect')).json.disconnected).toBe(1);
    await gone;
    expect((await control('GET', 'state')).json).toMatchObject({ images: ctx.s.state.gallery.imageCount, sockets: 0 });
  });
});
