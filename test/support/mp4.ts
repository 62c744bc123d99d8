/**
 * Writes small, real, decodable H.264 MP4 files for tests, in pure TypeScript and deterministically
 * (the same options give the same bytes). The video is H.264 Constrained Baseline; every frame is
 * an IDR picture made only of I_PCM macroblocks, which carry raw 8-bit samples, so no transform,
 * prediction or entropy coding is needed and any conforming decoder (ffmpeg, a browser) shows the
 * exact colours asked for (after the usual RGB↔YCbCr rounding). The container is a plain,
 * "fast start" ISO BMFF file: ftyp, moov (one video track, one chunk), then mdat.
 *
 * The bad inputs tests need are here too: an MP4 whose track is not H.264, a truncated file and a
 * QuickTime (`qt  ` brand) file, each described where it is built.
 */

/** An sRGB colour, 0–255 a channel. */
export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface Mp4Options {
  /** Pixels; a multiple of 16 (whole macroblocks, so no cropping is needed). */
  width: number;
  /** Pixels; a multiple of 16. */
  height: number;
  /** Number of frames, at least 1. */
  frames: number;
  /** Frames a second, a whole number from 1 to 120. */
  fps: number;
  /** The colour of a frame (every pixel of it). Defaults to a grey that steps with the frame index. */
  colour?: (frameIndex: number) => Rgb;
  /**
   * The colour of one pixel, for pictures that are not a flat colour (a gradient, a marker);
   * takes precedence over `colour`. Chroma is sampled at the top-left pixel of each 2×2 block.
   */
  pixel?: (frameIndex: number, x: number, y: number) => Rgb;
}

const defaultColour = (frameIndex: number): Rgb => {
  const level = 40 + ((frameIndex * 37) % 180);
  return { r: level, g: level, b: level };
};

function checkOptions(options: Mp4Options): void {
  const { width, height, frames, fps } = options;
  for (const [name, value] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (!Number.isInteger(value) || value < 16 || value > 4096 || value % 16 !== 0) {
      throw new Error(`${name} must be a multiple of 16 from 16 to 4096 (got ${value}).`);
    }
  }
  if (!Number.isInteger(frames) || frames < 1 || frames > 10_000)
    throw new Error(`frames must be a whole number from 1 to 10000 (got ${frames}).`);
  if (!Number.isInteger(fps) || fps < 1 || fps > 120) throw new Error(`fps must be a whole number from 1 to 120 (got ${fps}).`);
}

// ---------------------------------------------------------------------------------------------
// H.264 bitstream

/** An MSB-first bit writer with the Exp-Golomb codes H.264 headers use. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private used = 0;

  bit(value: number): void {
    this.current = (this.current << 1) | (value & 1);
    this.used += 1;
    if (this.used === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.used = 0;
    }
  }

  bits(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) this.bit((value >>> i) & 1);
  }

  /** Unsigned Exp-Golomb, ue(v). */
  ue(value: number): void {
    const coded = value + 1;
    const length = Math.floor(Math.log2(coded));
    this.bits(0, length);
    this.bits(coded, length + 1);
  }

  /** Signed Exp-Golomb, se(v). */
  se(value: number): void {
    this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  get aligned(): boolean {
    return this.used === 0;
  }

  alignZero(): void {
    while (this.used !== 0) this.bit(0);
  }

  /** A whole byte; the writer must be byte-aligned (PCM samples are). */
  byte(value: number): void {
    this.bytes.push(value & 0xff);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1);
    this.alignZero();
    return Uint8Array.from(this.bytes);
  }
}

