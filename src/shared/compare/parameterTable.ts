import type { IvkImage } from '../models';

/**
 * The parameters of a few images side by side, one row per field, for the compare view's diff
 * table. InvokeAI's metadata has no fixed schema (NOTES §2.6): the
 * well-known fields come first under their usual names, then every other key the images carry,
 * so nothing the server stored is hidden.
 */
export interface ParameterRow {
  key: string;
  label: string;
  /** One value per image, in the order given; null where the image has none. */
  values: (string | null)[];
  /** True when the images do not all have the same value. */
  differs: boolean;
  /** Prompts are diffed word by word; other values are compared whole. */
  kind: 'prompt' | 'value';
}

type Json = Record<string, unknown>;
type Reader = (metadata: Json, image: IvkImage) => string | null;

const object = (value: unknown): Json | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : null;

/** A metadata value as a line of text: names for models, compact JSON for what has no better form. */
export function formatValue(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? null : value.map((item) => formatValue(item) ?? '—').join(', ');
  const named = object(value);
  if (named && typeof named.name === 'string') return named.name;
  if (named && typeof named.image_name === 'string') return named.image_name;
  return JSON.stringify(value);
}

/** "name (0.75)" per LoRA, the shape core metadata gives: [{model: {name, ...}, weight}]. */
function formatLoras(value: unknown): string | null {
  if (!Array.isArray(value) || value.length === 0) return null;
  return value
    .map((entry) => {
      const lora = object(entry);
      const name = formatValue(lora?.model) ?? formatValue(entry) ?? '—';
      return typeof lora?.weight === 'number' ? `${name} (${lora.weight})` : name;
    })
    .join(', ');
}

function size(metadata: Json, image: IvkImage): string | null {
  const width = typeof metadata.width === 'number' ? metadata.width : image.width;
  const height = typeof metadata.height === 'number' ? metadata.height : image.height;
  return width && height ? `${width} × ${height}` : null;
}

interface KnownField {
  key: string;
  label: string;
  kind: ParameterRow['kind'];
  read: Reader;
  /** Metadata keys this row shows, so they are not listed again among the rest. */
  covers: readonly string[];
}

const field = (key: string, label: string, kind: ParameterRow['kind'] = 'value'): KnownField => ({
  key,
  label,
  kind,
  read: (metadata) => formatValue(metadata[key]),
  covers: [key],
});

const KNOWN_FIELDS: readonly KnownField[] = [
  field('positive_prompt', 'Prompt', 'prompt'),
  field('negative_prompt', 'Negative prompt', 'prompt'),
  { key: 'model', label: 'Model', kind: 'value', read: (metadata) => formatValue(object(metadata.model)?.name), covers: ['model'] },
  { key: 'base', label: 'Base', kind: 'value', read: (metadata) => formatValue(object(metadata.model)?.base), covers: [] },
  field('seed', 'Seed'),
  field('steps', 'Steps'),
  field('cfg_scale', 'CFG scale'),
  field('scheduler', 'Scheduler'),
  { key: 'size', label: 'Size', kind: 'value', read: size, covers: ['width', 'height'] },
  { key: 'loras', label: 'LoRAs', kind: 'value', read: (metadata) => formatLoras(metadata.loras), covers: ['loras'] },
];

const COVERED = new Set(KNOWN_FIELDS.flatMap((known) => known.covers));

/** "cfg_rescale_multiplier" -> "Cfg rescale multiplier". */
export function labelOf(key: string): string {
  const words = key.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Rows for these images; a row appears when at least one image has a value for it. */
export function parameterRows(images: readonly IvkImage[]): ParameterRow[] {
  const metadata = images.map((image) => image.metadata ?? {});
  const row = (key: string, label: string, kind: ParameterRow['kind'], read: Reader): ParameterRow | null => {
    const values = images.map((image, at) => read(metadata[at] ?? {}, image));
    if (values.every((value) => value === null)) return null;
    return { key, label, kind, values, differs: values.some((value) => value !== values[0]) };
  };
  const known = KNOWN_FIELDS.map((known) => row(known.key, known.label, known.kind, known.read));
  const otherKeys = [...new Set(metadata.flatMap((json) => Object.keys(json)))].filter((key) => !COVERED.has(key)).sort();
  const others = otherKeys.map((key) => row(key, labelOf(key), 'value', (json) => formatValue(json[key])));
  return [...known, ...others].filter((entry): entry is ParameterRow => entry !== null);
}
