import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No test writes to the user's caches (~/.cache/dlpkit): the CLIs the tests spawn inherit
    // this; test/compiler/schedule-cache.test.ts and test/cli/code-cache.test.ts give their own folders.
    env: { DLP_SCHEDULE_CACHE: 'off', DLP_CODE_CACHE: 'off' },
  },
});
