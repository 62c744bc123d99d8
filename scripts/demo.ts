import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandIn } from '../test/server';
import { electronBinary } from '../test/support/electron-binary';
import { ensureBuilt } from './lib/ensure-build';

/**
 * `npm run demo`: a seeded stand-in InvokeAI and the app pointed at it. Where the Electron binary
 * is missing (it cannot be downloaded on every machine), the same UI and services run in the test
 * host instead, and the URL to open is printed.
 */
const server = await startStandIn({
  images: Number(process.env.DEMO_IMAGES ?? 5000),
  // Real H.264 MP4s beside the images (6.14 galleries), e.g. DEMO_VIDEOS=40.
  videos: Number(process.env.DEMO_VIDEOS ?? 0),
  seed: 1,
});
console.log(`demo: stand-in InvokeAI at ${server.url}`);

const stop = async (code = 0) => {
  await server.close();
  process.exit(code);
};

if (electronBinary()) {
  const app = spawn('npx', ['electron-vite', 'dev'], { stdio: 'inherit', env: { ...process.env, IVK_SERVER_URL: server.url } });
  app.on('exit', (code) => void stop(code ?? 0));
} else {
  console.log('demo: the Electron binary is not installed here; serving the same app in the test host instead');
  const { startHost } = await import('../test/host/host');
  ensureBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-demo-'));
  const host = await startHost({ serverUrl: server.url, dataDir, port: 5174 });
  console.log(`demo: open ${host.url} in a browser (data in ${dataDir})`);
  process.on('SIGINT', () => void host.close().then(() => stop()));
  process.on('SIGTERM', () => void host.close().then(() => stop()));
}