/** A NAL unit: its one-byte header, then the payload with emulation prevention bytes inserted. */
function nal(refIdc: number, type: number, rbsp: Uint8Array): Buffer {
  const out: number[] = [(refIdc << 5) | type];
  let zeros = 0;
  for (const byte of rbsp) {
    // Within a NAL unit 00 00 must never be followed by 00–03, or it would read as a start code.
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

const PROFILE_BASELINE = 66;
/** constraint_set0 and constraint_set1: Constrained Baseline, which every H.264 decoder handles. */
const CONSTRAINT_FLAGS = 0xc0;

/** The lowest level whose frame size allows the picture; levels only bound what decoders must support. */
function levelFor(width: number, height: number): number {
  const macroblocks = (width / 16) * (height / 16);
  if (macroblocks <= 1620) return 30;
  if (macroblocks <= 3600) return 31;
  if (macroblocks <= 8192) return 40;
  return 51;
}

function sequenceParameterSet(width: number, height: number): Buffer {
  const w = new BitWriter();
  w.bits(PROFILE_BASELINE, 8);
  w.bits(CONSTRAINT_FLAGS, 8);
  w.bits(levelFor(width, height), 8);
  w.ue(0); // seq_parameter_set_id
  w.ue(0); // log2_max_frame_num_minus4: frame_num is 4 bits, always 0 (every frame is an IDR)
  w.ue(2); // pic_order_cnt_type 2: output order is decode order
  w.ue(1); // max_num_ref_frames
  w.bit(0); // gaps_in_frame_num_value_allowed_flag
  w.ue(width / 16 - 1); // pic_width_in_mbs_minus1
  w.ue(height / 16 - 1); // pic_height_in_map_units_minus1
  w.bit(1); // frame_mbs_only_flag
  w.bit(1); // direct_8x8_inference_flag
  w.bit(0); // frame_cropping_flag
  w.bit(0); // vui_parameters_present_flag: the container carries the timing
  return nal(3, 7, w.trailing());
}

function pictureParameterSet(): Buffer {
  const w = new BitWriter();
  w.ue(0); // pic_parameter_set_id
  w.ue(0); // seq_parameter_set_id
  w.bit(0); // entropy_coding_mode_flag: CAVLC
  w.bit(0); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0); // num_ref_idx_l0_default_active_minus1
  w.ue(0); // num_ref_idx_l1_default_active_minus1
  w.bit(0); // weighted_pred_flag
  w.bits(0, 2); // weighted_bipred_idc
  w.se(0); // pic_init_qp_minus26
  w.se(0); // pic_init_qs_minus26
  w.se(0); // chroma_qp_index_offset
  w.bit(1); // deblocking_filter_control_present_flag: lets slices turn the filter off
  w.bit(0); // constrained_intra_pred_flag
  w.bit(0); // redundant_pic_cnt_present_flag
  return nal(3, 8, w.trailing());
}

/** BT.601 limited range, as decoders assume when the stream says nothing else. */
function toYCbCr({ r, g, b }: Rgb): [number, number, number] {
  const y = 16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256;
  const cb = 128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256;
  const cr = 128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256;
  // Old decoders reject a PCM sample of 0, so the floor is 1 (limited range never reaches it anyway).
  const clamp = (value: number): number => Math.min(255, Math.max(1, Math.round(value)));
  return [clamp(y), clamp(cb), clamp(cr)];
}

const MB_TYPE_I_PCM = 25;

/** One IDR picture, a single slice of I_PCM macroblocks. */
function idrSlice(options: Mp4Options, frameIndex: number): Buffer {
  const { width, height } = options;
  const pixel = options.pixel ?? ((index: number) => (options.colour ?? defaultColour)(index));
  const w = new BitWriter();
  w.ue(0); // first_mb_in_slice
  w.ue(7); // slice_type: I, and every slice of the picture is I
  w.ue(0); // pic_parameter_set_id
  w.bits(0, 4); // frame_num
  w.ue(frameIndex % 2); // idr_pic_id: consecutive IDR pictures must differ
  w.bit(0); // no_output_of_prior_pics_flag
  w.bit(0); // long_term_reference_flag
  w.se(0); // slice_qp_delta
  w.ue(1); // disable_deblocking_filter_idc: the samples are shown exactly as written
  const columns = width / 16;
  const rows = height / 16;
  // Flat frames repeat one macroblock; computing it once keeps large test files quick to write.
  const flat = options.pixel ? null : macroblockSamples(pixel, frameIndex, 0, 0);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      w.ue(MB_TYPE_I_PCM);
      w.alignZero(); // pcm_alignment_zero_bit
      if (!w.aligned) throw new Error('PCM samples must start on a byte boundary.');
      const samples = flat ?? macroblockSamples(pixel, frameIndex, column * 16, row * 16);
      for (const sample of samples) w.byte(sample);
    }
  }
  return nal(3, 5, w.trailing());
}

/** 256 luma samples, then 64 Cb and 64 Cr (4:2:0), raster order within the macroblock. */
function macroblockSamples(
  pixel: (frameIndex: number, x: number, y: number) => Rgb,
  frameIndex: number,
  x0: number,
  y0: number,
): Uint8Array {
  const samples = new Uint8Array(384);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) samples[y * 16 + x] = toYCbCr(pixel(frameIndex, x0 + x, y0 + y))[0];
  }
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      const [, cb, cr] = toYCbCr(pixel(frameIndex, x0 + 2 * x, y0 + 2 * y));
      samples[256 + y * 8 + x] = cb;
      samples[320 + y * 8 + x] = cr;
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// ISO BMFF boxes

