// The learner's workspace, exercises/: filled from each lesson's starter, never overwritten
// without a backup that the learner is told about.
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { allLessons, projectRoot, UserError, type Lesson } from './lessons.ts';
import { stateDir } from './progress.ts';

export const exercisesRoot = join(projectRoot, 'exercises');
export const solutionsRoot = join(projectRoot, 'solutions');

export const starterFile = (lesson: Lesson, file: string) => join(lesson.dir, 'starter', file);
export const exerciseFile = (lesson: Lesson, file: string) => join(exercisesRoot, lesson.id, file);
export const solutionFile = (lesson: Lesson, file: string) => join(solutionsRoot, lesson.id, file);

/** Copies each lesson's starter files into exercises/ where they are missing. Never overwrites. */
export function fillWorkspace(lessons = allLessons()): string[] {
  const created: string[] = [];
  for (const lesson of lessons) {
    for (const file of lesson.files) {
      const target = exerciseFile(lesson, file);
      if (existsSync(target) || !existsSync(starterFile(lesson, file))) continue;
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(starterFile(lesson, file), target);
      created.push(relative(projectRoot, target));
    }
  }
  return created;
}

const sameContent = (a: string, b: string) => existsSync(a) && existsSync(b) && readFileSync(a).equals(readFileSync(b));

/** Restores a lesson's starter files, first saving the learner's versions. Returns the backup folder. */
export function resetLesson(lesson: Lesson, now = new Date()): { backup?: string; restored: string[] } {
  if (lesson.files.length === 0) throw new UserError(`The lesson ${lesson.id} has no exercise files to reset.`);
  const changed = lesson.files.filter((f) => existsSync(exerciseFile(lesson, f)) && !sameContent(exerciseFile(lesson, f), starterFile(lesson, f)));
  let backup: string | undefined;
  if (changed.length > 0) {
    backup = join(stateDir, 'backups', lesson.id, now.toISOString().replace(/[:.]/g, '-'));
    for (const file of changed) {
      const saved = join(backup, file);
      mkdirSync(dirname(saved), { recursive: true });
      copyFileSync(exerciseFile(lesson, file), saved);
      // Make sure the copy is really there before anything is overwritten.
      if (statSync(saved).size !== statSync(exerciseFile(lesson, file)).size) throw new Error(`Backing up ${file} failed; nothing was reset.`);
    }
  }
  const restored: string[] = [];
  for (const file of lesson.files) {
    if (sameContent(exerciseFile(lesson, file), starterFile(lesson, file))) continue;
    mkdirSync(dirname(exerciseFile(lesson, file)), { recursive: true });
    copyFileSync(starterFile(lesson, file), exerciseFile(lesson, file));
    restored.push(relative(projectRoot, exerciseFile(lesson, file)));
  }
  return { backup: backup && relative(projectRoot, backup), restored };
}

/** Where a lesson's code under test lives for a given target choice. */
export function resolveTarget(lesson: Lesson, choice: { target?: string; broken?: string; starter?: boolean }): string {
  if (choice.broken !== undefined) {
    const names = lesson.broken.map((b) => b.name);
    if (!names.includes(choice.broken))
      throw new UserError(
        names.length
          ? `The lesson ${lesson.id} has no broken variant '${choice.broken}'; it has ${names.join(', ')}.`
          : `The lesson ${lesson.id} has no broken variants.`,
      );
    return join(lesson.dir, 'broken', choice.broken);
  }
  if (choice.starter) return join(lesson.dir, 'starter');
  const root = choice.target ?? process.env.WORKBOOK_TARGET ?? exercisesRoot;
  const rootPath = resolveFrom(root);
  if (!existsSync(rootPath) || !statSync(rootPath).isDirectory())
    throw new UserError(`The target folder '${root}' does not exist. Give a folder laid out like exercises/ (one sub-folder per lesson), for example --target solutions.`);
  const dir = join(rootPath, lesson.id);
  if (!existsSync(dir))
    throw new UserError(`'${root}' has no folder '${lesson.id}/'. A target must be laid out like exercises/, with one sub-folder per lesson.`);
  return dir;
}

function resolveFrom(path: string): string {
  // A relative target is taken from where the command was started (npm keeps that in INIT_CWD).
  const base = process.env.INIT_CWD ?? process.cwd();
  return path.startsWith('/') ? path : join(base, path);
}
