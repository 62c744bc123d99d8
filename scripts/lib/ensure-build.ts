import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the app (`electron-vite build` into out/) unless out/ already holds a build of exactly
 * these sources. The UI suites, the hardening checks of the built app and the security scan read
 * out/; a contributor runs `npm test` and never has to remember a build first. Unchanged sources
 * cost one walk of src/ (a few milliseconds); any change, even a touch, rebuilds (about 2 s).
 */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(REPO, 'out');
const STAMP = join(OUT, '.build-inputs');
const OUTPUTS = ['main/index.js', 'preload/index.cjs', 'renderer/index.html'];
const INPUT_FILES = ['electron.vite.config.ts', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.node.json', 'tsconfig.web.json'];

/** Every input's path, size and modification time, hashed: what the build in out/ was made from. */
function inputsFingerprint(): string {
  const sources = readdirSync(join(REPO, 'src'), { recursive: true, encoding: 'utf8' }).map((path) => join('src', path));
  const lines = [...INPUT_FILES, ...sources].sort().flatMap((path) => {
    const stat = statSync(join(REPO, path), { throwIfNoEntry: false });
    return stat?.isFile() ? [`${path} ${stat.size} ${stat.mtimeMs}`] : [];
  });
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

function upToDate(fingerprint: string): boolean {
  if (!OUTPUTS.every((path) => existsSync(join(OUT, path)))) return false;
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8') === fingerprint;
}

/** Returns true when it built, false when out/ was already current. Throws when the build fails. */
export function ensureBuilt(log: (line: string) => void = console.log): boolean {
  const fingerprint = inputsFingerprint();
  if (upToDate(fingerprint)) return false;
  log('build: out/ is missing or older than the sources; running electron-vite build');
  const started = Date.now();
  const result = spawnSync(join(REPO, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Windows runs the .cmd shim that npm writes into node_modules/.bin.
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    log(`${String(result.stdout)}${String(result.stderr)}`);
    throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal}); its output is above.`);
  }
  writeFileSync(STAMP, fingerprint);
  log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
