// The lesson catalogue: reads every lessons/<id>/ folder. Lesson content lives only there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const lessonsRoot = join(projectRoot, 'lessons');

export interface SourceRef {
  document: string;
  sections: string;
}

export interface BrokenVariant {
  /** Folder name under lessons/<id>/broken/. */
  name: string;
  /** The check (its exact title) that must fail on this variant; several mean any of them. */
  caughtBy: string | string[];
  /** What breaks and how to see it, for the learner. */
  note: string;
}

export interface LessonMeta {
  title: string;
  track: string;
  order: number;
  summary: string;
  sources: SourceRef[];
  /** Files the learner edits, relative to exercises/<id>/. Empty for a lesson with no exercise. */
  files: string[];
  broken: BrokenVariant[];
  /** Wall-clock bound for one check run of this lesson. */
  timeLimitSeconds?: number;
}

export interface QuizOption {
  key: string;
  text: string;
}

export interface QuizItem {
  id: string;
  /** Where the question comes from: a source document's item, or the workbook's own. */
  source: string;
  question: string;
  code?: string;
  /** A file of the lesson holding the code, instead of pasting it (e.g. broken/x/pool.ts). */
  codeFile?: string;
  /** The language of inline `code` when the site's guess (ts or js) is wrong: ts, js, json, sh... */
  codeLang?: string;
  options: QuizOption[];
  answer: string;
  /** Other options that are true as well: choosing one counts as right. */
  alsoRight?: string[];
  /** The answer the source document gives, when it has one. */
  documentAnswer?: string;
  explanation: string;
  /** When the document is wrong or only partly right: what it claims and what running it shows. */
  correction?: string;
  /** Experiments (file names under experiments/) whose output backs the answer. */
  evidence: string[];
}

export interface Track {
  id: string;
  title: string;
}

export interface Lesson extends LessonMeta {
  id: string;
  dir: string;
  hints: string[];
  quiz: QuizItem[];
  experiments: string[];
  checkFiles: string[];
}

export function tracks(): Track[] {
  return JSON.parse(readFileSync(join(lessonsRoot, 'tracks.json'), 'utf8')) as Track[];
}

function readJson<T>(path: string, fallback: T): T {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : fallback;
}

/** Splits hints.md into tiers: each `## ` heading starts the next tier. */
export function parseHints(markdown: string): string[] {
  return markdown
    .split(/^## .*$/m)
    .slice(1)
    .map((tier) => tier.trim())
    .filter(Boolean);
}

const listFiles = (dir: string, pattern: RegExp) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => pattern.test(f)).sort() : [];

export function loadLesson(id: string): Lesson {
  const dir = join(lessonsRoot, id);
  const meta = readJson<Partial<LessonMeta>>(join(dir, 'lesson.json'), {});
  const hintsPath = join(dir, 'hints.md');
  return {
    title: meta.title ?? id,
    track: meta.track ?? '',
    order: meta.order ?? 0,
    summary: meta.summary ?? '',
    sources: meta.sources ?? [],
    files: meta.files ?? [],
    broken: meta.broken ?? [],
    timeLimitSeconds: meta.timeLimitSeconds,
    id,
    dir,
    hints: existsSync(hintsPath) ? parseHints(readFileSync(hintsPath, 'utf8')) : [],
    quiz: readJson<QuizItem[]>(join(dir, 'quiz.json'), []),
    experiments: listFiles(join(dir, 'experiments'), /\.ts$/),
    checkFiles: listFiles(dir, /\.test\.ts$/),
  };
}

/** Every lesson, in reading order: by track, then by order within the track. */
export function allLessons(): Lesson[] {
  const trackOrder = tracks().map((t) => t.id);
  return readdirSync(lessonsRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(lessonsRoot, d.name, 'lesson.json')))
    .map((d) => loadLesson(d.name))
    .sort((a, b) => trackOrder.indexOf(a.track) - trackOrder.indexOf(b.track) || a.order - b.order);
}

export class UserError extends Error {}

/** Finds a lesson by its id or a unique start of it (`q43`, `why`). */
export function findLesson(query: string | undefined, lessons = allLessons()): Lesson {
  if (!query) throw new UserError('Name a lesson, for example `npm run check -- ' + (lessons[0]?.id ?? 'why-pools') + '`. `npm run list` shows them all.');
  const exact = lessons.find((l) => l.id === query);
  if (exact) return exact;
  const matches = lessons.filter((l) => l.id.startsWith(query.toLowerCase()));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new UserError(`'${query}' could mean ${matches.map((l) => l.id).join(', ')}: type more of the name.`);
  const near = lessons.filter((l) => editDistance(query.toLowerCase(), l.id.slice(0, query.length)) <= 2);
  if (near.length === 1) throw new UserError(`There is no lesson '${query}'. Did you mean ${near[0]!.id}?`);
  throw new UserError(`There is no lesson '${query}'. \`npm run list\` shows the lessons; their ids are ${lessons.map((l) => l.id).join(', ')}.`);
}

/** How many single-character edits turn a into b (a typo is one or two). */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
