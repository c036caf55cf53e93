// Learner code at its worst: the checker must still end, say what happened, and leave nothing running.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
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

  test('Ctrl-C on `npm run check` during a stuck run ends the run too, instead of leaving it at full CPU', async () => {
    const dir = pathological('infinite-loop');
    const command = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'tool/cli.ts'), 'check', 'why-pools', '--target', join(dir, '..')], {
      cwd: projectRoot,
      detached: true,
      stdio: 'ignore',
    });
    const ended = new Promise((resolve) => command.once('exit', resolve));
    for (let waited = 0; processesMentioning(dir).length === 0 && waited < 30_000; waited += 100) await sleep(100);
    expect(processesMentioning(dir).length, 'the check run started').toBeGreaterThan(0);
    process.kill(-command.pid!, 'SIGINT'); // what Ctrl-C in a terminal sends: the whole foreground group
    await ended;
    for (let waited = 0; processesMentioning(dir).length > 0 && waited < 5_000; waited += 100) await sleep(100);
    expect(processesMentioning(dir), 'processes left behind').toEqual([]);
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
