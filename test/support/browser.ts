import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';

/**
 * The Chromium-family browser the UI suites and benchmarks drive, found the way a contributor's
 * machine has one: `CHROMIUM_PATH` if set, else Chromium, Chrome or Edge where their installers
 * put them (Linux, macOS, Windows) or on PATH, else a browser Playwright installed itself.
 * Playwright-core downloads nothing, and Playwright's own download cannot run everywhere (no
 * internet on CI here), so a system browser comes first.
 */
export interface FoundBrowser {
  path: string;
  /** Where it was found, for the log line: `CHROMIUM_PATH`, `system` or `playwright`. */
  source: 'CHROMIUM_PATH' | 'system' | 'playwright';
}

/** The sentence a skipped UI suite prints: what is missing and how to get it. */
export const NO_BROWSER_FIX =
  'no Chromium, Chrome or Edge found: install one (Debian/Ubuntu: `apt-get install chromium`; macOS/Windows: Google Chrome), ' +
  'or set CHROMIUM_PATH to a Chromium-family browser, or run `npx playwright install chromium`';

const LINUX_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge', 'microsoft-edge-stable'];

function linuxCandidates(): string[] {
  const onPath = (process.env.PATH ?? '').split(delimiter).flatMap((dir) => (dir ? LINUX_NAMES.map((name) => join(dir, name)) : []));
  return [
    ...onPath,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    '/opt/microsoft/msedge/msedge',
  ];
}

function macCandidates(): string[] {
  const apps = ['Chromium.app/Contents/MacOS/Chromium', 'Google Chrome.app/Contents/MacOS/Google Chrome'];
  apps.push('Microsoft Edge.app/Contents/MacOS/Microsoft Edge');
  return ['/Applications', join(homedir(), 'Applications')].flatMap((dir) => apps.map((app) => join(dir, app)));
}

function windowsCandidates(): string[] {
  const roots = [process.env.LOCALAPPDATA, process.env.PROGRAMFILES, process.env['PROGRAMFILES(X86)']].filter((root) => !!root);
  const apps = ['Chromium\\Application\\chrome.exe', 'Google\\Chrome\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
  return roots.flatMap((root) => apps.map((app) => join(root!, app)));
}

function systemCandidates(platform: NodeJS.Platform): string[] {
  if (platform === 'darwin') return macCandidates();
  if (platform === 'win32') return windowsCandidates();
  return linuxCandidates();
}

/** Playwright's own browser, where `npx playwright install chromium` put one. */
function playwrightBrowser(): string | null {
  try {
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * The browser to launch, or null where the machine has none. A `CHROMIUM_PATH` that names no file
 * is an error, not a skip: the contributor asked for that browser.
 */
export function findBrowser(platform: NodeJS.Platform = process.platform): FoundBrowser | null {
  const requested = process.env.CHROMIUM_PATH;
  if (requested) {
    if (!existsSync(requested)) throw new Error(`CHROMIUM_PATH is ${requested}, which does not exist.`);
    return { path: requested, source: 'CHROMIUM_PATH' };
  }
  const system = systemCandidates(platform).find((path) => existsSync(path));
  if (system) return { path: system, source: 'system' };
  const installed = playwrightBrowser();
  return installed ? { path: installed, source: 'playwright' } : null;
}

/** Command-line switches for headless runs on shared, display-less machines. */
export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];
