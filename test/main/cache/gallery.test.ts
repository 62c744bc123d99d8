import { describe, expect, it } from 'vitest';
import type { ImageDTO } from '../../../src/shared/invokeai';
import type { GalleryQuery } from '../../../src/shared/ipc';
import { imageDto, names, query, serverTime, useCaches } from './fixtures';
import { imageOnly } from '../../support/gallery-items';

const open = useCaches();

/** Images 0..n-1 created a second apart: index i is the i-th oldest. */
function timeline(n: number, overrides: (i: number) => Partial<ImageDTO> = () => ({})): ImageDTO[] {
  return Array.from({ length: n }, (_, i) => imageDto({ created_at: serverTime(1000 + i), ...overrides(i) }));
}

describe('gallery order', () => {
  it('keeps newest-first order whatever order the images arrive in', () => {
    const cache = open();
    const images = timeline(50);
    const shuffled = [...images].sort((a, b) => a.image_name.localeCompare(b.image_name) * -1);
    cache.upsertImages(shuffled.slice(0, 20));
    cache.upsertImages(shuffled.slice(20));
    const page = cache.pageImages(query(), 0, 100);
    expect(names(page.items)).toEqual(names(images).reverse());
    expect(names(cache.listImages(query({ order: 'oldest' }), 0, 100))).toEqual(names(images));
  });

  it('slots images created in the same millisecond next to each other, in arrival order', () => {
    const cache = open();
    const before = imageDto({ created_at: serverTime(10) });
    const tied = Array.from({ length: 5 }, () => imageDto({ created_at: serverTime(20) }));
    const after = imageDto({ created_at: serverTime(30) });
    cache.upsertImages([after, before]);
    cache.upsertImages(tied);
    expect(names(cache.listImages(query({ order: 'oldest' }), 0, 10))).toEqual(names([before, ...tied, after]));
  });

  it('pages through a view without gaps or repeats', () => {
    const cache = open();
    const images = timeline(95);
    cache.upsertImages(images);
    const seen: string[] = [];
    for (let offset = 0; offset < 95; offset += 20) seen.push(...names(cache.listImages(query(), offset, 20)));
    expect(seen).toEqual(names(images).reverse());
  });

  it('never shows intermediates or images deleted here', () => {
    const cache = open();
    const [kept, intermediate, deleted] = [imageDto(), imageDto({ is_intermediate: true }), imageDto()];
    cache.upsertImages([kept, intermediate, deleted]);
    cache.markDeleted([deleted.image_name]);
    expect(cache.pageImages(query(), 0, 10)).toMatchObject({ total: 1, items: [{ image_name: kept.image_name }] });
    cache.restoreDeleted([deleted.image_name]);
    expect(cache.countImages(query())).toBe(2);
  });

  it('returns every IvkImage field from the DTO', () => {
    const cache = open();
    const dto = imageDto({
      board_id: 'b1',
      starred: true,
      session_id: 's1',
      node_id: 'n1',
      width: 640,
      height: 480,
      image_category: 'user',
    });
    cache.upsertImages([dto]);
    const [image] = cache.listImages(query(), 0, 1);
    expect(image).toEqual({
      kind: 'image',
      image_name: dto.image_name,
      board_id: 'b1',
      image_category: 'user',
      width: 640,
      height: 480,
      created_at: new Date(`${dto.created_at.replace(' ', 'T')}Z`),
      updated_at: new Date(`${dto.updated_at.replace(' ', 'T')}Z`),
      starred: true,
      metadata: null,
      thumbnail_url: dto.thumbnail_url,
      image_url: dto.image_url,
      is_intermediate: false,
      workflow_id: null,
      node_id: 'n1',
      session_id: 's1',
    });
  });
});

