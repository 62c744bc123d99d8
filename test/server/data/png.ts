/**
 * Minimal PNG writing and reading with node:zlib, so generated images are real files that any
 * decoder (PIL, sharp, browsers) accepts, carrying InvokeAI's text chunks.
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A text chunk: tEXt when the value is Latin-1, else iTXt (UTF-8), as PIL's `add_text` does. */
function textChunk(key: string, value: string): Buffer {
  // eslint-disable-next-line no-control-regex
  if (/^[\u0000-\u00ff]*$/.test(value)) {
    return chunk('tEXt', Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]));
  }
  const header = Buffer.concat([Buffer.from(key, 'latin1'), Buffer.from([0, 0, 0, 0, 0])]);
  return chunk('iTXt', Buffer.concat([header, Buffer.from(value, 'utf8')]));
}

export interface RawImage {
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA. */
  channels: 3 | 4;
  /** Row-major pixels, `width * height * channels` bytes. */
  pixels: Uint8Array;
}

export function encodePng(image: RawImage, text: Record<string, string> = {}): Buffer {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  // Filter 1 ("Sub") on every row: cheap, and it makes smooth gradients compress well.
  const filtered = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1);
    const src = y * stride;
    filtered[row] = 1;
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? (pixels[src + x - channels] ?? 0) : 0;
      filtered[row + 1 + x] = ((pixels[src + x] ?? 0) - left) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // RGBA or RGB
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    ...Object.entries(text).map(([key, value]) => textChunk(key, value)),
    chunk('IDAT', deflateSync(filtered, { level: 3 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function isPng(data: Buffer): boolean {
  return data.length > 24 && data.subarray(0, 8).equals(SIGNATURE);
}

/** Every tEXt, zTXt and iTXt chunk as key → text. */
export function readPngText(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isPng(data)) return out;
  let pos = 8;
  while (pos + 12 <= data.length) {
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const body = data.subarray(pos + 8, pos + 8 + length);
    pos += 12 + length;
    const nul = body.indexOf(0);
    if (nul < 0) continue;
    const key = body.toString('latin1', 0, nul);
    try {
      if (type === 'tEXt') out[key] = body.toString('latin1', nul + 1);
      else if (type === 'zTXt') out[key] = inflateSync(body.subarray(nul + 2)).toString('latin1');
      else if (type === 'iTXt') {
        const compressed = body[nul + 1] === 1;
        // Skip the language tag and the translated keyword, each NUL-terminated.
        const langEnd = body.indexOf(0, nul + 3);
        const transEnd = body.indexOf(0, langEnd + 1);
        const textBytes = body.subarray(transEnd + 1);
        out[key] = (compressed ? inflateSync(textBytes) : textBytes).toString('utf8');
      } else if (type === 'IEND') break;
    } catch {
      // A broken text chunk is skipped, as PIL does.
    }
  }
  return out;
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s);
  const q = v * (1 - f * s);
  const t = v * (1 - (1 - f) * s);
  const [r, g, b] = [
    [v, t, p],
    [q, v, p],
    [p, v, t],
    [p, q, v],
    [t, p, v],
    [v, p, q],
  ][((i % 6) + 6) % 6] as [number, number, number];
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

/**
 * A cheap deterministic "landscape" from a 32-bit seed: a sky gradient, a sun and two rolling
 * hills. Each image looks different, thumbnails are recognisable, and it costs a few ms.
 */
export function renderPattern(width: number, height: number, seed: number): RawImage {
  const unit = (shift: number) => ((seed >>> shift) & 0xff) / 255;
  const hue = unit(0);
  const skyTop = hsvToRgb(hue, 0.55, 0.35 + unit(8) * 0.3);
  const skyBottom = hsvToRgb((hue + 0.08) % 1, 0.35, 0.85);
  const sun = hsvToRgb((hue + 0.5) % 1, 0.45, 1);
  const hillFar = hsvToRgb((hue + 0.3 + unit(16) * 0.2) % 1, 0.5, 0.55);
  const hillNear = hsvToRgb((hue + 0.35 + unit(24) * 0.2) % 1, 0.6, 0.35);
  const sunX = width * (0.2 + unit(4) * 0.6);
  const sunY = height * (0.15 + unit(12) * 0.25);
  const sunR = Math.min(width, height) * (0.08 + unit(20) * 0.08);
  const phase = unit(2) * Math.PI * 2;
  const far = new Float64Array(width);
  const near = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    const u = x / width;
    far[x] = height * (0.55 + 0.08 * Math.sin(u * 5 + phase) + 0.04 * Math.sin(u * 13 + phase * 2));
    near[x] = height * (0.72 + 0.07 * Math.sin(u * 3 - phase) + 0.03 * Math.sin(u * 17 + phase));
  }
  const pixels = new Uint8Array(width * height * 3);
  let o = 0;
  for (let y = 0; y < height; y++) {
    const t = y / height;
    const sky = [0, 1, 2].map((c) => Math.round(skyTop[c]! * (1 - t) + skyBottom[c]! * t)) as [number, number, number];
    for (let x = 0; x < width; x++) {
      let color: readonly number[] = sky;
      if (y > (near[x] ?? 0)) color = hillNear;
      else if (y > (far[x] ?? 0)) color = hillFar;
      else if ((x - sunX) ** 2 + (y - sunY) ** 2 < sunR * sunR) color = sun;
      pixels[o++] = color[0]!;
      pixels[o++] = color[1]!;
      pixels[o++] = color[2]!;
    }
  }
  return { width, height, channels: 3, pixels };
}

/** A single-colour image, what InvokeAI's `blank_image` node makes. */
export function renderSolid(
  width: number,
  height: number,
  color: { r: number; g: number; b: number; a: number },
  mode: 'RGB' | 'RGBA',
): RawImage {
  const channels = mode === 'RGBA' ? 4 : 3;
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < pixels.length; i += channels) {
    pixels[i] = color.r;
    pixels[i + 1] = color.g;
    pixels[i + 2] = color.b;
    if (channels === 4) pixels[i + 3] = color.a;
  }
  return { width, height, channels, pixels };
}
