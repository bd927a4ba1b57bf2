import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No test writes to the user's schedule cache (~/.cache/dlpkit): the CLIs the tests spawn
    // inherit this; test/compiler/schedule-cache.test.ts gives its own folders.
    env: { DLP_SCHEDULE_CACHE: 'off' },
  },
});
