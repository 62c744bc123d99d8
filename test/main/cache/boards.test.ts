import { describe, expect, it } from 'vitest';
import { boardDto, imageDto, serverTime, useCaches } from './fixtures';

const open = useCaches();

describe('board list', () => {
  it('counts images and assets per board from the cache, with All and Uncategorized', () => {
    const cache = open();
    cache.replaceBoards([boardDto({ board_id: 'a', board_name: 'Landscapes' }), boardDto({ board_id: 'b', board_name: 'Portraits' })]);
    cache.upsertImages([
      imageDto({ board_id: 'a' }),
      imageDto({ board_id: 'a' }),
      imageDto({ board_id: 'a', image_category: 'control' }),
      imageDto({ board_id: 'a', is_intermediate: true }),
      imageDto({ board_id: null }),
      imageDto({ board_id: null, image_category: 'mask' }),
      imageDto({ board_id: null, image_category: 'user' }),
    ]);
    const list = cache.boardList(false);
    const counts = Object.fromEntries(list.boards.map((b) => [b.board_id, [b.image_count, b.asset_count]]));
    expect(counts).toEqual({ a: [2, 1], b: [0, 0] });
    expect(list.uncategorized).toEqual({ image_count: 1, asset_count: 2, video_count: 0 });
    expect(list.all).toEqual({ image_count: 3, asset_count: 3, video_count: 0 });
  });

  it('hides archived boards unless asked, newest first', () => {
    const cache = open();
    cache.replaceBoards([
      boardDto({ board_id: 'old', created_at: serverTime(1) }),
      boardDto({ board_id: 'new', created_at: serverTime(2) }),
      boardDto({ board_id: 'archived', archived: true, created_at: serverTime(3) }),
    ]);
    expect(cache.boardList(false).boards.map((b) => b.board_id)).toEqual(['new', 'old']);
    expect(cache.boardList(true).boards.map((b) => [b.board_id, b.archived])).toEqual([
      ['archived', true],
      ['new', false],
      ['old', false],
    ]);
  });

  it('uses the server cover, or the newest image of the board when there is none', () => {
    const cache = open();
    const [older, newer] = [imageDto({ board_id: 'a', created_at: serverTime(5) }), imageDto({ board_id: 'a', created_at: serverTime(6) })];
    cache.upsertImages([newer, older]);
    cache.replaceBoards([boardDto({ board_id: 'a' }), boardDto({ board_id: 'b', cover_image_name: 'chosen.png' })]);
    const covers = Object.fromEntries(cache.boardList(false).boards.map((b) => [b.board_id, b.cover_image_name]));
    expect(covers).toEqual({ a: newer.image_name, b: 'chosen.png' });
  });

  it('replaces boards from the server but keeps pending local ones', () => {
    const cache = open();
    cache.replaceBoards([boardDto({ board_id: 'a' }), boardDto({ board_id: 'gone' })]);
    cache.saveLocalBoard({ board_id: 'local-1', board_name: 'Made offline' });
    cache.updateBoard('a', { board_name: 'Renamed offline', pending: true });
    const result = cache.replaceBoards(
      [boardDto({ board_id: 'a', board_name: 'Server name' }), boardDto({ board_id: 'c' })],
      new Set(['local-1', 'a']),
    );
    expect(result).toEqual({ added: 1, removed: 1 });
    const boards = Object.fromEntries(cache.boardList(true).boards.map((b) => [b.board_id, [b.board_name, b.pending]]));
    expect(boards).toEqual({ a: ['Renamed offline', true], c: ['c', false], 'local-1': ['Made offline', true] });
    cache.replaceBoards([boardDto({ board_id: 'a', board_name: 'Server name' }), boardDto({ board_id: 'c' })]);
    expect(cache.boardList(true).boards.map((b) => [b.board_id, b.board_name, b.pending])).toContainEqual(['a', 'Server name', false]);
  });

  it('removing a board makes its images Uncategorized, or hides them with it', () => {
    const cache = open();
    cache.replaceBoards([boardDto({ board_id: 'a' }), boardDto({ board_id: 'b' })]);
    cache.upsertImages([imageDto({ board_id: 'a' }), imageDto({ board_id: 'b' })]);
    cache.removeBoard('a', false);
    cache.removeBoard('b', true);
    const list = cache.boardList(true);
    expect(list.boards).toEqual([]);
    expect(list.uncategorized.image_count).toBe(1);
    expect(list.all.image_count).toBe(1);
  });
});
