import { describe, expect, it } from 'vitest';
import { useTarget } from './harness';
import { expectDetail, expectResponse, expectValidationError } from './schema';

const t = useTarget();
const byName = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

async function list(query: Record<string, string | string[]> = {}): Promise<any[]> {
  const res = await t.api.get('/api/v2/models/', query);
  expect(res.status).toBe(200);
  return res.json.models;
}

describe('models GET /api/v2/models/', () => {
  it('answers {models: [...]} with configs that match the schema', async () => {
    const res = await t.api.get('/api/v2/models/');
    expect(res.status).toBe(200);
    expectResponse('get', '/api/v2/models/', res);
    expect(Object.keys(res.json)).toEqual(['models']);
    for (const m of res.json.models) {
      expect(m.key).toEqual(expect.any(String));
      expect(m.hash).toMatch(/^[a-z0-9]+:/);
      expect(['path', 'url', 'hf_repo_id', 'external']).toContain(m.source_type);
      expect(m).toHaveProperty('description');
      expect(m).toHaveProperty('cover_image');
    }
  });

  it('orders by name case-insensitively, ASC by default and DESC on request', async () => {
    const asc = (await list()).map((m) => m.name);
    expect(asc).toEqual([...asc].sort(byName));
    const desc = (await list({ direction: 'DESC' })).map((m) => m.name);
    expect(desc).toEqual([...desc].sort(byName).reverse());
  });

  it('filters by model_type, base_models, model_name and model_format', async () => {
    const all = await list();
    for (const type of new Set(all.map((m) => m.type))) {
      const got = await list({ model_type: type });
      expect(got.map((m) => m.key).sort()).toEqual(
        all
          .filter((m) => m.type === type)
          .map((m) => m.key)
          .sort(),
      );
    }
    for (const base of new Set(all.map((m) => m.base))) {
      const got = await list({ base_models: [base] });
      expect(got.map((m) => m.key).sort()).toEqual(
        all
          .filter((m) => m.base === base)
          .map((m) => m.key)
          .sort(),
      );
    }
    const first = all[0];
    if (first) {
      const named = await list({ model_name: first.name });
      expect(named.every((m) => m.name === first.name)).toBe(true);
      const formatted = await list({ model_format: first.format });
      expect(formatted.every((m) => m.format === first.format)).toBe(true);
    }
    expect(await list({ model_name: 'no such model name' })).toEqual([]);
  });

  it('groups results by base in the order the base_models were asked', async () => {
    const all = await list();
    const bases = [...new Set(all.map((m) => m.base))].sort().reverse();
    const got = await list({ base_models: bases });
    const expected = bases.flatMap((b) => all.filter((m) => m.base === b).map((m) => m.key));
    expect(got.map((m) => m.key)).toEqual(expected);
  });

  it('refuses unknown enum values with 422', async () => {
    expectValidationError(await t.api.get('/api/v2/models/', { model_type: 'checkpoint' }), ['query', 'model_type'], 'enum');
    expectValidationError(await t.api.get('/api/v2/models/', { base_models: ['flux-schnell'] }), ['query', 'base_models', 0], 'enum');
    expectValidationError(await t.api.get('/api/v2/models/', { direction: 'down' }), ['query', 'direction'], 'enum');
  });

  it('reads one config by key, and answers 404 "model not found" for an unknown key', async () => {
    const all = await list();
    if (all[0]) {
      const res = await t.api.get(`/api/v2/models/i/${all[0].key}`);
      expect(res.status).toBe(200);
      expectResponse('get', '/api/v2/models/i/{key}', res);
      expect(res.json).toEqual(all[0]);
    }
    expectDetail(await t.api.get('/api/v2/models/i/no-such-key'), 404, 'model not found');
  });
});
