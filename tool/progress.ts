// The learner's progress, kept in .workbook/progress.json: git-ignored, outside node_modules, so it
// survives restarts, `npm install` and `git pull`.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './lessons.ts';

export const stateDir = join(projectRoot, '.workbook');
const progressFile = join(stateDir, 'progress.json');

export interface LessonProgress {
  /** When the checks on exercises/ last all passed; cleared when a later run fails. */
  passedAt?: string;
  lastRun?: { passed: number; total: number; at: string };
  hintsShown?: number;
  solutionShown?: boolean;
}

export interface Progress {
  current?: string;
  lessons: Record<string, LessonProgress>;
}

export function readProgress(): Progress {
  if (!existsSync(progressFile)) return { lessons: {} };
  try {
    const parsed = JSON.parse(readFileSync(progressFile, 'utf8')) as Partial<Progress>;
    return { current: parsed.current, lessons: parsed.lessons ?? {} };
  } catch {
    // A damaged file must not stop the learner; it is kept aside for inspection.
    renameSync(progressFile, `${progressFile}.damaged-${Date.now()}`);
    return { lessons: {} };
  }
}

export function updateProgress(change: (p: Progress) => void): Progress {
  const progress = readProgress();
  change(progress);
  mkdirSync(stateDir, { recursive: true });
  const temporary = `${progressFile}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(progress, null, 2) + '\n');
  renameSync(temporary, progressFile);
  return progress;
}

export function lessonProgress(progress: Progress, id: string): LessonProgress {
  return (progress.lessons[id] ??= {});
}
