/**
 * npm run test:real [-- <vitest filters...>]
 * Starts the real InvokeAI 6.14.2 with --populate on a free port (and, when a multi-user suite,
 * test/contract/auth.test.ts, multiuser-boards.test.ts or videos.test.ts, is among the files, a second one in
 * multi-user mode with an admin and a member: CONTRACT_MULTIUSER_URL), runs vitest with
 * test/real/vitest.config.ts (the contract suite and test/real/*.test.ts; narrow it with filters,
 * e.g. `npm run test:real -- test/contract/images`) with CONTRACT_BASE_URL pointing at it, then
 * stops the server. The exit code is vitest's.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { prepareMultiUserServer } from '../contract/multiuser';
import { startRealServer, type RealServer } from './server';
import { SetupError } from './venv';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const MULTIUSER_SUITE = 'test/contract/auth.test.ts';

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const t0 = Date.now();
  const server = await startRealServer({ populate: true });
  const ready = (Date.now() - t0) / 1000;
  console.error(
    `test:real: server ready in ${ready.toFixed(1)} s (start ${server.startSeconds.toFixed(1)} s, populate ${server.populated?.seconds.toFixed(1)} s) at ${server.url}`,
  );
  // A second server in multi-user mode (admin and member) for the sign-in suite, when it runs.
  let multiuser: RealServer | null = null;
  if (
    filters.length === 0 ||
    filters.some((f) => MULTIUSER_SUITE.includes(f) || f.includes('auth') || f.includes('multiuser') || f.includes('videos'))
  ) {
    try {
      multiuser = await startRealServer({ multiuser: true });
      await prepareMultiUserServer(multiuser.url);
    } catch (err) {
      await multiuser?.close();
      await server.close();
      throw err;
    }
    console.error(`test:real: multi-user server ready at ${multiuser.url}`);
  }
  const vitest = spawn(
    join(repo, 'node_modules', '.bin', 'vitest'),
    ['run', '--config', join(repo, 'test/real/vitest.config.ts'), ...filters],
    {
      cwd: repo,
      stdio: 'inherit',
      env: {
        ...process.env,
        CONTRACT_BASE_URL: server.url,
        CONTRACT_SERVER: 'real',
        ...(multiuser ? { CONTRACT_MULTIUSER_URL: multiuser.url } : {}),
      },
    },
  );
  const forward = (signal: NodeJS.Signals) => vitest.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => vitest.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  await Promise.all([server.close(), multiuser?.close()]);
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
