import WebSocket from 'ws';

/**
 * A minimal client of a Node process's inspector (the host is started with --inspect=…:0), to
 * read its memory from inside (V8 heap against RSS) and force a garbage collection, so the main
 * process's RSS can be told apart into what the JavaScript heap holds and what it does not.
 */
export interface InspectorClient {
  call<T = unknown>(method: string, params?: Record<string, unknown>): Promise<T>;
  close(): void;
}

export function inspectorUrl(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

export async function connectInspector(url: string): Promise<InspectorClient> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  socket.on('message', (raw) => {
    const message = JSON.parse(new TextDecoder().decode(Array.isArray(raw) ? Buffer.concat(raw) : raw)) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
    };
    if (message.id === undefined) return;
    const call = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) call?.reject(new Error(message.error.message));
    else call?.resolve(message.result);
  });
  return {
    call<T>(method: string, params: Record<string, unknown> = {}) {
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params }));
      return new Promise<T>((resolve, reject) => pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
    },
    close: () => socket.close(),
  };
}

export interface NodeMemory {
  rss_mb: number;
  heap_used_mb: number;
  heap_total_mb: number;
  external_mb: number;
  array_buffers_mb: number;
}

/** process.memoryUsage() of the inspected process, in MB. */
export async function nodeMemory(client: InspectorClient): Promise<NodeMemory> {
  const { result } = await client.call<{ result: { value: string } }>('Runtime.evaluate', {
    expression: 'JSON.stringify(process.memoryUsage())',
    returnByValue: true,
  });
  const usage = JSON.parse(result.value) as Record<string, number>;
  const mb = (bytes: number | undefined) => Math.round((bytes ?? Number.NaN) / 1024 / 1024);
  return {
    rss_mb: mb(usage.rss),
    heap_used_mb: mb(usage.heapUsed),
    heap_total_mb: mb(usage.heapTotal),
    external_mb: mb(usage.external),
    array_buffers_mb: mb(usage.arrayBuffers),
  };
}

/** Memory as it is, then after two full collections. */
export async function nodeMemoryAroundGc(client: InspectorClient): Promise<{ before: NodeMemory; after_gc: NodeMemory }> {
  const before = await nodeMemory(client);
  await client.call('HeapProfiler.collectGarbage');
  await client.call('HeapProfiler.collectGarbage');
  return { before, after_gc: await nodeMemory(client) };
}
