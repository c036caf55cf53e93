// Learner code at its worst: the checker must still end, say what happened, and leave nothing running.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runChecks } from '../check/run.ts';
import { findLesson, projectRoot } from '../lessons.ts';
import { processesMentioning } from './helpers.ts';

const lesson = findLesson('why-pools');
const pathological = (name: string) => join(projectRoot, 'tool/test/fixtures/pathological', name, 'why-pools');

describe.concurrent('the check harness on pathological pools', () => {
  test('a synchronous infinite loop in run() fails the run within a fixed bound, naming the check', async () => {
    const dir = pathological('infinite-loop');
    const started = Date.now();
    const run = await runChecks(lesson, dir);
    const seconds = (Date.now() - started) / 1000;
    expect(run.outcome).toBe('stuck');
    expect(run.stuck?.check).toBe('100 tasks on 4 workers all resolve, each with its own result');
    expect(run.stuck?.reason).toMatch(/synchronous infinite loop/);
    // 10 s check timeout + 5 s grace + start-up: well inside 60 s even on a loaded machine.
    expect(seconds).toBeLessThan(60);
    expect(processesMentioning(dir), 'processes left behind').toEqual([]);
  });

  test('a pool that never terminates its workers fails, and the workers are named and stopped', async () => {
    const dir = pathological('never-terminates');
    const run = await runChecks(lesson, dir);
    expect(run.outcome).toBe('failed');
    const leak = run.checks.find((c) => c.name === '100 tasks on 4 workers all resolve, each with its own result');
    expect(leak?.observed).toMatch(/Left running after this check: 4 x worker thread lessons\/why-pools\/fixtures\/square-worker\.ts/);
    expect(processesMentioning(dir), 'processes left behind').toEqual([]);
  });

  test('a detached child process the pool leaves running is named, and killed', async () => {
    const dir = pathological('leaks-child-process');
    const run = await runChecks(lesson, dir);
    expect(run.outcome).toBe('failed');
    expect(run.checks[0]?.observed).toMatch(/Left running after this check: child process sleep 4242 \(pid \d+\)/);
    expect(processesMentioning(dir), 'processes left behind, the detached sleep among them').toEqual([]);
  });

  test('process.exit() in learner code fails the checks instead of ending the run silently', async () => {
    const run = await runChecks(lesson, pathological('exits-process'));
    expect(run.outcome).toBe('failed');
    expect(run.checks[0]?.observed).toMatch(/process\.exit/);
  });

  test('a file that does not compile fails every check with the compiler message', async () => {
    const run = await runChecks(lesson, pathological('syntax-error'));
    expect(run.outcome).toBe('failed');
    expect(run.checks.length).toBeGreaterThan(0);
    for (const check of run.checks) expect(check.observed).toMatch(/Could not load .*pool\.ts/);
  });
});
