// Every lesson has every part, and its parts agree with each other.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { languageOf } from '../../site/build/highlight.ts';
import { allLessons, lessonsRoot, projectRoot, tracks, type QuizItem } from '../lessons.ts';
import { solutionsRoot } from '../workspace.ts';
import { experimentOfRecord, nodeMajor, otherNodeRecords, primaryNodeMajor, recordFile } from '../experiments/records.ts';

const lessons = allLessons();
const seeds = join(projectRoot, '..', 'shared', 'seeds');
const filesUnder = (dir: string, prefix = ''): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? filesUnder(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
      )
    : [];

/** A quiz item with the optional fields of lessons/README.md ("quiz.json"), unchecked. */
type QuizEntry = Omit<QuizItem, 'alsoRight' | 'codeLang'> & { alsoRight?: unknown; codeLang?: unknown };
const rightKeys = (item: QuizEntry) => [item.answer, ...(Array.isArray(item.alsoRight) ? item.alsoRight : [])];

/** What is wrong with a quiz item's `alsoRight` and `codeLang`, one sentence each; empty if nothing. */
function optionalQuizFieldProblems(item: QuizEntry): string[] {
  const problems: string[] = [];
  const keys = item.options.map((o) => o.key);
  const also = item.alsoRight;
  if (also !== undefined) {
    if (!Array.isArray(also) || also.length === 0) problems.push(`${item.id}: alsoRight must be a list of option keys, like ["C"].`);
    else
      also.forEach((key: unknown, i) => {
        if (!keys.includes(key as string)) problems.push(`${item.id}: alsoRight names ${JSON.stringify(key)}, which is not one of its options.`);
        else if (key === item.answer) problems.push(`${item.id}: alsoRight names the answer ${item.answer}; list only the other right options.`);
        else if (also.indexOf(key) !== i) problems.push(`${item.id}: alsoRight names ${String(key)} twice.`);
      });
  }
  if (item.codeLang !== undefined) {
    if (!item.code || item.codeFile) problems.push(`${item.id}: codeLang labels inline code only (a codeFile is labelled by its extension).`);
    if (typeof item.codeLang !== 'string' || (item.codeLang !== 'text' && languageOf(item.codeLang) === 'text'))
      problems.push(`${item.id}: codeLang ${JSON.stringify(item.codeLang)} is not a language the site highlights (ts, js, json, sh, text...).`);
  }
  return problems;
}

test('the quiz lint rejects a bad alsoRight or codeLang, and accepts good ones', () => {
  const item: QuizEntry = { id: 'x', source: 'workbook', question: 'Q?', options: ['A', 'B', 'C'].map((key) => ({ key, text: key })), answer: 'A', explanation: 'E.', evidence: ['e'] };
  expect(optionalQuizFieldProblems({ ...item, alsoRight: ['C'], code: 'x', codeLang: 'js' })).toEqual([]);
  expect(optionalQuizFieldProblems({ ...item, alsoRight: ['A'] })).toHaveLength(1);
  expect(optionalQuizFieldProblems({ ...item, alsoRight: ['D'] })).toHaveLength(1);
  expect(optionalQuizFieldProblems({ ...item, alsoRight: ['C', 'C'] })).toHaveLength(1);
  expect(optionalQuizFieldProblems({ ...item, alsoRight: 'C' })).toHaveLength(1);
  expect(optionalQuizFieldProblems({ ...item, alsoRight: [] })).toHaveLength(1);
  expect(optionalQuizFieldProblems({ ...item, code: 'x', codeLang: 'cobol' })).toHaveLength(1);
  expect(optionalQuizFieldProblems({ ...item, codeFile: 'a.ts', codeLang: 'js' })).toHaveLength(1);
});

test('every folder under lessons/ is a lesson with a lesson.json', () => {
  const folders = readdirSync(lessonsRoot).filter((f) => statSync(join(lessonsRoot, f)).isDirectory());
  expect(folders.filter((f) => !existsSync(join(lessonsRoot, f, 'lesson.json')))).toEqual([]);
  expect(lessons.length).toBeGreaterThanOrEqual(3);
});

test('every solution belongs to a lesson with an exercise', () => {
  const withExercise = new Set(lessons.filter((l) => l.files.length > 0).map((l) => l.id));
  expect(readdirSync(solutionsRoot).filter((id) => !withExercise.has(id))).toEqual([]);
});

