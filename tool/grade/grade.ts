// `npm run grade`: every lesson's checks over a class of submissions. Each lesson of each
// submission runs through the check runner (its own process group, its own wall-clock bound,
// everything it started killed at the end) on a private copy, a few submissions at a time, under
// a memory bound per run and a time bound per submission. report.ts turns the result into text,
// JSON and JUnit XML.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { killTree } from '../check/processes.ts';
import { firstLines, lessonTimeLimit, runChecks, whereItStopped, type RunResult } from '../check/run.ts';
import { allLessons, projectRoot, type Lesson } from '../lessons.ts';
import { workerEntryFor } from '../runtime/ts-workers.ts';
import { watchMemory } from './memory.ts';
import { findSubmissions, notAttempted, type Submission } from './submissions.ts';

/** stopped: the run hit a bound and was killed. not-run: the submission's bound was used up first. */
export type LessonStatus = 'passed' | 'failed' | 'stopped' | 'not-attempted' | 'not-run';

export interface GradedCheck {
  name: string;
  /** not-run: the run ended (stopped, or its process died) before this check reported. */
  state: 'passed' | 'failed' | 'skipped' | 'not-run';
  observed?: string;
  details?: string;
}

export interface LessonGrade {
  lessonId: string;
  status: LessonStatus;
  passed: number;
  total: number;
  /** Why it was not attempted, not run, or stopped. */
  reason?: string;
  /** The check a stopped run was in. */
  stoppedIn?: string;
  checks: GradedCheck[];
  /** Failures outside any single check (a file that will not load, a process that died). */
  problems: string[];
  seconds: number;
  /** The most memory the run's processes held together, as sampled (Linux). */
  peakMemoryMb?: number;
}

export interface SubmissionGrade {
  name: string;
  path: string;
  exercisesDir?: string;
  /** Not laid out like exercises/: why, and nothing was run. */
  problem?: string;
  lessons: LessonGrade[];
  seconds: number;
  /** A lesson run was stopped at a bound, or not run because the submission's bound was used up. */
  hitBound: boolean;
  lessonsPassed: number;
  checksPassed: number;
  checksTotal: number;
}

export interface ClassReport {
  format: 'worker-pool-workbook/grades@1';
  startedAt: string;
  seconds: number;
  node: string;
  cores: number;
  concurrency: number;
  /** The bound for one submission, all its lessons together. */
  timeLimitSeconds: number;
  /** The bound on the memory of one lesson run's processes together. */
  memoryLimitMb: number;
  lessons: Array<{ id: string; title: string; timeLimitSeconds: number; checks: string[] }>;
  submissions: SubmissionGrade[];
  notes: string[];
}

export interface GradeOptions {
  /** The lessons to grade; by default every lesson with an exercise. */
  lessons?: Lesson[];
  /** Submissions graded at once. */
  concurrency?: number;
  /** Bound for one submission; by default the sum of its lessons' bounds. */
  timeLimitSeconds?: number;
  memoryLimitMb?: number;
  /** Where relative folders are taken from. */
  cwd?: string;
  onProgress?: (graded: SubmissionGrade, done: number, of: number) => void;
  /** Told the folder holding the copies as soon as it exists (to clean up on Ctrl-C). */
  onWorkDir?: (dir: string) => void;
}

export const defaultMemoryLimitMb = 2048;
// Two at a time is what was measured on a 2-core machine (bench.ts); more would only queue for the CPU there.
export const defaultConcurrency = () => Math.max(1, Math.min(2, availableParallelism()));
export const gradableLessons = (lessons = allLessons()) => lessons.filter((l) => l.files.length > 0);

