import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeApiError } from '../../../src/main/api';
import { Handoff, NO_DESKTOP, type DesktopShell } from '../../../src/main/handoff';
import type { AppServices } from '../../../src/main/services';
import type { DesktopResult, ExportJob } from '../../../src/shared/ipc';
import type { StandIn } from '../../server';
import { fileSha, serverSha, startSyncedWorld, type SyncedWorld } from '../export/support';
import { callChannel } from '../../support/services';
import { imageOnly } from '../../support/gallery-items';

/**
 * Drag out, copy, show and open: which file each uses, staged in the cache first, decided
 * without Electron. The shell here records what desktop.ts would hand to Electron.
 */

let server: StandIn;
let services: AppServices;
let names: string[];

interface Recorded {
  drags: { files: readonly string[]; icon: string }[];
  copied: string[];
  shown: string[];
  opened: string[];
}

function recordingShell(): { shell: DesktopShell; calls: Recorded } {
  const calls: Recorded = { drags: [], copied: [], shown: [], opened: [] };
  return {
    calls,
    shell: {
      pickFolder: () => Promise.resolve('/picked'),
      startDrag: (files, icon) => calls.drags.push({ files, icon }),
      copyImage: (path) => (calls.copied.push(path), Promise.resolve(true)),
      showInFolder: (path) => calls.shown.push(path),
      openPath: (path) => (calls.opened.push(path), Promise.resolve('')),
    },
  };
}

function handoff(shell: DesktopShell | null, exported: (name: string) => string | null = () => null): Handoff {
  const session = services.session();
  return new Handoff({
    cache: () => session.cache,
    online: () => session.isOnline,
    fetchFull: (name) => session.api.fullImage(name),
    fetchThumbnail: (name) => session.api.thumbnail(name),
    describe: describeApiError,
    exportedPath: exported,
    shell,
  });
}

const call = <T = unknown>(channel: string, input: unknown) => callChannel<T>(services, channel, input);

let world: SyncedWorld;

beforeAll(async () => {
  world = await startSyncedWorld({ images: 20, seed: 41, prefix: 'ivk-handoff-' });
  ({ server, services, names } = world);
});

afterAll(() => world.close());

describe('hand-off to the desktop', () => {
  it('stages the full images of a drag in the cache, byte for byte as /full', async () => {
    const images = services.session().cache.images;
    await images.clear();
    const picked = names.slice(0, 3);
    const staged = await call<{ staged: number; missing: string[] }>('images.stageForDrag', { image_names: picked });
    expect(staged).toEqual({ staged: 3, missing: [] });
    for (const name of picked) {
      expect(images.has(name)).toBe(true);
      expect(await fileSha(images.pathFor(name))).toBe(await serverSha(server.url, name));
    }
  });

  it('starts the drag with the staged files and the first thumbnail as its icon', async () => {
    const { shell, calls } = recordingShell();
    const picked = names.slice(2, 6);
    const result = await handoff(shell).startDrag(picked);
    const cache = services.session().cache;
    expect(result).toMatchObject({ done: true, reason: null });
    expect(calls.drags).toEqual([{ files: picked.map((name) => cache.images.pathFor(name)), icon: cache.thumbnails.pathFor(picked[0]!) }]);
  });

  it('answers honestly where there is no desktop: nothing dragged, the staged file named', async () => {
    const result = await call<DesktopResult>('images.startDrag', { image_names: names.slice(0, 2) });
    expect(result).toEqual({ done: false, path: services.session().cache.images.pathFor(names[0]!), reason: NO_DESKTOP });
  });

  it('copies, opens and shows the cached full image', async () => {
    const { shell, calls } = recordingShell();
    const name = names[7]!;
    const path = services.session().cache.images.pathFor(name);
    expect(await handoff(shell).copy(name)).toEqual({ done: true, path, reason: null });
    expect(await handoff(shell).openExternally(name)).toEqual({ done: true, path, reason: null });
    expect(await handoff(shell).showInFolder(name)).toEqual({ done: true, path, reason: null });
    expect(calls).toMatchObject({ copied: [path], opened: [path], shown: [path] });
  });

  it('shows the exported file rather than the cached one once the image was exported', async () => {
    const out = mkdtempSync(join(tmpdir(), 'ivk-handoff-out-'));
    const name = names[9]!;
    const job = await call<ExportJob>('images.export.start', {
      source: { kind: 'names', image_names: [name] },
      out_dir: out,
      pattern: 'name',
      sidecar: false,
    });
    await services.exports().idle(job.id);
    const result = await call<DesktopResult>('images.showInFolder', { image_name: name });
    expect(result).toEqual({ done: false, path: join(out, name), reason: NO_DESKTOP });
    rmSync(out, { recursive: true, force: true });
  });

  it('offline, uses what is cached and names what is not', async () => {
    const cache = services.session().cache;
    await cache.images.clear();
    await call('images.stageForDrag', { image_names: [names[0]!] });
    await server.goDown();
    try {
      expect(await services.session().probe()).toBe(false);
      const { shell, calls } = recordingShell();
      const staged = await call<{ staged: number; missing: string[] }>('images.stageForDrag', { image_names: names.slice(0, 3) });
      expect(staged).toEqual({ staged: 1, missing: names.slice(1, 3) });
      const result = await handoff(shell).copy(names[1]!);
      expect(result).toEqual({ done: false, path: null, reason: 'Not cached, and the server is offline.' });
      expect(calls.copied).toEqual([]);
    } finally {
      await server.comeBack();
      await services.session().probe();
    }
  });

  it('puts the parameters into text from the cached metadata', async () => {
    const details = names
      .map((name) => services.session().cache.imageDetails(name)!)
      .find((entry) => entry.positive_prompt && entry.seed !== null)!;
    const { text } = await call<{ text: string }>('images.parametersText', { image_name: imageOnly(details.image).image_name });
    expect(text).toContain(`Prompt: ${details.positive_prompt}`);
    expect(text).toContain(`Seed: ${details.seed}`);
    expect(text).toContain(`Image: ${imageOnly(details.image).image_name}`);
    expect(text).not.toMatch(/: (null|undefined)$/m);
  });
});
