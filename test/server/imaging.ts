/**
 * Image bytes on demand: full PNGs are drawn from each record's pixel source when asked for, and
 * both PNGs and WebP thumbnails sit in bounded LRU caches, so memory stays flat at 100k images.
 */
import sharp, { type Sharp } from 'sharp';
import { encodePng, renderPattern, renderSolid, type RawImage } from './data/png';
import type { GalleryStore, ImageRecord } from './store';

export class Lru<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

export const THUMBNAIL_SIZE = 256;

/**
 * The size PIL's `Image.thumbnail((256, 256))` gives: unchanged when it already fits, else the
 * long side becomes 256 and the short side is whichever of floor/ceil keeps the aspect ratio
 * closest (at least 1). sharp's own rounding differs on thin images (513×7 → 256×3, PIL says 4).
 */
export function thumbnailSize(width: number, height: number, box = THUMBNAIL_SIZE): { width: number; height: number } {
  if (width <= box && height <= box) return { width, height };
  const aspect = width / height;
  const closest = (value: number, error: (n: number) => number): number => {
    const [lo, hi] = [Math.floor(value), Math.ceil(value)];
    return Math.max(error(lo) <= error(hi) ? lo : hi, 1);
  };
  if (aspect >= 1) return { width: box, height: closest(box / aspect, (n) => (n === 0 ? Infinity : Math.abs(aspect - box / n))) };
  return { width: closest(box * aspect, (n) => Math.abs(aspect - n / box)), height: box };
}

export class ImageFiles {
  private readonly full = new Lru<Buffer>(256);
  private readonly thumbs = new Lru<Buffer>(4096);
  private readonly pendingThumbs = new Map<string, Promise<Buffer>>();

  constructor(private readonly store: GalleryStore) {}

  /** The PNG file, with the text chunks InvokeAI writes. */
  png(r: ImageRecord): Buffer {
    if (r.source.kind === 'file') return r.source.png;
    const cached = this.full.get(r.image_name);
    if (cached) return cached;
    const text: Record<string, string> = {};
    if (r.metadata !== null) text.invokeai_metadata = r.metadata;
    const workflow = this.store.workflowOf(r);
    if (workflow !== null) text.invokeai_workflow = workflow;
    const graph = this.store.graphOf(r);
    if (graph !== null) text.invokeai_graph = graph;
    const raw =
      r.source.kind === 'pattern'
        ? renderPattern(r.width, r.height, r.source.seed)
        : renderSolid(r.width, r.height, r.source.color, r.source.mode);
    const png = encodePng(raw, text);
    this.full.set(r.image_name, png);
    return png;
  }

  /** A WebP that fits in 256×256, keeping the aspect ratio and never upscaling (PIL `thumbnail`). */
  async thumbnail(r: ImageRecord): Promise<Buffer> {
    const cached = this.thumbs.get(r.image_name);
    if (cached) return cached;
    const pending = this.pendingThumbs.get(r.image_name);
    if (pending) return pending;
    const work = this.thumbnailPipeline(r)
      .webp({ quality: 80 })
      .toBuffer()
      .then((webp: Buffer) => {
        this.thumbs.set(r.image_name, webp);
        return webp;
      })
      .finally(() => this.pendingThumbs.delete(r.image_name));
    this.pendingThumbs.set(r.image_name, work);
    return work;
  }

  /**
   * Drawn images are re-drawn straight at thumbnail size (the pattern does not depend on
   * resolution), which is much cheaper than drawing, encoding, decoding and shrinking the full PNG.
   */
  private thumbnailPipeline(r: ImageRecord): Sharp {
    const { width, height } = thumbnailSize(r.width, r.height);
    if (r.source.kind === 'file') return sharp(r.source.png).resize(width, height, { fit: 'fill' });
    const raw =
      r.source.kind === 'pattern' ? renderPattern(width, height, r.source.seed) : renderSolid(width, height, r.source.color, r.source.mode);
    return sharp(raw.pixels, { raw: { width, height, channels: raw.channels } });
  }

  forget(name: string): void {
    this.full.delete(name);
    this.thumbs.delete(name);
  }
}

/** Decodes any image sharp can read to 8-bit RGB(A) pixels; undefined when unreadable (PIL's 415). */
export async function decodeImage(data: Buffer): Promise<RawImage | undefined> {
  try {
    const { data: pixels, info } = await sharp(data).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 && info.channels !== 4) return undefined;
    return { width: info.width, height: info.height, channels: info.channels, pixels };
  } catch {
    return undefined;
  }
}

/** Resizes to exactly width×height, as the upload's `resize_to` does. */
export async function resizeTo(image: RawImage, width: number, height: number): Promise<RawImage> {
  const { data, info } = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .resize(width, height, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: image.channels, pixels: data };
}

/** Crops to the bounding box of non-transparent pixels (the upload's `crop_visible`). */
export function cropVisible(image: RawImage): RawImage {
  if (image.channels !== 4) return image;
  let [left, top, right, bottom] = [image.width, image.height, -1, -1];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if ((image.pixels[(y * image.width + x) * 4 + 3] ?? 0) === 0) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  if (right < 0) return image;
  const width = right - left + 1;
  const height = bottom - top + 1;
  const pixels = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * image.width + left) * 4;
    pixels.set(image.pixels.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, channels: 4, pixels };
}
