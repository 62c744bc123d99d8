import { defineConfig } from 'vitest/config';

/**
 * For runs against one shared real server (npm run test:real): the root config leaves test/real
 * out, and files must run one at a time because they share the server's queue and processor.
 */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/contract/**/*.test.ts', 'test/real/**/*.test.ts'],
    exclude: ['node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    fileParallelism: false,
    reporters: ['default'],
  },
});
