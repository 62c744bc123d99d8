import { describe, expect, it } from 'vitest';
import type { IvkImage } from '../../src/shared/models';
import { formatValue, labelOf, parameterRows } from '../../src/shared/compare';

function image(name: string, metadata: Record<string, unknown> | null, size = { width: 512, height: 768 }): IvkImage {
  return {
    image_name: name,
    board_id: null,
    image_category: 'general',
    width: size.width,
    height: size.height,
    created_at: new Date('2026-01-02T03:04:05Z'),
    updated_at: null,
    starred: false,
    metadata,
    thumbnail_url: null,
    image_url: null,
    is_intermediate: false,
    workflow_id: null,
    node_id: null,
    session_id: null,
  };
}

const core = {
  generation_mode: 'sdxl_txt2img',
  positive_prompt: 'a red fox in the forest',
  negative_prompt: 'blurry',
  width: 512,
  height: 768,
  seed: 42,
  model: { key: 'k1', hash: 'h', name: 'Juggernaut XL', base: 'sdxl', type: 'main' },
  steps: 30,
  cfg_scale: 7,
  scheduler: 'euler',
  loras: [{ model: { key: 'l1', name: 'detail-tweaker', base: 'sdxl' }, weight: 0.75 }],
};

const byKey = (rows: ReturnType<typeof parameterRows>) => Object.fromEntries(rows.map((row) => [row.key, row]));

describe('the parameter table', () => {
  it('lists the well-known fields first, in a fixed order, then every other metadata key', () => {
    const rows = parameterRows([image('a.png', { ...core, clip_skip: 2, app_version: '6.14.2' }), image('b.png', core)]);
    expect(rows.map((row) => row.label)).toEqual([
      'Prompt',
      'Negative prompt',
      'Model',
      'Base',
      'Seed',
      'Steps',
      'CFG scale',
      'Scheduler',
      'Size',
      'LoRAs',
      'App version',
      'Clip skip',
      'Generation mode',
    ]);
  });

  it('marks exactly the rows whose values differ, naming a field only one image has', () => {
    const other = { ...core, seed: 7, scheduler: 'dpmpp_2m', model: { ...core.model, name: 'Pony', base: 'sdxl' }, clip_skip: 1 };
    const rows = byKey(parameterRows([image('a.png', core), image('b.png', other)]));
    const differing = Object.values(rows)
      .filter((row) => row.differs)
      .map((row) => row.key);
    expect(differing).toEqual(['model', 'seed', 'scheduler', 'clip_skip']);
    expect(rows.seed!.values).toEqual(['42', '7']);
    expect(rows.clip_skip!.values).toEqual([null, '1']);
    expect(rows.base!.differs).toBe(false);
    expect(rows.positive_prompt!.kind).toBe('prompt');
  });

  it('reads size from the metadata, or from the image when the metadata has none', () => {
    const rows = byKey(parameterRows([image('a.png', core), image('b.png', null, { width: 1024, height: 1024 })]));
    expect(rows.size!.values).toEqual(['512 × 768', '1024 × 1024']);
    expect(rows.size!.differs).toBe(true);
    expect(rows.positive_prompt!.values).toEqual(['a red fox in the forest', null]);
  });

  it('writes LoRAs with their weights and compares up to four images', () => {
    const two = { ...core, loras: [...core.loras, { model: { name: 'film-grain' }, weight: 0.4 }] };
    const rows = byKey(
      parameterRows([image('a.png', core), image('b.png', core), image('c.png', two), image('d.png', { ...core, loras: [] })]),
    );
    expect(rows.loras!.values).toEqual(['detail-tweaker (0.75)', 'detail-tweaker (0.75)', 'detail-tweaker (0.75), film-grain (0.4)', null]);
    expect(rows.loras!.differs).toBe(true);
    expect(rows.steps!.differs).toBe(false);
  });

  it('formats values of any shape as one line', () => {
    expect(formatValue({ image_name: 'init.png' })).toBe('init.png');
    expect(formatValue({ x: 1 })).toBe('{"x":1}');
    expect(formatValue(true)).toBe('true');
    expect(formatValue('')).toBeNull();
    expect(labelOf('cfg_rescale_multiplier')).toBe('Cfg rescale multiplier');
  });
});
