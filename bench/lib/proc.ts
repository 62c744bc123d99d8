import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

/**
 * Node children run TypeScript through tsx's loader in the child itself (`node --import tsx`),
 * not through the `tsx` command, which would put a second Node process between us and the one
 * whose memory and CPU we read.
 */
export interface NodeChild {
  child: ChildProcess;
  pid: number;
  /** The line of stdout the child announced itself with. */
  ready: string;
  /** Everything the child wrote, for errors. */
  output(): string;
  /** Resolves when the child exits by itself. */
  exited(): Promise<void>;
  stop(): Promise<void>;
}

export async function spawnNode(
  script: string,
  args: readonly string[],
  readyPattern: RegExp,
  options: { timeoutMs?: number; nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<NodeChild> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', script, ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time:\n${output}`)), options.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Whole lines only: a long line may arrive in several chunks.
      const line = output
        .split('\n')
        .slice(0, -1)
        .find((candidate) => readyPattern.test(candidate));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before it was ready:\n${output}`));
    });
  });
  return {
    child,
    pid: child.pid!,
    ready,
    output: () => output,
    exited: () => exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The stand-in InvokeAI server in its own process, on a free port. */
export async function startStandInProcess(images: number, seed = 1): Promise<NodeChild & { url: string }> {
  const standIn = await spawnNode('test/server/cli.ts', ['--port', '0', '--images', String(images), '--seed', String(seed)], /^http:\/\//, {
    timeoutMs: 180_000,
  });
  return { ...standIn, url: standIn.ready.trim() };
}

/**
 * VmRSS (now) and VmHWM (peak) of a process, in MB, and what the RSS is made of: anonymous
 * memory (heaps, malloc) and file pages mapped in (code, memory-mapped files).
 */
export function processMemory(pid: number): { rss_mb: number; peak_rss_mb: number; rss_anon_mb: number; rss_file_mb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Math.round(Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024);
  return { rss_mb: mb('VmRSS'), peak_rss_mb: mb('VmHWM'), rss_anon_mb: mb('RssAnon'), rss_file_mb: mb('RssFile') };
}

/** CPU seconds (user + system) a process has used so far. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / 100;
}
