import { describe, expect, it } from 'vitest';
import { parseQuery, type Condition, type NumberCompare } from '../../../src/shared/query';
import { IvkDnnModel } from '../../../src/shared/models';
import type { ImageDTO } from '../../../src/shared/invokeai';
import type { Cache } from '../../../src/main/cache';
import { boardDto, imageDto, names, query, queueItem, serverTime, useCaches } from './fixtures';

const open = useCaches();

const MODELS = [
  ['Juggernaut XL v9', 'sdxl'],
  ['DreamShaper 8', 'sd-1'],
  ['FLUX.1 dev', 'flux'],
] as const;
const SCHEDULERS = ['euler', 'dpmpp_2m_k', 'euler_a'];
const LORAS = ['add_detail', 'Pixel Art XL', 'detail tweaker'];
const BOARDS = [
  { board_id: 'b-portraits', board_name: 'Portraits' },
  { board_id: 'b-land', board_name: 'Landscapes' },
];
const SIZES = [
  [1024, 1024],
  [832, 1216],
  [1216, 832],
  [512, 512],
] as const;

interface Fixture {
  dto: ImageDTO;
  json: Record<string, unknown> | null;
  /** The job whose results name this image although another session made it (`use_cache`). */
  reusedBy?: number;
}

/** Jobs 1–6 made the first 60 images (session-N), three to a batch; job 7 made none of its own. */
const batchOf = (itemId: number) => (itemId <= 3 ? 'batch-a1' : 'batch-b2');
const REUSED_INDEX = 100;

/**
 * 120 images over 2026 (one every ~3 days) whose metadata varies on every field, some without
 * metadata, a few with a rare seed; every search below is checked against a plain filter of this list.
 */
function gallery(options: { searchDriveBelow?: number } = {}): { cache: Cache; fixtures: Fixture[] } {
  const cache = open(options);
  cache.replaceBoards(BOARDS.map((board) => boardDto(board)));
  const fixtures: Fixture[] = Array.from({ length: 120 }, (_, i) => {
    const [width, height] = SIZES[i % SIZES.length]!;
    const [model, base] = MODELS[i % 3]!;
    const dto = imageDto({
      width,
      height,
      created_at: serverTime(i * 3 * 86_400 - 228 * 86_400),
      starred: i % 7 === 0,
      has_workflow: i % 2 === 0,
      board_id: i % 5 === 0 ? null : BOARDS[i % 2]!.board_id,
      image_category: i % 11 === 0 ? 'user' : 'general',
      session_id: i < 60 ? `session-${(i % 6) + 1}` : null,
    });
    const json =
      i % 13 === 0
        ? null
        : {
            positive_prompt: `${['red fox', 'golden owl', 'misty lighthouse'][i % 3]} in ${['snow', 'rain'][i % 2]}`,
            negative_prompt: i % 4 === 0 ? 'blurry' : 'lowres',
            seed: i === 40 ? 424242 : 1000 + i,
            steps: [20, 30, 40, 50][i % 4],
            cfg_scale: [5, 7.5, 9][i % 3],
            scheduler: SCHEDULERS[i % SCHEDULERS.length],
            model: { key: `k${i % 3}`, hash: 'h', name: model, base, type: 'main' },
            ...(i % 4 === 1 ? { loras: [{ model: { key: 'l', name: LORAS[i % 3], base }, weight: 0.75 }] } : {}),
          };
    return { dto, json, ...(i === REUSED_INDEX ? { reusedBy: 7 } : {}) };
  });
  cache.upsertImages(fixtures.map((f) => f.dto));
  const reused = fixtures[REUSED_INDEX]!.dto;
  cache.upsertJobs([
    ...[1, 2, 3, 4, 5, 6].map((item_id) => queueItem({ item_id, batch_id: batchOf(item_id) })),
    queueItem({
      item_id: 7,
      batch_id: batchOf(7),
      session: {
        id: 'session-7',
        results: { save: { type: 'image_output', image: { image_name: reused.image_name }, width: reused.width, height: reused.height } },
      },
    }),
  ]);
  cache.writeMetadata(fixtures.map((f) => ({ image_name: f.dto.image_name, json: f.json })));
  return { cache, fixtures };
}

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : '');
const created = (f: Fixture) => Date.parse(`${f.dto.created_at.replace(' ', 'T')}Z`);

