import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { findTruncation, guessFileKind, isMp4, mp4MajorBrand, sniffImageType, type ImageType } from './sniff';

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
/** InvokeAI 6.14's own cap on a video upload (`MAX_UPLOAD_SIZE`, a 413 above it). */
export const DEFAULT_MAX_VIDEO_BYTES = 1024 * 1024 * 1024;

export type UploadCheck =
  | { ok: true; bytes: Uint8Array; contentType: ImageType | 'video/mp4'; fileName: string }
  /** `reason` is a sentence for the user, without the file's name (shown beside it). */
  | { ok: false; reason: string };

export interface UploadCheckOptions {
  /** Images above this many bytes are refused before reading them; default 50 MB. */
  maxBytes?: number;
  /** MP4 videos above this many bytes are refused before reading them; default 1 GB, the server's cap. */
  maxVideoBytes?: number;
}

const ONLY = 'Only PNG, JPEG and WebP images and MP4 videos can be uploaded.';
/** Enough of a file to find an MP4's `ftyp` box the way the server does. */
const HEAD_BYTES = 64 * 1024;

/**
 * Whether a file on disk can be uploaded, decided locally so that a bad file is refused with a
 * clear reason instead of costing a round trip and a vague 415. The type comes from the bytes.
 */
export async function checkUploadFile(path: string, options: UploadCheckOptions = {}): Promise<UploadCheck> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const maxVideoBytes = options.maxVideoBytes ?? DEFAULT_MAX_VIDEO_BYTES;
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return refuse('It is a folder, not a file.');
    if (!info.isFile()) return refuse('It is not a regular file.');
    if (info.size === 0) return refuse('The file is empty.');
    // Only an MP4 may be larger than an image: its head says which it is before all is read.
    if (info.size > maxBytes) {
      if (!isMp4(await readHead(path))) return refuse(tooLarge(info.size, maxBytes));
      if (info.size > maxVideoBytes) return refuse(tooLarge(info.size, maxVideoBytes));
    }
    bytes = await readFile(path);
  } catch (error) {
    return refuse(readFailure(error));
  }
  // The file may have changed between stat and read.
  if (bytes.length === 0) return refuse('The file is empty.');
  if (isMp4(bytes)) {
    if (bytes.length > maxVideoBytes) return refuse(tooLarge(bytes.length, maxVideoBytes));
    return { ok: true, bytes, contentType: 'video/mp4', fileName: basename(path) };
  }
  if (bytes.length > maxBytes) return refuse(tooLarge(bytes.length, maxBytes));

  const contentType = sniffImageType(bytes);
  if (!contentType) {
    if (mp4MajorBrand(bytes) === 'qt  ') return refuse(`It is a QuickTime movie, not an MP4 video. ${ONLY}`);
    const kind = guessFileKind(bytes);
    return refuse(kind ? `It looks like ${kind}, not an image. ${ONLY}` : `It is not a PNG, JPEG or WebP image. ${ONLY}`);
  }
  const truncation = findTruncation(bytes, contentType);
  if (truncation) return refuse(`${truncation}: the file may be damaged or still being copied.`);
  return { ok: true, bytes, contentType, fileName: basename(path) };
}

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(HEAD_BYTES), 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function refuse(reason: string): UploadCheck {
  return { ok: false, reason };
}

function tooLarge(size: number, maxBytes: number): string {
  return `The file is ${formatSize(size)}; the upload limit is ${formatSize(maxBytes)}.`;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  return `${Number((bytes / 1024 / 1024 / 1024).toFixed(1))} GB`;
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'The file was not found: it may have been moved or deleted.';
  if (code === 'EACCES' || code === 'EPERM') return 'The file cannot be read: permission denied.';
  if (code === 'EISDIR') return 'It is a folder, not a file.';
  return `The file cannot be read (${error instanceof Error ? error.message : String(error)}).`;
}
