// `npm test`: the project's own suite. It lints every lesson, runs every experiment, proves every
// lesson's checks in both directions and tests the harness on pathological learner code.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  test: {
    include: ['tool/test/**/*.test.ts'],
    reporters: ['verbose'],
    pool: 'forks',
    // Two files at a time, and up to two tests at a time within a file. Most of the suite waits on
    // child processes (check runs, experiments, the browser), so this keeps both cores busy. Claims
    // that need idle cores are not counted when the machine is busy, and a failed experiment runs
    // up to twice more (see experiments.test.ts).
    fileParallelism: true,
    maxWorkers: 2,
    maxConcurrency: 2,
    testTimeout: 240_000,
    hookTimeout: 60_000,
  },
});
