import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultVenvDir } from '../real/venv';
import { BROWSER_ARGS, findBrowser, NO_BROWSER_FIX } from '../support/browser';
import { truncateMp4, writeMp4, writeNonH264Mp4, writeQuickTime, type Mp4Options } from '../support/mp4';

/**
 * The test MP4 writer makes files real decoders accept: ffmpeg (the one the real InvokeAI's
 * environment ships, which is what the real server probes uploads with) decodes every frame
 * without a complaint, and Chromium plays it in a <video> element and draws the colours asked for.
 */

const RED = { r: 200, g: 30, b: 30 };
const BLUE = { r: 30, g: 30, b: 200 };
const OPTIONS: Mp4Options = { width: 64, height: 48, frames: 12, fps: 6, colour: (i) => (i < 6 ? RED : BLUE) };

/** The ffmpeg of the real server's venv (imageio-ffmpeg's binary), or null where it is not set up. */
function findFfmpeg(): string | null {
  const python = join(defaultVenvDir(), 'bin', 'python');
  if (!existsSync(python)) return null;
  try {
    return execFileSync(python, ['-c', 'import imageio_ffmpeg;print(imageio_ffmpeg.get_ffmpeg_exe())'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const FFMPEG = findFfmpeg();
const BROWSER = findBrowser();
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ivk-mp4-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('writeMp4', () => {
  it('writes the same bytes for the same options', () => {
    expect(writeMp4(OPTIONS).equals(writeMp4(OPTIONS))).toBe(true);
  });

  it('starts with an isom ftyp and puts the index before the media', () => {
    const file = writeMp4(OPTIONS);
    expect(file.subarray(4, 12).toString('latin1')).toBe('ftypisom');
    const moovAt = file.readUInt32BE(0);
    expect(file.subarray(moovAt + 4, moovAt + 8).toString('latin1')).toBe('moov');
    const mdatAt = moovAt + file.readUInt32BE(moovAt);
    expect(file.subarray(mdatAt + 4, mdatAt + 8).toString('latin1')).toBe('mdat');
    expect(mdatAt + file.readUInt32BE(mdatAt)).toBe(file.length);
  });

  it('refuses sizes that are not whole macroblocks, with the reason', () => {
    expect(() => writeMp4({ ...OPTIONS, width: 50 })).toThrow('width must be a multiple of 16');
    expect(() => writeMp4({ ...OPTIONS, fps: 0 })).toThrow('fps must be a whole number');
  });
});

describe('the test MP4s, decoded by the real server’s ffmpeg', () => {
  beforeEach((context) => {
    if (!FFMPEG) context.skip('ffmpeg test skipped: the real server’s venv is not set up (`npm run invokeai` installs it)');
  });
  const ffmpeg = (...args: string[]): string => {
    try {
      return execFileSync(FFMPEG!, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      return String((error as { stderr?: string }).stderr ?? error);
    }
  };
  /** ffmpeg -i prints the stream description on stderr and fails for want of an output. */
  const describeFile = (path: string): string => ffmpeg('-hide_banner', '-i', path);

  it('decodes every frame without an error and reports H.264 at the written size, rate and length', () => {
    const path = save('real.mp4', writeMp4(OPTIONS));
    expect(ffmpeg('-v', 'error', '-i', path, '-f', 'null', '-')).toBe('');
    const info = describeFile(path);
    expect(info).toMatch(/Duration: 00:00:02\.00/);
    expect(info).toMatch(/Video: h264 \(Constrained Baseline\).*, 64x48,.* 6 fps/);
  });

  it('decodes to the colours asked for, frame by frame', () => {
    const path = save('colours.mp4', writeMp4(OPTIONS));
    const raw = execFileSync(FFMPEG!, ['-v', 'error', '-i', path, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 24 });
    const frameBytes = 64 * 48 * 3;
    expect(raw.length).toBe(12 * frameBytes);
    for (const [frame, colour] of [
      [0, RED],
      [11, BLUE],
    ] as const) {
      const at = frame * frameBytes + (24 * 64 + 32) * 3;
      expect(Math.abs(raw[at]! - colour.r)).toBeLessThanOrEqual(4);
      expect(Math.abs(raw[at + 1]! - colour.g)).toBeLessThanOrEqual(4);
      expect(Math.abs(raw[at + 2]! - colour.b)).toBeLessThanOrEqual(4);
    }
  });

  it('sees the bad inputs as what they are: an mpeg4 track, a QuickTime file, a cut-off file', () => {
    expect(describeFile(save('mpeg4.mp4', writeNonH264Mp4(OPTIONS)))).toMatch(/Video: mpeg4/);
    expect(describeFile(save('qt.mov', writeQuickTime(OPTIONS)))).toMatch(/major_brand\s*: qt/);
    expect(describeFile(save('cut.mp4', truncateMp4(writeMp4(OPTIONS))))).toMatch(/Invalid data found/);
  });
});

/**
 * Runs in the page (plain JavaScript: the test's TypeScript has no DOM types): plays the video at
 * `src` and reports what Chromium made of it.
 */
const PLAY_IN_PAGE = `async (src) => {
      const video = document.createElement('video');
      video.muted = true;
      video.src = src;
      document.body.append(video);
      const canPlay = video.canPlayType('video/mp4; codecs="avc1.42C01E"');
      const settle = (event) =>
        new Promise((resolve) => {
          video.addEventListener(event, () => resolve('ok'), { once: true });
          video.addEventListener('error', () => resolve(\`error \${video.error?.code ?? '?'}: \${video.error?.message ?? ''}\`), {
            once: true,
          });
        });
      const loaded = await settle('loadeddata');
      const colourAt = () => {
        const canvas = document.createElement('canvas');
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        const context2d = canvas.getContext('2d');
        context2d.drawImage(video, 0, 0);
        return Array.from(context2d.getImageData(32, 24, 1, 1).data.slice(0, 3));
      };
      if (loaded !== 'ok') return { canPlay, loaded, duration: NaN, width: 0, height: 0, first: [], last: [], decoded: 0 };
      // A paused headless page need not paint a frame, so play it and sample frames as they are
      // presented: one from the first second (red) and one from the last (blue).
      const samples = { first: [], last: [] };
      await new Promise((resolve) => {
        const onFrame = (_now, frame) => {
          if (frame.mediaTime < 0.5 && samples.first.length === 0) samples.first = colourAt();
          if (frame.mediaTime > 1.5) {
            samples.last = colourAt();
            resolve();
            return;
          }
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
        video.addEventListener('ended', () => resolve(), { once: true });
        video.play();
      });
      const decoded = video.getVideoPlaybackQuality().totalVideoFrames;
      return { canPlay, loaded, duration: video.duration, width: video.videoWidth, height: video.videoHeight, ...samples, decoded };
}`;

interface Playback {
  canPlay: string;
  loaded: string;
  duration: number;
  width: number;
  height: number;
  first: number[];
  last: number[];
  decoded: number;
}

describe('the test MP4s, played by Chromium', () => {
  let browser: Browser | null = null;
  let server: Server | null = null;
  let base = '';
  const file = writeMp4(OPTIONS);

  beforeAll(async () => {
    if (!BROWSER) return;
    browser = await chromium.launch({ executablePath: BROWSER.path, args: BROWSER_ARGS });
    // Served over HTTP with Range support, as a media element fetches a video.
    server = createServer((req, res) => {
      if (req.url !== '/v.mp4') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>mp4</title>');
        return;
      }
      const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
      if (!range) {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': file.length, 'accept-ranges': 'bytes' }).end(file);
        return;
      }
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), file.length - 1) : file.length - 1;
      res
        .writeHead(206, { 'content-type': 'video/mp4', 'content-range': `bytes ${start}-${end}/${file.length}`, 'accept-ranges': 'bytes' })
        .end(file.subarray(start, end + 1));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('loads it in a <video>, with the written duration, and draws the first and last frames in their colours', async (context) => {
    if (!browser) {
      context.skip(`Chromium playback test skipped: ${NO_BROWSER_FIX}`);
      return;
    }
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const result = await page.evaluate<Playback>(`(${PLAY_IN_PAGE})(${JSON.stringify(`${base}/v.mp4`)})`);
    await page.close();
    expect(result.loaded).toBe('ok');
    expect(result.canPlay).not.toBe('');
    expect(result.duration).toBeCloseTo(2, 2);
    expect([result.width, result.height]).toEqual([64, 48]);
    expect(result.decoded).toBeGreaterThanOrEqual(10);
    const near = (actual: number[], colour: typeof RED) =>
      actual.every((value, i) => Math.abs(value - [colour.r, colour.g, colour.b][i]!) <= 6);
    expect(result.first, `first frame ${result.first.join(',')}`).toSatisfy((c: number[]) => near(c, RED));
    expect(result.last, `last frame ${result.last.join(',')}`).toSatisfy((c: number[]) => near(c, BLUE));
  });
});