describe('gallery filters', () => {
  function gallery() {
    const cache = open();
    // 60 images: board a / b / none in turn, every 4th an asset, every 5th starred.
    const images = timeline(60, (i) => ({
      board_id: [null, 'a', 'b'][i % 3],
      image_category: i % 4 === 0 ? 'user' : 'general',
      starred: i % 5 === 0,
    }));
    cache.upsertImages(images);
    return { cache, images };
  }

  const expected = (images: ImageDTO[], keep: (image: ImageDTO) => boolean) => names(images.filter(keep).reverse());

  it('narrows to a board, to Uncategorized, and to categories, with exact totals', () => {
    const { cache, images } = gallery();
    const inA = cache.pageImages(query({ board: 'a' }), 0, 100);
    expect(names(inA.items)).toEqual(expected(images, (i) => i.board_id === 'a'));
    expect(inA.total).toBe(20);
    const uncategorized = cache.pageImages(query({ board: 'none', categories: ['general'] }), 0, 100);
    expect(names(uncategorized.items)).toEqual(expected(images, (i) => i.board_id === null && i.image_category === 'general'));
    expect(uncategorized.total).toBe(uncategorized.items.length);
    const assets = cache.pageImages(query({ categories: ['user', 'control', 'mask', 'other'] }), 0, 100);
    expect(names(assets.items)).toEqual(expected(images, (i) => i.image_category === 'user'));
    expect(assets.total).toBe(15);
  });

  it('shows only starred images, or starred ones first, across page boundaries', () => {
    const { cache, images } = gallery();
    const starredOnly = cache.pageImages(query({ board: 'b', starredOnly: true }), 0, 100);
    expect(names(starredOnly.items)).toEqual(expected(images, (i) => i.board_id === 'b' && i.starred));
    expect(starredOnly.total).toBe(starredOnly.items.length);

    const first = [...expected(images, (i) => i.starred), ...expected(images, (i) => !i.starred)];
    const paged: string[] = [];
    for (let offset = 0; offset < 60; offset += 7) paged.push(...names(cache.listImages(query({ starredFirst: true }), offset, 7)));
    expect(paged).toEqual(first);
    expect(cache.countImages(query({ starredFirst: true }))).toBe(60);

    const oldestFirst = [...expected(images, (i) => i.starred).reverse(), ...expected(images, (i) => !i.starred).reverse()];
    expect(names(cache.listImages(query({ starredFirst: true, order: 'oldest' }), 0, 100))).toEqual(oldestFirst);
  });

  it('keeps totals exact as images are starred, moved, recategorised and removed', async () => {
    const { cache, images } = gallery();
    const some = names(images.slice(0, 6));
    cache.setStarred(some, true);
    cache.moveImages(some, 'a');
    cache.setCategory(some.slice(0, 2), 'mask');
    const countIn = (board: string, keep: (i: ImageDTO) => boolean) => {
      const current = cache.listImages(query({ board }), 0, 1000);
      return current.filter((image) => keep(images.find((i) => i.image_name === imageOnly(image).image_name)!)).length;
    };
    expect(cache.countImages(query({ board: 'a' }))).toBe(countIn('a', () => true));
    expect(cache.countImages(query({ board: 'a', starredOnly: true }))).toBe(
      cache.listImages(query({ board: 'a', starredOnly: true }), 0, 1000).length,
    );
    expect(cache.countImages(query({ categories: ['mask'] }))).toBe(2);
    await cache.removeImages(some);
    expect(cache.countImages(query())).toBe(54);
    expect(cache.countImages(query({ categories: ['mask'] }))).toBe(0);
  });

  it('offers counts per category for a board or everywhere', () => {
    const { cache } = gallery();
    expect(cache.categoryCounts()).toEqual({ general: 45, user: 15, control: 0, mask: 0, other: 0 });
    expect(cache.categoryCounts('a').general + cache.categoryCounts('a').user).toBe(20);
  });
});

