import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on the project's machines: forks keep native addons (keyring) isolated.
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
