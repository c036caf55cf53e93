// `npm run grade -- <folder>...`: the instructor's grading command, a thin layer over grade.ts.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseOptions, runCommand, wholeNumber } from '../command.ts';
import { allLessons, findLesson, UserError, type Lesson } from '../lessons.ts';
import { defaultConcurrency, defaultMemoryLimitMb, gradableLessons, gradeClass, insideSubmission, stopRunsIn } from './grade.ts';
import { duration, formatTable, toJson, toJUnit } from './report.ts';

const usage = `Usage: npm run grade -- <folder>... [options]

Runs every lesson's checks on each student's folder and prints a table, student by lesson; also
writes grades.json, junit.xml and grades.txt. Each folder is one student's copy of exercises/ (one
sub-folder per lesson) or a whole clone of the workbook (its exercises/ is found inside). For a class
folder holding one folder per student: npm run grade -- class/*
Submissions are only read: each lesson is graded on a private copy.

  --lessons <id,...>   grade only these lessons (ids or unique starts: why,q43); default: every lesson with an exercise
  --out <dir>          where the three reports go (default: grades/, in the folder you run npm from)
  --concurrency <n>    submissions graded at once (default: ${defaultConcurrency()})
  --time-limit <s>     bound for one submission, all its lessons together (default: the sum of the lessons' own bounds)
  --memory-limit <MB>  bound on the memory of one lesson run's processes together (default: ${defaultMemoryLimitMb}; Linux)
  --verbose            also print every failing check with what it observed`;

function chooseLessons(named: string | undefined): Lesson[] {
  const every = allLessons();
  if (named === undefined) return gradableLessons(every);
  const chosen = named
    .split(',')
    .map((q) => q.trim())
    .filter(Boolean)
    .map((q) => findLesson(q, every));
  const none = chosen.find((l) => l.files.length === 0);
  if (none) throw new UserError(`The lesson ${none.id} has no exercise to grade.`);
  if (chosen.length === 0) throw new UserError('--lessons names no lesson: give ids such as why-pools, separated by commas.');
  return every.filter((l) => chosen.includes(l));
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals: folders } = parseOptions(
    {
      args: argv,
      allowPositionals: true,
      options: {
        lessons: { type: 'string' },
        out: { type: 'string' },
        concurrency: { type: 'string' },
        'time-limit': { type: 'string' },
        'memory-limit': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    'npm run grade -- --help lists the options.',
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  // npm runs scripts from the project root; the folders were named from where npm was started.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  if (folders.length === 0) throw new UserError("Name the students' folders to grade, for example `npm run grade -- class/*`.");
  const absent = folders.filter((f) => !existsSync(resolve(cwd, f)));
  if (absent.length) throw new UserError(`There is no ${absent.map((f) => `'${f}'`).join(', ')} in ${cwd}.`);
  const lessons = chooseLessons(values.lessons);
  const concurrency = wholeNumber('concurrency', values.concurrency, 1);
  const timeLimitSeconds = wholeNumber('time-limit', values['time-limit'], 1);
  const memoryLimitMb = wholeNumber('memory-limit', values['memory-limit'], 64);
  const out = resolve(cwd, values.out ?? 'grades');
  const inside = insideSubmission([out], folders, cwd);
  if (inside)
    throw new UserError(`The reports would go to '${relative(cwd, out)}', inside the submission '${inside.folder}', and grading never writes into a submission: choose another place with --out.`);

  let work: string | undefined;
  const interrupt = (signal: string) => {
    // The check runs are in process groups of their own: Ctrl-C does not reach them by itself.
    if (work) {
      stopRunsIn(work);
      rmSync(work, { recursive: true, force: true });
    }
    console.error(`\nStopped by ${signal}: every check run was ended and no report was written.`);
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  console.error(`Grading ${folders.length} folder${folders.length === 1 ? '' : 's'} on ${lessons.length} lesson${lessons.length === 1 ? '' : 's'}...`);
  const report = await gradeClass(folders, {
    lessons,
    concurrency,
    timeLimitSeconds,
    memoryLimitMb,
    cwd,
    onWorkDir: (dir) => (work = dir),
    onProgress: (s, done, of) =>
      console.error(
        `  [${done}/${of}] ${s.name}: ${s.problem ? 'not laid out like exercises/' : `${s.lessonsPassed} of ${s.lessons.length} lessons pass, ${s.checksPassed}/${s.checksTotal} checks`}` +
          `${s.hitBound ? ', stopped at a bound' : ''} (${duration(s.seconds)})`,
      ),
  });

  console.log(`\n${formatTable(report, { color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, verbose: values.verbose })}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'grades.json'), toJson(report));
  writeFileSync(join(out, 'junit.xml'), toJUnit(report));
  writeFileSync(join(out, 'grades.txt'), `${formatTable(report, { verbose: true })}\n`);
  console.log(`\nWrote grades.json, junit.xml and grades.txt in ${out}/`);
  return 0;
}

runCommand(() => main(process.argv.slice(2)));