function u8(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}
function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
function zeros(count: number): Buffer {
  return Buffer.alloc(count);
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

function fullBox(type: string, version: number, flags: number, ...parts: Buffer[]): Buffer {
  return box(type, u8(version), Buffer.from([(flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff]), ...parts);
}

/** The identity transform, as 16.16 / 2.30 fixed point. */
const MATRIX = Buffer.concat([0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].map(u32));

/** Brands of an MP4 file; the QuickTime variant below swaps them. */
const MP4_BRANDS = { major: 'isom', minor: 0x200, compatible: ['isom', 'iso2', 'avc1', 'mp41'] };

function ftyp(brands: { major: string; minor: number; compatible: string[] }): Buffer {
  return box(
    'ftyp',
    Buffer.from(brands.major, 'latin1'),
    u32(brands.minor),
    ...brands.compatible.map((brand) => Buffer.from(brand, 'latin1')),
  );
}

function avcC(sps: Buffer, pps: Buffer): Buffer {
  return box(
    'avcC',
    u8(1), // configurationVersion
    u8(sps[1]!), // AVCProfileIndication
    u8(sps[2]!), // profile_compatibility
    u8(sps[3]!), // AVCLevelIndication
    u8(0xff), // 6 reserved bits, lengthSizeMinusOne = 3
    u8(0xe1), // 3 reserved bits, numOfSequenceParameterSets = 1
    u16(sps.length),
    sps,
    u8(1), // numOfPictureParameterSets
    u16(pps.length),
    pps,
  );
}

/** A visual sample entry: `avc1` with its avcC, or another codec's entry for the bad-input files. */
function visualSampleEntry(format: string, width: number, height: number, config: Buffer): Buffer {
  const compressorName = zeros(32);
  return box(
    format,
    zeros(6),
    u16(1), // data_reference_index
    zeros(16), // pre_defined, reserved, pre_defined[3]
    u16(width),
    u16(height),
    u32(0x00480000), // 72 dpi
    u32(0x00480000),
    u32(0), // reserved
    u16(1), // frame_count
    compressorName,
    u16(0x0018), // depth
    u16(0xffff), // pre_defined = -1
    config,
  );
}

interface Track {
  width: number;
  height: number;
  fps: number;
  sampleSizes: number[];
  sampleEntry: Buffer;
}

function moov(track: Track, chunkOffset: number): Buffer {
  const frames = track.sampleSizes.length;
  const movieTimescale = 1000;
  const movieDuration = Math.round((frames * movieTimescale) / track.fps);
  // One tick a frame at `fps * 1000` ticks a second keeps every duration exact.
  const mediaTimescale = track.fps * 1000;
  const sampleDelta = 1000;
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0), // creation_time: fixed so the output is deterministic
    u32(0), // modification_time
    u32(movieTimescale),
    u32(movieDuration),
    u32(0x00010000), // rate 1.0
    u16(0x0100), // volume 1.0
    zeros(10),
    MATRIX,
    zeros(24),
    u32(2), // next_track_ID
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    0x3, // enabled, in movie
    u32(0),
    u32(0),
    u32(1), // track_ID
    u32(0),
    u32(movieDuration),
    zeros(8),
    u16(0), // layer
    u16(0), // alternate_group
    u16(0), // volume: a video track
    u16(0),
    MATRIX,
    u32(track.width * 0x10000),
    u32(track.height * 0x10000),
  );
  const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(mediaTimescale), u32(frames * sampleDelta), u16(0x55c4) /* 'und' */, u16(0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from('vide', 'latin1'), zeros(12), Buffer.from('VideoHandler\0', 'latin1'));
  const vmhd = fullBox('vmhd', 0, 1, u16(0), zeros(6));
  const dinf = box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));
  const stsd = fullBox('stsd', 0, 0, u32(1), track.sampleEntry);
  const stts = fullBox('stts', 0, 0, u32(1), u32(frames), u32(sampleDelta));
  const stss = fullBox('stss', 0, 0, u32(frames), ...track.sampleSizes.map((_, index) => u32(index + 1)));
  const stsc = fullBox('stsc', 0, 0, u32(1), u32(1), u32(frames), u32(1));
  const stsz = fullBox('stsz', 0, 0, u32(0), u32(frames), ...track.sampleSizes.map(u32));
  const stco = fullBox('stco', 0, 0, u32(1), u32(chunkOffset));
  const stbl = box('stbl', stsd, stts, stss, stsc, stsz, stco);
  const minf = box('minf', vmhd, dinf, stbl);
  const mdia = box('mdia', mdhd, hdlr, minf);
  return box('moov', mvhd, box('trak', tkhd, mdia));
}

