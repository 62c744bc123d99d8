/**
 * What the stand-in learns from an uploaded video, in place of the real server's ffmpeg probe:
 * the container check of 6.14.2's `_is_mp4_file` (the first `ftyp` box within 64 KiB, any major
 * brand but QuickTime's `qt  `), then width, height, duration, frame rate and codec from the MP4's
 * boxes, and the first frame's pixels when the stream is the I_PCM H.264 that the tests' writer
 * (test/support/mp4.ts) makes. A general H.264 decoder is out of scope: other H.264 streams get no
 * first frame, and the stand-in shows a neutral thumbnail for them.
 */
import type { RawImage } from './data/png';

/** 6.14.2's container check, byte for byte: walk top-level boxes in the first 64 KiB to `ftyp`. */
export function isMp4File(file: Buffer): boolean {
  const limit = Math.min(file.length, 64 * 1024);
  let position = 0;
  while (position + 8 <= limit) {
    let size = file.readUInt32BE(position);
    const type = file.toString('latin1', position + 4, position + 8);
    let header = 8;
    if (size === 1) {
      if (position + 16 > file.length) return false;
      size = Number(file.readBigUInt64BE(position + 8));
      header = 16;
    }
    if (size < header) return false;
    if (type === 'ftyp') {
      const brand = file.subarray(position + header, position + header + 4);
      return brand.length === 4 && brand.toString('latin1') !== 'qt  ';
    }
    position += size;
  }
  return false;
}

export interface VideoProbe {
  width: number;
  height: number;
  /** Seconds, from the media header (mdhd duration / timescale). */
  duration: number;
  /** Frames a second (samples / duration), or null when the track has no duration. */
  fps: number | null;
  /** `h264` for an avc1/avc3 sample entry, else the entry's four-character code. */
  codec: string;
  /** Every sample's bytes, for the first-frame decoder. */
  samples: Buffer[];
  /** The avcC's SPS and PPS, when the track is H.264. */
  avcC: Buffer | null;
}

interface Box {
  type: string;
  /** The payload (after the header). */
  body: Buffer;
}

function boxes(data: Buffer): Box[] {
  const out: Box[] = [];
  let at = 0;
  while (at + 8 <= data.length) {
    let size = data.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > data.length) break;
      size = Number(data.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = data.length - at;
    if (size < header || at + size > data.length) break;
    out.push({ type: data.toString('latin1', at + 4, at + 8), body: data.subarray(at + header, at + size) });
    at += size;
  }
  return out;
}

const child = (parent: Buffer, type: string): Buffer | undefined => boxes(parent).find((b) => b.type === type)?.body;

/** Walks a path of box types (`moov/trak/mdia`) from `root`. */
function path(root: Buffer, ...types: string[]): Buffer | undefined {
  let at: Buffer | undefined = root;
  for (const type of types) {
    if (!at) return undefined;
    at = child(at, type);
  }
  return at;
}

/** The first video track's facts, or null when the file holds no readable video track. */
export function probeMp4(file: Buffer): VideoProbe | null {
  const moov = child(file, 'moov');
  if (!moov) return null;
  for (const trak of boxes(moov).filter((b) => b.type === 'trak')) {
    const handler = path(trak.body, 'mdia', 'hdlr');
    if (!handler || handler.toString('latin1', 8, 12) !== 'vide') continue;
    const mdhd = path(trak.body, 'mdia', 'mdhd');
    const stbl = path(trak.body, 'mdia', 'minf', 'stbl');
    const stsd = stbl && child(stbl, 'stsd');
    if (!mdhd || !stbl || !stsd || stsd.length < 16) return null;
    const version = mdhd[0];
    const timescale = version === 1 ? mdhd.readUInt32BE(20) : mdhd.readUInt32BE(12);
    const ticks = version === 1 ? Number(mdhd.readBigUInt64BE(24)) : mdhd.readUInt32BE(16);
    const entry = boxes(stsd.subarray(8))[0];
    if (!entry || entry.body.length < 78) return null;
    const width = entry.body.readUInt16BE(24);
    const height = entry.body.readUInt16BE(26);
    const format = entry.type;
    const isAvc = format === 'avc1' || format === 'avc3';
    const samples = readSamples(file, stbl);
    if (!samples || timescale === 0) return null;
    const duration = ticks / timescale;
    return {
      width,
      height,
      duration,
      fps: duration > 0 ? samples.length / duration : null,
      codec: isAvc ? 'h264' : format.trim(),
      samples,
      avcC: isAvc ? (child(entry.body.subarray(78), 'avcC') ?? null) : null,
    };
  }
  return null;
}

