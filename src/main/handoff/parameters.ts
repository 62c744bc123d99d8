import { itemName, type ImageDetails } from '../../shared/ipc';

/**
 * "Copy all parameters": the generation settings as plain text, one `Label: value` a line, the
 * fields people paste into a chat or a note first, then every other simple field of the
 * metadata so nothing the server recorded is lost. Empty fields are left out.
 */
const KNOWN = new Set(['positive_prompt', 'negative_prompt', 'seed', 'model', 'steps', 'cfg_scale', 'scheduler', 'width', 'height']);

export function parametersText(details: ImageDetails): string {
  const { image } = details;
  const lines: [string, unknown][] = [
    ['Prompt', details.positive_prompt],
    ['Negative prompt', details.negative_prompt],
    ['Model', details.model_name && (details.model_base ? `${details.model_name} (${details.model_base})` : details.model_name)],
    ['Seed', details.seed],
    ['Steps', details.steps],
    ['CFG scale', details.cfg_scale],
    ['Scheduler', details.scheduler],
    ['Size', image.width && image.height ? `${image.width}x${image.height}` : null],
  ];
  const loras = image.metadata?.loras;
  if (Array.isArray(loras) && loras.length) {
    lines.push(['LoRAs', loras.map(loraText).filter(Boolean).join(', ')]);
  }
  for (const [key, value] of Object.entries(image.metadata ?? {})) {
    if (KNOWN.has(key) || key === 'loras') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') lines.push([key, value]);
  }
  lines.push([image.kind === 'video' ? 'Video' : 'Image', itemName(image)]);
  return lines
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([label, value]) => `${label}: ${String(value)}`)
    .join('\n');
}

function loraText(lora: unknown): string {
  if (typeof lora !== 'object' || lora === null) return '';
  const { model, weight } = lora as { model?: { name?: unknown; key?: unknown }; weight?: unknown };
  const name = typeof model?.name === 'string' ? model.name : typeof model?.key === 'string' ? model.key : '';
  if (!name) return '';
  return typeof weight === 'number' ? `${name} @ ${weight}` : name;
}
