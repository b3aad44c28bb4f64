import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // On Node 20 the AWS SDK prints a multi-line "support ends" notice each time a test
    // builds a client in-process; the CLI itself turns it off (src/io.ts) the same way.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores on the project's machines: forks keep native addons (keyring) isolated.
    pool: 'forks',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
