import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUploadFile } from '../../../src/main/uploads/check';
import { makeFixtures, type Fixtures } from '../../fixtures/images';

let files: Fixtures;
beforeAll(async () => {
  files = await makeFixtures();
});
afterAll(async () => {
  await rm(files.dir, { recursive: true, force: true });
});

async function reason(path: string, maxBytes?: number): Promise<string> {
  const check = await checkUploadFile(path, maxBytes === undefined ? {} : { maxBytes });
  if (check.ok) throw new Error(`${path} was accepted`);
  return check.reason;
}

describe('checkUploadFile', () => {
  it('accepts PNG, JPEG and WebP with the type read from the bytes', async () => {
    for (const [path, type] of [
      [files.png, 'image/png'],
      [files.jpeg, 'image/jpeg'],
      [files.webp, 'image/webp'],
      [files.jpegNoExtension, 'image/jpeg'],
    ] as const) {
      const check = await checkUploadFile(path);
      expect(check.ok && check.contentType).toBe(type);
      expect(check.ok && check.bytes.length).toBeGreaterThan(0);
    }
  });

  it('keeps the file name for the upload', async () => {
    const check = await checkUploadFile(files.jpegNoExtension);
    expect(check.ok && check.fileName).toBe('photo-without-extension');
  });

  it('refuses a PDF renamed .png, saying what it looks like', async () => {
    expect(await reason(files.pdfAsPng)).toBe(
      'It looks like a PDF document, not an image. Only PNG, JPEG and WebP images can be uploaded.',
    );
  });

  it('refuses a text file named .jpg', async () => {
    expect(await reason(files.textAsJpg)).toMatch(/looks like a text file, not an image/);
  });

  it('refuses truncated images as damaged or still copying', async () => {
    expect(await reason(files.truncatedPng)).toMatch(/PNG image is cut short.*damaged or still being copied/);
    expect(await reason(files.truncatedJpeg)).toMatch(/JPEG image is cut short/);
    expect(await reason(files.truncatedJpegWithThumbnail)).toMatch(/JPEG image is cut short/);
    expect(await reason(files.truncatedWebp)).toMatch(/WebP image is cut short/);
  });

  it('refuses empty files, folders and missing files in words', async () => {
    expect(await reason(files.empty)).toBe('The file is empty.');
    expect(await reason(files.folder)).toBe('It is a folder, not a file.');
    expect(await reason(files.missing)).toBe('The file was not found: it may have been moved or deleted.');
  });

  it('refuses a file over the limit, naming both sizes', async () => {
    expect(await reason(files.png, 100)).toMatch(/^The file is \d+ bytes; the upload limit is 100 bytes\.$/);
  });
});
