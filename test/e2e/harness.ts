import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStandIn, type StandIn, type StandInOptions } from '../server';
import { startHost, type Host } from '../host/host';

/**
 * End-to-end fixtures in the shape Insomnia's Playwright suite uses: a `server` (the InvokeAI
 * stand-in), a fresh `dataDir` per suite, the `host` (the real services behind the built UI) and
 * a `page` in Debian's Chromium. Tests wait on what the app reports (roles, names, data flags),
 * never on sleeps, and fail when the page logs an uncaught error.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface E2eContext {
  server: StandIn;
  host: Host;
  browser: Browser;
  page: Page;
  dataDir: string;
  /** Uncaught errors the page raised; a test ends by expecting none. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface E2eOptions {
  server?: StandInOptions;
  viewport?: { width: number; height: number };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

export async function startE2e(options: E2eOptions = {}): Promise<E2eContext> {
  const server = await startStandIn({ images: 300, seed: 7, jobStepMs: 150, ...options.server });
  const dataDir = mkdtempSync(join(tmpdir(), 'ivk-e2e-'));
  const host = await startHost({ serverUrl: server.url, dataDir });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(host.url);
  return {
    server,
    host,
    browser,
    page,
    dataDir,
    pageErrors,
    async close() {
      await browser.close();
      await host.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