/** The straight filter: what a person means by each term, read off the fixture's own fields. */
function holds(f: Fixture, c: Condition): boolean {
  const m = f.json ?? {};
  const model = (m.model ?? {}) as Record<string, unknown>;
  const num = (value: unknown, compare: NumberCompare) => {
    if (typeof value !== 'number') return false;
    if (compare.op === 'range') return (compare.from === null || value >= compare.from) && (compare.to === null || value <= compare.to);
    return {
      '=': value === compare.value,
      '>': value > compare.value,
      '>=': value >= compare.value,
      '<': value < compare.value,
      '<=': value <= compare.value,
    }[compare.op];
  };
  switch (c.field) {
    case 'text': {
      const words = `${lower(m.positive_prompt)} ${lower(m.negative_prompt)} ${lower(model.name)}`.split(/[^a-z0-9]+/);
      return c.text
        .toLowerCase()
        .split(/\s+/)
        .every((w) => words.some((word) => word.startsWith(w)));
    }
    case 'model':
      return lower(model.name).startsWith(c.value.toLowerCase());
    case 'base':
      return lower(model.base).startsWith(c.value.toLowerCase());
    case 'scheduler':
      return lower(m.scheduler).startsWith(c.value.toLowerCase());
    case 'lora':
      return ((m.loras ?? []) as { model: { name: string } }[]).some((l) => l.model.name.toLowerCase().startsWith(c.value.toLowerCase()));
    case 'board': {
      const name = BOARDS.find((b) => b.board_id === f.dto.board_id)?.board_name ?? 'Uncategorized';
      return name.toLowerCase().startsWith(c.value.toLowerCase());
    }
    case 'seed':
      return num(m.seed, c.compare);
    case 'steps':
      return num(m.steps, c.compare);
    case 'cfg':
      return num(m.cfg_scale, c.compare);
    case 'w':
      return num(f.dto.width, c.compare);
    case 'h':
      return num(f.dto.height, c.compare);
    case 'size':
      return f.dto.width === c.width && f.dto.height === c.height;
    case 'ratio':
      return { portrait: f.dto.height > f.dto.width, landscape: f.dto.width > f.dto.height, square: f.dto.width === f.dto.height }[c.ratio];
    case 'date':
      return (c.from === null || created(f) >= c.from) && (c.to === null || created(f) < c.to);
    case 'category':
      return f.dto.image_category === c.category;
    case 'is':
      return f.dto.starred;
    case 'has':
      return c.flag === 'workflow' ? f.dto.has_workflow : typeof m.positive_prompt === 'string';
    case 'job':
      return f.dto.session_id === `session-${c.itemId}` || f.reusedBy === c.itemId;
    case 'batch':
      return [1, 2, 3, 4, 5, 6, 7].some((item) => batchOf(item).startsWith(c.value) && holds(f, { field: 'job', itemId: item }));
    case 'prompt':
      return m.positive_prompt === c.prompt;
  }
}

function expected(fixtures: Fixture[], search: string): string[] {
  const { clauses } = parseQuery(search);
  return fixtures
    .filter((f) => clauses.every((clause) => clause.some((term) => holds(f, term.condition) !== term.negate)))
    .map((f) => f.dto.image_name)
    .reverse();
}

