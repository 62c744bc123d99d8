import { describe, expect, it } from 'vitest';
import { findTruncation, guessFileKind, sniffImageType } from '../../../src/main/uploads/sniff';
import { imageBytes, PDF_BYTES, withFakeExifThumbnail } from '../../fixtures/images';

const text = (s: string) => new TextEncoder().encode(s);

describe('sniffImageType', () => {
  it('recognises PNG, JPEG and WebP by their bytes', async () => {
    expect(sniffImageType(await imageBytes('png'))).toBe('image/png');
    expect(sniffImageType(await imageBytes('jpeg'))).toBe('image/jpeg');
    expect(sniffImageType(await imageBytes('webp'))).toBe('image/webp');
  });

  it('says nothing about other formats, whatever they are called', () => {
    expect(sniffImageType(PDF_BYTES)).toBeNull();
    expect(sniffImageType(text('GIF89a....'))).toBeNull();
    expect(sniffImageType(text('RIFF\x24\x00\x00\x00WAVEfmt '))).toBeNull();
    expect(sniffImageType(new Uint8Array())).toBeNull();
    expect(sniffImageType(new Uint8Array([0x89, 0x50]))).toBeNull();
  });
});

describe('guessFileKind', () => {
  it('names common non-images so a refusal can say what the file looks like', () => {
    expect(guessFileKind(PDF_BYTES)).toBe('a PDF document');
    expect(guessFileKind(text('GIF89a\x01\x00'))).toBe('a GIF image');
    expect(guessFileKind(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0]))).toMatch(/ZIP/);
    expect(guessFileKind(text('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe('an SVG drawing');
    expect(guessFileKind(text('<!DOCTYPE html><html></html>'))).toBe('a web page');
    expect(guessFileKind(text('hello, world\n'))).toBe('a text file');
    expect(guessFileKind(new Uint8Array([0, 1, 2, 3, 250, 251, 0, 7]))).toBeNull();
  });
});

describe('findTruncation', () => {
  it('accepts complete images', async () => {
    expect(findTruncation(await imageBytes('png'), 'image/png')).toBeNull();
    expect(findTruncation(await imageBytes('jpeg'), 'image/jpeg')).toBeNull();
    expect(findTruncation(await imageBytes('webp'), 'image/webp')).toBeNull();
  });

  it('finds a PNG without its IEND chunk', async () => {
    const png = await imageBytes('png');
    expect(findTruncation(png.subarray(0, png.length - 12), 'image/png')).toMatch(/PNG image is cut short/);
    expect(findTruncation(png.subarray(0, 40), 'image/png')).toMatch(/cut short/);
  });

  it('finds a JPEG without its end marker', async () => {
    const jpeg = await imageBytes('jpeg');
    expect(findTruncation(jpeg.subarray(0, jpeg.length - 2), 'image/jpeg')).toMatch(/JPEG image is cut short/);
  });

  it('is not fooled by an end marker inside an embedded thumbnail', async () => {
    const jpeg = withFakeExifThumbnail(await imageBytes('jpeg'));
    expect(findTruncation(jpeg, 'image/jpeg')).toBeNull();
    expect(findTruncation(jpeg.subarray(0, jpeg.length - 40), 'image/jpeg')).toMatch(/cut short/);
  });

  it('finds a WebP shorter than its RIFF header says', async () => {
    const webp = await imageBytes('webp');
    expect(findTruncation(webp.subarray(0, webp.length - 1), 'image/webp')).toMatch(/WebP image is cut short/);
  });
});
