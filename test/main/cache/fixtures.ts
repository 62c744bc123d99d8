import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { BoardDTO, ImageDTO, SessionQueueItem, VideoDTO } from '../../../src/shared/invokeai';
import { openCache, type Cache, type CacheOptions } from '../../../src/main/cache';
import type { GalleryQuery } from '../../../src/shared/ipc';

/** A fresh cache in a temporary folder per test, closed and deleted afterwards. */
export function useCaches() {
  const opened: { cache: Cache; dir: string }[] = [];
  afterEach(() => {
    for (const { cache, dir } of opened.splice(0)) {
      cache.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return (options: Partial<CacheOptions> = {}): Cache => {
    const dir = mkdtempSync(join(tmpdir(), 'ivk-cache-'));
    const cache = openCache({ dataDir: dir, profileKey: 'test', ...options });
    opened.push({ cache, dir });
    return cache;
  };
}

let counter = 0;

/** A name shaped like InvokeAI's (`<uuid>.png`), unique per call and the same on every run. */
export function imageName(): string {
  counter++;
  const hex = createHash('sha256').update(String(counter)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}.png`;
}

/** `2026-08-19 01:13:04.123`-style timestamps, `seconds` after a fixed start. */
export function serverTime(seconds: number): string {
  return new Date(Date.UTC(2026, 7, 19, 1, 0, 0) + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');
}

/** What a fresh gallery record is, image or video: not deleted, not intermediate, no session, unstarred. */
const PLAIN_RECORD = {
  deleted_at: null,
  is_intermediate: false,
  session_id: null,
  node_id: null,
  starred: false,
  has_workflow: false,
  board_id: null,
} as const;

export function imageDto(overrides: Partial<ImageDTO> = {}): ImageDTO {
  const name = overrides.image_name ?? imageName();
  return {
    image_name: name,
    image_url: `api/v1/images/i/${name}/full`,
    thumbnail_url: `api/v1/images/i/${name}/thumbnail`,
    image_origin: 'internal',
    image_category: 'general',
    width: 1024,
    height: 768,
    created_at: serverTime(counter),
    updated_at: serverTime(counter),
    ...PLAIN_RECORD,
    ...overrides,
  };
}

/** A VideoDTO as the real 6.14.2 sends it (see test/unit/models.test.ts for a captured one). */
export function videoDto(overrides: Partial<VideoDTO> = {}): VideoDTO {
  const name = overrides.video_name ?? imageName().replace(/\.png$/, '.mp4');
  return {
    video_name: name,
    video_url: `api/v1/videos/i/${name}/full`,
    thumbnail_url: `api/v1/videos/i/${name}/thumbnail`,
    video_origin: 'external',
    video_category: 'user',
    width: 64,
    height: 48,
    duration: 1.5,
    fps: 24,
    created_at: serverTime(100),
    updated_at: serverTime(100),
    ...PLAIN_RECORD,
    video_subfolder: '',
    ...overrides,
  };
}

export function boardDto(overrides: Partial<BoardDTO> & { board_id: string }): BoardDTO {
  return {
    board_name: overrides.board_id,
    user_id: 'system',
    created_at: serverTime(0),
    updated_at: serverTime(0),
    deleted_at: null,
    cover_image_name: null,
    archived: false,
    image_count: 0,
    asset_count: 0,
    ...overrides,
  };
}

export function queueItem(overrides: Partial<SessionQueueItem> & { item_id: number }): SessionQueueItem {
  return {
    status: 'completed',
    status_sequence: 3,
    priority: 0,
    batch_id: 'batch-1',
    origin: 'generation',
    destination: 'gallery',
    session_id: `session-${overrides.item_id}`,
    error_type: null,
    error_message: null,
    error_traceback: null,
    created_at: serverTime(overrides.item_id),
    updated_at: serverTime(overrides.item_id + 1),
    started_at: serverTime(overrides.item_id),
    completed_at: serverTime(overrides.item_id + 1),
    queue_id: 'default',
    user_id: 'system',
    session: { id: `session-${overrides.item_id}`, results: {} },
    workflow: null,
    ...overrides,
  };
}

export function query(overrides: Partial<GalleryQuery> = {}): GalleryQuery {
  return { board: 'all', categories: [], starredOnly: false, starredFirst: false, search: '', order: 'newest', ...overrides };
}

/** Names of images or gallery items (a video's is its video_name). */
export const names = (items: readonly ({ image_name: string } | { video_name: string })[]) =>
  items.map((item) => ('video_name' in item ? item.video_name : item.image_name));
