import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Db } from '../../../src/main/cache/db';
import { CacheTooNewError, migrate, migrations, SCHEMA_VERSION, schemaVersion } from '../../../src/main/cache/migrations';
import { openCache } from '../../../src/main/cache';
import { imageDto, query } from './fixtures';

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
    expect(cache.listImages(query({ search: 'lora:add' }), 0, 10).map((image) => image.image_name)).toEqual(['a.png']);
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

  it('leaves the file at the last complete version when a migration fails', () => {
    const { db } = freshDb();
    db.exec('CREATE TABLE images (x INTEGER)');
    expect(() => migrate(db)).toThrow();
    expect(schemaVersion(db)).toBe(0);
    expect(objects(db, 'table')).toEqual(['images']);
    db.close();
  });
});
