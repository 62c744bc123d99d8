import type { InvocationCompleteEvent } from '../../shared/invokeai/events';
import { imageNamesInOutput } from '../../shared/invokeai/results';

/**
 * Node types that only pass an existing image along: their output names an image that is
 * already in the gallery, not a new one.
 */
const PASS_THROUGH = new Set(['load_image', 'image', 'video']);

/** The names of the images a finished node produced, in output order without repeats. */
export function outputImageNames(event: Pick<InvocationCompleteEvent, 'invocation' | 'result'>): string[] {
  if (PASS_THROUGH.has(event.invocation.type)) return [];
  return imageNamesInOutput(event.result);
}
