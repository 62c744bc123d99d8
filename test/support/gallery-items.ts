import type { GalleryItem } from '../../src/shared/ipc';

type ImageItem = Extract<GalleryItem, { kind: 'image' }>;

/**
 * The images of a gallery page, for tests of galleries that hold no videos: a video there is a
 * failure, not something to skip.
 */
export function imagesOnly(items: readonly GalleryItem[]): ImageItem[] {
  return items.map(imageOnly);
}

export function imageOnly(item: GalleryItem): ImageItem {
  if (item.kind !== 'image') throw new Error(`Expected an image, got the video ${item.video_name}`);
  return item;
}

/** The images of a gallery page that may also hold videos (a shared real server's), which are left out. */
export function imageItems(items: readonly GalleryItem[]): ImageItem[] {
  return items.filter((item): item is ImageItem => item.kind === 'image');
}
