/**
 * What a file is, from its first bytes rather than its name: a `.png` may be a PDF, and a
 * photo may lack any extension. Only PNG, JPEG and WebP are uploaded.
 */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp';
  return null;
}

/** Cheap guesses at common non-images, so a refusal can say what the file seems to be. */
const KNOWN_KINDS: readonly { name: string; test: (bytes: Uint8Array) => boolean }[] = [
  { name: 'a PDF document', test: (b) => ascii(b, 0, 5) === '%PDF-' },
  { name: 'a GIF image', test: (b) => ascii(b, 0, 4) === 'GIF8' },
  { name: 'a BMP image', test: (b) => ascii(b, 0, 2) === 'BM' && b.length > 14 },
  { name: 'a TIFF image', test: (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*' },
  {
    name: 'an HEIC or AVIF image',
    test: (b) => ascii(b, 4, 4) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|avif|avis)$/.test(ascii(b, 8, 4)),
  },
  { name: 'a video', test: (b) => ascii(b, 4, 4) === 'ftyp' || startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) },
  { name: 'a ZIP archive (or an Office document)', test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) },
  { name: 'a gzip archive', test: (b) => startsWith(b, [0x1f, 0x8b]) },
  { name: 'a 7-Zip archive', test: (b) => startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) },
  { name: 'a RAR archive', test: (b) => ascii(b, 0, 4) === 'Rar!' },
  {
    name: 'an audio file',
    test: (b) =>
      ascii(b, 0, 3) === 'ID3' ||
      ascii(b, 0, 4) === 'fLaC' ||
      ascii(b, 0, 4) === 'OggS' ||
      (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE'),
  },
  { name: 'a program', test: (b) => ascii(b, 0, 4) === '\x7fELF' || ascii(b, 0, 2) === 'MZ' },
  { name: 'an SVG drawing', test: (b) => /<svg[\s>]/i.test(textHead(b)) },
  { name: 'a web page', test: (b) => /^\s*<(!doctype html|html)/i.test(textHead(b)) },
  { name: 'a text file', test: (b) => isMostlyText(b) },
];

function textHead(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 1024));
}

function isMostlyText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 1024);
  if (head.length === 0) return false;
  let printable = 0;
  for (const byte of head) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte !== 127)) printable++;
  return printable / head.length > 0.95;
}

/** `a PDF document`, or null when the bytes match nothing cheap to recognise. */
export function guessFileKind(bytes: Uint8Array): string | null {
  return KNOWN_KINDS.find((kind) => kind.test(bytes))?.name ?? null;
}

/**
 * Why an image of a known type is incomplete, or null when it ends properly. A file still being
 * copied or cut short by a failed download starts like an image but the server cannot read it.
 */
export function findTruncation(bytes: Uint8Array, type: ImageType): string | null {
  switch (type) {
    case 'image/png':
      return pngEnds(bytes) ? null : 'The PNG image is cut short (its end chunk is missing)';
    case 'image/jpeg':
      return jpegEnds(bytes) ? null : 'The JPEG image is cut short (its end marker is missing)';
    case 'image/webp':
      return webpEnds(bytes) ? null : 'The WebP image is cut short (it is smaller than its header says)';
  }
}

/** Walks the chunk list (length, type, data, CRC) to the IEND chunk. */
function pngEnds(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = PNG_SIGNATURE.length;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = ascii(bytes, offset + 4, 4);
    const next = offset + 12 + length;
    if (next > bytes.length) return false;
    if (type === 'IEND') return true;
    offset = next;
  }
  return false;
}

/**
 * Walks the marker segments to the end-of-image marker. Segments are skipped by their length,
 * so an EXIF thumbnail's own end marker inside APP1 does not count; inside entropy-coded data a
 * 0xFF is followed by 0x00 (stuffing), a restart marker, or a real marker.
 */
function jpegEnds(bytes: Uint8Array): boolean {
  let offset = 2;
  while (offset + 1 < bytes.length) {
    if (bytes[offset] !== 0xff) {
      offset = bytes.indexOf(0xff, offset);
      if (offset < 0) return false;
      continue;
    }
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xd9) return true;
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += marker === 0xff ? 1 : 2;
      continue;
    }
    if (offset + 3 >= bytes.length) return false;
    const length = ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0);
    offset += 2 + length;
  }
  return false;
}

/** The RIFF header gives the size of everything after its first 8 bytes. */
function webpEnds(bytes: Uint8Array): boolean {
  if (bytes.length < 12) return false;
  const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  return bytes.length >= 8 + size;
}

/** How far into a file the server looks for the `ftyp` box (its `_is_mp4_file`). */
const MP4_SEARCH_LIMIT = 64 * 1024;

/**
 * An MP4's major brand, found the way InvokeAI 6.14 checks uploads: walk the top-level boxes in
 * the first 64 KB to the `ftyp` box. Null when there is none (not an ISO media file).
 */
export function mp4MajorBrand(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const limit = Math.min(bytes.length, MP4_SEARCH_LIMIT);
  let position = 0;
  while (position + 8 <= limit) {
    let size = view.getUint32(position);
    let header = 8;
    if (size === 1) {
      if (position + 16 > bytes.length) return null;
      size = Number(view.getBigUint64(position + 8));
      header = 16;
    }
    if (size < header) return null;
    if (ascii(bytes, position + 4, 4) === 'ftyp') {
      return position + header + 4 <= bytes.length ? ascii(bytes, position + header, 4) : null;
    }
    position += size;
  }
  return null;
}

/** HEIC and AVIF images are ISO media files too, with brands of their own. */
const IMAGE_BRANDS = new Set(['heic', 'heix', 'hevc', 'mif1', 'msf1', 'avif', 'avis']);

/**
 * An MP4 the server takes: an `ftyp` box whose brand is not QuickTime's (`qt  `, refused with
 * 415) nor a still image's. Whether its track is H.264 only the server's decoder says.
 */
export function isMp4(bytes: Uint8Array): boolean {
  const brand = mp4MajorBrand(bytes);
  return brand !== null && brand !== 'qt  ' && !IMAGE_BRANDS.has(brand);
}

/** The media type of a cached thumbnail, image or video, from its bytes. */
export function sniffMediaType(bytes: Uint8Array): ImageType | 'video/mp4' | null {
  return sniffImageType(bytes) ?? (isMp4(bytes) ? 'video/mp4' : null);
}
