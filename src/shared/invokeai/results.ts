/**
 * Image references inside a node's output. Output classes are many (`image_output` has `image`,
 * `image_collection_output` has `collection`, masks and PBR maps have fields of their own), so
 * every top-level field holding an image reference, or a list of them, counts.
 */
interface ImageRef {
  image_name: string;
}

function isImageRef(value: unknown): value is ImageRef {
  return typeof value === 'object' && value !== null && typeof (value as { image_name?: unknown }).image_name === 'string';
}

/** The image names one node output names, in output order without repeats. */
export function imageNamesInOutput(output: unknown): string[] {
  const names = new Set<string>();
  if (typeof output !== 'object' || output === null) return [];
  for (const value of Object.values(output)) {
    if (isImageRef(value)) names.add(value.image_name);
    else if (Array.isArray(value)) for (const item of value) if (isImageRef(item)) names.add(item.image_name);
  }
  return [...names];
}

/** A video reference inside a node's output (`video_output` has `video: {video_name}`). */
function isVideoRef(value: unknown): value is { video_name: string } {
  return typeof value === 'object' && value !== null && typeof (value as { video_name?: unknown }).video_name === 'string';
}

/** The video names one node output names, in output order without repeats. */
export function videoNamesInOutput(output: unknown): string[] {
  const names = new Set<string>();
  if (typeof output !== 'object' || output === null) return [];
  for (const value of Object.values(output)) {
    if (isVideoRef(value)) names.add(value.video_name);
    else if (Array.isArray(value)) for (const item of value) if (isVideoRef(item)) names.add(item.video_name);
  }
  return [...names];
}