const SEARCHES = [
  'prompt:"red fox in snow"',
  'prompt:"red fox"',
  '-prompt:"golden owl in rain"',
  'prompt:"misty lighthouse in snow" steps:>=30',
  'prompt:"red fox in snow" OR prompt:"golden owl in rain"',
  'model:jugg',
  'model:"dreamshaper 8"',
  'base:sd',
  'scheduler:euler',
  'scheduler:dpmpp_',
  'lora:detail',
  'lora:"pixel art"',
  '-lora:add',
  'seed:424242',
  'seed:1000..1010',
  'steps:>=40',
  'steps:<30',
  'cfg:7.5',
  'cfg:>7',
  'w:>1000',
  'h:<=832',
  'size:832x1216',
  'ratio:portrait',
  'ratio:square',
  'date:2026-03',
  'date:>2026-06-30',
  'date:2026-02..2026-04',
  'board:portr',
  'board:uncat',
  'category:user',
  'is:starred',
  '-is:starred',
  'has:prompt',
  'has:workflow',
  'fox model:jugg',
  'owl steps:>=30 -has:workflow',
  'fox OR owl',
  'fox OR model:flux',
  'lighthouse -rain',
  '-snow',
  '-snow steps:30',
  'model:jugg OR lora:pixel',
  'model:flux steps:>=30 date:2026',
  'fox colour:red',
  'fox seed:1000..1030',
  'owl -rain seed:424242',
  'snow OR rain seed:<1010 model:jugg',
  '"misty lighthouse"',
  'job:2',
  'job:7',
  'job:8',
  'job:3 OR job:5',
  'batch:batch-a1',
  'batch:batch-b',
  'batch:BATCH-B2 fox',
  'batch:nothing',
  // Tokens longer than the search index's prefix indexes, and date spans ending before the newest image.
  'model:juggernaut steps:>=30',
  'lora:"detail tweak"',
  'scheduler:euler_a w:>1000',
  'model:jugg date:2026-02..2026-04',
  'size:1024x1024 date:<2026-06-01',
  'owl model:dreamshaper',
  'fox lora:detail date:2026-02..2026-09',
  // Size, ratio, w and h terms walk the tokens of the sizes the gallery holds.
  'ratio:portrait steps:>=30',
  'ratio:square fox',
  'w:>1000 model:jugg',
  'h:<600',
  'size:640x480',
  'owl size:640x480',
  'w:1000..1100 h:>=1000 -lora:add',
];

