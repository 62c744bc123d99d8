import type { InvocationCompleteEvent } from '../../shared/invokeai/events';

/**
 * Node types that only pass an existing image along: their output names an image that is
 * already in the gallery, not a new one.
 */
const PASS_THROUGH = new Set(['load_image', 'image', 'video']);

interface ImageRef {
  image_name: string;
}

function isImageRef(value: unknown): value is ImageRef {
  return typeof value === 'object' && value !== null && typeof (value as { image_name?: unknown }).image_name === 'string';
}

/**
 * The names of the images a finished node produced, in output order without repeats. Output
 * classes are many (`image_output` has `image`, `image_collection_output` has `collection`,
 * masks and PBR maps have fields of their own), so every top-level field holding an image
 * reference, or a list of them, counts.
 */
export function outputImageNames(event: Pick<InvocationCompleteEvent, 'invocation' | 'result'>): string[] {
  if (PASS_THROUGH.has(event.invocation.type)) return [];
  const names = new Set<string>();
  for (const value of Object.values(event.result)) {
    if (isImageRef(value)) names.add(value.image_name);
    else if (Array.isArray(value)) for (const item of value) if (isImageRef(item)) names.add(item.image_name);
  }
  return [...names];
}