/** Sample bytes from stsz, stsc and stco/co64; null when the tables point outside the file. */
function readSamples(file: Buffer, stbl: Buffer): Buffer[] | null {
  const stsz = child(stbl, 'stsz');
  const stsc = child(stbl, 'stsc');
  const stco = child(stbl, 'stco');
  const co64 = child(stbl, 'co64');
  if (!stsz || !stsc || (!stco && !co64)) return null;
  const fixed = stsz.readUInt32BE(4);
  const count = stsz.readUInt32BE(8);
  const sizes = Array.from({ length: count }, (_, i) => (fixed !== 0 ? fixed : stsz.readUInt32BE(12 + 4 * i)));
  const chunkCount = (stco ?? co64)!.readUInt32BE(4);
  const chunkOffset = (i: number): number => (stco ? stco.readUInt32BE(8 + 4 * i) : Number(co64!.readBigUInt64BE(8 + 8 * i)));
  const runs = Array.from({ length: stsc.readUInt32BE(4) }, (_, i) => ({
    firstChunk: stsc.readUInt32BE(8 + 12 * i),
    perChunk: stsc.readUInt32BE(12 + 12 * i),
  }));
  const samples: Buffer[] = [];
  for (let chunk = 1, run = 0; chunk <= chunkCount && samples.length < count; chunk++) {
    while (run + 1 < runs.length && runs[run + 1]!.firstChunk <= chunk) run++;
    let at = chunkOffset(chunk - 1);
    for (let i = 0; i < (runs[run]?.perChunk ?? 0) && samples.length < count; i++) {
      const size = sizes[samples.length]!;
      if (at + size > file.length) return null;
      samples.push(file.subarray(at, at + size));
      at += size;
    }
  }
  return samples.length === count ? samples : null;
}

// ---------------------------------------------------------------------------------------------
// The first frame of an I_PCM stream

/** An RBSP bit reader (emulation prevention bytes already removed). */
class BitReader {
  private at = 0;
  constructor(private readonly bytes: Uint8Array) {}

  bit(): number {
    const byte = this.bytes[this.at >> 3];
    if (byte === undefined) throw new Error('end of data');
    const value = (byte >> (7 - (this.at & 7))) & 1;
    this.at++;
    return value;
  }

  bits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 2 + this.bit();
    return value;
  }

  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw new Error('bad exp-golomb code');
    return (1 << zeros) - 1 + this.bits(zeros);
  }

  se(): number {
    const code = this.ue();
    return code % 2 === 1 ? (code + 1) / 2 : -code / 2;
  }

  align(): void {
    this.at = (this.at + 7) & ~7;
  }

  byte(): number {
    const value = this.bytes[this.at >> 3];
    if (value === undefined) throw new Error('end of data');
    this.at += 8;
    return value;
  }
}

