// `npm run grade`: a small generated class, graded through the command line, must come out exactly
// right for every student, within the bounds, without touching the submissions or leaving anything
// running; and the JUnit report must be well-formed XML of the shape JUnit consumers read.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ClassReport, LessonGrade, SubmissionGrade } from '../grade/grade.ts';
import { locate } from '../grade/submissions.ts';
import { allLessons, projectRoot } from '../lessons.ts';
import { processesMentioning } from './helpers.ts';

// One fast lesson keeps this test short; the grader treats every lesson alike.
const lessonId = 'why-pools';
const lesson = allLessons().find((l) => l.id === lessonId)!;
const solution = join(projectRoot, 'solutions', lessonId);
const fixture = (name: string) => join(projectRoot, 'tool/test/fixtures/grade', name, lessonId);
const hostileName = `mallory <&"'>`;

interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs what `npm run grade -- <args>` runs, as if npm was started in `from`, with its temp files there too. */
function grade(args: string[], from: string, timeoutMs = 150_000): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'tool/grade/cli.ts'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, INIT_CWD: from, NO_COLOR: '1', TMPDIR: from },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    // SIGINT, so that the grader stops its runs on the way out.
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** One of each kind of submission an instructor gets, one folder per student. */
function makeClass(root: string): string[] {
  const put = (dir: string, from: string) => cpSync(from, join(root, dir), { recursive: true });
  // Correct: a copy of exercises/ ...
  put(`alice/${lessonId}`, solution);
  writeFileSync(join(root, 'alice/README.md'), '# my exercises\n');
  // ... and a whole clone of the workbook, exercises/ inside it.
  put(`bob/workbook-main/exercises/${lessonId}`, solution);
  writeFileSync(join(root, 'bob/workbook-main/package.json'), '{}\n');
  // Starters: one untouched (not run at all), one with work begun that does not pass yet.
  put(`carol/${lessonId}`, join(lesson.dir, 'starter'));
  put(`dave/${lessonId}`, join(lesson.dir, 'starter'));
  writeFileSync(join(root, `dave/${lessonId}/pool.ts`), `${readFileSync(join(lesson.dir, 'starter/pool.ts'), 'utf8')}\n// I started here.\n`);
  // Pathological: an infinite loop, process.exit(), memory without end, a message hostile to XML.
  put(`erin/${lessonId}`, fixture('infinite-loop'));
  put(`frank/${lessonId}`, fixture('exits-process'));
  put(`oscar/${lessonId}`, fixture('out-of-memory'));
  put(`${hostileName}/${lessonId}`, fixture('hostile-message'));
  // Not laid out like exercises/: the lesson file at the top.
  put('grace', solution);
  // A clone whose exercises/ lacks this lesson's folder.
  mkdirSync(join(root, `heidi/exercises/${lessonId}-notes`), { recursive: true });
  // The infinite loop first: its run takes longest, and the others are graded beside it.
  return readdirSync(root)
    .sort((a, b) => Number(b === 'erin') - Number(a === 'erin'))
    .map((name) => join(root, name));
}

/** Every file and folder under `dir` with its size, time and content hash. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true }) as string[]) {
    const s = statSync(join(dir, entry));
    out[entry] = s.isDirectory() ? `dir ${s.mtimeMs}` : `${s.size} ${s.mtimeMs} ${createHash('sha1').update(readFileSync(join(dir, entry))).digest('hex')}`;
  }
  return out;
}

// ── a strict XML 1.0 reader, enough to hold the JUnit report to the rules ─────────────────────

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const xmlChar = /^[\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const nameRe = /^[A-Za-z_:][A-Za-z0-9._:-]*/;

