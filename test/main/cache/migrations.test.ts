import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../../../src/main/cache/db';
import { CacheTooNewError, migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../src/main/cache/migrations';
import { openCache } from '../../../src/main/cache';
import { extractMetadata } from '../../../src/main/cache/metadata';
import { imageDto, names, query } from './fixtures';
import { imagesOnly } from '../../support/gallery-items';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database where openCache({ dataDir: dir, profileKey: 'p' }) will look for it. */
function freshDb(): { db: Db; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'ivk-migrate-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'p'));
  return { db: new Db(join(dir, 'p', 'cache.sqlite')), dir };
}

const objects = (db: Db, type: string) =>
  db
    .all<{ name: string }>('schema', "SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name", [type])
    .map((r) => r.name);

describe('migrations', () => {
  it('are numbered 1..n in order, so user_version counts the ones applied', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(SCHEMA_VERSION).toBe(migrations.length);
  });

  it('migration 1 creates the gallery, search, job, model, outbox and file tables on an empty file', () => {
    const { db } = freshDb();
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    expect(objects(db, 'table')).toEqual(
      expect.arrayContaining([
        'boards',
        'files',
        'image_counts',
        'image_metadata',
        'images',
        'images_fts',
        'jobs',
        'meta',
        'models',
        'outbox',
      ]),
    );
    expect(objects(db, 'index')).toEqual(
      expect.arrayContaining([
        'images_board',
        'images_board_starred',
        'images_starred',
        'images_visible',
        'images_metadata_todo',
        'jobs_by_time',
      ]),
    );
    expect(objects(db, 'trigger')).toHaveLength(8);
    expect(db.get<{ journal_mode: string }>('wal', 'PRAGMA journal_mode')?.journal_mode).toBe('wal');
    db.close();
  });

  it('run once: reopening a migrated cache keeps its data and version', () => {
    const { db, dir } = freshDb();
    db.close();
    const first = openCache({ dataDir: dir, profileKey: 'p' });
    const image = imageDto();
    first.upsertImages([image]);
    first.close();
    const again = openCache({ dataDir: dir, profileKey: 'p' });
    expect(again.countImages(query())).toBe(1);
    again.close();
  });

  it('refuses a cache written by a newer version instead of guessing at its schema', () => {
    const { db, dir } = freshDb();
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openCache({ dataDir: dir, profileKey: 'p' })).toThrow(CacheTooNewError);
  });

  it('migration 2 keeps the jobs of an older cache, every one of them on the server until a sync says otherwise', () => {
    const { db, dir } = freshDb();
    migrate(db, 1);
    db.run('job', "INSERT INTO jobs (item_id, status, wire_status, batch_id, created_at) VALUES (7, 'failed', 'failed', 'b1', 1)");
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    const none = { statuses: [], origin: null, destination: null, batch_id: null, from: null, to: null, search: '' };
    const page = cache.listJobs({ ...none, batch_id: 'b1' }, 0, 10);
    expect(page.items.map((row) => [row.job.id, row.on_server, row.retried_from])).toEqual([['7', true, null]]);
    expect(cache.markJobsOnServer(new Set())).toBe(1);
    expect(cache.listJobs(none, 0, 10).items[0]!.on_server).toBe(false);
    cache.close();
  });

  it('migration 3 reads the LoRAs of metadata cached before it from the stored JSON, fetching nothing', () => {
    const { db, dir } = freshDb();
    migrate(db, 2);
    const json = JSON.stringify({ positive_prompt: 'fox', loras: [{ model: { name: 'Add Detail' }, weight: 0.6 }, { weight: 1 }] });
    db.run(
      'image',
      "INSERT INTO images (id, image_name, category, created_at, touched_at, metadata_state) VALUES (1024, 'a.png', 'general', 1, 1, 1)",
    );
    db.run(
      'image',
      "INSERT INTO images (id, image_name, category, created_at, touched_at, metadata_state) VALUES (2048, 'b.png', 'general', 2, 2, 1)",
    );
    db.run('metadata', 'INSERT INTO image_metadata (image_id, json, positive_prompt) VALUES (1024, ?, ?)', [json, 'fox']);
    db.run('metadata', "INSERT INTO image_metadata (image_id, json, positive_prompt) VALUES (2048, '{\"loras\": \"broken', 'owl')");
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    expect(imagesOnly(cache.listImages(query({ search: 'lora:add' }), 0, 10)).map((image) => image.image_name)).toEqual(['a.png']);
    expect(cache.countImages(query({ search: '-lora:add' }))).toBe(1);
    cache.close();
  });

  it('migration 5 stacks the visible images of metadata cached before it by exact prompt, fetching nothing', () => {
    const { db, dir } = freshDb();
    migrate(db, 4);
    const image = (id: number, name: string, deleted = 0) =>
      db.run(
        'image',
        'INSERT INTO images (id, image_name, category, created_at, touched_at, metadata_state, deleted) VALUES (?, ?, ?, ?, 1, 1, ?)',
        [id * 1024, name, 'general', id, deleted],
      );
    const prompt = (id: number, text: string | null) =>
      db.run('metadata', 'INSERT INTO image_metadata (image_id, json, positive_prompt) VALUES (?, ?, ?)', [id * 1024, '{}', text]);
    image(1, 'a.png');
    image(2, 'b.png');
    image(3, 'c.png');
    image(4, 'd.png', 1);
    image(5, 'e.png');
    prompt(1, 'red fox');
    prompt(2, 'red fox');
    prompt(3, 'Red fox');
    prompt(4, 'red fox');
    prompt(5, null);
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    expect(cache.promptStacks({ search: '', sort: 'count', offset: 0, limit: 10 })).toEqual({
      stacks: [
        { prompt: 'red fox', images: 2, newest_image: 'b.png', first_used: new Date(1), last_used: new Date(2) },
        { prompt: 'Red fox', images: 1, newest_image: 'c.png', first_used: new Date(3), last_used: new Date(3) },
      ],
      more: false,
    });
    cache.writeMetadata([{ image_name: 'e.png', json: { positive_prompt: 'red fox' } }]);
    expect(cache.promptStacks({ search: '', sort: 'count', offset: 0, limit: 1 }).stacks[0]).toMatchObject({
      images: 3,
      newest_image: 'e.png',
    });
    cache.close();
  });

  it('migration 6 keeps every cached row an image and refuses a kind the gallery does not know', () => {
    const { db } = freshDb();
    migrate(db, 5);
    db.run('image', 'INSERT INTO images (id, image_name, category, created_at, touched_at) VALUES (1024, ?, ?, 1, 1)', [
      'a.png',
      'general',
    ]);
    migrate(db);
    expect(db.get<{ kind: string; duration: number | null }>('image', 'SELECT kind, duration FROM images')).toEqual({
      kind: 'image',
      duration: null,
    });
    expect(() =>
      db.run(
        'image',
        "INSERT INTO images (id, image_name, category, created_at, touched_at, kind) VALUES (2048, 'b.gif', 'general', 2, 2, 'gif')",
      ),
    ).toThrow(/CHECK/);
    db.close();
  });

  /** An image and its metadata as caches before migration 8 stored them: JSON text and prompt columns. */
  function oldImage(db: Db, n: number, json: Record<string, unknown> | null, loras: string[] = []) {
    db.run(
      'image',
      'INSERT INTO images (id, image_name, category, created_at, touched_at, metadata_state, width, height) VALUES (?, ?, ?, ?, 1, 1, 1024, 768)',
      [n * 1024, `${n}.png`, 'general', n],
    );
    for (const name of loras) db.run('lora', 'INSERT INTO image_loras (image_id, name, weight) VALUES (?, ?, 1)', [n * 1024, name]);
    const f = extractMetadata(json);
    db.run(
      'metadata',
      `INSERT INTO image_metadata (image_id, json, positive_prompt, negative_prompt, seed, model_name, model_base, steps, cfg_scale, scheduler)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        n * 1024,
        json === null ? null : JSON.stringify(json),
        f.positive_prompt,
        f.negative_prompt,
        f.seed,
        f.model_name,
        f.model_base,
        f.steps,
        f.cfg_scale,
        f.scheduler,
      ],
    );
  }

  const doc = (prompt: string, model: string, extra: Record<string, unknown> = {}) => ({
    positive_prompt: prompt,
    negative_prompt: 'blurry, lowres',
    seed: 42,
    steps: 30,
    cfg_scale: 7.5,
    scheduler: 'euler_a',
    model: { key: 'k', hash: 'blake3:abc', name: model, base: model.startsWith('FLUX') ? 'flux' : 'sdxl', type: 'main' },
    ...extra,
  });

  it('migration 7 indexes the field tokens of metadata cached before it, so text and fields are one search, fetching nothing', () => {
    const { db, dir } = freshDb();
    migrate(db, 6);
    oldImage(db, 1, doc('red fox in snow', 'Juggernaut XL v9'), ['Add Detail']);
    oldImage(db, 2, doc('red fox at dusk', 'FLUX.1 dev'));
    oldImage(db, 3, doc('barn owl', 'Juggernaut XL v9'));
    migrate(db, 7);
    const tokens = (match: string) =>
      db
        .all<{ rowid: number }>('tokens', 'SELECT rowid FROM images_fts WHERE images_fts MATCH ? ORDER BY rowid', [match])
        .map((r) => r.rowid / 1024);
    expect(tokens('fields : "mjugg"*')).toEqual([1, 3]);
    expect(tokens('fields : "msd35"*')).toEqual([]);
    expect(tokens('fields : "mflux1dev"')).toEqual([2]);
    expect(tokens('fields : "laddd"*')).toEqual([1]);
    expect(tokens('fields : "z1024x768" AND fields : bsdxl')).toEqual([1, 3]);
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    expect(names(cache.listImages(query({ search: 'fox model:jugg' }), 0, 10))).toEqual(['1.png']);
    expect(names(cache.listImages(query({ search: 'fox model:"flux.1"' }), 0, 10))).toEqual(['2.png']);
    expect(names(cache.listImages(query({ search: 'lora:add size:1024x768' }), 0, 10))).toEqual(['1.png']);
    expect(cache.countImages(query({ search: 'model:jugg -fox' }))).toBe(1);
    cache.close();
  });

  it('migration 8 stores each prompt once and the document compressed, and reads back what was cached, fetching nothing', () => {
    const { db, dir } = freshDb();
    migrate(db, 7);
    const docs = Array.from({ length: 24 }, (_, i) =>
      doc(`a lighthouse number ${i}, ${i % 2 ? 'oil painting' : 'watercolor'}`, i % 3 ? 'Juggernaut XL v9' : 'FLUX.1 dev', {
        positive_style_prompt: `a lighthouse number ${i}`,
        loras: i === 0 ? [{ model: { name: 'Add Detail' }, weight: 0.6 }] : [],
      }),
    );
    docs.forEach((json, i) => oldImage(db, i + 1, json, i === 0 ? ['Add Detail'] : []));
    oldImage(db, 25, null);
    oldImage(db, 26, { positive_prompt: '', negative_prompt: 7, seed: 'x' });
    oldImage(db, 27, { positive_prompt: docs[3]!.positive_prompt });
    const oldBytes = db.get<{ n: number }>('json bytes', 'SELECT sum(length(json)) AS n FROM image_metadata')!.n;
    migrate(db, 8);
    // The old metadata's pages are given back, not left in the file.
    expect(db.get<{ n: number }>('free pages', 'SELECT freelist_count AS n FROM pragma_freelist_count')!.n).toBe(0);
    db.close();

    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    docs.forEach((json, i) => {
      const details = cache.imageDetails(`${i + 1}.png`)!;
      expect(details.image.metadata).toEqual(json);
      // Key order too: sidecars and the viewer show the document as the server wrote it.
      expect(Object.keys(details.image.metadata!)).toEqual(Object.keys(json));
      expect([details.positive_prompt, details.negative_prompt, details.seed, details.model_name]).toEqual([
        json.positive_prompt,
        'blurry, lowres',
        42,
        json.model.name,
      ]);
    });
    expect(cache.imageDetails('25.png')!.image.metadata).toBeNull();
    expect(cache.imageDetails('26.png')!.image.metadata).toEqual({ positive_prompt: '', negative_prompt: 7, seed: 'x' });
    expect(cache.exportEntries(['2.png', '25.png']).map((entry) => entry.metadata)).toEqual([docs[1], null]);
    expect(cache.promptStacks({ search: 'number 3,', sort: 'count', offset: 0, limit: 1 }).stacks).toMatchObject([
      { prompt: docs[3]!.positive_prompt, images: 2, newest_image: '27.png' },
    ]);
    expect(names(cache.listImages(query({ search: `prompt:"${docs[3]!.positive_prompt}"` }), 0, 10))).toEqual(['27.png', '4.png']);
    expect(cache.countImages(query({ search: 'has:prompt' }))).toBe(25);
    expect(names(cache.listImages(query({ search: 'lighthouse lora:add' }), 0, 10))).toEqual(['1.png']);
    expect(cache.searchValues('model', 'jug')).toEqual(['Juggernaut XL v9']);
    cache.close();

    const after = new Db(join(dir, 'p', 'cache.sqlite'));
    // 25 positive prompts (two images share one) and one negative, each stored once.
    expect(after.get<{ n: number }>('prompts', 'SELECT count(*) AS n FROM prompts')!.n).toBe(25);
    expect(after.get<{ n: number }>('dictionaries', 'SELECT count(*) AS n FROM metadata_dictionaries')!.n).toBe(1);
    const newBytes = after.get<{ n: number }>('doc bytes', 'SELECT sum(length(doc)) AS n FROM image_metadata')!.n;
    expect(newBytes).toBeLessThan(oldBytes / 3);
    after.close();
  });

  it('migration 9 gives the starred images their own search index, filled from what is cached and kept by the same writes', () => {
    const { db, dir } = freshDb();
    migrate(db, 7);
    oldImage(db, 1, doc('red fox in snow', 'Juggernaut XL v9'));
    oldImage(db, 2, doc('red fox at dusk', 'FLUX.1 dev'));
    oldImage(db, 3, doc('barn owl', 'Juggernaut XL v9'));
    oldImage(db, 4, null);
    db.run('star', 'UPDATE images SET starred = 1 WHERE id IN (?, ?, ?)', [1024, 3 * 1024, 4 * 1024]);
    migrate(db, 9);
    const starredRows = () => db.all<{ id: number }>('rows', 'SELECT id FROM starred_fts_docsize ORDER BY id').map((r) => r.id / 1024);
    const starredMatches = (match: string) =>
      db
        .all<{ rowid: number }>('match', 'SELECT rowid FROM starred_fts WHERE starred_fts MATCH ? ORDER BY rowid', [match])
        .map((r) => r.rowid / 1024);
    expect(starredRows()).toEqual([1, 3, 4]);
    expect(starredMatches('fox')).toEqual([1]);
    expect(starredMatches('fields : "mjugg"*')).toEqual([1, 3]);
    db.run('unstar', 'UPDATE images SET starred = 0 WHERE id = ?', [1024]);
    db.run('star', 'UPDATE images SET starred = 1 WHERE id = ?', [2 * 1024]);
    db.run('delete', 'DELETE FROM images WHERE id = ?', [4 * 1024]);
    expect(starredRows()).toEqual([2, 3]);
    expect(starredMatches('fox')).toEqual([2]);
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    expect(names(cache.listImages(query({ search: 'fox', starredFirst: true }), 0, 10))).toEqual(['2.png', '1.png']);
    expect(names(cache.listImages(query({ search: 'model:jugg', starredOnly: true }), 0, 10))).toEqual(['3.png']);
    cache.close();
  });

  it('migration 10 clears the URLs the server derives from the name and keeps any other, reading back the same URLs', () => {
    const { db, dir } = freshDb();
    migrate(db, 9);
    const insert = (id: number, kind: string, name: string, url: string, thumbnail: string) =>
      db.run(
        'row',
        `INSERT INTO images (id, kind, image_name, category, created_at, touched_at, image_url, thumbnail_url)
         VALUES (?, ?, ?, 'general', ?, 1, ?, ?)`,
        [id * 1024, kind, name, id, url, thumbnail],
      );
    insert(1, 'image', 'a.png', 'api/v1/images/i/a.png/full', 'api/v1/images/i/a.png/thumbnail');
    insert(2, 'video', 'b.mp4', 'api/v1/videos/i/b.mp4/full', 'api/v1/videos/i/b.mp4/thumbnail');
    insert(3, 'image', 'c.png', 'https://cdn.example/c.png', 'api/v1/images/i/c.png/thumbnail');
    migrate(db);
    expect(db.all('urls', 'SELECT image_url, thumbnail_url FROM images ORDER BY id')).toEqual([
      { image_url: null, thumbnail_url: null },
      { image_url: null, thumbnail_url: null },
      { image_url: 'https://cdn.example/c.png', thumbnail_url: null },
    ]);
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    const items = cache.pageImages(query({ categories: [], starredFirst: false }), 0, 10).items;
    expect(
      items.map((item) => (item.kind === 'image' ? [item.image_url, item.thumbnail_url] : [item.video_url, item.thumbnail_url])),
    ).toEqual([
      ['https://cdn.example/c.png', 'api/v1/images/i/c.png/thumbnail'],
      ['api/v1/videos/i/b.mp4/full', 'api/v1/videos/i/b.mp4/thumbnail'],
      ['api/v1/images/i/a.png/full', 'api/v1/images/i/a.png/thumbnail'],
    ]);
    cache.close();
  });

  it('a cache with too few documents for a dictionary stores them without one and cuts it once there are enough', () => {
    const { db, dir } = freshDb();
    migrate(db, 7);
    oldImage(db, 1, doc('a fox', 'Juggernaut XL v9'));
    db.close();
    const cache = openCache({ dataDir: dir, profileKey: 'p' });
    expect(cache.imageDetails('1.png')!.image.metadata).toEqual(doc('a fox', 'Juggernaut XL v9'));
    const images = Array.from({ length: 20 }, (_, i) => imageDto({ image_name: `n${i}.png` }));
    cache.upsertImages(images);
    cache.writeMetadata(images.map((image, i) => ({ image_name: image.image_name, json: doc(`an owl ${i}`, 'FLUX.1 dev') })));
    expect(cache.imageDetails('1.png')!.image.metadata).toEqual(doc('a fox', 'Juggernaut XL v9'));
    expect(cache.imageDetails('n7.png')!.image.metadata).toEqual(doc('an owl 7', 'FLUX.1 dev'));
    cache.close();
    const after = new Db(join(dir, 'p', 'cache.sqlite'));
    const firstBytes = after.all<{ d: string }>(
      'dictionary ids',
      'SELECT hex(substr(doc, 1, 1)) AS d FROM image_metadata ORDER BY image_id',
    );
    // The first document without a dictionary, the twenty after it with the one they made.
    expect(firstBytes.map((row) => row.d)).toEqual(['00', ...Array<string>(20).fill('01')]);
    after.close();
  });

  it('leaves the file at the last complete version when a migration fails', () => {
    const { db } = freshDb();
    db.exec('CREATE TABLE images (x INTEGER)');
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(objects(db, 'table')).toEqual(['images']);
    db.close();
  });
});
