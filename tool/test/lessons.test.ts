// Proves every lesson's checks in both directions: the solution passes every check, the untouched
// starter fails, and every broken pool fails, caught by the check the lesson names.
// A starter only has to fail, so its run stops at its first failing check; a broken pool runs only
// the checks named as catching it, and stops at the first of those that fails. Otherwise both
// would wait out every bound of every check they fail.
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { runChecks, type RunResult } from '../check/run.ts';
import { allLessons, type Lesson } from '../lessons.ts';
import { solutionsRoot } from '../workspace.ts';

const summary: string[] = [];
const failedNames = (run: RunResult) => run.checks.filter((c) => c.state === 'failed').map((c) => c.name);
const describeRun = (run: RunResult) =>
  `${run.outcome}; ${run.checks.filter((c) => c.state === 'passed').length} of ${run.checks.length} checks passed` +
  (run.problems.length ? `; problems: ${run.problems.join(' | ')}` : '') +
  (run.stuck ? `; stuck: ${run.stuck.reason}` : '');

const withExercise = allLessons().filter((l) => l.files.length > 0);

describe.each(withExercise.map((l) => [l.id, l] as const))('%s', (id, lesson: Lesson) => {
  test.concurrent(`solutions/${id} passes every check`, async () => {
    const run = await runChecks(lesson, join(solutionsRoot, id));
    const failures = run.checks.filter((c) => c.state !== 'passed').map((c) => `${c.name}: ${c.observed ?? c.state}`);
    expect(failures, describeRun(run)).toEqual([]);
    expect(run.outcome, describeRun(run)).toBe('passed');
    summary.push(`${id}: solution passes ${run.checks.length} of ${run.checks.length} checks`);
  });

  test.concurrent(`the untouched starter fails, without hanging`, async () => {
    const run = await runChecks(lesson, join(lesson.dir, 'starter'), { bail: true });
    expect(run.outcome, describeRun(run)).toBe('failed');
    summary.push(`${id}: starter fails, first at "${failedNames(run)[0] ?? run.stuck?.check ?? run.problems[0]}"`);
  });

  for (const variant of lesson.broken) {
    const named = [variant.caughtBy].flat();
    test.concurrent(`broken/${variant.name} is caught by "${named.join('" or "')}"`, async () => {
      const run = await runChecks(lesson, join(lesson.dir, 'broken', variant.name), { only: named, bail: true });
      expect(run.outcome, describeRun(run)).not.toBe('passed');
      const failed = failedNames(run);
      expect(failed.filter((name) => named.includes(name)), `checks that failed: ${failed.join('; ')}`).not.toEqual([]);
      summary.push(`${id}: broken/${variant.name} caught by "${named.find((n) => failed.includes(n))}"`);
    });
  }
});

afterAll(() => {
  console.log(['Lessons proven in both directions:', ...summary.sort().map((line) => `  ${line}`)].join('\n'));
});
