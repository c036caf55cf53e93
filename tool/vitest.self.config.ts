// `npm test`: the project's own suite. It lints every lesson, runs every experiment, proves every
// lesson's checks in both directions and tests the harness on pathological learner code.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    include: ['tool/test/**/*.test.ts'],
    reporters: ['verbose'],
    pool: 'forks',
    // Files run one at a time: experiments measure, and measurements need a quiet machine.
    fileParallelism: false,
    maxConcurrency: 2,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
