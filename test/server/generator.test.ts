import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { validateComponent } from '../support/openapi';
import { generateGallery, renderPng } from './data/gallery';
import { readPngText } from './data/png';

describe('generateGallery', () => {
  const gallery = generateGallery({ seed: 4, images: 3000, queueItems: 300 });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(JSON.stringify(generateGallery({ seed: 4, images: 3000, queueItems: 300 }))).toBe(JSON.stringify(gallery));
    expect(generateGallery({ seed: 5, images: 10 }).images[0]!.image_name).not.toBe(gallery.images[0]!.image_name);
  });

  it('covers every category, stars, intermediates, Uncategorized and one archived board', () => {
    const cats = new Set(gallery.images.map((i) => i.image_category));
    expect([...cats].sort()).toEqual(['control', 'general', 'mask', 'other', 'user']);
    expect(gallery.images.some((i) => i.starred)).toBe(true);
    expect(gallery.images.some((i) => i.is_intermediate)).toBe(true);
    expect(gallery.images.some((i) => i.board_id === null)).toBe(true);
    expect(gallery.boards.filter((b) => b.archived)).toHaveLength(1);
    expect(gallery.images.some((i) => i.image_origin === 'external')).toBe(true);
    const times = gallery.images.map((i) => i.created_at);
    expect(times).toEqual([...times].sort());
    const spanDays = (Date.parse(`${times.at(-1)!.replace(' ', 'T')}Z`) - Date.parse(`${times[0]!.replace(' ', 'T')}Z`)) / 86_400_000;
    expect(spanDays).toBeGreaterThan(90);
    expect(times[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
  });

  it('makes varied prompts and valid model references', () => {
    const generated = gallery.images.filter((i) => i.metadata);
    const prompts = new Set(generated.map((i) => i.metadata!.positive_prompt));
    expect(prompts.size).toBeGreaterThan(generated.length * 0.9);
    const keys = new Set(gallery.models.map((m) => m.key));
    for (const i of generated) expect(keys).toContain(i.metadata!.model.key);
    for (const m of gallery.models) expect(validateComponent('ModelsList', { models: [m] }).errors).toEqual([]);
  });

  it('queue items come in every status, completed ones linked to images, failed ones with errors', () => {
    const statuses = new Set(gallery.queueItems.map((q) => q.status));
    for (const s of ['pending', 'in_progress', 'completed', 'failed', 'canceled']) expect(statuses).toContain(s);
    const byName = new Map(gallery.images.map((i) => [i.image_name, i]));
    for (const q of gallery.queueItems) {
      if (q.status === 'completed' && q.output_image) expect(byName.get(q.output_image)!.session_id).toBe(q.session_id);
      if (q.status === 'failed') expect(q.error_type && q.error_message && q.error_traceback).toBeTruthy();
    }
    expect(gallery.queueItems.map((q) => q.item_id)).toEqual(gallery.queueItems.map((_, i) => i + 1));
  });

  it('renders real PNGs with the invokeai_metadata chunk', async () => {
    const image = gallery.images.find((i) => i.metadata)!;
    const png = renderPng(image);
    expect(renderPng(image).equals(png)).toBe(true);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', image.width, image.height]);
    expect(JSON.parse(readPngText(png).invokeai_metadata!)).toEqual(image.metadata);
  });
});
