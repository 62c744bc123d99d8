import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A byte-for-byte TCP relay in front of the real server. The app's cache is keyed by the server
 * address, so "the same server, gone" has to keep the address: the app talks to the relay, and
 * closing the relay makes that address a dead port (connection refused) while the real server,
 * which other test files share, keeps running. `reopen()` listens on the same port again.
 */
export interface Relay {
  url: string;
  port: number;
  /** Stops listening and cuts every open connection (HTTP and the Socket.IO websocket). */
  close(): Promise<void>;
  /** Listens again on the same port: the server is "back". */
  reopen(): Promise<void>;
}

export async function startRelay(target: string, port = 0): Promise<Relay> {
  const { hostname, port: targetPort } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(targetPort), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (on: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(on, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(port);
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    async close() {
      if (!server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async reopen() {
      if (!server.listening) await listen(bound);
    },
  };
}