export async function gradeClass(folders: string[], options: GradeOptions = {}): Promise<ClassReport> {
  const started = Date.now();
  const cwd = options.cwd ?? process.cwd();
  const every = allLessons();
  const lessons = options.lessons ?? gradableLessons(every);
  const concurrency = options.concurrency ?? defaultConcurrency();
  const timeLimitSeconds = options.timeLimitSeconds ?? lessons.reduce((sum, l) => sum + lessonTimeLimit(l), 0);
  const memoryLimitMb = options.memoryLimitMb ?? defaultMemoryLimitMb;
  const submissions = findSubmissions(folders, lessons, every.map((l) => l.id), cwd);
  const notes: string[] = [];
  // Every process grading starts has this folder in its environment, so that it can be found and stopped.
  const work = mkdtempSync(join(tmpdir(), 'workbook-grade-'));
  options.onWorkDir?.(work);
  // The runs' temp files go inside it too (vitest's own, which a stopped run cannot delete), and
  // go with it. The runs inherit this environment; grading one class at a time per process.
  const tmp = process.env.TMPDIR;
  process.env.TMPDIR = join(work, 'tmp');
  mkdirSync(process.env.TMPDIR);
  const graded: SubmissionGrade[] = [];
  let next = 0;
  let done = 0;
  try {
    const catalog = await listChecks(lessons, work);
    const unlisted = lessons.filter((l) => !catalog.has(l.id)).map((l) => l.id);
    if (unlisted.length) notes.push(`The checks of ${unlisted.join(', ')} could not be listed before grading: their totals count only the checks that reported.`);
    warmWorkerCache(lessons);
    // The copies live outside the project: this lets a package import resolve as it does in exercises/.
    symlinkSync(join(projectRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
    const settings = { lessons, catalog, timeLimitSeconds, memoryLimitMb };
    const slot = async () => {
      while (next < submissions.length) {
        const i = next++;
        graded[i] = await gradeSubmission(submissions[i]!, join(work, String(i + 1)), settings);
        options.onProgress?.(graded[i]!, ++done, submissions.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, submissions.length) }, slot));
    return {
      format: 'worker-pool-workbook/grades@1',
      startedAt: new Date(started).toISOString(),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      node: process.version,
      cores: availableParallelism(),
      concurrency,
      timeLimitSeconds,
      memoryLimitMb,
      lessons: lessons.map((l) => ({ id: l.id, title: l.title, timeLimitSeconds: lessonTimeLimit(l), checks: catalog.get(l.id) ?? [] })),
      submissions: graded,
      notes,
    };
  } finally {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    stopRunsIn(work);
    rmSync(work, { recursive: true, force: true });
  }
}

interface Settings {
  lessons: Lesson[];
  catalog: Map<string, string[]>;
  timeLimitSeconds: number;
  memoryLimitMb: number;
}

async function gradeSubmission(submission: Submission, copies: string, s: Settings): Promise<SubmissionGrade> {
  const started = Date.now();
  const lessons: LessonGrade[] = [];
  for (const lesson of submission.exercisesDir ? s.lessons : []) {
    const names = s.catalog.get(lesson.id) ?? [];
    const skip = (status: 'not-attempted' | 'not-run', reason: string): LessonGrade => ({
      lessonId: lesson.id,
      status,
      passed: 0,
      total: names.length,
      reason,
      checks: names.map((name) => ({ name, state: 'not-run' })),
      problems: [],
      seconds: 0,
    });
    const why = notAttempted(submission.exercisesDir!, lesson);
    const left = s.timeLimitSeconds - (Date.now() - started) / 1000;
    if (why) lessons.push(skip('not-attempted', why));
    else if (left < 1) lessons.push(skip('not-run', `the submission's ${s.timeLimitSeconds} s bound was used up before this lesson`));
    else lessons.push(await gradeLesson(lesson, join(submission.exercisesDir!, lesson.id), join(copies, lesson.id), Math.round(left), s));
  }
  rmSync(copies, { recursive: true, force: true });
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    name: submission.name,
    path: submission.path,
    ...(submission.exercisesDir ? { exercisesDir: submission.exercisesDir } : {}),
    ...(submission.problem ? { problem: submission.problem } : {}),
    lessons,
    seconds: round((Date.now() - started) / 1000),
    hitBound: lessons.some((l) => l.status === 'stopped' || l.status === 'not-run'),
    lessonsPassed: lessons.filter((l) => l.status === 'passed').length,
    checksPassed: lessons.reduce((sum, l) => sum + l.passed, 0),
    checksTotal: lessons.reduce((sum, l) => sum + l.total, 0),
  };
}

