import { describe, expect, it } from 'vitest';
import { outputImageNames, outputVideoNames } from '../../../src/main/api/invocation-outputs';
import { StatusOrder } from '../../../src/main/api/status-order';

const node = (type: string) => ({ id: 'n1', type });

describe('outputImageNames', () => {
  it('reads the image of an image_output', () => {
    const result = { type: 'image_output', image: { image_name: 'a.png' }, width: 64, height: 64, output_meta: null };
    expect(outputImageNames({ invocation: node('blank_image'), result })).toEqual(['a.png']);
  });

  it('reads every image of a collection, once each', () => {
    const result = {
      type: 'image_collection_output',
      collection: [{ image_name: 'a.png' }, { image_name: 'b.png' }, { image_name: 'a.png' }],
    };
    expect(outputImageNames({ invocation: node('image_collection'), result })).toEqual(['a.png', 'b.png']);
  });

  it('reads outputs with several image fields', () => {
    const result = { type: 'face_mask_output', image: { image_name: 'img.png' }, mask: { image_name: 'mask.png' }, width: 8, height: 8 };
    expect(outputImageNames({ invocation: node('face_mask_detection'), result })).toEqual(['img.png', 'mask.png']);
  });

  it('ignores pass-through nodes, whose image already exists', () => {
    const result = { type: 'image_output', image: { image_name: 'old.png' }, width: 1, height: 1 };
    for (const type of ['load_image', 'image', 'video']) expect(outputImageNames({ invocation: node(type), result })).toEqual([]);
  });

  it('finds nothing in outputs without images', () => {
    expect(outputImageNames({ invocation: node('integer'), result: { type: 'integer_output', value: 3 } })).toEqual([]);
    expect(outputImageNames({ invocation: node('l2i'), result: { type: 'latents_output', latents: { latents_name: 'x' } } })).toEqual([]);
  });
});

describe('outputVideoNames', () => {
  // 6.14.2's VideoOutput as Concatenate Videos sends it (output_meta from BaseInvocationOutput).
  const result = {
    type: 'video_output',
    video: { video_name: 'v.mp4' },
    width: 64,
    height: 48,
    num_frames: 24,
    fps: 8,
    duration: 3,
    output_meta: null,
  };

  it('reads the video of a video_output, and no image from it', () => {
    expect(outputVideoNames({ invocation: node('video_concat'), result })).toEqual(['v.mp4']);
    expect(outputImageNames({ invocation: node('video_concat'), result })).toEqual([]);
  });

  it('ignores the Video primitive, which passes an existing video along', () => {
    expect(outputVideoNames({ invocation: node('video'), result })).toEqual([]);
  });

  it('finds no video in an image output', () => {
    const image = { type: 'image_output', image: { image_name: 'a.png' }, width: 64, height: 64, output_meta: null };
    expect(outputVideoNames({ invocation: node('blank_image'), result: image })).toEqual([]);
  });
});

describe('StatusOrder', () => {
  it('drops a status change older than one already seen for the item', () => {
    const order = new StatusOrder();
    expect(order.accept(1, 1)).toBe(true);
    expect(order.accept(1, 3)).toBe(true);
    expect(order.accept(1, 2)).toBe(false);
    expect(order.accept(1, 3)).toBe(false);
    expect(order.accept(2, 1)).toBe(true);
  });

  it('lets events without a sequence through (servers before 6.13)', () => {
    const order = new StatusOrder();
    expect(order.accept(1, 5)).toBe(true);
    expect(order.accept(1, null)).toBe(true);
    expect(order.accept(1, undefined)).toBe(true);
  });

  it('forgets the least recently updated items beyond its capacity', () => {
    const order = new StatusOrder(2);
    order.accept(1, 5);
    order.accept(2, 5);
    order.accept(3, 5);
    expect(order.accept(1, 1)).toBe(true);
    expect(order.accept(3, 1)).toBe(false);
  });

  it('starts over after a reset', () => {
    const order = new StatusOrder();
    order.accept(1, 5);
    order.reset();
    expect(order.accept(1, 1)).toBe(true);
  });
});
