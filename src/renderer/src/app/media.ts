import type { MediaBase } from './appSlice';

export function thumbnailUrl(media: MediaBase, imageName: string): string {
  return `${media.thumbnails}${encodeURIComponent(imageName)}`;
}

export function imageUrl(media: MediaBase, imageName: string): string {
  return `${media.images}${encodeURIComponent(imageName)}`;
}
