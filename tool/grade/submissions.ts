// Where a student's work is in the folder an instructor names: the folder itself when it is laid
// out like exercises/ (one sub-folder per lesson), else an exercises/ folder inside it (a whole
// clone of the workbook). Nothing here writes anywhere.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { Lesson } from '../lessons.ts';

export interface Submission {
  /** The student's name in the report: the folder's name, made unique. */
  name: string;
  /** The folder as named, absolute. */
  path: string;
  /** The folder laid out like exercises/, when there is one. */
  exercisesDir?: string;
  /** Why it cannot be graded, in a sentence or two, when it cannot. */
  problem?: string;
}

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

const folders = (dir: string) => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => !d.name.startsWith('.') && d.name !== 'node_modules' && isDir(join(dir, d.name)))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
};

const hasLessonFolder = (dir: string, ids: Set<string>) => folders(dir).some((name) => ids.has(name));

/** exercises/ folders inside `dir`, at the shallowest depth (up to 3) that has any. */
function exercisesInside(dir: string): string[] {
  let level = [dir];
  for (let depth = 0; depth < 3 && level.length > 0; depth++) {
    const hits = level.flatMap((f) => folders(f).filter((n) => n === 'exercises').map((n) => join(f, n)));
    if (hits.length > 0) return hits;
    level = level.flatMap((f) => folders(f).map((n) => join(f, n)));
  }
  return [];
}

/** Finds the exercises/ of the folder at `path`, or says why there is none. */
export function locate(path: string, lessons: Lesson[], allIds: string[]): { exercisesDir?: string; problem?: string } {
  const ids = new Set(allIds);
  if (!existsSync(path)) return { problem: 'There is no such folder.' };
  if (!isDir(path)) return { problem: 'This is a file, not a folder: unpack an archive first and name the folder inside.' };
  if (hasLessonFolder(path, ids)) return { exercisesDir: path };
  const inside = exercisesInside(path);
  if (inside.length === 1) return { exercisesDir: inside[0] };
  const classHint = 'If it holds one folder per student, name those instead: npm run grade -- <class folder>/*';
  if (inside.length > 1)
    return { problem: `It holds ${inside.length} exercises/ folders (${inside.map((p) => relative(path, p)).join(', ')}), so it is not one student's work. ${classHint}` };
  if (folders(path).some((name) => hasLessonFolder(join(path, name), ids)))
    return { problem: `Its lesson folders are one level down, in several sub-folders, so it is not one student's work. ${classHint}` };
  const base = `Not laid out like exercises/: it has no lesson folder (such as ${lessons[0]?.id ?? 'why-pools'}/) and no exercises/ folder inside.`;
  const names = readdirSync(path).filter((n) => !n.startsWith('.'));
  if (names.length === 0) return { problem: `${base} The folder is empty.` };
  const loose = names.filter((n) => lessons.some((l) => l.files.includes(n)));
  if (loose.length > 0) {
    const owners = lessons.filter((l) => l.files.some((f) => loose.includes(f))).map((l) => `${l.id}/`);
    return { problem: `${base} It has ${loose.join(', ')} at the top: lesson files belong in their lesson's folder (${owners.join(' or ')}).` };
  }
  return { problem: `${base} It holds: ${names.slice(0, 6).join(', ')}${names.length > 6 ? `, and ${names.length - 6} more` : ''}.` };
}

/** One submission per folder named, named after the folder (exercises/ after its parent). */
export function findSubmissions(paths: string[], lessons: Lesson[], allIds: string[], cwd: string): Submission[] {
  const unique = [...new Set(paths.map((p) => resolve(cwd, p)))];
  const baseName = (p: string) => (basename(p) === 'exercises' ? basename(resolve(p, '..')) : basename(p)) || p;
  const taken = new Set<string>();
  return unique.map((path) => {
    let name = baseName(path);
    // Two students' folders with the same name (a/ana, b/ana) are told apart by their path.
    if (unique.some((other) => other !== path && baseName(other) === name)) name = relative(cwd, path) || path;
    while (taken.has(name)) name += "'";
    taken.add(name);
    return { name, path, ...locate(path, lessons, allIds) };
  });
}

const sameText = (a: string, b: string) => {
  try {
    return readFileSync(a, 'utf8').replace(/\r\n/g, '\n') === readFileSync(b, 'utf8').replace(/\r\n/g, '\n');
  } catch {
    return false;
  }
};

/** Why a lesson of a submission is not worth running (its files are absent, or the starter's), if it is not. */
export function notAttempted(exercisesDir: string, lesson: Lesson): string | undefined {
  const dir = join(exercisesDir, lesson.id);
  if (!isDir(dir)) return `no ${lesson.id}/ folder`;
  const present = lesson.files.filter((f) => existsSync(join(dir, f)));
  if (present.length === 0) return `no ${lesson.files.join(', ')} in ${lesson.id}/`;
  const starter = (f: string) => join(lesson.dir, 'starter', f);
  if (present.length === lesson.files.length && lesson.files.every((f) => sameText(join(dir, f), starter(f))))
    return 'the starter, unchanged';
  return undefined;
}
