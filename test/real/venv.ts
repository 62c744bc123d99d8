import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The one server release the app is built against (shared/invokeai/README.md). */
export const INVOKEAI_VERSION = '6.14.2';
/** Installed first, as NOTES.md §13 does: pinning torch keeps pip from resolving a newer CUDA build. */
export const TORCH_PACKAGES = ['torch==2.14.1', 'torchvision==0.29.1'];
/** invokeai 6.14.2 declares `Requires-Python: <3.13,>=3.11`. */
const PYTHON_MIN: [number, number] = [3, 11];
const PYTHON_MAX_EXCLUSIVE: [number, number] = [3, 13];
/** About 7 GB once installed, plus room for pip's wheel cache. */
const FREE_BYTES_NEEDED = 9 * 1024 ** 3;

/** A setup problem told in one line: what is missing and how to fix it. */
export class SetupError extends Error {
  override name = 'SetupError';
}

export interface Venv {
  dir: string;
  python: string;
  invokeaiWeb: string;
  /** Seconds spent installing; 0 when an existing venv was reused. */
  installSeconds: number;
}

export function defaultVenvDir(): string {
  return process.env.INVOKEAI_VENV || join(homedir(), '.cache', 'invokeai-gallery', `venv-${INVOKEAI_VERSION}`);
}

function venvPaths(dir: string) {
  return { python: join(dir, 'bin', 'python'), invokeaiWeb: join(dir, 'bin', 'invokeai-web') };
}

/** The installed invokeai version in a venv, or null when it has none. */
export function installedVersion(dir: string): string | null {
  const { python } = venvPaths(dir);
  if (!existsSync(python)) return null;
  const r = spawnSync(python, ['-m', 'pip', 'show', 'invokeai'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return /^Version:\s*(\S+)/m.exec(r.stdout)?.[1] ?? null;
}

function versionTuple(text: string): [number, number] | null {
  const m = /(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

const lessThan = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** Finds a Python that invokeai 6.14.2 accepts and that can make venvs. */
export function findPython(): string {
  const candidates = process.env.INVOKEAI_PYTHON ? [process.env.INVOKEAI_PYTHON] : ['python3.12', 'python3.11', 'python3'];
  const seen: string[] = [];
  for (const cmd of candidates) {
    const r = spawnSync(cmd, ['-c', 'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' });
    if (r.error) continue;
    const v = versionTuple(r.stdout);
    if (r.status !== 0 || !v) {
      const probe = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
      if (probe.status === 0) seen.push(`${cmd} (${(probe.stdout || probe.stderr).trim()}) has no venv/ensurepip module`);
      continue;
    }
    if (lessThan(v, PYTHON_MIN) || !lessThan(v, PYTHON_MAX_EXCLUSIVE)) {
      seen.push(`${cmd} is ${v.join('.')}`);
      continue;
    }
    return cmd;
  }
  const found = seen.length ? ` (found: ${seen.join('; ')})` : ' (none found on PATH)';
  throw new SetupError(
    `InvokeAI ${INVOKEAI_VERSION} needs Python 3.11 or 3.12 with the venv module${found}: install python3.11 or python3.12 ` +
      `(Debian/Ubuntu: apt-get install python3.11 python3.11-venv) or point INVOKEAI_PYTHON at one`,
  );
}

function run(cmd: string, args: string[], logPath: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(logPath, { flags: 'a' });
    out.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    const heartbeat = setInterval(() => log(`  ... still running: ${args.slice(0, 4).join(' ')}`), 60_000);
    child.on('error', (err) => {
      clearInterval(heartbeat);
      out.end();
      reject(err);
    });
    child.on('close', (code) => {
      clearInterval(heartbeat);
      out.end(() => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
  });
}

/** One install at a time per venv: a second caller waits for the first. */
async function withLock<T>(dir: string, fn: () => Promise<T>, log: (line: string) => void): Promise<T> {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      const holder = Number(readFileSync(lock, 'utf8'));
      let alive = false;
      try {
        process.kill(holder, 0);
        alive = true;
      } catch {
        // No such process: the lock's holder is gone.
      }
      if (!alive) {
        rmSync(lock, { force: true });
        continue;
      }
      if (waited % 30 === 0) log(`waiting for process ${holder}, which is installing into ${dir}`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Returns a venv with invokeai 6.14.2, installing it when missing or of another version.
 * Every failure is a SetupError whose message is one line naming what is missing and the fix.
 */
export async function ensureVenv(opts: { dir?: string; log?: (line: string) => void } = {}): Promise<Venv> {
  const dir = opts.dir ?? defaultVenvDir();
  const log = opts.log ?? ((line: string) => console.error(line));
  const paths = venvPaths(dir);
  const ready = () => existsSync(paths.invokeaiWeb) && installedVersion(dir) === INVOKEAI_VERSION;
  if (ready()) return { dir, ...paths, installSeconds: 0 };

  return withLock(
    dir,
    async () => {
      if (ready()) return { dir, ...paths, installSeconds: 0 };
      const started = Date.now();
      const logPath = `${dir}.install.log`;
      const python = existsSync(paths.python) ? null : findPython();
      writeFileSync(logPath, `install of invokeai ${INVOKEAI_VERSION} started ${new Date().toISOString()}\n`);
      if (python) {
        mkdirSync(dirname(dir), { recursive: true });
        const free = statfsSync(dirname(dir));
        const freeBytes = free.bavail * free.bsize;
        if (freeBytes < FREE_BYTES_NEEDED) {
          throw new SetupError(
            `InvokeAI ${INVOKEAI_VERSION} needs about 9 GB free under ${dirname(dir)} (${(freeBytes / 1024 ** 3).toFixed(1)} GB free): ` +
              `free some space or set INVOKEAI_VENV to a folder on a larger disk`,
          );
        }
        log(`creating a Python venv at ${dir} with ${python}`);
        await run(python, ['-m', 'venv', dir], logPath, log).catch((err) => {
          throw new SetupError(
            `${python} -m venv ${dir} failed (${err.message}; log: ${logPath}): install the python3-venv package or set INVOKEAI_PYTHON`,
          );
        });
      }
      const steps = [TORCH_PACKAGES, [`invokeai==${INVOKEAI_VERSION}`]];
      for (const packages of steps) {
        log(`pip install ${packages.join(' ')} (several minutes on a first install; log: ${logPath})`);
        await run(paths.python, ['-m', 'pip', 'install', ...packages], logPath, log).catch((err) => {
          throw new SetupError(
            `pip install ${packages.join(' ')} failed (${err.message}); the last lines of ${logPath} say why: ` +
              `check that PyPI is reachable and the disk has room, then run again (or delete ${dir} to start over)`,
          );
        });
      }
      if (!ready()) {
        throw new SetupError(
          `${dir} still has no invokeai ${INVOKEAI_VERSION} after installing (log: ${logPath}): delete ${dir} and run again`,
        );
      }
      const installSeconds = (Date.now() - started) / 1000;
      log(`installed invokeai ${INVOKEAI_VERSION} in ${installSeconds.toFixed(0)} s`);
      return { dir, ...paths, installSeconds };
    },
    log,
  );
}
