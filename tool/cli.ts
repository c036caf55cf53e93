// The workbook's command line. Each command is a thin layer over one module.
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { relative } from 'node:path';
import { checkLesson } from './check/command.ts';
import { parseOptions, runCommand } from './command.ts';
import { formatRun, terminalProgress, yellow } from './check/format.ts';
import { runChecks } from './check/run.ts';
import { runExperiment } from './experiments/run.ts';
import { revealNextHint } from './hints.ts';
import { allLessons, findLesson, projectRoot, UserError, type Lesson } from './lessons.ts';
import { lessonProgress, readProgress, updateProgress } from './progress.ts';
import { lessonList, progressBar, start } from './start.ts';
import { exerciseFile, fillWorkspace, resetLesson, resolveTarget, solutionFile } from './workspace.ts';

const usage = `Usage: npm run <command> -- [lesson] [options]

  npm start                          work through the lessons, checks re-run on every save
  npm run list                       every lesson and how far you are
  npm run check -- <lesson>          run a lesson's checks on exercises/<lesson>/
      --target <dir>                 ... on <dir>/<lesson>/ instead (also: WORKBOOK_TARGET=<dir>)
      --broken <variant>             ... on one of the lesson's broken pools, to watch it fail
      --verbose                      full messages and stack traces
  npm run hint -- <lesson>           the next hint
  npm run solution -- <lesson>       the reference solution (asks first if the lesson does not pass yet)
  npm run reset -- <lesson>          restore the starter files, after backing up yours
  npm run experiment -- <lesson> [name] [--record]
                                     run the lesson's experiments (--record saves their output for the site)
  npm run typecheck                  type-check everything, your exercises included

  npm run serve                      the lesson site, with your check status (npm run build: the static site)
  npm run bench                      the capstone's benchmark: the reference pool against piscina
                                     (-- --target exercises races yours; -- --help for its options)
  npm run grade -- <folders...>      for instructors: grade a class's submissions (-- --help)
  npm run record                     re-record every experiment for the site`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseOptions({
    args: rest,
    allowPositionals: true,
    options: {
      target: { type: 'string' },
      broken: { type: 'string' },
      starter: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      yes: { type: 'boolean', short: 'y' },
      record: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }, '`npm run check -- --help` lists the commands and their options.');
  if (values.help || !command || ['help', '--help', '-h'].includes(command)) {
    console.log(usage);
    return 0;
  }
  // A word too many is more likely a typo than something to ignore.
  const takes: Record<string, string[]> = { init: [], start: [], list: [], check: ['a lesson'], hint: ['a lesson'], solution: ['a lesson'], reset: ['a lesson'], experiment: ['a lesson', 'an experiment'] };
  const expected = takes[command];
  if (expected && positionals.length > expected.length)
    throw new UserError(`'${positionals[expected.length]}' is one word too many: npm run ${command} takes ${expected.length ? expected.join(' and ') : 'no names'}. \`npm run check -- --help\` lists the commands.`);
  const lessonNamed = (query = positionals[0]) => findLesson(query ?? readProgress().current);

  switch (command) {
    case 'init': {
      const created = fillWorkspace();
      if (created.length) console.log(`Set up ${created.length} exercise files in exercises/. Next: npm start`);
      return 0;
    }
    case 'start':
      await start();
      return 0;
    case 'list': {
      const lessons = allLessons();
      const progress = readProgress();
      console.log(`${progressBar(progress, lessons)}\n\n${lessonList(progress, lessons, progress.current)}`);
      return 0;
    }
    case 'check': {
      const lesson = lessonNamed();
      const created = fillWorkspace([lesson]);
      // A learner who moved or deleted their file should hear that the starter took its place.
      for (const file of created) console.log(yellow(`${file} was missing, so the starter was copied there.`));
      const targetDir = resolveTarget(lesson, values);
      if (lesson.files.length === 0) {
        console.log(`${lesson.title} has no exercise to check. Run its experiments: npm run experiment -- ${lesson.id}`);
        return 0;
      }
      const live = terminalProgress();
      const options = { onProgress: live.onProgress };
      const run = values.target || values.broken || values.starter ? await runChecks(lesson, targetDir, options) : await checkLesson(lesson, targetDir, options);
      live.clear();
      const command = ['npm run check --', lesson.id, ...(['target', 'broken'] as const).flatMap((o) => (values[o] ? [`--${o}`, String(values[o])] : [])), ...(values.starter ? ['--starter'] : [])].join(' ');
      console.log(formatRun(lesson, run, { verbose: values.verbose, command }));
      if (values.broken) console.log(`\nAbout this broken variant: ${lesson.broken.find((b) => b.name === values.broken)?.note}`);
      return run.outcome === 'passed' ? 0 : 1;
    }
    case 'hint':
      console.log(revealNextHint(lessonNamed()));
      return 0;
    case 'solution':
      return showSolution(lessonNamed(), Boolean(values.yes));
    case 'reset': {
      const lesson = lessonNamed();
      const { backup, restored } = resetLesson(lesson);
      if (restored.length === 0) console.log(`${lesson.id}: your files already match the starter. Nothing changed.`);
      else console.log(`${backup ? `Saved your version in ${backup}/. ` : ''}Restored the starter: ${restored.join(', ')}.`);
      return 0;
    }
    case 'experiment':
      return experiments(lessonNamed(), positionals[1], Boolean(values.record));
    default:
      throw new UserError(`There is no command '${command}'.\n\n${usage}`);
  }
}

