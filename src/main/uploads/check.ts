import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { findTruncation, guessFileKind, sniffImageType, type ImageType } from './sniff';

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export type UploadCheck =
  | { ok: true; bytes: Uint8Array; contentType: ImageType; fileName: string }
  /** `reason` is a sentence for the user, without the file's name (shown beside it). */
  | { ok: false; reason: string };

export interface UploadCheckOptions {
  /** Files above this many bytes are refused before reading them; default 50 MB. */
  maxBytes?: number;
}

const ONLY = 'Only PNG, JPEG and WebP images can be uploaded.';

/**
 * Whether a file on disk can be uploaded, decided locally so that a bad file is refused with a
 * clear reason instead of costing a round trip and a vague 415. The type comes from the bytes.
 */
export async function checkUploadFile(path: string, options: UploadCheckOptions = {}): Promise<UploadCheck> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  let bytes: Uint8Array;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return refuse('It is a folder, not a file.');
    if (!info.isFile()) return refuse('It is not a regular file.');
    if (info.size === 0) return refuse('The file is empty.');
    if (info.size > maxBytes) return refuse(tooLarge(info.size, maxBytes));
    bytes = await readFile(path);
  } catch (error) {
    return refuse(readFailure(error));
  }
  // The file may have changed between stat and read.
  if (bytes.length === 0) return refuse('The file is empty.');
  if (bytes.length > maxBytes) return refuse(tooLarge(bytes.length, maxBytes));

  const contentType = sniffImageType(bytes);
  if (!contentType) {
    const kind = guessFileKind(bytes);
    return refuse(kind ? `It looks like ${kind}, not an image. ${ONLY}` : `It is not a PNG, JPEG or WebP image. ${ONLY}`);
  }
  const truncation = findTruncation(bytes, contentType);
  if (truncation) return refuse(`${truncation}: the file may be damaged or still being copied.`);
  return { ok: true, bytes, contentType, fileName: basename(path) };
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
  return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
}

function readFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'The file was not found: it may have been moved or deleted.';
  if (code === 'EACCES' || code === 'EPERM') return 'The file cannot be read: permission denied.';
  if (code === 'EISDIR') return 'It is a folder, not a file.';
  return `The file cannot be read (${error instanceof Error ? error.message : String(error)}).`;
}