function unescape(nal: Buffer): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const byte of nal) {
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

/** The SPS fields a slice header depends on. */
function readSps(
  avcC: Buffer,
): { log2MaxFrameNum: number; pocType: number; log2MaxPocLsb: number; mbWidth: number; mbHeight: number } | null {
  if (avcC.length < 8 || (avcC[5]! & 0x1f) < 1) return null;
  const length = avcC.readUInt16BE(6);
  const r = new BitReader(unescape(avcC.subarray(9, 8 + length)));
  const profile = r.bits(8);
  r.bits(16); // constraint flags, level
  r.ue(); // seq_parameter_set_id
  if ([100, 110, 122, 244, 44, 83, 86, 118, 128].includes(profile)) return null; // high profiles: not the writer's
  const log2MaxFrameNum = r.ue() + 4;
  const pocType = r.ue();
  let log2MaxPocLsb = 0;
  if (pocType === 0) log2MaxPocLsb = r.ue() + 4;
  else if (pocType === 1) return null;
  r.ue(); // max_num_ref_frames
  r.bit(); // gaps
  const mbWidth = r.ue() + 1;
  const mbHeight = r.ue() + 1;
  if (r.bit() !== 1) return null; // interlaced: not the writer's
  return { log2MaxFrameNum, pocType, log2MaxPocLsb, mbWidth, mbHeight };
}

const clamp = (value: number): number => Math.min(255, Math.max(0, Math.round(value)));

/**
 * The first frame as RGB, when it is one IDR slice of I_PCM macroblocks with CAVLC and the PPS
 * defaults the writer uses; null for any other stream (the stand-in cannot decode it).
 */
export function firstFrame(probe: VideoProbe): RawImage | null {
  try {
    const sps = probe.avcC && readSps(probe.avcC);
    const sample = probe.samples[0];
    if (!sps || !sample) return null;
    let at = 0;
    while (at + 4 <= sample.length) {
      const size = sample.readUInt32BE(at);
      const nal = sample.subarray(at + 4, at + 4 + size);
      at += 4 + size;
      if ((nal[0]! & 0x1f) !== 5) continue;
      return decodePcmSlice(new BitReader(unescape(nal.subarray(1))), sps, probe.width, probe.height);
    }
    return null;
  } catch {
    return null;
  }
}

function decodePcmSlice(r: BitReader, sps: NonNullable<ReturnType<typeof readSps>>, width: number, height: number): RawImage | null {
  if (r.ue() !== 0) return null; // first_mb_in_slice
  if (r.ue() % 5 !== 2) return null; // an I slice
  r.ue(); // pic_parameter_set_id
  r.bits(sps.log2MaxFrameNum);
  r.ue(); // idr_pic_id
  if (sps.pocType === 0) r.bits(sps.log2MaxPocLsb);
  r.bits(2); // no_output_of_prior_pics_flag, long_term_reference_flag
  r.se(); // slice_qp_delta
  if (r.ue() !== 1) return null; // deblocking off, as the writer sets it
  const data = new Uint8Array(width * height * 3);
  const luma = new Uint8Array(256);
  const chroma = new Uint8Array(128);
  for (let mb = 0; mb < sps.mbWidth * sps.mbHeight; mb++) {
    if (r.ue() !== 25) return null; // I_PCM only
    r.align();
    for (let i = 0; i < 256; i++) luma[i] = r.byte();
    for (let i = 0; i < 128; i++) chroma[i] = r.byte();
    const x0 = (mb % sps.mbWidth) * 16;
    const y0 = Math.floor(mb / sps.mbWidth) * 16;
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        if (x0 + x >= width || y0 + y >= height) continue;
        const c = (y >> 1) * 8 + (x >> 1);
        const yy = 1.164 * (luma[y * 16 + x]! - 16);
        const cb = chroma[c]! - 128;
        const cr = chroma[64 + c]! - 128;
        const o = ((y0 + y) * width + x0 + x) * 3;
        data[o] = clamp(yy + 1.596 * cr);
        data[o + 1] = clamp(yy - 0.392 * cb - 0.813 * cr);
        data[o + 2] = clamp(yy + 2.017 * cb);
      }
    }
  }
  return { width, height, channels: 3, pixels: data };
}