async function gradeLesson(lesson: Lesson, source: string, copy: string, secondsLeft: number, s: Settings): Promise<LessonGrade> {
  const bound = Math.min(lessonTimeLimit(lesson), secondsLeft);
  try {
    // dereference: a symbolic link in a submission must not let a check write through it.
    cpSync(source, copy, { recursive: true, dereference: true, filter: (p) => !/[\\/](node_modules|\.git)$/.test(p) });
  } catch (error) {
    const why = `Its files could not be copied for grading (${(error as NodeJS.ErrnoException).code ?? String(error)}).`;
    const names = s.catalog.get(lesson.id) ?? [];
    return { lessonId: lesson.id, status: 'failed', passed: 0, total: names.length, checks: names.map((name) => ({ name, state: 'not-run' })), problems: [why], seconds: 0 };
  }
  const copyNames = namesOf(copy);
  // Every process of the run has its target in its environment (the check runner puts it there).
  const marker = `WORKBOOK_LESSON_DIR=${copy}\0`;
  const stopWatching = watchMemory(marker, s.memoryLimitMb);
  const run = await runChecks(lesson, copy, { timeLimitSeconds: bound });
  const memory = stopWatching();
  // A process that escaped the run's kill (it left the process group and its parent) must not
  // run on beside the next submissions.
  stopRunsIn(marker);
  rmSync(copy, { recursive: true, force: true });
  return fromRun(lesson, run, { copyNames, source, bound, memory, s });
}

/**
 * Every way a message can name the private copy: as given, through symbolic links resolved (a
 * temp folder under a link, as on macOS), and relative to the project root, which is how vitest
 * names a file it could not load. Longest first, so that a name is replaced whole.
 */
function namesOf(copy: string): string[] {
  let real = copy;
  try {
    real = realpathSync(copy);
  } catch {
    // Not there: the name as given has to do.
  }
  const names = [copy, real].flatMap((p) => [p, relative(projectRoot, p)]);
  return [...new Set(names)].filter((n) => n.length > 1).sort((a, b) => b.length - a.length);
}

/** A message with each name of the private copy replaced by the submission's own folder. */
function unmask(text: string, copyNames: string[], source: string): string {
  return copyNames.reduce((t, name) => t.split(name).join(source), text);
}

/**
 * What a failed check observed, for the report. The check runner keeps a message's first few
 * lines, which cuts a parse error's code frame before the faulty line: keep the frame whole.
 */
