import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The Electron binary's path, or null where it is not installed: its download host cannot be
 * reached on every machine (installs then run with ELECTRON_SKIP_BINARY_DOWNLOAD=1). Reads the
 * package's `path.txt` instead of requiring it, because requiring `electron` without its binary
 * starts a download that cannot succeed here.
 */
export function electronBinary(): string | null {
  try {
    const packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const pathFile = join(packageDir, 'path.txt');
    const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
    if (!relative) return null;
    const binary = override ? join(override, relative) : join(packageDir, 'dist', relative);
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}