describe('field search', () => {
  it.each([
    ['from the rarest term’s index', 4000],
    ['walking the gallery in order', 0],
  ])('answers every term as a straight filter over the metadata would, %s', (_, searchDriveBelow) => {
    const { cache, fixtures } = gallery({ searchDriveBelow });
    for (const search of SEARCHES) {
      const want = expected(fixtures, search);
      expect(names(cache.listImages(query({ search }), 0, 500)), search).toEqual(want);
      expect(cache.countImages(query({ search })), search).toBe(want.length);
    }
  });

  it('pages a field search in gallery order, starred first when asked', () => {
    const { cache, fixtures } = gallery();
    const all = expected(fixtures, 'steps:>=30');
    const pages = [0, 10, 20].flatMap((offset) => names(cache.listImages(query({ search: 'steps:>=30' }), offset, 10)));
    expect(pages).toEqual(all.slice(0, 30));
    const starred = new Set(fixtures.filter((f) => f.dto.starred).map((f) => f.dto.image_name));
    const first = names(cache.listImages(query({ search: 'steps:>=30', starredFirst: true }), 0, 500));
    expect(first).toEqual([...all.filter((n) => starred.has(n)), ...all.filter((n) => !starred.has(n))]);
    expect(names(cache.listImages(query({ search: 'steps:>=30', order: 'oldest' }), 0, 500))).toEqual([...all].reverse());
  });

  it('narrows within the view: board, categories and starred still apply', () => {
    const { cache, fixtures } = gallery();
    const inBoard = new Set(fixtures.filter((f) => f.dto.board_id === 'b-land').map((f) => f.dto.image_name));
    const want = expected(fixtures, 'model:jugg').filter((n) => inBoard.has(n));
    expect(names(cache.listImages(query({ board: 'b-land', search: 'model:jugg' }), 0, 500))).toEqual(want);
    expect(cache.countImages(query({ board: 'b-land', search: 'model:jugg' }))).toBe(want.length);
  });

  it('leaves out a term it cannot read instead of emptying the gallery', () => {
    const { cache, fixtures } = gallery();
    expect(cache.countImages(query({ search: 'steps:many' }))).toBe(fixtures.length);
    expect(cache.countImages(query({ search: 'fox colour:red' }))).toBe(expected(fixtures, 'fox').length);
  });

  it('walks the starred images in their own index: starred first and starred only equal the straight filter through every write', async () => {
    const { cache, fixtures } = gallery({ searchDriveBelow: 0 });
    const searches = [
      'fox',
      'owl model:jugg',
      'model:flux',
      'size:1024x1024',
      'lighthouse -rain',
      'steps:>=30 lora:detail',
      'base:sd date:2026',
    ];
    // The images tab (general only) too: its excluded categories are an FTS5 NOT or a row check.
    const check = (when: string) => {
      const starred = new Set(fixtures.filter((f) => f.dto.starred).map((f) => f.dto.image_name));
      const general = new Set(fixtures.filter((f) => f.dto.image_category === 'general').map((f) => f.dto.image_name));
      for (const categories of [[], ['general' as const]]) {
        for (const search of searches) {
          const all = expected(fixtures, search).filter((n) => categories.length === 0 || general.has(n));
          const want = all.filter((n) => starred.has(n));
          const label = `${when}: ${search} in ${categories.join() || 'all'}`;
          expect(names(cache.listImages(query({ search, categories, starredFirst: true }), 0, 500)), label).toEqual([
            ...want,
            ...all.filter((n) => !starred.has(n)),
          ]);
          expect(names(cache.listImages(query({ search, categories, starredOnly: true }), 0, 500)), label).toEqual(want);
          expect(cache.countImages(query({ search, categories, starredOnly: true })), label).toBe(want.length);
        }
      }
    };
    check('as synced');
    const withJson = fixtures.filter((f) => f.json !== null);
    const [starOn, starOff, rewritten, deleted, removed, emptied] = [
      withJson.find((f) => !f.dto.starred)!,
      ...withJson.filter((f) => f.dto.starred).slice(0, 5),
    ];
    cache.setStarred([starOn.dto.image_name], true);
    cache.setStarred([starOff!.dto.image_name], false);
    starOn.dto.starred = true;
    starOff!.dto.starred = false;
    check('after starring and unstarring');
    rewritten!.json = { ...rewritten!.json, positive_prompt: 'red fox on a fence', model: { name: 'FLUX.1 dev', base: 'flux' } };
    cache.writeMetadata([{ image_name: rewritten!.dto.image_name, json: rewritten!.json }]);
    cache.moveImages([rewritten!.dto.image_name], 'b-land');
    emptied!.json = null;
    cache.writeMetadata([{ image_name: emptied!.dto.image_name, json: null }]);
    cache.markDeleted([deleted!.dto.image_name]);
    await cache.removeImages([removed!.dto.image_name]);
    fixtures.splice(fixtures.indexOf(deleted!), 1);
    fixtures.splice(fixtures.indexOf(removed!), 1);
    check('after metadata rewrites, moves and deletes');
    cache.restoreDeleted([deleted!.dto.image_name]);
    fixtures.push(deleted!);
    fixtures.sort((a, b) => created(a) - created(b));
    check('after a restore');
  });

  it('finds an image whose metadata is not cached yet by its size, which the search index cannot hold', () => {
    const { cache, fixtures } = gallery({ searchDriveBelow: 0 });
    const waiting = imageDto({ width: 640, height: 480, created_at: serverTime(400 * 86_400) });
    cache.upsertImages([waiting]);
    fixtures.push({ dto: waiting, json: null });
    for (const search of ['size:640x480', 'h:480', 'w:600..700']) {
      expect(names(cache.listImages(query({ search }), 0, 500)), search).toEqual(expected(fixtures, search));
      expect(names(cache.listImages(query({ search }), 0, 1)), search).toEqual([waiting.image_name]);
    }
  });

  it('keeps LoRAs in step when metadata is rewritten', () => {
    const { cache, fixtures } = gallery();
    const target = fixtures.find((f) => f.json && !f.json.loras)!;
    expect(names(cache.listImages(query({ search: 'lora:fresh' }), 0, 10))).toEqual([]);
    cache.writeMetadata([
      { image_name: target.dto.image_name, json: { ...target.json, loras: [{ model: { name: 'Fresh LoRA' }, weight: 1 }] } },
    ]);
    expect(names(cache.listImages(query({ search: 'lora:fresh' }), 0, 10))).toEqual([target.dto.image_name]);
    cache.writeMetadata([{ image_name: target.dto.image_name, json: target.json }]);
    expect(names(cache.listImages(query({ search: 'lora:fresh' }), 0, 10))).toEqual([]);
  });
});

