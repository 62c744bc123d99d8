import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUploadFile } from '../../../src/main/uploads/check';
import { makeFixtures, type Fixtures } from '../../fixtures/images';
import { writeMp4, writeQuickTime } from '../../support/mp4';

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
      'It looks like a PDF document, not an image. Only PNG, JPEG and WebP images and MP4 videos can be uploaded.',
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

describe('checkUploadFile on videos', () => {
  const mp4 = writeMp4({ width: 64, height: 48, frames: 12, fps: 6 });
  const write = async (name: string, bytes: Uint8Array) => {
    const path = join(files.dir, name);
    await writeFile(path, bytes);
    return path;
  };

  it('accepts an MP4 (an ftyp box not branded QuickTime) as video/mp4, whatever its name', async () => {
    const check = await checkUploadFile(await write('clip.bin', mp4));
    expect(check.ok && check.contentType).toBe('video/mp4');
    expect(check.ok && Buffer.from(check.bytes).equals(mp4)).toBe(true);
  });

  it('lets an MP4 past the image limit up to the video limit, and refuses it above with both sizes', async () => {
    const path = await write('big.mp4', mp4);
    const above = mp4.length - 1;
    expect((await checkUploadFile(path, { maxBytes: 100, maxVideoBytes: mp4.length })).ok).toBe(true);
    const refusal = await checkUploadFile(path, { maxBytes: 100, maxVideoBytes: above });
    expect(!refusal.ok && refusal.reason).toBe(
      `The file is ${Number((mp4.length / 1024).toFixed(1))} KB; the upload limit is ${Number((above / 1024).toFixed(1))} KB.`,
    );
    // An image is held to the image limit whatever the video limit.
    expect(await reason(files.png, 100)).toMatch(/the upload limit is 100 bytes/);
  });

  it('refuses a QuickTime movie with its name, as the server would with 415', async () => {
    const path = await write('movie.mp4', writeQuickTime({ width: 16, height: 16, frames: 2, fps: 2 }));
    expect(await reason(path)).toBe(
      'It is a QuickTime movie, not an MP4 video. Only PNG, JPEG and WebP images and MP4 videos can be uploaded.',
    );
  });
});
