/**
 * npm run test:real [-- <vitest filters...>]
 * Starts the real InvokeAI 6.14.2 with --populate on a free port, runs vitest with
 * test/real/vitest.config.ts (the contract suite and test/real/*.test.ts; narrow it with filters,
 * e.g. `npm run test:real -- test/contract/images`) with CONTRACT_BASE_URL pointing at it, then
 * stops the server. The exit code is vitest's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { startRealServer } from './server';
import { SetupError } from './venv';

const repo = fileURLToPath(new URL('../..', import.meta.url));

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const t0 = Date.now();
  const server = await startRealServer({ populate: true });
  const ready = (Date.now() - t0) / 1000;
  console.error(
    `test:real: server ready in ${ready.toFixed(1)} s (start ${server.startSeconds.toFixed(1)} s, populate ${server.populated?.seconds.toFixed(1)} s) at ${server.url}`,
  );
  const vitest = spawn(
    join(repo, 'node_modules', '.bin', 'vitest'),
    ['run', '--config', join(repo, 'test/real/vitest.config.ts'), ...filters],
    {
      cwd: repo,
      stdio: 'inherit',
      env: { ...process.env, CONTRACT_BASE_URL: server.url, CONTRACT_SERVER: 'real' },
    },
  );
  const forward = (signal: NodeJS.Signals) => vitest.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => vitest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  await server.close();
  console.error(`test:real: vitest exited ${code}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof SetupError ? `test:real: ${err.message}` : err);
    process.exit(1);
  },
);