describe('search values', () => {
  it('lists the distinct cached values of a field by prefix, in any case, for autocomplete', () => {
    const { cache } = gallery();
    expect(cache.searchValues('model', '')).toEqual(['DreamShaper 8', 'FLUX.1 dev', 'Juggernaut XL v9']);
    expect(cache.searchValues('model', 'JUG')).toEqual(['Juggernaut XL v9']);
    expect(cache.searchValues('scheduler', 'euler')).toEqual(['euler', 'euler_a']);
    expect(cache.searchValues('scheduler', 'euler', 1)).toEqual(['euler']);
    expect(cache.searchValues('lora', 'd')).toEqual(['detail tweaker']);
    expect(cache.searchValues('base', 's')).toEqual(['sd-1', 'sdxl']);
    expect(cache.searchValues('board', 'p')).toEqual(['Portraits']);
    expect(cache.searchValues('board', 'un')).toEqual(['Uncategorized']);
    expect(cache.searchValues('model', '%')).toEqual([]);
  });
});

describe('facets', () => {
  type Tally = Record<string, Record<string, number>>;
  const monthOf = (f: Fixture) => {
    const date = new Date(created(f));
    return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
  };
  /** The straight count: every facet value of every fixture the filter keeps. */
  function straight(fixtures: Fixture[], keep: (f: Fixture) => boolean): Tally {
    const tally: Tally = { model: {}, base: {}, lora: {}, scheduler: {}, size: {}, month: {} };
    const add = (facet: string, value: unknown) => {
      if (typeof value === 'string') tally[facet]![value] = (tally[facet]![value] ?? 0) + 1;
    };
    for (const f of fixtures.filter(keep)) {
      const model = (f.json?.model ?? {}) as Record<string, unknown>;
      add('model', model.name);
      add('base', model.base);
      add('scheduler', f.json?.scheduler);
      for (const lora of (f.json?.loras ?? []) as { model: { name: string } }[]) add('lora', lora.model.name);
      add('size', `${f.dto.width}x${f.dto.height}`);
      add('month', monthOf(f));
    }
    return tally;
  }
  const asTally = (facets: ReturnType<Cache['facets']>): Tally =>
    Object.fromEntries(facets.facets.map((f) => [f.facet, Object.fromEntries(f.values.map((v) => [v.value, v.count]))]));

  it('counts every facet of a view, searched or not, as a straight count of its images would', () => {
    const { cache, fixtures } = gallery();
    const inView = (board: string) => (f: Fixture) =>
      board === 'all' || (board === 'none' ? f.dto.board_id === null : f.dto.board_id === board);
    for (const board of ['all', 'none', 'b-land']) {
      expect(asTally(cache.facets(query({ board }))), board).toEqual(straight(fixtures, inView(board)));
    }
    expect(asTally(cache.facets(query({ starredOnly: true })))).toEqual(straight(fixtures, (f) => f.dto.starred));
    expect(asTally(cache.facets(query({ categories: ['user'] })))).toEqual(straight(fixtures, (f) => f.dto.image_category === 'user'));
    for (const search of ['fox', 'steps:>=30', 'owl model:jugg', 'lora:detail']) {
      const names = new Set(expected(fixtures, search));
      expect(asTally(cache.facets(query({ search }))), search).toEqual(straight(fixtures, (f) => names.has(f.dto.image_name)));
      const general = (f: Fixture) => f.dto.image_category === 'general' && names.has(f.dto.image_name);
      expect(asTally(cache.facets(query({ search, categories: ['general'] }))), search).toEqual(straight(fixtures, general));
    }
    expect(cache.facets(query({ search: 'fox' })).sampled).toBeNull();
  });

  it('keeps the counts of unsearched views through stars, moves, deletes and metadata rewrites', async () => {
    const { cache, fixtures } = gallery();
    const pick = (i: number) => fixtures[i]!;
    cache.setStarred([pick(1).dto.image_name, pick(2).dto.image_name], true);
    pick(1).dto.starred = pick(2).dto.starred = true;
    cache.moveImages([pick(3).dto.image_name], 'b-land');
    pick(3).dto.board_id = 'b-land';
    cache.setCategory([pick(4).dto.image_name], 'control');
    pick(4).dto.image_category = 'control';
    cache.markDeleted([pick(5).dto.image_name]);
    await cache.removeImages([pick(6).dto.image_name]);
    const rewritten = {
      ...pick(7).json,
      model: { name: 'New Model', base: 'sd-3' },
      scheduler: 'lcm',
      loras: [{ model: { name: 'fresh' } }],
    };
    cache.writeMetadata([{ image_name: pick(7).dto.image_name, json: rewritten }]);
    pick(7).json = rewritten;
    const live = fixtures.filter((_, i) => i !== 5 && i !== 6);
    for (const board of ['all', 'b-land', 'none']) {
      const inView = (f: Fixture) => board === 'all' || (board === 'none' ? f.dto.board_id === null : f.dto.board_id === board);
      expect(asTally(cache.facets(query({ board }))), board).toEqual(straight(live, inView));
    }
    expect(asTally(cache.facets(query({ starredOnly: true })))).toEqual(straight(live, (f) => f.dto.starred));
    cache.restoreDeleted([pick(5).dto.image_name]);
    expect(asTally(cache.facets(query()))).toEqual(straight([...live, pick(5)], () => true));
  });
});

