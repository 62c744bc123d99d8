import type { InvocationCompleteEvent } from '../../shared/invokeai/events';
import { imageNamesInOutput, videoNamesInOutput } from '../../shared/invokeai/results';

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

/**
 * The names of the videos a finished node produced (6.14: `video_output` of Concatenate Videos,
 * Extract Video Range, Wan latents to video); the Video primitive only passes one along.
 */
export function outputVideoNames(event: Pick<InvocationCompleteEvent, 'invocation' | 'result'>): string[] {
  if (PASS_THROUGH.has(event.invocation.type)) return [];
  return videoNamesInOutput(event.result);
}