describe('search', () => {
  function prompts(...texts: string[]) {
    const cache = open();
    const images = timeline(texts.length);
    cache.upsertImages(images);
    cache.writeMetadata(
      images.map((image, i) => ({
        image_name: image.image_name,
        json: { positive_prompt: texts[i], negative_prompt: 'blurry, lowres', model: { name: 'Juggernaut XL', base: 'sdxl' } },
      })),
    );
    return { cache, images };
  }

  it('matches word prefixes as the user types, and needs every word to match', () => {
    const { cache, images } = prompts('a lighthouse on a rocky coast', 'a lighthouse at night', 'a light rain', 'a fox');
    const search = (text: string) => names(cache.listImages(query({ search: text }), 0, 10));
    expect(search('l')).toHaveLength(4); // every negative prompt says "lowres"
    expect(search('li')).toEqual(names([images[2]!, images[1]!, images[0]!]));
    expect(search('ligh')).toEqual(names([images[2]!, images[1]!, images[0]!]));
    expect(search('lighthouse roc')).toEqual(names([images[0]!]));
    expect(search('lighthouse fox')).toEqual([]);
    expect(cache.countImages(query({ search: 'lighthouse' }))).toBe(2);
  });

  it('ignores case and accents', () => {
    const { cache, images } = prompts('Café au lait, naïve style', 'plain tea');
    expect(names(cache.listImages(query({ search: 'CAFE naive' }), 0, 10))).toEqual([images[0]!.image_name]);
    expect(names(cache.listImages(query({ search: 'café' }), 0, 10))).toEqual([images[0]!.image_name]);
  });

  it('searches the negative prompt, the model name and the image name', () => {
    const { cache, images } = prompts('a cat', 'a dog');
    expect(cache.countImages(query({ search: 'blurr' }))).toBe(2);
    expect(cache.countImages(query({ search: 'juggernaut' }))).toBe(2);
    const name = images[1]!.image_name;
    expect(names(cache.listImages(query({ search: name.slice(0, 6) }), 0, 10))).toEqual([name]);
    expect(names(cache.listImages(query({ search: name }), 0, 10))).toEqual([name]);
    expect(names(cache.listImages(query({ search: name.slice(0, 15) }), 0, 10))).toEqual([name]);
  });

  it('treats quotes, operators and other special characters as plain text, never as syntax', () => {
    const { cache, images } = prompts('"quoted" lighthouse (old) NEAR sea', 'plain');
    const hostile = [
      '"',
      '"lighthouse',
      'lighthouse"',
      '(',
      ')',
      '*',
      'NOT',
      'AND OR',
      'NEAR(',
      'a:b',
      '{x}',
      '^lig',
      "l'",
      '-',
      '+',
      '\\',
      '\0',
      '🙂',
      '   ',
      'positive_prompt:lig',
      'flags:starred',
    ];
    for (const text of hostile) expect(() => cache.pageImages(query({ search: text }), 0, 10), text).not.toThrow();
    expect(names(cache.listImages(query({ search: '"lighthouse" (old)' }), 0, 10))).toEqual([images[0]!.image_name]);
    // An unknown field is left out (the search box marks it), never an FTS5 column filter.
    expect(cache.countImages(query({ search: 'flags:starred' }))).toBe(2);
    expect(cache.countImages(query({ search: '   ' }))).toBe(2);
  });

  it('makes an image searchable once its metadata is written, or known to be missing', () => {
    const cache = open();
    const [described, missing] = [imageDto(), imageDto()];
    cache.upsertImages([described, missing]);
    expect(cache.countImages(query({ search: 'harbor' }))).toBe(0);
    cache.writeMetadata([{ image_name: described.image_name, json: { positive_prompt: 'a busy harbor' } }]);
    expect(names(cache.listImages(query({ search: 'harbor' }), 0, 10))).toEqual([described.image_name]);
    expect(cache.countImages(query({ search: missing.image_name }))).toBe(0);
    cache.markMetadataUnavailable([missing.image_name]);
    expect(names(cache.listImages(query({ search: missing.image_name }), 0, 10))).toEqual([missing.image_name]);
  });

  it('matches words joined by punctuation as a phrase', () => {
    const { cache, images } = prompts('neon-lit street', 'neon sign, lit window');
    expect(names(cache.listImages(query({ search: 'neon-lit' }), 0, 10))).toEqual([images[0]!.image_name]);
    expect(cache.countImages(query({ search: 'neon lit' }))).toBe(2);
  });

  it('combines search with board, category, starred-first and order', () => {
    const cache = open();
    const images = timeline(30, (i) => ({
      board_id: i % 2 ? 'a' : null,
      starred: i % 3 === 0,
      image_category: i % 5 === 0 ? 'control' : 'general',
    }));
    cache.upsertImages(images);
    cache.writeMetadata(
      images.map((image, i) => ({ image_name: image.image_name, json: { positive_prompt: i % 4 ? 'castle in the mist' : 'a fox' } })),
    );
    const matches = (i: number) => i % 4 !== 0 && i % 2 === 1 && i % 5 !== 0;
    const indexed = images.map((image, i) => ({ image, i })).filter(({ i }) => matches(i));
    const starred = indexed
      .filter(({ i }) => i % 3 === 0)
      .map(({ image }) => image.image_name)
      .reverse();
    const rest = indexed
      .filter(({ i }) => i % 3 !== 0)
      .map(({ image }) => image.image_name)
      .reverse();
    const view = query({ board: 'a', categories: ['general'], search: 'cast mist', starredFirst: true });
    const paged: string[] = [];
    for (let offset = 0; offset < 30; offset += 2) paged.push(...names(cache.listImages(view, offset, 2)));
    expect(paged).toEqual([...starred, ...rest]);
    expect(cache.countImages(view)).toBe(starred.length + rest.length);
    expect(names(cache.listImages({ ...view, starredOnly: true }, 0, 30))).toEqual(starred);
    expect(names(cache.listImages({ ...view, starredFirst: false, order: 'oldest' }, 0, 30))).toEqual(
      indexed.map(({ image }) => image.image_name),
    );
  });

  it('follows a star change in search results at once', () => {
    const { cache, images } = prompts('castle', 'castle');
    cache.setStarred([images[0]!.image_name], true);
    expect(names(cache.listImages(query({ search: 'castle', starredOnly: true }), 0, 10))).toEqual([images[0]!.image_name]);
    cache.setStarred([images[0]!.image_name], false);
    expect(cache.countImages(query({ search: 'castle', starredOnly: true }))).toBe(0);
  });
});

