import { describe, expect, it } from 'vitest';
import { electronBinary } from '../support/electron-binary';

/**
 * The same app through Playwright's Electron launcher, where the Electron binary exists. Its
 * download host is unreachable on some machines (CI here included): the suite then reports itself
 * skipped, with the reason, instead of passing silently.
 */
const binary = electronBinary();
if (!binary) {
  console.warn(
    'SKIPPED: Electron end-to-end tests: the Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD or no access to its download host).',
  );
}

describe.skipIf(!binary)('the desktop app in Electron', () => {
  it('opens a hardened window that paints the gallery', async () => {
    const { _electron } = await import('playwright-core');
    const app = await _electron.launch({
      executablePath: binary!,
      args: ['.', '--no-sandbox'],
      env: Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    });
    try {
      const page = await app.firstWindow();
      // Isolation and sandbox seen from the page: the bridge is there, Node and Electron are not.
      const seen = await page.evaluate(() => ({
        bridge: typeof (globalThis as { ivk?: { invoke?: unknown } }).ivk?.invoke,
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      }));
      expect(seen).toEqual({ bridge: 'function', require: 'undefined', process: 'undefined' });
      await page.getByRole('navigation', { name: 'Boards' }).waitFor();
    } finally {
      await app.close();
    }
  });
});
