// `npm start`: the learner's loop. In a terminal: the current lesson, its checks (re-run on every
// save under exercises/), a progress bar and a few keys. Without one: a summary, once.
import { existsSync, watch } from 'node:fs';
import { join, relative } from 'node:path';
import { checkLesson } from './check/command.ts';
import { bold, dim, formatRun, green, progressText, red, yellow } from './check/format.ts';
import type { CheckProgress, RunResult } from './check/run.ts';
import { allLessons, projectRoot, type Lesson } from './lessons.ts';
import { readProgress, stateDir, updateProgress, type Progress } from './progress.ts';
import { exerciseFile, exercisesRoot, fillWorkspace, resolveTarget } from './workspace.ts';
import { revealNextHint } from './hints.ts';

const isPassed = (p: Progress, id: string) => Boolean(p.lessons[id]?.passedAt);

export function progressBar(progress: Progress, lessons: Lesson[], width = 24): string {
  const done = lessons.filter((l) => isPassed(progress, l.id)).length;
  const filled = lessons.length ? Math.round((done / lessons.length) * width) : 0;
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done} of ${lessons.length} lessons pass`;
}

export function lessonList(progress: Progress, lessons: Lesson[], current?: string): string {
  return lessons
    .map((l, i) => {
      const entry = progress.lessons[l.id];
      const mark = entry?.passedAt ? green('✓') : entry?.lastRun ? yellow('…') : dim('·');
      const score = entry?.lastRun ? dim(` ${entry.lastRun.passed}/${entry.lastRun.total}`) : '';
      const pointer = l.id === current ? bold('›') : ' ';
      return `${pointer} ${String(i + 1).padStart(2)}. ${mark} ${l.title}${score} ${dim(`(${l.id})`)}`;
    })
    .join('\n');
}

function firstUnfinished(progress: Progress, lessons: Lesson[]): Lesson {
  const withExercise = lessons.filter((l) => l.files.length > 0);
  return withExercise.find((l) => !isPassed(progress, l.id)) ?? withExercise[0] ?? lessons[0]!;
}

function header(lesson: Lesson, lessons: Lesson[], progress: Progress, siteUrl?: string): string {
  const index = lessons.indexOf(lesson) + 1;
  // The README alone shows {{recorded: ...}} placeholders where the site shows the recorded runs.
  const read = siteUrl
    ? `${siteUrl}lessons/${lesson.id}.html  (or ${relative(projectRoot, lesson.dir)}/README.md, without the recorded runs)`
    : `${relative(projectRoot, lesson.dir)}/README.md  (with its recorded runs: npm run serve)`;
  return [
    bold('Worker-pool workbook') + '   ' + progressBar(progress, lessons),
    '',
    bold(`Lesson ${index} of ${lessons.length}: ${lesson.title}`),
    `  Read: ${read}`,
    lesson.files.length ? `  Edit: ${lesson.files.map((f) => relative(projectRoot, exerciseFile(lesson, f))).join(', ')}` : '  This lesson has no exercise: read it and run its experiments.',
    `  Experiments: npm run experiment -- ${lesson.id}`,
    '',
  ].join('\n');
}

export async function start(): Promise<void> {
  fillWorkspace();
  const lessons = allLessons();
  let progress = readProgress();
  const initial = lessons.find((l) => l.id === progress.current) ?? firstUnfinished(progress, lessons);
  if (!process.stdout.isTTY || !process.stdin.isTTY) return summary(initial, lessons);
  return interactive(initial, lessons);
}

async function runFor(lesson: Lesson, onProgress?: (p: CheckProgress) => void): Promise<RunResult | undefined> {
  if (lesson.files.length === 0) return undefined;
  return checkLesson(lesson, resolveTarget(lesson, {}), { onProgress });
}

async function summary(lesson: Lesson, lessons: Lesson[]): Promise<void> {
  const run = await runFor(lesson);
  const progress = readProgress();
  console.log(header(lesson, lessons, progress));
  if (run) console.log(formatRun(lesson, run));
  console.log(`\n${lessonList(progress, lessons, lesson.id)}`);
  console.log(dim('\nNot a terminal, so this is a one-time summary. Run `npm start` in a terminal to work interactively.'));
}

/** Serves the built site, with the learner's live check status, if it has been built. */
async function startSite(): Promise<string | undefined> {
  const dir = join(projectRoot, 'site', 'dist');
  if (!existsSync(join(dir, 'index.html'))) return undefined;
  const { serve } = await import('./site/server.ts');
  const status = { progressFile: join(stateDir, 'progress.json'), lessonIds: () => allLessons().map((l) => l.id) };
  for (const port of [4173, 0]) {
    try {
      return (await serve({ dir, port, status })).url;
    } catch {
      // The usual port is taken (a second npm start, say): any free one will do.
    }
  }
  return undefined;
}

async function interactive(initial: Lesson, lessons: Lesson[]): Promise<void> {
  const siteUrl = await startSite();
  let current = initial;
  let lastRun: RunResult | undefined;
  let extra = '';
  let running = false;
  let checkStatus = '';
  let rerun = false;
  let listing = false;
  let typed = '';

  const render = () => {
    const progress = readProgress();
    const parts = [header(current, lessons, progress, siteUrl)];
    if (listing) parts.push(lessonList(progress, lessons, current.id), '', `Type a lesson number and Enter to open it, or Esc to go back: ${typed}`);
    else {
      if (running) parts.push(dim(`Running the checks…${checkStatus ? ` ${checkStatus}` : ''}`));
      else if (lastRun) parts.push(formatRun(current, lastRun, { hint: false }));
      if (lastRun?.outcome === 'passed' && !running) parts.push('', green(bold('Lesson passed. Press n for the next one.')));
      if (extra) parts.push('', extra);
      if (!siteUrl) parts.push('', dim('To read the lessons in your browser: npm run serve (in another terminal; it builds the site the first time).'));
      parts.push('', dim('[h] hint  [l] list  [n] next  [p] previous  [r] re-run  [q] quit   Watching exercises/ for changes.'));
    }
    process.stdout.write('\x1b[2J\x1b[H' + parts.join('\n') + '\n');
  };

  const check = async () => {
    if (running) {
      rerun = true;
      return;
    }
    running = true;
    checkStatus = '';
    render();
    do {
      rerun = false;
      lastRun = await runFor(current, (p) => {
        checkStatus = progressText(p);
        render();
      });
    } while (rerun);
    running = false;
    render();
  };

  const open = (lesson: Lesson) => {
    current = lesson;
    extra = '';
    lastRun = undefined;
    updateProgress((p) => void (p.current = lesson.id));
    void check();
  };

  let debounce: NodeJS.Timeout | undefined;
  const watcher = watch(exercisesRoot, { recursive: true }, (_event, filename) => {
    const changedLesson = lessons.find((l) => filename?.toString().startsWith(l.id + '/') || filename === l.id);
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      if (changedLesson && changedLesson !== current) open(changedLesson);
      else void check();
    }, 250);
  });

  const quit = () => {
    watcher.close();
    process.stdin.setRawMode(false);
    process.stdout.write('\nSee you next time. Your progress is saved in .workbook/progress.json.\n');
    process.exit(0);
  };

  process.stdin.setRawMode(true);
  process.stdin.setEncoding('utf8');
  // A terminal may deliver several keys in one chunk (a pasted '3' + Enter, say).
  process.stdin.on('data', (chunk: string) => {
    for (const key of chunk) onKey(key);
  });
  const onKey = (key: string): void => {
    if (key === '\u0003') return quit();
    if (listing) {
      if (key === '\u001b') listing = false;
      else if (key === '\r') {
        const chosen = lessons[Number(typed) - 1];
        listing = false;
        if (chosen) open(chosen);
        else extra = red(`There is no lesson number '${typed}'.`);
      } else if (/^\d$/.test(key)) typed += key;
      else if (key === '\u007f') typed = typed.slice(0, -1);
      return render();
    }
    const index = lessons.indexOf(current);
    switch (key) {
      case 'q':
        return quit();
      case 'h':
        extra = revealNextHint(current);
        return render();
      case 'l':
        listing = true;
        typed = '';
        return render();
      case 'n':
        return open(lessons[Math.min(index + 1, lessons.length - 1)]!);
      case 'p':
        return open(lessons[Math.max(index - 1, 0)]!);
      case 'r':
        return void check();
    }
  };
  open(current);
}