/** Parses a well-formed XML document or throws, naming what is wrong and where. */
function parseXml(xml: string): XmlElement {
  if (!xmlChar.test(xml)) throw new Error('a character XML 1.0 forbids');
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(xml.slice(i, i + 40))}`);
  };
  const skipSpace = () => {
    while (/[ \t\r\n]/.test(xml[i] ?? '')) i++;
  };
  const decode = (raw: string): string =>
    raw.replace(/&([^;&]*);|&/g, (all, ref: string | undefined) => {
      if (ref === undefined) return fail('a bare &');
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
      if (ref in named) return named[ref]!;
      const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (!m) return fail(`an unknown entity &${ref};`);
      const code = m[1] ? parseInt(m[1], 16) : Number(m[2]);
      const ch = code <= 0x10ffff ? String.fromCodePoint(code) : '';
      if (!ch || !xmlChar.test(ch)) return fail(`a character reference to a forbidden character &${ref};`);
      return ch;
    });
  const misc = () => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i + 4);
        if (end < 0 || xml.slice(i + 4, end).includes('--')) fail('a bad comment');
        i = end + 3;
      } else if (xml.startsWith('<?', i) && !/^<\?xml[ \t\r\n?]/i.test(xml.slice(i, i + 6))) {
        const end = xml.indexOf('?>', i);
        if (end < 0) fail('an unclosed processing instruction');
        i = end + 2;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') fail('expected an element');
    i++;
    const name = nameRe.exec(xml.slice(i))?.[0] ?? fail('a bad element name');
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected white space before an attribute');
      const attr = nameRe.exec(xml.slice(i))?.[0] ?? fail('a bad attribute name');
      i += attr.length;
      skipSpace();
      if (xml[i] !== '=') fail('expected =');
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") fail('an unquoted attribute value');
      const end = xml.indexOf(quote!, i + 1);
      if (end < 0) fail('an unclosed attribute value');
      const raw = xml.slice(i + 1, end);
      if (raw.includes('<')) fail('a < in an attribute value');
      if (attr in el.attrs) fail(`a repeated attribute ${attr}`);
      el.attrs[attr] = decode(raw);
      i = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) fail(`an unclosed <${name}>`);
      const raw = xml.slice(i, next);
      if (raw.includes(']]>')) fail(']]> in text');
      el.text += decode(raw);
      i = next;
      if (xml.startsWith('</', i)) {
        i += 2;
        const closing = nameRe.exec(xml.slice(i))?.[0];
        if (closing !== name) fail(`</${closing}> closing <${name}>`);
        i += name.length;
        skipSpace();
        if (xml[i] !== '>') fail('a bad end tag');
        i++;
        return el;
      }
      if (xml.startsWith('<![CDATA[', i)) {
        const end = xml.indexOf(']]>', i);
        if (end < 0) fail('an unclosed CDATA section');
        el.text += xml.slice(i + 9, end);
        i = end + 3;
      } else if (xml.startsWith('<!--', i) || xml.startsWith('<?', i)) misc();
      else if (xml.startsWith('<!', i)) fail('a declaration inside an element');
      else el.children.push(element());
    }
  };
  const decl = /^<\?xml version="1\.[0-9]"( encoding="UTF-8")?( standalone="(yes|no)")? ?\?>/.exec(xml);
  if (xml.startsWith('<?xml') && !decl) fail('a bad XML declaration');
  i = decl ? decl[0].length : 0;
  misc();
  if (xml.startsWith('<!DOCTYPE', i)) fail('a DOCTYPE (not expected here)');
  const root = element();
  misc();
  if (i !== xml.length) fail('content after the root element');
  return root;
}

/** The rules JUnit consumers (Jenkins, GitLab, GitHub reporters) rely on, checked on a parsed report. */
function checkJUnitShape(root: XmlElement): void {
  const num = (el: XmlElement, attr: string) => {
    expect(el.attrs[attr], `${el.name} ${el.attrs.name ?? ''} has ${attr}`).toMatch(/^\d+(\.\d+)?$/);
    return Number(el.attrs[attr]);
  };
  expect(root.name).toBe('testsuites');
  const sums = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const suite of root.children) {
    expect(suite.name).toBe('testsuite');
    for (const required of ['name', 'timestamp', 'hostname']) expect(suite.attrs[required], `testsuite ${required}`).toBeTruthy();
    expect(suite.attrs.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    num(suite, 'time');
    const order = suite.children.map((c) => c.name).join(' ');
    expect(order, `children of testsuite ${suite.attrs.name}`).toMatch(/^(properties )?(testcase ?)*(system-out ?)?(system-err)?$/);
    const cases = suite.children.filter((c) => c.name === 'testcase');
    const count = (kind: string) => cases.filter((c) => c.children.some((x) => x.name === kind)).length;
    for (const c of cases) {
      expect(c.attrs.classname).toBeTruthy();
      expect(c.attrs.name).toBeTruthy();
      num(c, 'time');
      expect(c.children.length, `outcomes of ${c.attrs.name}`).toBeLessThanOrEqual(1);
      for (const o of c.children) expect(['failure', 'error', 'skipped']).toContain(o.name);
    }
    const counts = { tests: cases.length, failures: count('failure'), errors: count('error'), skipped: count('skipped') };
    for (const [k, v] of Object.entries(counts)) {
      expect(num(suite, k), `${k} of testsuite ${suite.attrs.name}`).toBe(v);
      sums[k as keyof typeof sums] += v;
    }
  }
  for (const [k, v] of Object.entries(sums)) expect(num(root, k), `${k} of testsuites`).toBe(v);
}

test('the strict XML reader rejects what a JUnit consumer would reject', () => {
  const ok = '<?xml version="1.0" encoding="UTF-8"?>\n<a x="1&amp;2&#10;"><b/>t&lt;<!-- c --></a>\n';
  expect(parseXml(ok).attrs.x).toBe('1&2\n');
  for (const bad of ['<a>&</a>', '<a>&nbsp;</a>', '<a><b></a></b>', '<a x="1" x="2"/>', '<a x="<"/>', '<a x=1/>', '<a>\u0000</a>', '<a>&#0;</a>', '<a>\u001b[31m</a>', '<a>]]></a>', '<a/><b/>', '<a>', ' <?xml version="1.0"?><a/>'])
    expect(() => parseXml(bad), bad).toThrow();
});

test('a submission is found however it is handed in, and a misfit says what it is', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'grade-test-'));
  try {
    const file = (path: string) => {
      mkdirSync(join(tmp, path, '..'), { recursive: true });
      writeFileSync(join(tmp, path), '');
    };
    file(`plain/${lessonId}/pool.ts`);
    file(`clone/workbook-main/exercises/${lessonId}/pool.ts`);
    file(`class/a/exercises/${lessonId}/pool.ts`);
    file(`class/b/exercises/${lessonId}/pool.ts`);
    file(`class2/a/${lessonId}/pool.ts`);
    file('ana.zip');
    file('notes/todo.md');
    mkdirSync(join(tmp, 'empty'));
    const at = (path: string) => locate(join(tmp, path), [lesson], allLessons().map((l) => l.id));
    const classHint = 'If it holds one folder per student, name those instead: npm run grade -- <class folder>/*';
    const misfit = `Not laid out like exercises/: it has no lesson folder (such as ${lessonId}/) and no exercises/ folder inside.`;
    expect(at('plain')).toEqual({ exercisesDir: join(tmp, 'plain') });
    expect(at('clone')).toEqual({ exercisesDir: join(tmp, 'clone/workbook-main/exercises') });
    expect(at('class')).toEqual({ problem: `It holds 2 exercises/ folders (a/exercises, b/exercises), so it is not one student's work. ${classHint}` });
    expect(at('class2')).toEqual({ problem: `Its lesson folders are one level down, in several sub-folders, so it is not one student's work. ${classHint}` });
    expect(at('ana.zip')).toEqual({ problem: 'This is a file, not a folder: unpack an archive first and name the folder inside.' });
    expect(at('notes')).toEqual({ problem: `${misfit} It holds: todo.md.` });
    expect(at('empty')).toEqual({ problem: `${misfit} The folder is empty.` });
    expect(at('nobody')).toEqual({ problem: 'There is no such folder.' });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** The solution with a syntax error (its constructor's `)` left out); returns the line it is on. */
function withSyntaxError(dir: string): number {
  cpSync(solution, dir, { recursive: true });
  const lines = readFileSync(join(dir, 'pool.ts'), 'utf8').split('\n');
  const at = lines.findIndex((l) => /^\s*constructor\(.*\) \{$/.test(l));
  lines[at] = lines[at]!.replace(/\) \{$/, ' {');
  writeFileSync(join(dir, 'pool.ts'), lines.join('\n'));
  return at + 1;
}

describe('npm run grade on a small class', () => {
  let tmp: string;
  let classDir: string;
  let before: Record<string, string>;
  let run: CommandResult;
  let bounded: CommandResult;
  let badInput: CommandResult[];
  // Graded from inside the project, where vitest names the private copy by a relative path.
  let inProject: string;
  let parseRun: CommandResult;
  let brokenLine: number;
  let report: ClassReport;
  let junit: string;
  const student = (name: string): SubmissionGrade => report.submissions.find((s) => s.name === name)!;
  const graded = (name: string): LessonGrade => student(name).lessons.find((l) => l.lessonId === lessonId)!;
  const row = (name: string) => run.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? `(no row for ${name})`;
  const badCases: Array<[string[], RegExp]> = [
    [[], /^Name the students' folders to grade, for example `npm run grade -- class\/\*`\.$/],
    [['nobody'], /^There is no 'nobody' in \/.*\.$/],
    [['class/alice', '--lessons', 'no-such-lesson'], /^There is no lesson 'no-such-lesson'\./],
    [['class/alice', '--concurrency', 'two'], /^--concurrency takes a whole number of at least 1, not 'two'\.$/],
    [['class/alice', '--colour'], /^Unknown option '--colour'\. npm run grade -- --help lists the options\.$/],
    [['class/alice', '--out', 'class/alice/grades'], /^The reports would go to 'class\/alice\/grades', inside the submission 'class\/alice', and grading never writes into a submission: choose another place with --out\.$/],
  ];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'grade-test-'));
    classDir = join(tmp, 'class');
    const students = makeClass(classDir);
    mkdirSync(join(tmp, 'alone'));
    cpSync(fixture('infinite-loop'), join(tmp, 'alone/erin', lessonId), { recursive: true });
    before = snapshot(classDir);
    mkdirSync(join(projectRoot, 'test-artifacts'), { recursive: true });
    inProject = mkdtempSync(join(projectRoot, 'test-artifacts', 'grade-test-'));
    brokenLine = withSyntaxError(join(inProject, 'ivan', lessonId));
    // The class, one submission under a short bound of its own, a syntax error, and bad input, side by side.
    [run, bounded, parseRun, ...badInput] = await Promise.all([
      grade([...students, '--lessons', lessonId, '--out', 'reports', '--memory-limit', '512'], tmp),
      grade(['erin', '--lessons', 'why', '--time-limit', '6', '--out', '../erin-reports'], join(tmp, 'alone')),
      grade(['ivan', '--lessons', 'why', '--out', 'reports'], inProject),
      ...badCases.map(([args]) => grade(args, tmp, 60_000)),
    ]);
    const read = (path: string) => (existsSync(join(tmp, path)) ? readFileSync(join(tmp, path), 'utf8') : '');
    report = JSON.parse(read('reports/grades.json') || 'null') as ClassReport;
    junit = read('reports/junit.xml');
  }, 180_000);

  afterAll(() => {
    if (tmp && processesMentioning(tmp).length === 0) rmSync(tmp, { recursive: true, force: true });
    if (inProject && processesMentioning(inProject).length === 0) rmSync(inProject, { recursive: true, force: true });
  });

  test('it runs to the end and finds every student', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toContain(`Wrote grades.json, junit.xml and grades.txt in ${join(tmp, 'reports')}/`);
    expect(report.format).toBe('worker-pool-workbook/grades@1');
    expect(report.submissions.map((s) => s.name).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', hostileName, 'oscar'].sort());
    expect(report.lessons.map((l) => l.id)).toEqual([lessonId]);
    expect(report.lessons[0]!.checks.length).toBeGreaterThan(3);
  });

  test('each student gets exactly the right grade', () => {
    const total = report.lessons[0]!.checks.length;
    const expected: Record<string, { status: string; passed: number; cell: string }> = {
      alice: { status: 'passed', passed: total, cell: `pass ${total}/${total}` },
      bob: { status: 'passed', passed: total, cell: `pass ${total}/${total}` },
      carol: { status: 'not-attempted', passed: 0, cell: 'not attempted' },
      dave: { status: 'failed', passed: 0, cell: `fail 0/${total}` },
      erin: { status: 'stopped', passed: 0, cell: `STOPPED 0/${total} [1]` },
      frank: { status: 'failed', passed: 0, cell: `fail 0/${total}` },
      heidi: { status: 'not-attempted', passed: 0, cell: 'not attempted' },
      [hostileName]: { status: 'failed', passed: 0, cell: `fail 0/${total}` },
      oscar: { status: 'stopped', passed: 0, cell: `STOPPED 0/${total} [3]` },
    };
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [name, e] of Object.entries(expected)) {
      const g = graded(name);
      expect({ name, status: g.status, passed: g.passed, total: g.total }).toEqual({ name, status: e.status, passed: e.passed, total });
      // The row: name, the cell, lessons passed, checks passed.
      expect(row(name)).toMatch(new RegExp(`^${esc(name)} +${esc(e.cell)} +${e.status === 'passed' ? 1 : 0}/1 +${e.passed}/${total}$`));
    }
    expect(student('bob').exercisesDir).toBe(join(classDir, 'bob/workbook-main/exercises'));
    expect(graded('carol').reason).toBe('the starter, unchanged');
    expect(graded('heidi').reason).toBe(`no ${lessonId}/ folder`);
    for (const c of graded('dave').checks) expect(c.observed).toMatch(/Not implemented yet/);
    for (const c of graded('frank').checks) expect(c.observed).toMatch(/process\.exit/);
    // Messages name the student's own files, never the private copy.
    expect(JSON.stringify(report)).not.toMatch(/workbook-grade-/);
  });

  test('the infinite loop and the memory hog are stopped within their bounds, named, and the only ones to hit a bound', () => {
    const first = report.lessons[0]!.checks[0]!;
    expect(graded('erin').stoppedIn).toBe(first);
    expect(graded('erin').reason).toMatch(/main thread is blocked, usually by a synchronous infinite loop/);
    expect(graded('oscar').stoppedIn).toBe(first);
    expect(graded('oscar').reason).toMatch(new RegExp(`^its processes used \\d+ MB of memory together, over the 512 MB bound, in the check "${first.replace(/[()]/g, '\\$&')}"$`));
    // A check's 10 s timeout + 5 s grace + start-up: far inside the lesson's 120 s bound.
    expect(graded('erin').seconds).toBeLessThan(60);
    expect(graded('oscar').seconds).toBeLessThan(60);
    expect(report.submissions.filter((s) => s.hitBound).map((s) => s.name).sort()).toEqual(['erin', 'oscar']);
    expect(run.stdout).toMatch(/\nStopped at a bound: (erin \(why-pools\); oscar \(why-pools\)|oscar \(why-pools\); erin \(why-pools\))\.\n/);
    expect(run.stdout).toMatch(/\n\[1\] erin, why-pools: stopped responding during the check "[^"]+": .*synchronous infinite loop\. Stopped after \d+ s, with everything it had started\.\n/);
  });

  test("a submission's own bound stops it, and the report says so", () => {
    expect(bounded.status, bounded.stderr).toBe(0);
    const erin = (JSON.parse(readFileSync(join(tmp, 'erin-reports/grades.json'), 'utf8')) as ClassReport).submissions[0]!;
    expect(erin.hitBound).toBe(true);
    expect(erin.lessons[0]!.status).toBe('stopped');
    // Under load, loading alone can use up 6 s; the reason says so rather than naming no check.
    expect(erin.lessons[0]!.reason).toMatch(/^did not finish within the 6 s left of the submission's 6 s bound \((it was in the check "|no check had started yet: loading took all of it\))/);
    expect(erin.lessons[0]!.seconds).toBeLessThan(20);
    expect(bounded.stdout).toContain('Stopped at a bound: erin (why-pools).');
  });

  test("a syntax error is reported once, in the student's own file, with its faulty line", () => {
    expect(parseRun.status, parseRun.stderr).toBe(0);
    const json = readFileSync(join(inProject, 'reports/grades.json'), 'utf8');
    const ivan = (JSON.parse(json) as ClassReport).submissions[0]!.lessons[0]!;
    const file = join(inProject, 'ivan', lessonId, 'pool.ts');
    expect(ivan.status).toBe('failed');
    expect(ivan.passed).toBe(0);
    // Never the private copy, whichever way vitest names it (here relative to the project root).
    expect(json).not.toMatch(/workbook-grade-/);
    const observed = ivan.checks[0]!.observed!;
    expect(observed).toContain(`Could not load ${file}`);
    expect(observed).toContain(`${file}:${brokenLine}:`);
    // The code frame reaches the faulty line.
    expect(observed).toMatch(new RegExp(`^\\s*${brokenLine} │ +constructor\\(.* \\{$`, 'm'));
    // grades.txt says it once, then "the same as above" for every other check.
    const text = readFileSync(join(inProject, 'reports/grades.txt'), 'utf8');
    expect(text.split(`Could not load ${file}`).length - 1).toBe(1);
    expect(text.split('the same as above').length - 1).toBe(ivan.total - 1);
  });

  test('a submission not laid out like exercises/ gets a clear message, not a crash', () => {
    expect(student('grace').problem).toBe(
      `Not laid out like exercises/: it has no lesson folder (such as ${lessonId}/) and no exercises/ folder inside. ` +
        `It has pool.ts at the top: lesson files belong in their lesson's folder (${lessonId}/).`,
    );
    expect(student('grace').lessons).toEqual([]);
    expect(row('grace')).toMatch(/^grace +not laid out like exercises\/ \[2\]$/);
    expect(run.stdout).toContain(`\n[2] grace: ${student('grace').problem}\n`);
  });

  test('bad input gets one clear sentence and exit code 2, and nothing is graded', () => {
    badInput.forEach((r, i) => {
      const [args, message] = badCases[i]!;
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(r.stderr.trim()).toMatch(message);
    });
    expect(readdirSync(join(classDir, 'alice')).sort()).toEqual(['README.md', lessonId]);
  });

  test('grading wrote nothing into the submissions and left nothing running', () => {
    expect(snapshot(classDir)).toEqual(before);
    expect(processesMentioning(tmp), 'processes left behind').toEqual([]);
    expect(processesMentioning(inProject), 'processes left behind').toEqual([]);
    // The private copies and the runs' temp files are gone too (tsx keeps its cache).
    expect(readdirSync(tmp).filter((n) => !n.startsWith('tsx-')).sort()).toEqual(['alone', 'class', 'erin-reports', 'reports']);
  });

  test('the JUnit report is well-formed XML in the shape JUnit consumers read, and says the same', () => {
    const root = parseXml(junit);
    checkJUnitShape(root);
    const suite = (name: string) => root.children.find((s) => s.attrs.name === name)!;
    const testcases = (name: string) => suite(name).children.filter((c) => c.name === 'testcase');
    const outcomes = (name: string) => testcases(name).map((c) => c.children[0]?.name ?? 'passed');
    const total = report.lessons[0]!.checks.length;
    const all = (what: string) => Array<string>(total).fill(what);
    expect(outcomes('alice')).toEqual(all('passed'));
    expect(outcomes('bob')).toEqual(all('passed'));
    expect(outcomes('carol')).toEqual(all('skipped'));
    expect(outcomes('dave')).toEqual(all('failure'));
    expect(outcomes('erin')).toEqual(['error', ...all('skipped').slice(1)]);
    expect(outcomes('frank')).toEqual(all('failure'));
    expect(outcomes('grace')).toEqual(['error']);
    expect(outcomes('oscar')).toEqual(['error', ...all('skipped').slice(1)]);
    expect(testcases('alice').map((c) => c.attrs.name)).toEqual(report.lessons[0]!.checks);
    expect(testcases('alice')[0]!.attrs.classname).toBe(`alice.${lessonId}`);
    expect(testcases('carol')[0]!.children[0]!.attrs.message).toBe('not attempted: the starter, unchanged');
    // Markup in names and messages comes through intact; what XML cannot hold is gone.
    const hostile = testcases(hostileName)[0]!;
    expect(hostile.attrs.classname).toBe(`mallory_<&"'>.${lessonId}`);
    expect(hostile.children[0]!.name).toBe('failure');
    expect(hostile.children[0]!.attrs.message).toBe(`<pool> & "friends" 'quoted' ]]> red nul:\uFFFD bell:\uFFFD done`);
    expect(hostile.children[0]!.text).toContain(`<pool> & "friends" 'quoted' ]]> red`);
  });
});
