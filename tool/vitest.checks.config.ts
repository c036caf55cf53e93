// The configuration the check runner uses for lesson checks (lessons/<id>/*.test.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    include: ['lessons/*/**/*.test.ts'],
    setupFiles: ['tool/harness/setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 10_000,
    hookTimeout: 10_000,
    teardownTimeout: 3_000,
    isolate: true,
    watch: false,
  },
});
