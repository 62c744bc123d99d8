import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureVenv, INVOKEAI_VERSION, SetupError } from './venv';
import { populate, type PopulateSummary } from './populate';

export interface RealServer {
  url: string;
  root: string;
  /** Seconds from spawn to the first answer of GET /api/v1/app/version. */
  startSeconds: number;
  populated: PopulateSummary | null;
  /** Resolves when the server process ends, whoever ended it. */
  exited: Promise<void>;
  close(): Promise<void>;
}

export interface RealServerOptions {
  port?: number;
  /** Root folder; a fresh temporary one (removed on close) when left out. */
  root?: string;
  populate?: boolean;
  /** Multi-user mode (`multiuser: true`): every call needs a token; NOTES.md §7. Default false. */
  multiuser?: boolean;
  log?: (line: string) => void;
}

/** The config file `invokeai-web --root` reads; 4.0.3 is the 6.14.2 schema (an older one is migrated on start). */
export function invokeaiYaml(port: number, opts: { multiuser?: boolean } = {}): string {
  const lines = ['# Internal metadata - do not edit:', 'schema_version: 4.0.3', '', 'host: 127.0.0.1', `port: ${port}`];
  if (opts.multiuser) lines.push('multiuser: true');
  return [...lines, ''].join('\n');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(true));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(false)));
  });
}

function tail(path: string, lines = 8): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(-lines).join('\n');
}

/** Live server processes, killed as a group if this process goes away first. */
const live = new Set<ChildProcess>();
function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group has already exited.
  }
}
process.on('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/** Starts the real InvokeAI 6.14.2 (installing it first if needed) and waits until it answers. */
export async function startRealServer(opts: RealServerOptions = {}): Promise<RealServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const venv = await ensureVenv({ log });
  const port = opts.port ?? (await freePort());
  if (await portTaken(port)) throw new SetupError(`port ${port} on 127.0.0.1 is already in use: pick another with --port`);
  const temporary = !opts.root;
  const root = opts.root ?? mkdtempSync(join(tmpdir(), 'invokeai-root-'));
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'invokeai.yaml'), invokeaiYaml(port, { multiuser: opts.multiuser }));
  const logPath = join(root, 'invokeai-web.log');
  const logFd = openSync(logPath, 'a');
  const started = Date.now();
  const child = spawn(venv.invokeaiWeb, ['--root', root], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, INVOKEAI_ROOT: root, PYTHONUNBUFFERED: '1' },
  });
  closeSync(logFd);
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    // The group may hold children (e.g. a model-install thread's process) that outlive the leader.
    killGroup(child, 'SIGKILL');
    live.delete(child);
    if (temporary) rmSync(root, { recursive: true, force: true });
  };

  try {
    await waitForVersion(url, child, logPath);
  } catch (err) {
    await close();
    throw err;
  }
  const startSeconds = (Date.now() - started) / 1000;
  log(`InvokeAI ${INVOKEAI_VERSION} is up at ${url} after ${startSeconds.toFixed(1)} s (root ${root}, log ${logPath})`);

  let populated: PopulateSummary | null = null;
  if (opts.populate) {
    try {
      populated = await populate(url, { root, log });
    } catch (err) {
      await close();
      throw err;
    }
  }
  return { url, root, startSeconds, populated, exited, close };
}

async function waitForVersion(url: string, child: ChildProcess, logPath: string, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new SetupError(
        `invokeai-web exited (${child.exitCode ?? child.signalCode}) before answering; its log ${logPath} ends:\n${tail(logPath)}`,
      );
    }
    try {
      const res = await fetch(`${url}/api/v1/app/version`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        const body = (await res.json()) as { version?: string };
        if (body.version !== INVOKEAI_VERSION)
          throw new SetupError(`the server at ${url} says version ${body.version}, expected ${INVOKEAI_VERSION}`);
        return;
      }
    } catch (err) {
      if (err instanceof SetupError) throw err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new SetupError(`invokeai-web did not answer ${url}/api/v1/app/version within ${timeoutMs / 1000} s; see ${logPath}`);
}