function observedOf(observed: string | undefined, details: string | undefined): string | undefined {
  // The frame is coloured whatever NO_COLOR says; firstLines takes the colours out.
  if (!details || !/╭─\[/.test(details.replace(/\x1b\[[0-9;]*m/g, ''))) return observed;
  const lines = firstLines(details, 16).split('\n');
  const end = lines.findIndex((l) => /─╯\s*$/.test(l));
  return lines.slice(0, end < 0 ? lines.length : end + 1).map((l) => l.trimEnd()).join('\n');
}

function fromRun(
  lesson: Lesson,
  run: RunResult,
  o: { copyNames: string[]; source: string; bound: number; memory: { peakMb: number; exceededMb?: number }; s: Settings },
): LessonGrade {
  // Messages name the private copy, which is gone by now: the instructor reads the submission's own path.
  const unmasked = (text: string) => unmask(text, o.copyNames, o.source);
  const checks: GradedCheck[] = run.checks.map((c) => {
    const observed = observedOf(c.observed, c.details);
    return {
      name: c.name,
      state: c.state,
      ...(observed ? { observed: unmasked(observed) } : {}),
      ...(c.details ? { details: unmasked(c.details) } : {}),
    };
  });
  // Checks the run never reported on (it was stopped, or its process died) still count in the total.
  const reported = checks.map((c) => c.name);
  for (const name of o.s.catalog.get(lesson.id) ?? []) {
    const at = reported.indexOf(name);
    if (at >= 0) reported.splice(at, 1);
    else checks.push({ name, state: 'not-run' });
  }
  const overMemory = o.memory.exceededMb !== undefined;
  let reason: string | undefined;
  let stoppedIn = run.stuck?.check;
  if (overMemory) {
    // Checks run one after another in file order: the first without a result was running.
    const running = checks.find((c) => c.state === 'not-run');
    stoppedIn = running?.name;
    reason = `its processes used ${o.memory.exceededMb} MB of memory together, over the ${o.s.memoryLimitMb} MB bound${running ? `, in the check "${running.name}"` : ''}`;
    if (running) Object.assign(running, { state: 'failed', observed: 'The run was stopped here: it used too much memory.' });
  } else if (run.stuck) {
    reason =
      o.bound < lessonTimeLimit(lesson) && /^did not finish within/.test(run.stuck.reason)
        ? `did not finish within the ${o.bound} s left of the submission's ${o.s.timeLimitSeconds} s bound ${whereItStopped(run.stuck.check)}`
        : run.stuck.reason;
  }
  const stopped = overMemory || run.outcome === 'stuck';
  return {
    lessonId: lesson.id,
    status: stopped ? 'stopped' : run.outcome === 'passed' && checks.every((c) => c.state === 'passed') ? 'passed' : 'failed',
    passed: checks.filter((c) => c.state === 'passed').length,
    total: checks.length,
    ...(reason ? { reason } : {}),
    ...(stoppedIn ? { stoppedIn } : {}),
    checks,
    // Stopped from outside, the run has nothing to add about why it ended.
    problems: overMemory ? [] : run.problems.map(unmasked),
    seconds: Math.round(run.seconds * 10) / 10,
    ...(o.memory.peakMb ? { peakMemoryMb: o.memory.peakMb } : {}),
  };
}

const vitestBin = join(projectRoot, 'node_modules', 'vitest', 'vitest.mjs');
const checksConfig = join(projectRoot, 'tool', 'vitest.checks.config.ts');

/**
 * Each lesson's checks by name, listed once by vitest without running them, so that a lesson not
 * attempted, or a run stopped early, still counts against the lesson's full total.
 */
export async function listChecks(lessons: Lesson[], work: string, timeoutMs = 120_000): Promise<Map<string, string[]>> {
  const catalog = new Map<string, string[]>();
  const out = join(work, 'checks.json');
  const child = spawn(process.execPath, [vitestBin, 'list', '--config', checksConfig, `--json=${out}`, ...lessons.map((l) => `lessons/${l.id}/`)], {
    cwd: projectRoot,
    detached: true,
    stdio: 'ignore',
    env: { ...process.env, WORKBOOK_TARGET: join(projectRoot, 'solutions'), WORKBOOK_GRADING: work, NO_COLOR: '1' },
  });
  const timer = setTimeout(() => killTree(child.pid!), timeoutMs);
  await new Promise<void>((done) => child.once('close', () => done()));
  clearTimeout(timer);
  killTree(child.pid!);
  try {
    for (const { name, file } of JSON.parse(readFileSync(out, 'utf8')) as Array<{ name: string; file: string }>) {
      const id = relative(join(projectRoot, 'lessons'), file).split(/[\\/]/)[0]!;
      if (lessons.some((l) => l.id === id)) catalog.set(id, [...(catalog.get(id) ?? []), name]);
    }
  } catch {
    // No list (a check file that does not load, say): the report notes it, and totals come from the runs.
  }
  return catalog;
}

/**
 * Compiles the lessons' TypeScript worker fixtures into the shared cache before runs start side by
 * side: the cache writes in place, and a run could otherwise read a file another run is writing.
 */
function warmWorkerCache(lessons: Lesson[]): void {
  for (const lesson of lessons) {
    const fixtures = join(lesson.dir, 'fixtures');
    if (!existsSync(fixtures)) continue;
    for (const file of readdirSync(fixtures, { recursive: true }) as string[]) {
      try {
        if (/\.(c|m)?ts$/.test(file)) workerEntryFor(join(fixtures, file));
      } catch {
        // Not a worker, or it does not compile: the run says so if it matters.
      }
    }
  }
}

/** Kills every process whose environment holds `marker` (a grading work folder, or one run's target). */
export function stopRunsIn(marker: string): void {
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid);
  } catch {
    // No /proc (macOS): each run's own process-group kill has to do.
  }
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(marker)) killTree(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
}

/** The first output path that lies inside one of the submissions, with that submission. */
export function insideSubmission(outputs: string[], folders: string[], cwd: string): { output: string; folder: string } | undefined {
  for (const output of outputs)
    for (const folder of folders) {
      const rel = relative(resolve(cwd, folder), resolve(cwd, output));
      if (!rel.startsWith('..') && !rel.startsWith('/')) return { output, folder };
    }
  return undefined;
}
