import { ensureBuilt } from '../../scripts/lib/ensure-build';
import { findBrowser, NO_BROWSER_FIX } from './browser';

/**
 * Runs once before any test file (vitest's globalSetup): builds out/ when the sources changed, and
 * says in one loud line when the UI suites will be skipped for want of a browser.
 */
export default function setup(): void {
  ensureBuilt();
  if (!findBrowser()) console.warn(`\nSKIPPED: the UI suites (test/e2e, test/reliability/ui-injection): ${NO_BROWSER_FIX}.\n`);
}
