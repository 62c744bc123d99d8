/**
 * Seeded videos for the stand-in's gallery: records only, like the images; the MP4 bytes are
 * written on demand from `colour_seed` (see `renderMp4`). They come from a random stream of their
 * own, so asking for videos changes no seeded image, board or queue item.
 */
import { writeMp4 } from '../../support/mp4';
import type { BoardSeed, GenerationMetadata, ImageCategory, ImageOrigin, RecordSeed } from './gallery';
import { Rng } from './random';
import { sqliteTimestamp } from './timestamps';

export interface VideoSeed extends RecordSeed {
  video_name: string;
  video_origin: ImageOrigin;
  video_category: ImageCategory;
  /** Seconds. */
  duration: number;
  fps: number;
  /** Drives the colours `renderMp4` draws. */
  colour_seed: number;
}

/** Small sizes (whole macroblocks) keep on-demand MP4s quick to write and to send. */
const SIZES: readonly (readonly [readonly [number, number], number])[] = [
  [[160, 96], 5],
  [[128, 128], 3],
  [[96, 160], 2],
];
const FPS = [8, 12, 24] as const;

export interface VideoOptions {
  seed: number;
  count: number;
  boards: readonly BoardSeed[];
  anchor: number;
  spanMs: number;
  /** Generation parameters for a video's metadata (searchable like an image's). */
  params: (rng: Rng, width: number, height: number) => GenerationMetadata;
}

/** Oldest first. */
export function generateVideos(options: VideoOptions): VideoSeed[] {
  const rng = Rng.stream(options.seed, 'videos');
  const boards = options.boards.filter((b) => !b.archived);
  const times = Array.from({ length: options.count }, () => options.anchor - Math.floor(rng.next() * options.spanMs)).sort((a, b) => a - b);
  return times.map((t) => {
    const [width, height] = rng.weighted(SIZES);
    const fps = rng.pick(FPS);
    const frames = fps * rng.int(1, 4);
    const uploaded = rng.chance(0.2);
    const starred = rng.chance(0.1);
    const created = sqliteTimestamp(t);
    return {
      video_name: `${rng.uuid()}.mp4`,
      video_origin: uploaded ? 'external' : 'internal',
      video_category: uploaded ? 'user' : 'general',
      width,
      height,
      duration: frames / fps,
      fps,
      created_at: created,
      updated_at: starred ? sqliteTimestamp(Math.min(options.anchor, t + rng.int(60_000, 86_400_000))) : created,
      is_intermediate: false,
      starred,
      board_id: boards.length > 0 && rng.chance(0.6) ? rng.pick(boards).board_id : null,
      session_id: uploaded ? null : rng.uuid(),
      node_id: uploaded ? null : rng.uuid(),
      has_workflow: false,
      metadata: uploaded ? null : options.params(rng, width, height),
      colour_seed: rng.uint32(),
    };
  });
}

/** A seeded video's file: a real H.264 MP4 fading between two colours picked from its seed. */
export function renderMp4(video: Pick<VideoSeed, 'width' | 'height' | 'duration' | 'fps' | 'colour_seed'>): Buffer {
  const rng = new Rng(video.colour_seed);
  const from = { r: rng.int(30, 225), g: rng.int(30, 225), b: rng.int(30, 225) };
  const to = { r: rng.int(30, 225), g: rng.int(30, 225), b: rng.int(30, 225) };
  const frames = Math.max(1, Math.round(video.duration * video.fps));
  const mix = (a: number, b: number, t: number): number => Math.round(a + (b - a) * t);
  return writeMp4({
    width: video.width,
    height: video.height,
    frames,
    fps: video.fps,
    colour: (i) => {
      const t = frames > 1 ? i / (frames - 1) : 0;
      return { r: mix(from.r, to.r, t), g: mix(from.g, to.g, t), b: mix(from.b, to.b, t) };
    },
  });
}