describe.each(lessons.map((l) => [l.id, l] as const))('%s', (_id, lesson) => {
  const meta = JSON.parse(readFileSync(join(lesson.dir, 'lesson.json'), 'utf8')) as Record<string, unknown>;

  test('lesson.json has a title, a known track, an order, a summary and its sources', () => {
    expect(typeof meta.title === 'string' && meta.title.length > 0, 'title').toBe(true);
    expect(tracks().map((t) => t.id), 'track').toContain(meta.track);
    expect(typeof meta.order, 'order').toBe('number');
    expect(typeof meta.summary === 'string' && meta.summary.length > 0, 'summary').toBe(true);
    expect(lesson.sources.length, 'sources').toBeGreaterThan(0);
    for (const source of lesson.sources) {
      expect(source.sections, `sections of ${source.document}`).toBeTruthy();
      if (existsSync(seeds)) expect(existsSync(join(seeds, source.document)), `source document ${source.document}`).toBe(true);
    }
  });

  test('has an explanation, hints in at least two tiers, and at least one experiment', () => {
    expect(readFileSync(join(lesson.dir, 'README.md'), 'utf8').trim().length, 'README.md').toBeGreaterThan(200);
    expect(lesson.hints.length, 'hint tiers in hints.md').toBeGreaterThanOrEqual(2);
    expect(lesson.experiments.length, 'experiments').toBeGreaterThanOrEqual(1);
  });

  test('every recorded result the explanation shows exists, from a real run', () => {
    const readme = readFileSync(join(lesson.dir, 'README.md'), 'utf8');
    const scripts = Object.keys((JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts: object }).scripts);
    for (const [, name = ""] of readme.matchAll(/\{\{recorded: ([\w-]+)\}\}/g)) {
      const file = recordFile(lesson, name);
      expect(existsSync(file), `recorded/${name}.json (npm run experiment -- ${lesson.id} ${name} --record)`).toBe(true);
      const runs = [{ file, major: primaryNodeMajor }, ...otherNodeRecords(lesson, name)];
      for (const run of runs) {
        const shown = `recorded/${basename(run.file)}`;
        const record = JSON.parse(readFileSync(run.file, 'utf8')) as { command?: string; machine?: { node?: string; cores?: number }; quick?: boolean };
        // A run is an experiment of the lesson, or a script of its own (the capstone's benchmark) that records itself.
        const script = /^npm run ([\w:-]+)$/.exec(record.command ?? '')?.[1];
        if (script && script !== 'experiment') expect(scripts, `the script that recorded ${shown}`).toContain(script);
        else expect(lesson.experiments, `experiment behind {{recorded: ${name}}}`).toContain(`${name}.ts`);
        expect(record.machine?.node, `Node version in ${shown}`).toMatch(/^v\d+/);
        expect(nodeMajor(record.machine!.node!), `${shown} is named for the Node major it was recorded on`).toBe(run.major);
        expect(record.machine?.cores, `core count in ${shown}`).toBeGreaterThan(0);
        expect(record.quick, `${shown} comes from a full run, not quick mode`).toBe(false);
      }
    }
  });

  test('every recorded run belongs to an experiment or script the lesson still has', () => {
    const shown = new Set([...readFileSync(join(lesson.dir, 'README.md'), 'utf8').matchAll(/\{\{recorded: ([\w-]+)\}\}/g)].map((m) => m[1]));
    for (const file of filesUnder(join(lesson.dir, 'recorded'))) {
      const name = experimentOfRecord(file);
      expect(lesson.experiments.includes(`${name}.ts`) || shown.has(name), `recorded/${file}: no experiment ${name}.ts and no {{recorded: ${name}}} in the text`).toBe(true);
    }
  });

  test('the exercise, its starter, its solution and its checks come together', () => {
    const starter = filesUnder(join(lesson.dir, 'starter')).sort();
    const solution = filesUnder(join(solutionsRoot, lesson.id)).sort();
    expect(starter, 'files in starter/').toEqual([...lesson.files].sort());
    expect(solution, `files in solutions/${lesson.id}/`).toEqual([...lesson.files].sort());
    if (lesson.files.length > 0) expect(lesson.checkFiles.length, 'check files (*.test.ts)').toBeGreaterThan(0);
    else expect(lesson.checkFiles, 'checks for a lesson with no exercise').toEqual([]);
  });

  test('every broken variant is complete, explained, and names the check that catches it', () => {
    const folders = existsSync(join(lesson.dir, 'broken')) ? readdirSync(join(lesson.dir, 'broken')).sort() : [];
    expect(folders, 'folders under broken/ against lesson.json').toEqual(lesson.broken.map((b) => b.name).sort());
    for (const variant of lesson.broken) {
      expect(variant.note.length, `note of ${variant.name}`).toBeGreaterThan(20);
      expect([variant.caughtBy].flat().length, `caughtBy of ${variant.name}`).toBeGreaterThan(0);
      for (const file of lesson.files) expect(existsSync(join(lesson.dir, 'broken', variant.name, file)), `broken/${variant.name}/${file}`).toBe(true);
    }
  });

  test('every quiz answer points at an option, and every piece of evidence exists', () => {
    const ids = new Set<string>();
    for (const item of lesson.quiz as QuizEntry[]) {
      expect(ids.has(item.id), `duplicate quiz id ${item.id}`).toBe(false);
      ids.add(item.id);
      const keys = item.options.map((o) => o.key);
      expect(keys.length, `options of ${item.id}`).toBeGreaterThanOrEqual(2);
      expect(keys, `answer of ${item.id}`).toContain(item.answer);
      // The source line is shown as plain text: Markdown there would show its backticks.
      expect(item.source, `source of ${item.id}`).not.toMatch(/`/);
      if (item.documentAnswer !== undefined) expect(keys, `documentAnswer of ${item.id}`).toContain(item.documentAnswer);
      expect(optionalQuizFieldProblems(item), `alsoRight and codeLang of ${item.id}`).toEqual([]);
      // A document that picks an option which is true as well (alsoRight) is not wrong.
      if (item.documentAnswer !== undefined && !rightKeys(item).includes(item.documentAnswer))
        expect(item.correction, `${item.id} differs from its document: say how, in 'correction'`).toBeTruthy();
      expect(item.question && item.explanation, `question and explanation of ${item.id}`).toBeTruthy();
      expect(item.evidence.length, `evidence of ${item.id}`).toBeGreaterThan(0);
      for (const e of item.evidence) expect(lesson.experiments, `evidence '${e}' of ${item.id}`).toContain(`${e}.ts`);
      if (item.codeFile) expect(existsSync(join(lesson.dir, item.codeFile)), `codeFile of ${item.id}`).toBe(true);
    }
  });

  test('lesson text has no broken character encoding', () => {
    const texts = ['README.md', 'hints.md', 'quiz.json', 'lesson.json'].filter((f) => existsSync(join(lesson.dir, f)));
    for (const file of texts) expect(readFileSync(join(lesson.dir, file), 'utf8'), file).not.toMatch(/â€|Ã.|ðŸ|ï¿½/);
  });
});