async function showSolution(lesson: Lesson, confirmed: boolean): Promise<number> {
  if (lesson.files.length === 0) throw new UserError(`The lesson ${lesson.id} has no exercise, so it has no solution to show.`);
  const passed = Boolean(readProgress().lessons[lesson.id]?.passedAt);
  if (!passed && !confirmed) {
    if (!process.stdin.isTTY)
      throw new UserError(`Your exercise for ${lesson.id} does not pass yet. To see the solution anyway: npm run solution -- ${lesson.id} --yes`);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Your exercise for ${lesson.id} does not pass yet. Show the reference solution anyway? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      console.log(`Not shown. Try the next hint instead: npm run hint -- ${lesson.id}`);
      return 0;
    }
  }
  updateProgress((p) => void (lessonProgress(p, lesson.id).solutionShown = true));
  for (const file of lesson.files) {
    const path = solutionFile(lesson, file);
    const yours = exerciseFile(lesson, file);
    console.log(`\n── ${relative(projectRoot, path)} (${existsSync(yours) ? `yours: ${relative(projectRoot, yours)}` : `you have no ${relative(projectRoot, yours)}`}) ──\n`);
    console.log(readFileSync(path, 'utf8'));
  }
  return 0;
}

async function experiments(lesson: Lesson, name: string | undefined, record: boolean): Promise<number> {
  const chosen = name ? lesson.experiments.filter((e) => e === name || e === `${name}.ts` || e.startsWith(name)) : lesson.experiments;
  if (chosen.length === 0)
    throw new UserError(`The lesson ${lesson.id} has no experiment '${name}'. It has: ${lesson.experiments.map((e) => e.replace(/\.ts$/, '')).join(', ') || 'none'}.`);
  let failed = 0;
  for (const file of chosen) {
    console.log(`\n── npm run experiment -- ${lesson.id} ${file.replace(/\.ts$/, '')} ──\n`);
    const run = await runExperiment(lesson, file, { echo: true, record });
    if (run.timedOut) console.log(`\nThe experiment did not finish in time and was stopped.`);
    if (run.exitCode !== 0 || run.timedOut) failed++;
    else if (run.recordedTo) console.log(`\nRecorded in ${relative(projectRoot, run.recordedTo)}`);
  }
  return failed === 0 ? 0 : 1;
}

runCommand(() => main(process.argv.slice(2)));

