import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeWire } from '../../../src/shared/wire-json';
import type { IpcEnvelope } from '../../../src/shared/ipc';
import type { RecordedEvent } from './app';

const REPO = join(import.meta.dirname, '..', '..', '..');
const SCRIPT = join(import.meta.dirname, 'child-app.ts');

/** The app's services in a child process (child-app.ts), driven over its stdin and stdout. */
export interface ChildApp {
  pid: number;
  /** Resolves once the services have started (probed the server). */
  ready: Promise<void>;
  /** Resolves when the process is gone, however it ended. */
  exited: Promise<void>;
  events: RecordedEvent[];
  call<T = unknown>(channel: string, input?: unknown): Promise<T>;
  /** SIGKILL now (safe to call from a request listener): no handler runs, nothing is flushed. */
  killNow(): void;
  /** SIGKILL, then waits until the process is gone. */
  kill(): Promise<void>;
  /** A clean stop (services.stop), then exit. */
  stop(): Promise<void>;
  output(): string;
}

/** Starts the app in a child process; returns at once (await `ready` before calling it). */
export function spawnApp(dataDir: string, serverUrl: string): ChildApp {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT, dataDir, serverUrl], {
    cwd: REPO,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let nextId = 1;
  const events: RecordedEvent[] = [];
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  void exited.then(() => {
    for (const call of pending.values()) call.reject(new Error(`the app exited:\n${output.slice(-2000)}`));
    pending.clear();
  });

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app did not start:\n${output}`)), 30_000);
    void exited.then(() => reject(new Error(`the app exited before it was ready:\n${output}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line.slice(0, 300)}\n`;
      const message = decodeWire(line) as
        | { type: 'ready' }
        | { type: 'event'; name: RecordedEvent['name']; payload: unknown }
        | { type: 'result'; id: number; envelope: IpcEnvelope<unknown> };
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve();
      } else if (message.type === 'event') {
        events.push({ name: message.name, payload: message.payload });
      } else {
        const call = pending.get(message.id);
        pending.delete(message.id);
        if (message.envelope.ok) call?.resolve(message.envelope.value);
        else call?.reject(new Error(`${message.envelope.error.code}: ${message.envelope.error.message}`));
      }
    });
  });
  // A test that kills the app before it is ready does not wait on this.
  ready.catch(() => undefined);

  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return {
    pid: child.pid!,
    ready,
    exited,
    events,
    call<T>(channel: string, input: unknown = {}) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.stdin!.write(`${JSON.stringify({ id, channel, input })}\n`);
      });
    },
    killNow,
    async kill() {
      killNow();
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const id = nextId++;
      child.stdin!.write(`${JSON.stringify({ id, channel: 'stop' })}\n`);
      await exited;
    },
    output: () => output,
  };
}
