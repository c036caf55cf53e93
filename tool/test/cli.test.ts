// The command line as a learner meets it, run in a throw-away copy of the workbook.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { projectRoot } from '../lessons.ts';
import { cli, runScript, sandboxCopy } from './helpers.ts';

let root: string;
beforeAll(() => {
  root = sandboxCopy();
  expect(cli(root, ['init']).status).toBe(0);
});

const oneSentence = (text: string) => {
  expect(text.trim().split('\n').length, text).toBe(1);
  expect(text).not.toMatch(/\n\s+at /);
};

describe('bad input gets one clear sentence and exit code 2', () => {
  test('an unknown lesson', () => {
    const r = cli(root, ['check', 'no-such-lesson']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/There is no lesson 'no-such-lesson'/);
    oneSentence(r.stderr);
  });
  test('a misspelt lesson gets a suggestion', () => {
    const r = cli(root, ['check', 'backpresure']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("There is no lesson 'backpresure'. Did you mean backpressure?");
  });
  test('a target folder that does not exist', () => {
    const r = cli(root, ['check', 'why-pools', '--target', 'no/such/folder']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/The target folder 'no\/such\/folder' does not exist/);
    oneSentence(r.stderr);
  });
  test('a target folder not laid out like exercises/', () => {
    const r = cli(root, ['check', 'why-pools', '--target', 'tool']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/'tool' has no folder 'why-pools\/'/);
  });
  test('an unknown broken variant', () => {
    const r = cli(root, ['check', 'why-pools', '--broken', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/has no broken variant 'nope'/);
  });
  test('an unknown option', () => {
    const r = cli(root, ['check', 'why-pools', '--frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
  });
  test('a word too many', () => {
    for (const [args, says] of [
      [['list', 'bogus'], /^'bogus' is one word too many: npm run list takes no names\./],
      [['hint', 'why-pools', 'extra'], /^'extra' is one word too many: npm run hint takes a lesson\./],
    ] as const) {
      const r = cli(root, [...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(says);
      oneSentence(r.stderr);
    }
  });
});

test('a check on a lesson whose exercise file is missing says the starter took its place', () => {
  const file = join(root, 'exercises/why-pools/pool.ts');
  rmSync(file);
  const r = cli(root, ['check', 'why-pools']);
  expect(r.stdout).toContain('exercises/why-pools/pool.ts was missing, so the starter was copied there.');
  expect(existsSync(file)).toBe(true);
});

// The other commands, run in the project itself: each of these stops at its options, before it
// touches anything.
describe('every other command answers bad input with one sentence and exit code 2', () => {
  const cases: Array<[commandLine: string, file: string, says: RegExp]> = [
    ['npm run bench -- --frobnicate', 'lessons/capstone/bench/run.ts', /Unknown option '--frobnicate'\. npm run bench -- --help/],
    ['npm run bench -- --target no/such/folder', 'lessons/capstone/bench/run.ts', /The target folder 'no\/such\/folder' does not exist/],
    ['npm run bench -- --rounds many', 'lessons/capstone/bench/run.ts', /--rounds takes a whole number/],
    ['npm run grade -- --frobnicate', 'tool/grade/cli.ts', /Unknown option '--frobnicate'/],
    ['npm run grade:bench -- --frobnicate', 'tool/grade/bench.ts', /Unknown option '--frobnicate'/],
    ['npm run serve -- --port eighty', 'tool/site/serve.ts', /--port takes a port number/],
    ['npm run build -- --frobnicate', 'site/build/build.ts', /Unknown option '--frobnicate'/],
    ['npm run record -- no-such-lesson', 'tool/site/record.ts', /There is no lesson 'no-such-lesson'/],
  ];
  test.each(cases)('%s', (commandLine, file, says) => {
    const r = runScript(projectRoot, file, commandLine.split(' -- ')[1]!.split(' '));
    expect(r.stderr).toMatch(says);
    oneSentence(r.stderr);
    expect(r.status).toBe(2);
  });
  test('npm run bench -- --target <a folder whose capstone pool is the untouched starter>', () => {
    const folder = mkdtempSync(join(tmpdir(), 'workbook-bench-target-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    mkdirSync(join(folder, 'capstone'));
    copyFileSync(join(projectRoot, 'lessons/capstone/starter/pool.ts'), join(folder, 'capstone/pool.ts'));
    const r = runScript(projectRoot, 'lessons/capstone/bench/run.ts', ['--target', folder]);
    expect(r.stderr).toMatch(/could not start a pool \(Not implemented yet.*make `npm run check -- capstone` pass before you race it/);
    oneSentence(r.stderr);
    expect(r.status).toBe(2);
  });
});

test('npm install fills exercises/ from the starters, and never overwrites a learner file', () => {
  const file = join(root, 'exercises/why-pools/pool.ts');
  expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(root, 'lessons/why-pools/starter/pool.ts'), 'utf8'));
  writeFileSync(file, '// my own work\n');
  cli(root, ['init']);
  expect(readFileSync(file, 'utf8')).toBe('// my own work\n');
});

test('check on the untouched exercise fails with the rule, what was observed and the first hint', () => {
  const r = cli(root, ['reset', 'why-pools']);
  expect(r.status).toBe(0);
  const run = cli(root, ['check', 'why-pools']);
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/✗ 100 tasks on 4 workers all resolve, each with its own result\n\s+observed: Not implemented yet/);
  expect(run.stdout).toMatch(/Hint 1: /);
  expect(run.stdout).toMatch(/0 of \d+ checks pass/);
});

test('check --target solutions passes and exits 0', () => {
  const run = cli(root, ['check', 'why-pools', '--target', 'solutions']);
  expect(run.stdout).toMatch(/All \d+ checks pass/);
  expect(run.status).toBe(0);
});

test('reset saves the learner version to a backup it names, then restores the starter', () => {
  const file = join(root, 'exercises/why-pools/pool.ts');
  writeFileSync(file, '// two hours of work\n');
  const r = cli(root, ['reset', 'why-pools']);
  expect(r.status).toBe(0);
  const backup = /Saved your version in (\S+)\//.exec(r.stdout)?.[1];
  expect(backup, r.stdout).toBeTruthy();
  expect(readFileSync(join(root, backup!, 'pool.ts'), 'utf8')).toBe('// two hours of work\n');
  expect(readFileSync(file, 'utf8')).toBe(readFileSync(join(root, 'lessons/why-pools/starter/pool.ts'), 'utf8'));
});

test('hints come one tier at a time and the count survives restarts', () => {
  const first = cli(root, ['hint', 'why-pools']).stdout;
  expect(first).toMatch(/Hint 1 of \d/);
  expect(first).not.toMatch(/Hint 2 of/);
  const second = cli(root, ['hint', 'why-pools']).stdout;
  expect(second).toMatch(/Hint 2 of \d/);
  const progress = JSON.parse(readFileSync(join(root, '.workbook/progress.json'), 'utf8'));
  expect(progress.lessons['why-pools'].hintsShown).toBe(2);
});

test('the solution is not shown before the lesson passes without an explicit yes', () => {
  const refused = cli(root, ['solution', 'why-pools']);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toMatch(/--yes/);
  expect(refused.stdout).not.toMatch(/class WorkerPool/);
  const shown = cli(root, ['solution', 'why-pools', '--yes']);
  expect(shown.status).toBe(0);
  expect(shown.stdout).toMatch(/class WorkerPool/);
});

test('a passing lesson is recorded in the progress file, and npm start without a terminal prints a summary once', () => {
  const file = join(root, 'exercises/why-pools/pool.ts');
  writeFileSync(file, readFileSync(join(root, 'solutions/why-pools/pool.ts')));
  expect(cli(root, ['check', 'why-pools']).status).toBe(0);
  const progress = JSON.parse(readFileSync(join(root, '.workbook/progress.json'), 'utf8'));
  expect(progress.lessons['why-pools'].passedAt).toBeTruthy();
  // The summary re-checks the current lesson; a passing one keeps this test quick (an untouched
  // crash-recovery, the next unfinished lesson, waits out every check's bound).
  writeFileSync(join(root, '.workbook/progress.json'), JSON.stringify({ ...progress, current: 'why-pools' }));
  const start = cli(root, ['start'], { timeoutMs: 180_000 });
  expect(start.status).toBe(0);
  expect(start.stdout).toMatch(/\[█+░*\] 1 of \d+ lessons pass/);
  expect(start.stdout).toMatch(/one-time summary/);
  expect(start.stdout).toMatch(/why-pools|Why pools/i);
  expect(existsSync(join(root, '.workbook/progress.json'))).toBe(true);
});
