// A graded class as an instructor reads it (a table), as a program reads it (JSON) and as CI and
// classroom autograders read it (JUnit XML).
import { hostname } from 'node:os';
import type { ClassReport, LessonGrade, SubmissionGrade } from './grade.ts';

export function duration(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 90) return `${whole} s`;
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** What a table cell says about one lesson of one submission; `short` when many lessons share the width. */
export function cell(grade: LessonGrade, short = false): string {
  const score = `${grade.passed}/${grade.total}`;
  switch (grade.status) {
    case 'passed':
      return `${short ? 'ok' : 'pass'} ${score}`;
    case 'failed':
      return `${short ? 'x' : 'fail'} ${score}`;
    case 'stopped':
      return `${short ? 'STOP' : 'STOPPED'} ${score}`;
    case 'not-attempted':
      return short ? '-' : 'not attempted';
    case 'not-run':
      return short ? 'n/r' : 'not run';
  }
}

export function formatTable(report: ClassReport, options: { color?: boolean; verbose?: boolean } = {}): string {
  const paint = (code: number) => (s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const [green, red, yellow, dim, bold] = [paint(32), paint(31), paint(33), paint(2), paint(1)];
  const plain = (s: string) => s;
  const ids = report.lessons.map((l) => l.id);
  const n = report.submissions.length;
  // Lesson ids as headings would not fit a terminal: number the columns and shorten the cells.
  const short = ids.reduce((sum, id) => sum + Math.max(id.length, 13) + 2, 0) > 110;
  const lines = [
    bold(`Graded ${n} submission${n === 1 ? '' : 's'} on ${ids.length} lesson${ids.length === 1 ? '' : 's'} in ${duration(report.seconds)}`) +
      `, ${report.concurrency} at a time (Node ${report.node}, ${report.cores} cores).`,
    dim(
      `Bounds: a lesson run is stopped at its lesson's time limit (${[...new Set(report.lessons.map((l) => l.timeLimitSeconds))].sort((a, b) => a - b).join(', ').replace(/, (\d+)$/, ' or $1')} s), or when its processes ` +
        `hold more than ${report.memoryLimitMb} MB together; a submission at ${report.timeLimitSeconds} s in all.`,
    ),
    ...report.notes.map(dim),
  ];
  if (short) lines.push('', `Lessons: ${ids.map((id, i) => `${i + 1} ${id}`).join(', ')}.`);
  lines.push('');

  const notes: string[] = [];
  const note = (text: string) => ` [${notes.push(text)}]`;
  const rows: Array<{ cells: string[]; paints: Array<(s: string) => string> }> = [];
  for (const s of report.submissions) {
    if (s.problem) {
      rows.push({ cells: [s.name, `not laid out like exercises/${note(`${s.name}: ${s.problem}`)}`], paints: [plain, red] });
      continue;
    }
    const cells = [s.name];
    const paints = [plain];
    for (const id of ids) {
      const g = s.lessons.find((l) => l.lessonId === id)!;
      let text = cell(g, short);
      if (g.status === 'stopped') text += note(`${s.name}, ${id}: ${g.reason ?? 'stopped'}. Stopped after ${Math.round(g.seconds)} s, with everything it had started.`);
      if (g.status === 'not-run') text += note(`${s.name}, ${id}: ${g.reason}.`);
      cells.push(text);
      paints.push(g.status === 'passed' ? green : g.status === 'failed' ? red : g.status === 'not-attempted' ? dim : yellow);
    }
    rows.push({ cells: [...cells, `${s.lessonsPassed}/${ids.length}`, `${s.checksPassed}/${s.checksTotal}`], paints: [...paints, plain, plain] });
  }
  const header = ['student', ...(short ? ids.map((_, i) => String(i + 1)) : ids), 'lessons', 'checks'];
  const passedBy = (id: string) => report.submissions.filter((s) => s.lessons.some((l) => l.lessonId === id && l.status === 'passed')).length;
  const footer = ['passed by', ...ids.map((id) => `${passedBy(id)}${short ? '' : ` of ${n}`}`), '', ''];
  const full = rows.filter((r) => r.cells.length === header.length);
  const widths = header.map((h, i) => Math.max(h.length, footer[i]!.length, ...full.map((r) => r.cells[i]!.length)));
  // A row with one long message (a submission not laid out right) lets it run past the columns.
  const line = (cells: string[], paints: Array<(s: string) => string> = cells.map(() => plain)) =>
    cells.map((c, i) => paints[i]!(i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(bold(line(header)), ...rows.map((r) => line(r.cells, r.paints)), dim(line(footer)), '');
  const [pass, fail, stop, none] = short ? ['ok', 'x', 'STOP', '-'] : ['pass', 'fail', 'STOPPED', 'not attempted'];
  lines.push(
    dim(
      `${pass}/${fail} n/m: checks passed of the lesson's total. ${none}: no lesson folder, no lesson file, or the starter unchanged (not run). ` +
        `${stop}: the run hit a bound and was stopped.${report.submissions.some((s) => s.lessons.some((l) => l.status === 'not-run')) ? ` ${short ? 'n/r' : 'not run'}: the submission's own bound was used up first.` : ''}`,
    ),
  );
  if (notes.length) lines.push('', ...notes.map((text, i) => `[${i + 1}] ${text}`));
  const hit = report.submissions.filter((s) => s.hitBound);
  const which = (s: SubmissionGrade) => s.lessons.filter((l) => l.status === 'stopped' || l.status === 'not-run').map((l) => l.lessonId).join(', ');
  lines.push('', hit.length ? yellow(`Stopped at a bound: ${hit.map((s) => `${s.name} (${which(s)})`).join('; ')}.`) : 'No submission hit a bound.');

  if (options.verbose)
    for (const s of report.submissions) {
      const failing = s.lessons.filter((l) => l.status === 'failed' || l.status === 'stopped');
      if (failing.length === 0) continue;
      lines.push('', bold(s.name) + dim(`  (${s.exercisesDir ?? s.path})`));
      for (const l of failing) {
        lines.push(`  ${l.lessonId}: ${cell(l)}${l.reason ? `: ${l.reason}` : ''}`);
        // One cause often fails every check alike (a file that does not load): say it once, as `npm run check` does.
        let previous: string | undefined;
        for (const c of l.checks.filter((c) => c.state === 'failed')) {
          lines.push(`    ${red('x')} ${c.name}`);
          const body = c.observed && c.observed === previous ? 'the same as above' : c.observed;
          previous = c.observed;
          if (body) lines.push(...body.split('\n').map((o) => `        ${dim(o)}`));
        }
        const notRun = l.checks.filter((c) => c.state === 'not-run').length;
        if (notRun) lines.push(`    ${yellow('-')} ${notRun} check${notRun === 1 ? '' : 's'} did not run`);
        for (const p of l.problems) lines.push(`    ${red('!')} ${p.split('\n').join('\n      ')}`);
      }
    }
  return lines.join('\n');
}

export const toJson = (report: ClassReport) => `${JSON.stringify(report, null, 2)}\n`;

// ── JUnit XML ─────────────────────────────────────────────────────────────────────────────────
// The shape Maven Surefire writes and Jenkins, GitLab and GitHub test reporters read: <testsuites>
// of <testsuite> (one per submission) of <testcase> (one per check, classname "<student>.<lesson>"),
// each passed, or holding one <failure>, <error> (the check a stopped run was in, or a submission
// not laid out right) or <skipped> (not attempted, or not run).

/** Text safe anywhere in XML 1.0: colour codes and characters XML forbids removed, markup escaped. */
export function xmlEscape(text: string): string {
  return text
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** In an attribute, line breaks must be character references, or a parser turns them into spaces. */
const attr = (text: string) => xmlEscape(text).replace(/\r/g, '&#13;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

function element(name: string, attrs: Record<string, string | number>, body?: string): string {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${attr(String(v))}"`).join('');
  return body === undefined ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
}

type Outcome = { kind: 'failure' | 'error' | 'skipped'; message: string; body?: string };

function cases(s: SubmissionGrade): Array<{ classname: string; name: string; outcome?: Outcome }> {
  const student = s.name.replace(/[.\s]+/g, '_');
  if (s.problem) return [{ classname: student, name: 'laid out like exercises/', outcome: { kind: 'error', message: s.problem } }];
  return s.lessons.flatMap((l) =>
    l.checks.map((c) => {
      const base = { classname: `${student}.${l.lessonId}`, name: c.name };
      if (l.status === 'not-attempted' || l.status === 'not-run') return { ...base, outcome: { kind: 'skipped' as const, message: `${l.status === 'not-run' ? 'not run' : 'not attempted'}: ${l.reason}` } };
      if (c.state === 'passed') return base;
      if (c.state === 'skipped') return { ...base, outcome: { kind: 'skipped' as const, message: 'skipped by the check file' } };
      if (l.status === 'stopped' && c.name === l.stoppedIn) return { ...base, outcome: { kind: 'error' as const, message: `stopped: ${l.reason}` } };
      if (c.state === 'not-run')
        return l.status === 'stopped'
          ? { ...base, outcome: { kind: 'skipped' as const, message: 'not run: the run was stopped before this check' } }
          : { ...base, outcome: { kind: 'failure' as const, message: 'no result: the checks did not run to the end', body: l.problems.join('\n\n') } };
      const message = c.observed ?? 'failed';
      return { ...base, outcome: { kind: 'failure' as const, message: message.split('\n')[0]!, body: [c.details ?? message, ...l.problems].join('\n\n') } };
    }),
  );
}

export function toJUnit(report: ClassReport, host = hostname()): string {
  const timestamp = report.startedAt.replace(/(\.\d+)?Z$/, '');
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const suites = report.submissions.map((s) => {
    const all = cases(s);
    const count = (kind: Outcome['kind']) => all.filter((c) => c.outcome?.kind === kind).length;
    const counts = { tests: all.length, failures: count('failure'), errors: count('error'), skipped: count('skipped') };
    for (const k of Object.keys(totals) as Array<keyof typeof totals>) totals[k] += counts[k];
    // A lesson's checks run in one process and are timed together: a time per check would be made up.
    const body = all.map(({ classname, name, outcome: o }) => {
      const attrs = { classname, name, time: '0' };
      if (!o) return `    ${element('testcase', attrs)}`;
      const inner = o.kind === 'skipped' ? element('skipped', { message: o.message }) : element(o.kind, { message: o.message, type: o.kind }, xmlEscape(o.body ?? o.message));
      return `    ${element('testcase', attrs, `\n      ${inner}\n    `)}`;
    });
    const out = s.problem ?? s.lessons.map((l) => `${l.lessonId}: ${cell(l)}${l.reason ? ` (${l.reason})` : ''}`).join('\n');
    return `  ${element(
      'testsuite',
      { name: s.name, ...counts, time: s.seconds.toFixed(3), timestamp, hostname: host },
      `\n${[...body, `    <system-out>${xmlEscape(out)}</system-out>`].join('\n')}\n  `,
    )}`;
  });
  const root = element('testsuites', { name: 'worker-pool-workbook grades', ...totals, time: report.seconds.toFixed(3) }, `\n${suites.map((x) => `${x}\n`).join('')}`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
