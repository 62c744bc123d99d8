import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Http } from '../../../src/main/api/http';
import { inBackground, inForeground } from '../../../src/main/api/priority';

const Ok = z.object({ ok: z.boolean() });
const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A loopback server that logs when each route arrives and answers `hold` ms later. */
async function slowServer(hold: Record<string, number>) {
  const arrivals: string[] = [];
  const server = createServer((request, response: ServerResponse) => {
    const route = (request.url ?? '').slice(1);
    arrivals.push(route);
    setTimeout(() => {
      response.setHeader('content-type', 'application/json');
      response.end('{"ok":true}');
    }, hold[route] ?? 0);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, arrivals };
}

const client = (baseUrl: string, backgroundWaitMs?: number) =>
  new Http({ baseUrl, timeoutMs: 10_000, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, backgroundWaitMs });
const get = (http: Http, route: string) => http.json({ method: 'GET', route }, Ok, 'Ok');

describe('foreground requests first', () => {
  it('holds a background request while a foreground one is at the server, and sends it once that answers', async () => {
    const { url, arrivals } = await slowServer({ thumbnail: 1000 });
    const http = client(url);
    const thumbnail = get(http, 'thumbnail');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const names = inBackground(() => get(http, 'names'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(arrivals).toEqual(['thumbnail']);
    await Promise.all([thumbnail, names]);
    expect(arrivals).toEqual(['thumbnail', 'names']);
  });

  it('never starves background work: it goes after the longest wait even while foreground requests keep coming', async () => {
    const { url, arrivals } = await slowServer({ slow: 1500 });
    const http = client(url, 200);
    let slowAnswered = false;
    const slow = get(http, 'slow').then(() => (slowAnswered = true));
    await inBackground(() => get(http, 'names'));
    expect(arrivals).toEqual(['slow', 'names']);
    expect(slowAnswered).toBe(false);
    await slow;
  });

  it('sends background requests at once when nothing is in flight, and an urgent fetch inside background work goes first', async () => {
    const { url, arrivals } = await slowServer({ thumbnail: 1500 });
    const http = client(url);
    await inBackground(() => get(http, 'alone'));
    let thumbnailAnswered = false;
    const thumbnail = get(http, 'thumbnail').then(() => (thumbnailAnswered = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await inBackground(() => inForeground(() => get(http, 'viewer-metadata')));
    expect(arrivals).toEqual(['alone', 'thumbnail', 'viewer-metadata']);
    expect(thumbnailAnswered).toBe(false);
    await thumbnail;
  });
});
