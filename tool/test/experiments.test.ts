// Every experiment runs to the end and every claim it checks holds (in quick mode).
// Experiments measure a shared, noisy machine, so one that fails runs up to twice more before it counts;
// a claim that fails three times in a row is wrong, or too fragile to teach from.
// Two run at a time: most of their time is spent starting workers and waiting on them.
import { describe, expect, test } from 'vitest';
import { runExperiment } from '../experiments/run.ts';
import { allLessons } from '../lessons.ts';

const cases = allLessons().flatMap((lesson) => lesson.experiments.map((file) => [`${lesson.id}: ${file.replace(/\.ts$/, '')}`, lesson, file] as const));

describe('experiments run and their claims hold', { retry: 2, concurrent: true }, () => {
  test.each(cases)('%s', async (_name, lesson, file) => {
    const run = await runExperiment(lesson, file, { quick: true, timeLimitSeconds: 120 });
    // A failed attempt that a retry then passes leaves no message in the report: print why it
    // failed, so that a claim that needs retries can be made sturdier from the CI log alone.
    if (run.exitCode !== 0 || run.timedOut) {
      const lines = run.output.split('\n');
      const why = lines.flatMap((line, i) => (line.includes('✗') ? [line, lines[i + 1] ?? ''] : /^\w*Error\b/.test(line) ? [line] : []));
      console.error(`${lesson.id}: ${file} failed this attempt (exit code ${run.exitCode}${run.timedOut ? ', timed out' : ''}):\n${(why.length ? why : lines.slice(-20)).join('\n')}`);
    }
    expect(run.timedOut, `${file} finished within 120 s`).toBe(false);
    expect(run.exitCode, `exit code of ${file}; its output:\n${run.output}`).toBe(0);
  });
});
