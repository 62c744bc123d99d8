import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeApiError } from '../../../src/main/api';
import type { ImageSupply } from '../../../src/main/export';
import { createAppServices, type AppServices } from '../../../src/main/services';
import type { ServerSession } from '../../../src/main/session';
import { memoryTokens } from '../../../src/main/settings/settings';
import type { GalleryQuery } from '../../../src/shared/ipc';
import { startStandIn, type StandIn } from '../../server';
import { imagesOnly } from '../../support/gallery-items';

export const ALL: GalleryQuery = { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest' };

export interface SyncedWorld {
  server: StandIn;
  dataDir: string;
  services: AppServices;
  /** Every gallery image, newest first. */
  names: string[];
  close(): Promise<void>;
}

/** A stand-in of `images` images and the app's services with its gallery and prompts synced. */
export async function startSyncedWorld(options: { images: number; seed: number; prefix: string }): Promise<SyncedWorld> {
  const server = await startStandIn({ images: options.images, seed: options.seed, queueItems: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), options.prefix));
  const services = createAppServices({ rootDir: dataDir, serverUrl: server.url, tokens: memoryTokens(), probeIntervalMs: 100 });
  await services.start();
  await services.session().sync.sync();
  await services.session().sync.metadataIdle();
  const names = imagesOnly(services.session().cache.listImages(ALL, 0, options.images)).map((image) => image.image_name);
  return {
    server,
    dataDir,
    services,
    names,
    async close() {
      await services.stop();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function fileSha(path: string): Promise<string> {
  return sha256(await readFile(path));
}

/** The server's own `/full` bytes of an image, fetched apart from the app. */
export async function serverSha(serverUrl: string, name: string): Promise<string> {
  const response = await fetch(`${serverUrl}/api/v1/images/i/${encodeURIComponent(name)}/full`);
  if (!response.ok) throw new Error(`/full of ${name}: ${response.status}`);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

/** The session's images as the app's runner takes them, counting what it fetches from the server. */
export function countingSupply(session: ServerSession, onFetch?: (name: string, count: number) => void) {
  const fetched: string[] = [];
  const supply: ImageSupply = {
    entries: (names) => session.cache.exportEntries(names),
    cached: (name) => session.cache.images.read(name),
    fetch: (name) => {
      fetched.push(name);
      onFetch?.(name, fetched.length);
      return session.api.fullImage(name);
    },
    online: () => session.isOnline,
    describe: describeApiError,
  };
  return { supply, fetched };
}
