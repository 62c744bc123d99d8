import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { InvokeClient } from '../../../src/main/api/client';
import type { InvokeApi } from '../../../src/main/api/contract';
import { openCache, type Cache } from '../../../src/main/cache';
import { SyncEngine, type SyncEngineOptions } from '../../../src/main/sync';
import type { SyncProgress } from '../../../src/shared/ipc';
import { startStandIn, type StandIn, type StandInOptions } from '../../server';

/**
 * The real client, counting what it is asked: which methods, and which image names went into
 * DTO and metadata requests. It forwards every call unchanged; the server is the stand-in.
 */
export class CountingApi {
  readonly calls = new Map<string, number>();
  readonly dtoNames: string[] = [];
  readonly metadataNames: string[] = [];
  readonly api: InvokeApi;
  /** Called before each forwarded call, e.g. to take the server down midway. */
  before: (method: string, args: unknown[]) => void | Promise<void> = () => {};

  constructor(client: InvokeApi) {
    this.api = new Proxy(client, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        const method = String(property);
        return async (...args: unknown[]) => {
          await this.before(method, args);
          this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
          if (isDtoRequest(method)) this.dtoNames.push(...(args[0] as string[]));
          if (method === 'imageMetadata') this.metadataNames.push(args[0] as string);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  count(method: string): number {
    return this.calls.get(method) ?? 0;
  }

  /** Requests for DTOs, read here (imagesByNames) or by the sync's writer (imageBatchBody). */
  dtoRequests(): number {
    return this.count('imagesByNames') + this.count('imageBatchBody');
  }

  reset(): void {
    this.calls.clear();
    this.dtoNames.length = 0;
    this.metadataNames.length = 0;
  }
}

/** The client's two ways of asking for DTOs by name. */
export function isDtoRequest(method: string): boolean {
  return method === 'imagesByNames' || method === 'imageBatchBody';
}

export interface World {
  server: StandIn;
  client: InvokeClient;
  counting: CountingApi;
  cache: Cache;
  engine: SyncEngine;
  progress: SyncProgress[];
  /** Failures of the metadata backfill other than the server going away; checked after each test. */
  backgroundErrors: unknown[];
  /** A second engine over the same cache file: the app after a restart. */
  restart(options?: Partial<SyncEngineOptions>): Promise<SyncEngine>;
}

/** A stand-in, the real client (quick retries), a fresh cache and an engine; all closed after each test. */
export function useWorld() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) throw failures[0];
  });
  return async (serverOptions: StandInOptions = {}, engineOptions: Partial<SyncEngineOptions> = {}): Promise<World> => {
    const server = await startStandIn({ images: 300, seed: 11, queueItems: 40, jobStepMs: 2, ...serverOptions });
    cleanups.push(() => server.close());
    const client = new InvokeClient({ baseUrl: server.url, timeoutMs: 5000, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 } });
    const counting = new CountingApi(client);
    const dir = mkdtempSync(join(tmpdir(), 'ivk-sync-'));
    let cache = openCache({ dataDir: dir, profileKey: 'stand-in', slowQueryMs: Number.POSITIVE_INFINITY });
    cleanups.push(() => {
      cache.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const progress: SyncProgress[] = [];
    const backgroundErrors: unknown[] = [];
    cleanups.push(() => {
      if (backgroundErrors.length > 0) throw new Error(`background errors: ${backgroundErrors.map(String).join('; ')}`);
    });
    const makeEngine = (options: Partial<SyncEngineOptions>) => {
      const engine = new SyncEngine({
        api: counting.api,
        cache,
        onProgress: (p) => progress.push(p),
        onBackgroundError: (error) => backgroundErrors.push(error),
        ...engineOptions,
        ...options,
      });
      cleanups.push(() => engine.close());
      return engine;
    };
    const world: World = {
      server,
      client,
      counting,
      cache,
      engine: makeEngine({}),
      progress,
      backgroundErrors,
      async restart(options = {}) {
        await world.engine.close();
        cache.close();
        cache = openCache({ dataDir: dir, profileKey: 'stand-in', slowQueryMs: Number.POSITIVE_INFINITY });
        world.cache = cache;
        world.engine = makeEngine(options);
        return world.engine;
      },
    };
    return world;
  };
}

/** The server's view of its gallery, as the app shows it (intermediates left out). */
export function serverImages(server: StandIn) {
  return [...server.state.gallery.images.values()].filter((image) => !image.is_intermediate);
}
