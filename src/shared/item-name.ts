import type { GalleryItem } from './ipc';

/**
 * The item's name: what selections, actions, menus and media URLs key on. A module of its own
 * (ipc.ts re-exports it) so the renderer's boot script can read names without loading zod.
 */
export function itemName(item: GalleryItem): string {
  return item.kind === 'video' ? item.video_name : item.image_name;
}