describe('model usage', () => {
  it('counts images per model with its base and per LoRA, and says which the server still lists', () => {
    const { cache, fixtures } = gallery();
    cache.replaceModels([
      IvkDnnModel.fromApiResponse({ key: 'a', name: 'FLUX.1 dev', base: 'flux', type: 'main' }),
      IvkDnnModel.fromApiResponse({ key: 'b', name: 'Pixel Art XL', base: 'sdxl', type: 'lora' }),
    ]);
    const count = (keep: (f: Fixture) => boolean) => fixtures.filter(keep).length;
    const modelOf = (f: Fixture) => (f.json?.model as { name?: string } | undefined)?.name;
    const loraOf = (f: Fixture, name: string) =>
      ((f.json?.loras ?? []) as { model: { name: string } }[]).some((l) => l.model.name === name);
    const usage = cache.modelUsage();
    expect(usage.models).toEqual(
      expect.arrayContaining([
        { name: 'FLUX.1 dev', base: 'flux', images: count((f) => modelOf(f) === 'FLUX.1 dev'), on_server: true },
        { name: 'Juggernaut XL v9', base: 'sdxl', images: count((f) => modelOf(f) === 'Juggernaut XL v9'), on_server: false },
      ]),
    );
    expect(usage.models).toHaveLength(3);
    expect(usage.loras).toEqual(
      expect.arrayContaining([
        { name: 'Pixel Art XL', images: count((f) => loraOf(f, 'Pixel Art XL')), on_server: true },
        { name: 'add_detail', images: count((f) => loraOf(f, 'add_detail')), on_server: false },
      ]),
    );
    expect(usage.models.map((m) => m.images)).toEqual([...usage.models.map((m) => m.images)].sort((a, b) => b - a));
  });
});
