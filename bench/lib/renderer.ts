import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { preloadAppScript } from '../../electron.vite.config';
import { REPO } from './proc';

/**
 * Builds the renderer the way `npm run build` does (electron-vite's renderer preset: production,
 * base './', unminified), but into a folder of the benchmark's own, so a benchmark never rewrites
 * the out/ folder that other people's tests are serving at the same moment.
 */
export async function buildRenderer(): Promise<string> {
  const outDir = join(tmpdir(), `ivk-bench-renderer-${process.pid}`);
  await build({
    configFile: false,
    root: join(REPO, 'src/renderer'),
    base: './',
    mode: 'production',
    logLevel: 'warn',
    // The window's script preload, as in the app's build (its CSP meta the test host writes itself).
    plugins: [react(), preloadAppScript()],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'esnext',
      minify: false,
      reportCompressedSize: false,
      modulePreload: { polyfill: false },
    },
  });
  if (!existsSync(join(outDir, 'index.html'))) throw new Error(`The renderer build wrote no index.html to ${outDir}`);
  return outDir;
}
