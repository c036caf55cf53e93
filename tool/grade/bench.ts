// `npm run grade:bench`: how long grading a class takes on this machine. Builds three classes in a
// temp folder: copies of the solutions (every check passes), copies of half-done work (each lesson's
// first broken variant: the documents' pools, which fail some checks, as half-done work does), and
// untouched starters (nothing runs). Grades each as `npm run grade` does, and prints the times with
// the Node version, core count and load. With --record it writes them to
// tool/grade/recorded/grade-bench.json, the only source WORKSHOP.md quotes.
//
//   npm run grade:bench -- --record                      30 solutions, 4 half-done, 30 starters, every lesson with an exercise
//   npm run grade:bench -- --count 2 --half-done 1 --lessons why-pools  a quick look
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseOptions, runCommand, wholeNumber } from '../command.ts';
import { allLessons, findLesson, projectRoot, UserError, type Lesson } from '../lessons.ts';
import { gradableLessons, gradeClass, stopRunsIn, type ClassReport } from './grade.ts';
import { median } from '../experiments/kit.ts';
import { duration } from './report.ts';

const recordFile = join(projectRoot, 'tool', 'grade', 'recorded', 'grade-bench.json');

const copies = (n: number) => `${n} ${n === 1 ? 'copy' : 'copies'}`;

/** Half-done work: the lesson's first broken variant, a pool that does part of the job. */
const halfDoneFrom = (lesson: Lesson) => join(lesson.dir, 'broken', lesson.broken[0]!.name);

function makeClass(root: string, count: number, lessons: Lesson[], from: (lesson: Lesson) => string): string[] {
  const students = Array.from({ length: count }, (_, i) => join(root, `student-${String(i + 1).padStart(2, '0')}`));
  for (const dir of students) for (const lesson of lessons) cpSync(from(lesson), join(dir, lesson.id), { recursive: true });
  return students;
}

/** What a graded class says, in numbers: every figure the record holds about one class. */
function summarize(report: ClassReport, expected: Array<'passed' | 'failed' | 'stopped' | 'not-attempted'>) {
  const grades = report.submissions.flatMap((s) => s.lessons.map((l) => ({ student: s.name, ...l })));
  const statuses: Record<string, number> = {};
  for (const g of grades) statuses[g.status] = (statuses[g.status] ?? 0) + 1;
  const ran = grades.filter((g) => g.status !== 'not-attempted' && g.status !== 'not-run');
  return {
    seconds: report.seconds,
    submissions: report.submissions.length,
    lessonRuns: ran.length,
    statuses,
    // Anything not as expected makes the timing suspect: it is listed, and the bench exits 1.
    unexpected: grades.filter((g) => !(expected as string[]).includes(g.status)).map((g) => `${g.student} ${g.lessonId}: ${g.status} ${g.passed}/${g.total}${g.reason ? ` (${g.reason})` : ''}`),
    submissionSeconds: { median: median(report.submissions.map((s) => s.seconds)), max: Math.max(0, ...report.submissions.map((s) => s.seconds)) },
    lessonRunSecondsMedian: Object.fromEntries(report.lessons.map((l) => [l.id, Math.round(median(ran.filter((g) => g.lessonId === l.id).map((g) => g.seconds)) * 10) / 10]).filter(([, v]) => v)),
    peakMemoryMbOfOneRun: Math.max(0, ...ran.map((g) => g.peakMemoryMb ?? 0)),
  };
}

