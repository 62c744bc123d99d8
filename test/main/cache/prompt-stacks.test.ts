import { describe, expect, it } from 'vitest';
import { formatTerm } from '../../../src/shared/query';
import type { ImageDTO } from '../../../src/shared/invokeai';
import type { PromptStacks, PromptStacksQuery } from '../../../src/shared/ipc';
import type { Cache } from '../../../src/main/cache';
import { imageDto, names, query, serverTime, useCaches } from './fixtures';

const open = useCaches();

const PROMPTS = [
  'red fox in snow',
  'Red fox in snow',
  'golden owl, rain',
  'a "quoted" lighthouse\nsecond line \\ with a backslash',
  'misty lighthouse',
];

interface Fixture {
  dto: ImageDTO;
  prompt: string | null;
}

/** 80 images over a year: five prompts (two differing only in case), some without metadata or prompt, a few intermediates. */
function gallery(): { cache: Cache; fixtures: Fixture[] } {
  const cache = open();
  const fixtures: Fixture[] = Array.from({ length: 80 }, (_, i) => ({
    dto: imageDto({
      created_at: serverTime(i * 4 * 86_400),
      is_intermediate: i % 17 === 5,
      image_category: i % 9 === 0 ? 'user' : 'general',
    }),
    prompt: i % 13 === 0 ? null : i % 11 === 0 ? '' : PROMPTS[(i % 7) % PROMPTS.length]!,
  }));
  cache.upsertImages(fixtures.map((f) => f.dto));
  cache.writeMetadata(
    fixtures.map((f) => ({ image_name: f.dto.image_name, json: f.prompt === null ? null : { positive_prompt: f.prompt } })),
  );
  return { cache, fixtures };
}

const created = (f: Fixture) => Date.parse(`${f.dto.created_at.replace(' ', 'T')}Z`);

/** The plain computation: visible images grouped by their exact prompt. */
function expected(fixtures: Fixture[], q: PromptStacksQuery): PromptStacks {
  const groups = new Map<string, Fixture[]>();
  for (const f of fixtures) {
    if (f.dto.is_intermediate || f.prompt === null || f.prompt === '') continue;
    groups.set(f.prompt, [...(groups.get(f.prompt) ?? []), f]);
  }
  const words = q.search.toLowerCase().split(/\s+/).filter(Boolean);
  const stacks = [...groups]
    .filter(([prompt]) => words.every((word) => prompt.toLowerCase().includes(word)))
    .map(([prompt, images]) => {
      const byTime = images.toSorted((a, b) => created(a) - created(b));
      return {
        prompt,
        images: images.length,
        newest_image: byTime.at(-1)!.dto.image_name,
        first_used: new Date(created(byTime[0]!)),
        last_used: new Date(created(byTime.at(-1)!)),
      };
    })
    .sort((a, b) =>
      q.sort === 'count'
        ? b.images - a.images || b.last_used.getTime() - a.last_used.getTime()
        : b.last_used.getTime() - a.last_used.getTime(),
    );
  return { stacks: stacks.slice(q.offset, q.offset + q.limit), more: stacks.length > q.offset + q.limit };
}

const page = (overrides: Partial<PromptStacksQuery> = {}): PromptStacksQuery => ({
  search: '',
  sort: 'count',
  offset: 0,
  limit: 50,
  ...overrides,
});

const QUERIES = [
  page(),
  page({ sort: 'recent' }),
  page({ search: 'fox' }),
  page({ search: 'LIGHTHOUSE "quoted"' }),
  page({ search: 'owl', sort: 'recent' }),
  page({ search: '50%' }),
  page({ limit: 2 }),
  page({ offset: 2, limit: 2, sort: 'recent' }),
];

function expectAllMatch(cache: Cache, fixtures: Fixture[]) {
  for (const q of QUERIES) expect(cache.promptStacks(q), JSON.stringify(q)).toEqual(expected(fixtures, q));
}

describe('prompt stacks', () => {
  it('groups visible images by exact prompt with counts, newest image, first and last use, by count or date, narrowed by words', () => {
    const { cache, fixtures } = gallery();
    expect(cache.promptStacks(page()).stacks).toHaveLength(PROMPTS.length);
    expectAllMatch(cache, fixtures);
  });

  it('stays equal to the plain grouping through deletes, restores, removals, intermediates and rewritten prompts', async () => {
    const { cache, fixtures } = gallery();
    const newestOwl = fixtures.filter((f) => f.prompt === PROMPTS[2] && !f.dto.is_intermediate).at(-1)!;
    cache.markDeleted([newestOwl.dto.image_name]);
    expectAllMatch(
      cache,
      fixtures.filter((f) => f !== newestOwl),
    );
    cache.restoreDeleted([newestOwl.dto.image_name]);
    expectAllMatch(cache, fixtures);

    const gone = fixtures.filter((f) => f.prompt === PROMPTS[4]);
    await cache.removeImages(gone.map((f) => f.dto.image_name));
    const now = fixtures.filter((f) => !gone.includes(f));
    expectAllMatch(cache, now);

    const hidden = now.find((f) => f.prompt === PROMPTS[0] && !f.dto.is_intermediate)!;
    hidden.dto = { ...hidden.dto, is_intermediate: true };
    cache.upsertImages([hidden.dto]);
    expectAllMatch(cache, now);

    const rewritten = now.filter((f) => f.prompt === PROMPTS[1]).slice(0, 3);
    for (const f of rewritten) f.prompt = 'a brand new prompt';
    const emptied = now.find((f) => f.prompt === PROMPTS[3])!;
    emptied.prompt = null;
    cache.writeMetadata(
      [...rewritten, emptied].map((f) => ({
        image_name: f.dto.image_name,
        json: f.prompt === null ? null : { positive_prompt: f.prompt },
      })),
    );
    expectAllMatch(cache, now);
  });

  it('opens a stack as a search for its exact prompt, quotes, line breaks and backslashes included', () => {
    const { cache, fixtures } = gallery();
    for (const prompt of PROMPTS) {
      const want = fixtures
        .filter((f) => f.prompt === prompt && !f.dto.is_intermediate)
        .map((f) => f.dto.image_name)
        .reverse();
      const search = formatTerm('prompt', prompt);
      expect(names(cache.listImages(query({ categories: [], search }), 0, 500)), search).toEqual(want);
      expect(cache.countImages(query({ categories: [], search })), search).toBe(want.length);
    }
    expect(cache.countImages(query({ categories: [], search: 'prompt:"red fox"' }))).toBe(0);
  });
});
