// `npm run check -- <lesson>`: run a lesson's checks on a folder and report, recording progress
// when the folder is the learner's own exercises/.
import type { Lesson } from '../lessons.ts';
import { lessonProgress, updateProgress } from '../progress.ts';
import { exercisesRoot } from '../workspace.ts';
import { runChecks, type RunOptions, type RunResult } from './run.ts';

export async function checkLesson(lesson: Lesson, targetDir: string, options: RunOptions = {}): Promise<RunResult> {
  const run = await runChecks(lesson, targetDir, options);
  if (targetDir.startsWith(exercisesRoot)) recordRun(lesson, run);
  return run;
}

export function recordRun(lesson: Lesson, run: RunResult): void {
  updateProgress((p) => {
    const entry = lessonProgress(p, lesson.id);
    const passed = run.checks.filter((c) => c.state === 'passed').length;
    entry.lastRun = { passed, total: run.checks.length, at: new Date().toISOString() };
    if (run.outcome === 'passed') entry.passedAt ??= entry.lastRun.at;
    else delete entry.passedAt;
  });
}