async function main(): Promise<number> {
  const { values } = parseOptions(
    { options: { count: { type: 'string', default: '30' }, 'half-done': { type: 'string', default: '4' }, lessons: { type: 'string' }, concurrency: { type: 'string' }, record: { type: 'boolean' } } },
    'The options are --count, --half-done, --lessons, --concurrency and --record (see the top of tool/grade/bench.ts).',
  );
  const count = wholeNumber('count', values.count, 1)!;
  // Half-done work waits out the timeouts of the checks it fails: fewer copies keep the bench affordable.
  const halfDoneCount = wholeNumber('half-done', values['half-done'], 1)!;
  const concurrency = wholeNumber('concurrency', values.concurrency, 1);
  const every = allLessons();
  const lessons = values.lessons ? values.lessons.split(',').map((q) => findLesson(q.trim(), every)) : gradableLessons(every);
  const solved = new Set(readdirSync(join(projectRoot, 'solutions')));
  const missing = lessons.filter((l) => !solved.has(l.id));
  if (missing.length) throw new UserError(`No solution for ${missing.map((l) => l.id).join(', ')}: leave it out with --lessons.`);
  const unbroken = lessons.filter((l) => l.broken.length === 0);
  if (unbroken.length) throw new UserError(`No broken variant to stand for half-done work in ${unbroken.map((l) => l.id).join(', ')}: leave it out with --lessons.`);

  const machine = { node: process.version, cores: availableParallelism(), cpu: cpus()[0]?.model.trim() ?? 'unknown', platform: `${process.platform} ${process.arch}` };
  console.log(
    `Grading ${copies(count)} of the solutions, ${halfDoneCount} of half-done work and ${count} of the starters, ${lessons.length} lessons: Node ${machine.node}, ${machine.cores} cores (${machine.cpu}).`,
  );
  // The machine may be shared: the load is sampled all along and stored with the result.
  const loads: number[] = [loadavg()[0]!];
  const sampler = setInterval(() => loads.push(loadavg()[0]!), 15_000);
  const work = mkdtempSync(join(tmpdir(), 'workbook-grade-bench-'));
  let grading: string | undefined;
  process.once('SIGINT', () => {
    // The check runs are in process groups of their own: Ctrl-C does not reach them by itself.
    for (const dir of grading ? [grading, work] : [work]) {
      stopRunsIn(dir);
      rmSync(dir, { recursive: true, force: true });
    }
    process.exit(130);
  });
  const started = new Date();
  let solutions;
  let halfDone;
  let starters;
  try {
    const grade = async (label: string, students: string[]) => {
      return gradeClass(students, {
        lessons,
        concurrency,
        cwd: work,
        onWorkDir: (dir) => (grading = dir),
        onProgress: (s, done, of) => process.stderr.write(`  ${label}: ${done}/${of} graded (${s.name}, ${duration(s.seconds)})\n`),
      });
    };
    solutions = await grade('solutions', makeClass(join(work, 'solutions'), count, lessons, (l) => join(projectRoot, 'solutions', l.id)));
    halfDone = await grade('half-done', makeClass(join(work, 'half-done'), halfDoneCount, lessons, halfDoneFrom));
    starters = await grade('starters', makeClass(join(work, 'starters'), count, lessons, (l) => join(l.dir, 'starter')));
  } finally {
    clearInterval(sampler);
    rmSync(work, { recursive: true, force: true });
  }
  loads.push(loadavg()[0]!);

  const record = {
    what: `npm run grade on ${copies(count)} of the solutions, then on ${copies(halfDoneCount)} of half-done work (each lesson's first broken variant), then on ${copies(count)} of the untouched starters`,
    date: started.toISOString(),
    ...machine,
    concurrency: solutions.concurrency,
    lessons: lessons.map((l) => l.id),
    load1: { before: loads[0], max: Math.max(...loads), mean: Math.round((loads.reduce((a, b) => a + b, 0) / loads.length) * 100) / 100, after: loads.at(-1) },
    solutions: summarize(solutions, ['passed']),
    // A broken variant that passed would mean its lesson's checks miss it: npm test rules that out.
    halfDone: summarize(halfDone, ['failed', 'stopped']),
    starters: summarize(starters, ['not-attempted']),
    summary: '',
  };
  record.summary =
    `On Node ${machine.node} with ${machine.cores} cores (1-minute load ${record.load1.before!.toFixed(1)} at the start, ${record.load1.mean.toFixed(1)} on average, highest ${record.load1.max.toFixed(1)}), ` +
    `${record.concurrency} at a time: ${copies(count)} of the solutions on ${lessons.length} lessons graded in ${duration(solutions.seconds)} ` +
    `(${record.solutions.lessonRuns} lesson runs, a median of ${duration(record.solutions.submissionSeconds.median)} per submission); ` +
    `${copies(halfDoneCount)} of half-done work in ${duration(halfDone.seconds)} (a median of ${duration(record.halfDone.submissionSeconds.median)} per submission, ` +
    `${record.halfDone.statuses.stopped ?? 0} of ${record.halfDone.lessonRuns} lesson runs stopped at a bound); ` +
    `${copies(count)} of the untouched starters in ${duration(starters.seconds)} (not attempted, so nothing runs).`;
  console.log(`\n${record.summary}`);
  for (const [label, s] of [['solutions', record.solutions], ['half-done work', record.halfDone], ['starters', record.starters]] as const)
    if (s.unexpected.length) console.log(`Unexpected in the ${label}:\n  ${s.unexpected.join('\n  ')}`);
  if (values.record) {
    mkdirSync(join(recordFile, '..'), { recursive: true });
    writeFileSync(recordFile, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`Recorded in ${recordFile}`);
  }
  return [record.solutions, record.halfDone, record.starters].every((s) => s.unexpected.length === 0) ? 0 : 1;
}

runCommand(main);
