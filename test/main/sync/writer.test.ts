import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { SyncEngine } from '../../../src/main/sync';
import { SyncWriter } from '../../../src/main/sync/writer';
import type { SyncProgress } from '../../../src/shared/ipc';
import { imageDto, query, serverTime, useCaches } from '../cache/fixtures';
import { serverImages, useWorld } from './harness';

const newCache = useCaches();
const world = useWorld();

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const dtos = (count: number, from: number) => Array.from({ length: count }, (_, i) => imageDto({ created_at: serverTime(from + i) }));

describe('the sync writer thread', () => {
  it('writes on its own connection while held, and the main connection sees every commit', async () => {
    const cache = newCache();
    const writer = new SyncWriter(cache);
    const release = writer.hold();
    try {
      expect(writer.threaded).toBe(true);
      // A count remembered before the thread writes must not outlive its commit.
      expect(cache.countImages(query())).toBe(0);
      const first = dtos(300, 0);
      const result = await writer.upsertImages(first);
      expect(result.added).toHaveLength(300);
      expect(cache.countImages(query())).toBe(300);

      const written = await writer.writeMetadata(
        first.slice(0, 40).map((dto, i) => ({ image_name: dto.image_name, json: { positive_prompt: `a lighthouse ${i}`, seed: i } })),
      );
      expect(written).toBe(40);
      // Compressed on the thread (its dictionary included), read back on the main connection.
      expect(cache.imageDetails(first[7]!.image_name)).toMatchObject({ positive_prompt: 'a lighthouse 7', seed: 7, metadata_loaded: true });
      await writer.markMetadataUnavailable([first[299]!.image_name]);
      expect(cache.imageDetails(first[299]!.image_name)?.metadata_loaded).toBe(true);
    } finally {
      release();
      await writer.stop();
    }
    expect(writer.threaded).toBe(false);
    // Released, the same calls run on the main connection.
    expect((await writer.upsertImages(dtos(5, 1000))).added).toHaveLength(5);
    expect(cache.countImages(query())).toBe(305);
  });

  it('folds the WAL into the file from its own commits, while the main connection leaves it alone', async () => {
    const cache = newCache();
    const writer = new SyncWriter(cache);
    const release = writer.hold();
    try {
      const before = statSync(cache.dbPath).size;
      // Well past SQLite's 1000-page auto-checkpoint: only a checkpoint grows the file itself.
      for (let start = 0; start < 12_000; start += 1000) await writer.upsertImages(dtos(1000, start));
      expect(statSync(cache.dbPath).size).toBeGreaterThan(before);
      const settled = statSync(cache.dbPath).size;
      // The main connection's own commits do not checkpoint while the thread does.
      cache.upsertImages(dtos(12_000, 20_000));
      expect(statSync(cache.dbPath).size).toBe(settled);
    } finally {
      release();
      await writer.stop();
    }
  });

  it('answers a write that fails with its error and keeps writing', async () => {
    const cache = newCache();
    const writer = new SyncWriter(cache);
    const release = writer.hold();
    try {
      const broken = { ...imageDto(), image_name: null } as unknown as ReturnType<typeof imageDto>;
      await expect(writer.upsertImages([broken])).rejects.toThrow(/image_name/);
      expect((await writer.upsertImages(dtos(3, 0))).added).toHaveLength(3);
      expect(writer.threaded).toBe(true);
    } finally {
      release();
      await writer.stop();
    }
    expect(cache.countImages(query())).toBe(3);
  });

  it('reads a DTO answer on the thread and writes it a slice at a time; an unreadable answer is told apart', async () => {
    const cache = newCache();
    const writer = new SyncWriter(cache);
    const release = writer.hold();
    try {
      const batch = dtos(300, 0);
      expect(await writer.parseImages(encode(batch))).toBe(300);
      expect((await writer.upsertParsed(0, 250)).added).toHaveLength(250);
      expect(cache.countImages(query())).toBe(250);
      expect((await writer.upsertParsed(250, 300)).added).toEqual(batch.slice(250).map((dto) => dto.image_name));
      expect(cache.countImages(query())).toBe(300);

      const truncated = encode(dtos(3, 400)).subarray(0, 100);
      expect(await writer.parseImages(truncated)).toBeNull();
      const malformed = [...dtos(2, 500), { ...imageDto(), width: 'wide' }];
      expect(await writer.parseImages(encode(malformed))).toBeNull();
      expect(writer.threaded).toBe(true);
    } finally {
      release();
      await writer.stop();
    }
    // Without the thread, the same calls read and write on the main connection.
    expect(await writer.parseImages(encode(dtos(4, 600)))).toBe(4);
    expect((await writer.upsertParsed(0, 4)).added).toHaveLength(4);
    expect(cache.countImages(query())).toBe(304);
  });

  it('writes an answer the thread read but died before writing on the main connection', async () => {
    const cache = newCache();
    const dir = mkdtempSync(join(tmpdir(), 'ivk-writer-'));
    // A thread that reads an answer (says it has three DTOs) and dies at the first write.
    const script = join(dir, 'dies.mjs');
    writeFileSync(
      script,
      `import { parentPort } from 'node:worker_threads';
parentPort.on('message', (request) => {
  if (request !== 'close' && request.op === 'parseImages') parentPort.postMessage({ id: request.id, result: 3 });
  else process.exit(1);
});
`,
    );
    const writer = new SyncWriter(cache, () => ({ file: script }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const release = writer.hold();
      const batch = dtos(3, 0);
      expect(await writer.parseImages(encode(batch))).toBe(3);
      expect((await writer.upsertParsed(0, 3)).added).toEqual(batch.map((dto) => dto.image_name));
      expect(writer.threaded).toBe(false);
      expect(cache.countImages(query())).toBe(3);
      release();
    } finally {
      warn.mockRestore();
      await writer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes on the main connection when the thread cannot start, and does not try again', async () => {
    const cache = newCache();
    const dir = mkdtempSync(join(tmpdir(), 'ivk-writer-'));
    const script = join(dir, 'broken.mjs');
    writeFileSync(script, "throw new Error('this script is broken');\n");
    const writer = new SyncWriter(cache, () => ({ file: script }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const release = writer.hold();
      // Sent to the thread, which dies loading: the write is made here instead.
      expect((await writer.upsertImages(dtos(20, 0))).added).toHaveLength(20);
      expect(writer.threaded).toBe(false);
      release();
      writer.hold()();
      expect(writer.threaded).toBe(false);
      expect(cache.countImages(query())).toBe(20);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/writer thread failed.*this script is broken/));
    } finally {
      warn.mockRestore();
      await writer.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carries a bulk first sync and its metadata backfill, with the same gallery as the server', async () => {
    const threaded: boolean[] = [];
    // The engine, once made: progress is reported only after engine.sync() below.
    const made: { engine?: SyncEngine } = {};
    const sampled = (progress: SyncProgress) => {
      if ((progress.phase === 'images' || progress.phase === 'metadata') && progress.done > 0) threaded.push(made.engine!.writingOffThread);
    };
    const { server, cache, engine, counting } = await world({ images: 400 }, { bulkFrom: 1, onProgress: sampled });
    made.engine = engine;
    const summary = await engine.sync();
    await engine.metadataIdle();
    const images = serverImages(server);
    expect(summary.added).toBe(images.length);
    expect(cache.countImages(query())).toBe(images.length);
    expect(cache.metadataBacklogSize()).toBe(0);
    const described = images.filter((image) => image.metadata);
    expect(described.length).toBeGreaterThan(0);
    for (const image of described.slice(0, 20)) {
      const prompt = (JSON.parse(image.metadata!) as { positive_prompt?: string }).positive_prompt ?? null;
      expect(cache.imageDetails(image.image_name)?.positive_prompt).toBe(prompt);
    }
    // Every write of the run and of the backfill went through the thread, which is gone after.
    expect(threaded.length).toBeGreaterThan(2);
    expect(threaded.every(Boolean)).toBe(true);
    expect(engine.writingOffThread).toBe(false);
    // The DTO answers were read by the thread: none was parsed on the main thread.
    expect(counting.count('imageBatchBody')).toBeGreaterThan(0);
    expect(counting.count('imagesByNames')).toBe(0);
  });

  it('tidies the search index after a bulk backfill, then asks the thread whether the file is worth rewriting', async () => {
    const compact = vi.spyOn(SyncWriter.prototype, 'compactFile');
    try {
      const { cache, engine } = await world({ images: 1_200 }, { bulkFrom: 1 });
      await engine.sync();
      await engine.metadataIdle();
      expect(cache.metadataBacklogSize()).toBe(0);
      expect(cache.searchIndexNeedsTidy()).toBe(false);
      expect(compact).toHaveBeenCalledTimes(1);
      // Answered by the thread (a file this small is not worth it), after which it let go.
      await expect(compact.mock.results[0]!.value).resolves.toBeNull();
      expect(engine.writingOffThread).toBe(false);
    } finally {
      compact.mockRestore();
    }
  });

  it('rewrites the file only on the thread', async () => {
    const cache = newCache();
    const writer = new SyncWriter(cache);
    await expect(writer.compactFile()).resolves.toBeNull();
    const release = writer.hold();
    try {
      await expect(writer.compactFile()).resolves.toBeNull();
      expect(writer.threaded).toBe(true);
    } finally {
      release();
      await writer.stop();
    }
  });
});
