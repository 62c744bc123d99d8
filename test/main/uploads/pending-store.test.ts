import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { SqlitePendingUploadStore, type PendingUpload } from '../../../src/main/uploads/pending-store';

const upload = (id: string): PendingUpload => ({
  id,
  path: `/photos/${id}.png`,
  file_name: `${id}.png`,
  board_id: id === 'b' ? 'board-1' : null,
  category: 'user',
  queued_at: '2026-11-26T08:00:00.000Z',
});

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('SqlitePendingUploadStore', () => {
  it('keeps pending uploads in order across a reopen of the database', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ivk-pending-'));
    const file = join(dir, 'cache.sqlite');
    const first = new DatabaseSync(file);
    const store = new SqlitePendingUploadStore(first);
    store.add(upload('a'));
    store.add(upload('b'));
    store.add(upload('c'));
    store.remove('a');
    first.close();

    const second = new DatabaseSync(file);
    expect(new SqlitePendingUploadStore(second).list()).toEqual([upload('b'), upload('c')]);
    second.close();
  });

  it('stores several at once, inside a transaction the caller already has open too', () => {
    const db = new DatabaseSync(':memory:');
    const store = new SqlitePendingUploadStore(db);
    store.add(upload('a'), upload('b'));
    db.exec('BEGIN');
    store.add(upload('c'));
    db.exec('ROLLBACK');
    expect(store.list().map((u) => u.id)).toEqual(['a', 'b']);
    expect(() => store.add(upload('d'), { ...upload('e'), category: 'photos' as never })).toThrow();
    expect(store.list().map((u) => u.id)).toEqual(['a', 'b']);
  });

  it('ignores adding the same upload twice', () => {
    const store = new SqlitePendingUploadStore(new DatabaseSync(':memory:'));
    store.add(upload('a'));
    store.add(upload('a'));
    expect(store.list()).toHaveLength(1);
  });

  it('lives beside other tables without touching them', () => {
    const db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE images (name TEXT)');
    new SqlitePendingUploadStore(db).add(upload('a'));
    new SqlitePendingUploadStore(db);
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    expect(tables.map((t) => t.name)).toEqual(['images', 'pending_uploads']);
  });
});