describe('search stays in step with the gallery', () => {
  // Filters covering little of the gallery are FTS5 terms, broad ones are row checks (see
  // search.ts): both shapes of gallery must give the same answers as the unsearched views.
  const shapes = {
    'few boards, rare assets, many stars': (i: number): Partial<ImageDTO> => ({
      board_id: [null, 'a-1', 'b-2'][i % 3],
      image_category: i % 7 === 0 ? 'mask' : 'general',
      starred: i % 2 === 0,
      is_intermediate: i === 13,
    }),
    'many boards, many assets, rare stars': (i: number): Partial<ImageDTO> => ({
      board_id: i % 9 === 0 ? null : ['a-1', 'b-2', 'c-3', 'd-4', 'e-5', 'f-6', 'g-7', 'h-8'][i % 8],
      image_category: (['general', 'general', 'user', 'control', 'mask'] as const)[i % 5],
      starred: i % 11 === 0,
      is_intermediate: i === 13,
    }),
  };

  it.each(Object.entries(shapes))(
    'through stars, moves, category changes, deletes, restores and metadata rewrites (%s)',
    async (_, shape) => {
      const cache = open();
      const images = timeline(80, shape);
      cache.upsertImages(images);
      const castles = new Set<string>();
      cache.writeMetadata(
        images.map((image, i) => {
          if (i % 2 === 0) castles.add(image.image_name);
          return { image_name: image.image_name, json: { positive_prompt: i % 2 === 0 ? 'a castle' : 'a fox' } };
        }),
      );
      const views: GalleryQuery[] = [];
      for (const board of ['all', 'none', 'a-1', 'b-2']) {
        for (const categories of [[], ['general'], ['mask', 'user'], ['general', 'user']] as const) {
          for (const [starredOnly, starredFirst] of [
            [false, false],
            [false, true],
            [true, false],
          ]) {
            views.push(query({ board, categories: [...categories], starredOnly, starredFirst, order: starredFirst ? 'oldest' : 'newest' }));
          }
        }
      }
      const check = (step: string) => {
        for (const view of views) {
          const expected = names(cache.listImages(view, 0, 1000)).filter((name) => castles.has(name));
          const searched = { ...view, search: 'castle' };
          expect(names(cache.listImages(searched, 0, 1000)), `${step} ${JSON.stringify(view)}`).toEqual(expected);
          expect(cache.countImages(searched), `${step} count ${JSON.stringify(view)}`).toBe(expected.length);
          const paged: string[] = [];
          for (let offset = 0; offset < expected.length; offset += 3) paged.push(...names(cache.listImages(searched, offset, 3)));
          expect(paged, `${step} paged ${JSON.stringify(view)}`).toEqual(expected);
        }
      };
      const pick = (from: number, step: number) => names(images.filter((_, i) => i >= from && i % step === 0));
      check('initial');
      cache.setStarred(pick(0, 3), true);
      cache.setStarred(pick(0, 8), false);
      check('stars');
      cache.moveImages(pick(1, 5), 'b-2');
      cache.moveImages(pick(2, 6), null);
      check('moves');
      cache.setCategory(pick(0, 9), 'user');
      check('categories');
      cache.markDeleted(pick(3, 10));
      check('tombstones');
      cache.restoreDeleted(pick(3, 20));
      check('restores');
      const removed = new Set(pick(5, 11));
      await cache.removeImages([...removed]);
      check('removals');
      cache.writeMetadata(
        images
          .filter((_, i) => i % 5 === 0)
          .map((image) => ({ image_name: image.image_name, json: { positive_prompt: 'a castle again' } })),
      );
      for (const [i, image] of images.entries()) if (i % 5 === 0) castles.add(image.image_name);
      check('metadata rewrites');
      const kept = images.slice(0, 30).filter((image) => !removed.has(image.image_name));
      cache.upsertImages(kept.map((image, i) => ({ ...image, board_id: 'a-1', starred: i % 2 === 0, image_category: 'general' })));
      check('server updates');
    },
  );
});

describe('totals', () => {
  it('follow writes made through another connection to the same file', async () => {
    const cache = open();
    cache.upsertImages([imageDto(), imageDto()]);
    expect(cache.countImages(query({ starredOnly: true }))).toBe(0);
    const { DatabaseSync } = await import('node:sqlite');
    const other = new DatabaseSync(cache.dbPath);
    other.exec('UPDATE images SET starred = 1');
    other.close();
    expect(cache.countImages(query({ starredOnly: true }))).toBe(2);
    expect(cache.countImages(query())).toBe(2);
  });
});
