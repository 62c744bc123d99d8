import { spawn } from 'node:child_process';
import { electronBinary } from '../test/support/electron-binary';

/**
 * `npm start`: the app in Electron with hot reload (electron-vite dev). Electron's binary is
 * fetched from its own download host, which not every machine reaches; without it, say so in one
 * line with the way to get it and the way to use the app anyway, instead of electron-vite's trace.
 */
if (!electronBinary()) {
  console.error(
    'npm start: the Electron binary is not installed (its download host was unreachable or skipped); ' +
      'get it with `npx install-electron`, or run `npm run demo` to use the app in a browser.',
  );
  process.exit(1);
}

const app = spawn('electron-vite', ['dev', ...process.argv.slice(2)], { stdio: 'inherit', shell: process.platform === 'win32' });
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
