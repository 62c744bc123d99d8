import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describeApiError } from '../../../src/main/api';
import type { ImageSupply } from '../../../src/main/export';
import type { ServerSession } from '../../../src/main/session';

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
