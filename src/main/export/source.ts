import type { ExportSource } from '../../shared/ipc';
import type { GalleryQuery } from '../../shared/ipc';

/** The most images one export takes: "all in this view" of a 100k gallery and then some. */
export const MAX_EXPORT = 200_000;

/** The image names an export source stands for: a selection as it is, or a whole view but its exceptions. */
export function resolveSource(source: ExportSource, listNames: (query: GalleryQuery, limit: number) => string[]): string[] {
  if (source.kind === 'names') return [...source.image_names];
  const except = new Set(source.except);
  return listNames(source.query, MAX_EXPORT).filter((name) => !except.has(name));
}
