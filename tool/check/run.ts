// Runs one lesson's checks against one folder in a separate vitest process, under a wall-clock
// bound that also catches synchronous infinite loops, and leaves no process behind.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Lesson } from '../lessons.ts';
import { projectRoot } from '../lessons.ts';
import { endWithThisProcess, killTree } from './processes.ts';

export interface CheckResult {
  /** The check's title: the rule it enforces, in plain words. */
  name: string;
  state: 'passed' | 'failed' | 'skipped';
  /** On failure: what was observed, in one or two lines. */
  observed?: string;
  /** On failure: the full message and stack, for --verbose. */
  details?: string;
}

export interface RunResult {
  lessonId: string;
  targetDir: string;
  /** passed: every check passed. stuck: the run was stopped at its wall-clock bound. */
  outcome: 'passed' | 'failed' | 'stuck';
  checks: CheckResult[];
  /** Failures outside any single check (a file that will not load, errors after the checks). */
  problems: string[];
  stuck?: { check?: string; seconds: number; reason: string };
  /** Everything vitest printed, for --verbose. */
  output: string;
  seconds: number;
}

export interface RunOptions {
  /** Bound for the whole run; the lesson's own bound, else 120 s. */
  timeLimitSeconds?: number;
  /** Extra time a single check may take beyond its own timeout before the run counts as stuck. */
  stallGraceSeconds?: number;
  /** Run only the checks with these names (the others are left out of the result). vitest matches the
   * pattern against the full name, describe blocks first, so the names are anchored at the end. */
  only?: string[];
  /** Stop at the first failing check: enough to prove that a target fails, and much faster. */
  bail?: boolean;
  /** Told each time a check starts or ends, so that a slow run need not be silent. */
  onProgress?: (progress: CheckProgress) => void;
}

export interface CheckProgress {
  /** Checks finished so far, and how many of them failed. */
  done: number;
  failed: number;
  /** The check running now, if one is. */
  running?: string;
}

/** How long one run of a lesson's checks may take: the lesson's own bound, else 120 s. */
export const lessonTimeLimit = (lesson: Lesson): number => lesson.timeLimitSeconds ?? 120;

const vitestBin = join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
const checksConfig = join(projectRoot, 'tool', 'vitest.checks.config.ts');

interface Beat {
  event: 'start' | 'end';
  name: string;
  at: number;
  timeoutMs?: number;
  failure?: string;
}