/** ftyp + moov + mdat, with the one chunk's offset pointing into mdat. */
function mux(brands: typeof MP4_BRANDS, track: Track, samples: Buffer[]): Buffer {
  const head = ftyp(brands);
  // The moov's size does not depend on the offset it holds, so measure it once with a placeholder.
  const moovSize = moov(track, 0).length;
  const chunkOffset = head.length + moovSize + 8;
  return Buffer.concat([head, moov(track, chunkOffset), box('mdat', ...samples)]);
}

/** Each frame as an MP4 sample: the IDR slice NAL behind a 4-byte length. */
function encode(options: Mp4Options): { sps: Buffer; pps: Buffer; samples: Buffer[] } {
  checkOptions(options);
  const samples: Buffer[] = [];
  for (let index = 0; index < options.frames; index++) {
    const slice = idrSlice(options, index);
    samples.push(Buffer.concat([u32(slice.length), slice]));
  }
  return { sps: sequenceParameterSet(options.width, options.height), pps: pictureParameterSet(), samples };
}

/** The H.264 track and its samples, for any container brand. */
function h264Track(options: Mp4Options): { track: Track; samples: Buffer[] } {
  const { sps, pps, samples } = encode(options);
  const track: Track = {
    width: options.width,
    height: options.height,
    fps: options.fps,
    sampleSizes: samples.map((sample) => sample.length),
    sampleEntry: visualSampleEntry('avc1', options.width, options.height, avcC(sps, pps)),
  };
  return { track, samples };
}

/** A real H.264 MP4 file (see the module comment). */
export function writeMp4(options: Mp4Options): Buffer {
  const { track, samples } = h264Track(options);
  return mux(MP4_BRANDS, track, samples);
}

/**
 * A well-formed MP4 container (isom brand, valid boxes) whose video track is not H.264: the sample
 * entry is `mp4v` (MPEG-4 Part 2) with an empty decoder configuration and samples that are no
 * MPEG-4 video, so a prober sees an mpeg4 track it cannot decode. A server that accepts only
 * H.264 must refuse it after probing, not at the brand check.
 */
export function writeNonH264Mp4(options: Mp4Options): Buffer {
  const { samples } = encode(options);
  // An esds with an ES descriptor naming MPEG-4 Visual (objectTypeIndication 0x20), no config.
  const decoderConfig = Buffer.concat([u8(0x04), u8(13), u8(0x20), u8(0x11), zeros(3), u32(0), u32(0)]);
  const slConfig = Buffer.concat([u8(0x06), u8(1), u8(0x02)]);
  const esDescriptor = Buffer.concat([u8(0x03), u8(3 + decoderConfig.length + slConfig.length), u16(1), u8(0), decoderConfig, slConfig]);
  const track: Track = {
    width: options.width,
    height: options.height,
    fps: options.fps,
    sampleSizes: samples.map((sample) => sample.length),
    sampleEntry: visualSampleEntry('mp4v', options.width, options.height, fullBox('esds', 0, 0, esDescriptor)),
  };
  return mux(MP4_BRANDS, track, samples);
}

/** The same H.264 stream in a QuickTime file: major brand `qt  `, which MP4-only servers refuse. */
export function writeQuickTime(options: Mp4Options): Buffer {
  const { track, samples } = h264Track(options);
  return mux({ major: 'qt  ', minor: 0x200, compatible: ['qt  '] }, track, samples);
}

/**
 * The first `keep` bytes of a real MP4 (default: the ftyp box and half the moov), which keeps a
 * valid ftyp (so a brand check passes) but no complete index or media, as an interrupted copy leaves.
 */
export function truncateMp4(file: Buffer, keep?: number): Buffer {
  const ftypSize = file.readUInt32BE(0);
  const moovSize = file.readUInt32BE(ftypSize);
  return Buffer.from(file.subarray(0, keep ?? ftypSize + Math.floor(moovSize / 2)));
}
