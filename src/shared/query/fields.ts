import { ImageCategoryValues, type ImageCategory } from '../models';

/**
 * The fields the search box understands, in the order autocomplete offers them. Each one names
 * what it filters and shows an example, which is also what an invalid term's tooltip points to.
 */
export const FIELDS = {
  model: { kind: 'text', hint: 'model name, prefix: model:dream' },
  base: { kind: 'text', hint: 'model base: base:sdxl' },
  lora: { kind: 'text', hint: 'a LoRA used, prefix: lora:detail' },
  scheduler: { kind: 'text', hint: 'sampler, prefix: scheduler:euler' },
  board: { kind: 'text', hint: 'board name, prefix: board:portraits' },
  seed: { kind: 'number', hint: 'whole number: seed:1234, seed:1..99' },
  steps: { kind: 'number', hint: 'steps:30, steps:>=30' },
  cfg: { kind: 'number', hint: 'cfg:7, cfg:5..8.5' },
  w: { kind: 'number', hint: 'width in pixels: w:>=1024' },
  h: { kind: 'number', hint: 'height in pixels: h:768' },
  size: { kind: 'size', hint: 'width x height: size:1024x1024' },
  ratio: { kind: 'choice', hint: 'ratio:portrait, landscape or square' },
  date: { kind: 'date', hint: 'date:2026, date:2026-08, date:>2026-01-01, date:2026-01..2026-03' },
  category: { kind: 'choice', hint: `category:${ImageCategoryValues.join(', ')}` },
  is: { kind: 'choice', hint: 'is:starred' },
  has: { kind: 'choice', hint: 'has:prompt, has:workflow' },
  job: { kind: 'job', hint: 'the images one job made, by its number: job:42' },
  batch: { kind: 'batch', hint: 'the images of one batch, by its id or the start of it: batch:3f2a' },
  prompt: { kind: 'exact', hint: 'the whole positive prompt, exactly (\\" for a quote): prompt:"a fox in the snow"' },
} as const;

export type FieldName = keyof typeof FIELDS;
export type TextField = { [F in FieldName]: (typeof FIELDS)[F]['kind'] extends 'text' ? F : never }[FieldName];
export type NumberField = { [F in FieldName]: (typeof FIELDS)[F]['kind'] extends 'number' ? F : never }[FieldName];

export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

export const RATIOS = ['portrait', 'landscape', 'square'] as const;
export type Ratio = (typeof RATIOS)[number];
export const IS_FLAGS = ['starred'] as const;
export const HAS_FLAGS = ['prompt', 'workflow'] as const;

/** The values a choice field accepts, for parsing and for autocomplete. */
export const CHOICES: Record<'ratio' | 'category' | 'is' | 'has', readonly string[]> = {
  ratio: RATIOS,
  category: ImageCategoryValues,
  is: IS_FLAGS,
  has: HAS_FLAGS,
};

export function isFieldName(name: string): name is FieldName {
  return Object.hasOwn(FIELDS, name);
}

export function isCategory(value: string): value is ImageCategory {
  return (ImageCategoryValues as readonly string[]).includes(value);
}
