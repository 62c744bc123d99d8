/**
 * `npm run server -- --port 9090 --images 2000 --videos 20 --seed 1`: starts the stand-in on 127.0.0.1, prints
 * its URL on one line, and serves until SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import { startStandIn } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9090' },
    host: { type: 'string', default: '127.0.0.1' },
    images: { type: 'string', default: '2000' },
    videos: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    'queue-items': { type: 'string', default: '200' },
    'job-step-ms': { type: 'string', default: '25' },
    'progress-steps': { type: 'string', default: '1' },
    paused: { type: 'boolean', default: false },
  },
});

const int = (name: string, text: string | undefined): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, not ${text}`);
    process.exit(2);
  }
  return n;
};

const standIn = await startStandIn({
  port: int('port', values.port),
  host: values.host,
  images: int('images', values.images),
  videos: int('videos', values.videos),
  seed: int('seed', values.seed),
  queueItems: int('queue-items', values['queue-items']),
  jobStepMs: int('job-step-ms', values['job-step-ms']),
  progressSteps: int('progress-steps', values['progress-steps']),
  paused: values.paused,
});
console.log(standIn.url);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void standIn.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