export async function runChecks(lesson: Lesson, targetDir: string, options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'workbook-check-'));
  const resultsFile = join(work, 'results.json');
  const heartbeat = join(work, 'heartbeat.jsonl');
  const limitMs = (options.timeLimitSeconds ?? lessonTimeLimit(lesson)) * 1000;
  const graceMs = (options.stallGraceSeconds ?? 5) * 1000;

  const child = spawn(
    process.execPath,
    [
      vitestBin,
      'run',
      '--config',
      checksConfig,
      '--reporter=json',
      `--outputFile=${resultsFile}`,
      ...(options.only ? ['--testNamePattern', `(?:^| )(?:${options.only.map(escapeRegExp).join('|')})$`] : []),
      ...(options.bail ? ['--bail=1'] : []),
      `lessons/${lesson.id}/`,
    ],
    {
      cwd: projectRoot,
      // Its own process group, so that one kill reaches everything it started.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WORKBOOK_LESSON_DIR: targetDir, WORKBOOK_HEARTBEAT: heartbeat, NO_COLOR: '1', FORCE_COLOR: '0' },
    },
  );
  const forget = endWithThisProcess(child.pid!);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  child.stderr.on('data', (d: Buffer) => (output += d));

  let stuck: RunResult['stuck'];
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let progressShown = '';
  const watchdog = setInterval(() => {
    const elapsed = Date.now() - started;
    const all = beats(heartbeat);
    const last = all.at(-1);
    const current = last?.event === 'start' ? last : undefined;
    if (options.onProgress) {
      const ended = all.filter((b) => b.event === 'end');
      const progress = { done: ended.length, failed: ended.filter((b) => b.failure).length, running: current?.name };
      const key = JSON.stringify(progress);
      if (key !== progressShown) options.onProgress(progress);
      progressShown = key;
    }
    if (current?.timeoutMs && Date.now() - current.at > current.timeoutMs + graceMs) {
      stuck = {
        check: current.name,
        seconds: Math.round((Date.now() - current.at) / 1000),
        reason: `stopped responding during the check "${current.name}": it ran past its own ${current.timeoutMs / 1000} s timeout without the timeout firing, which only happens when the main thread is blocked, usually by a synchronous infinite loop`,
      };
    } else if (elapsed > limitMs) {
      stuck = {
        check: current?.name,
        seconds: Math.round(elapsed / 1000),
        reason: `did not finish within the ${limitMs / 1000} s bound for this lesson ${whereItStopped(current?.name)}`,
      };
    }
    if (stuck) killTree(child.pid!);
  }, 200);

  await exited;
  clearInterval(watchdog);
  // Whatever the run left behind (a detached grandchild, say) goes too.
  killTree(child.pid!);
  forget();

  const parsed = readResults(resultsFile);
  const reported = parsed?.checks ?? checksFromHeartbeat(heartbeat, stuck?.check);
  const checks = options.only || options.bail ? reported.filter((c) => c.state !== 'skipped') : reported;
  rmSync(work, { recursive: true, force: true });
  const problems = parsed?.problems ?? [];
  if (!parsed && !stuck) problems.push(`The checks did not run to the end. vitest said:\n${lastLines(output, 15)}`);

  const outcome: RunResult['outcome'] = stuck
    ? 'stuck'
    : checks.length > 0 && checks.every((c) => c.state === 'passed') && problems.length === 0
      ? 'passed'
      : 'failed';
  return {
    lessonId: lesson.id,
    targetDir,
    outcome,
    checks,
    problems,
    stuck,
    output,
    seconds: (Date.now() - started) / 1000,
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function beats(heartbeat: string): Beat[] {
  if (!existsSync(heartbeat)) return [];
  return readFileSync(heartbeat, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Beat);
}

/** When a run is stopped, vitest writes no report: rebuild what it can from the heartbeat. */
function checksFromHeartbeat(heartbeat: string, stuckIn: string | undefined): CheckResult[] {
  const checks: CheckResult[] = beats(heartbeat)
    .filter((b) => b.event === 'end')
    .map((b) => (b.failure ? { name: b.name, state: 'failed', observed: firstLines(b.failure), details: b.failure } : { name: b.name, state: 'passed' }));
  if (stuckIn) checks.push({ name: stuckIn, state: 'failed', observed: 'The run was stopped here: this check never finished.' });
  return checks;
}

interface JsonAssertion {
  title: string;
  ancestorTitles: string[];
  status: string;
  failureMessages?: string[];
}
interface JsonReport {
  testResults: Array<{ name: string; status: string; message?: string; assertionResults: JsonAssertion[] }>;
}

function readResults(file: string): { checks: CheckResult[]; problems: string[] } | undefined {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
  const checks: CheckResult[] = [];
  const problems: string[] = [];
  for (const fileResult of report.testResults) {
    if (fileResult.message) problems.push(`${relative(projectRoot, fileResult.name)}: ${firstLines(fileResult.message)}`);
    for (const a of fileResult.assertionResults) {
      const state = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      const message = (a.failureMessages ?? []).join('\n');
      checks.push({
        name: a.title,
        state,
        ...(state === 'failed' ? { observed: firstLines(message), details: message } : {}),
      });
    }
  }
  return { checks, problems };
}

/** The message without its stack trace and error class name. */
export function firstLines(message: string, max = 4): string {
  // Some tools colour their messages whatever NO_COLOR says.
  const plain = message.replace(/\x1b\[[0-9;]*m/g, '');
  const withoutStack = plain.split(/\n\s+at /)[0]!;
  return withoutStack
    .replace(/^(AssertionError|Error|TypeError): /, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, max)
    .join('\n')
    .trim();
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** Where a run stood when a time bound stopped it: in a check, or still loading. */
export const whereItStopped = (check: string | undefined): string =>
  check ? `(it was in the check "${check}")` : '(no check had started yet: loading took all of it)';
