// Turns a check run into what the learner reads.
import { relative } from 'node:path';
import type { Lesson } from '../lessons.ts';
import { projectRoot } from '../lessons.ts';
import type { CheckProgress, RunResult } from './run.ts';

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (s: string) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);
export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = paint(2);
export const bold = paint(1);

const indent = (text: string, by: string) => text.split('\n').map((l) => by + l).join('\n');

export function formatRun(
  lesson: Lesson,
  run: RunResult,
  options: { verbose?: boolean; hint?: boolean; /** The command that made this run, for "Full details". */ command?: string } = {},
): string {
  const lines: string[] = [];
  const where = relative(projectRoot, run.targetDir) || run.targetDir;
  lines.push(bold(`${lesson.title}`) + dim(`  (${lesson.id}, checking ${where}/)`));
  let previous: string | undefined;
  for (const check of run.checks) {
    if (check.state === 'passed') lines.push(`  ${green('✓')} ${check.name}`);
    else if (check.state === 'skipped') lines.push(`  ${dim('-')} ${dim(check.name)}`);
    else {
      lines.push(`  ${red('✗')} ${check.name}`);
      const full = options.verbose ? (check.details ?? check.observed ?? '') : (check.observed ?? '');
      const body = !options.verbose && full === previous ? 'the same as above' : full;
      previous = full;
      if (body) lines.push(indent(body, '      ' + dim('observed: ')).replace(/\n {6}\S+ /g, '\n                '));
    }
  }
  for (const problem of run.problems) lines.push(`  ${red('!')} ${problem.replace(/\n/g, '\n    ')}`);
  if (run.stuck) lines.push(`  ${red('⏱')} The check run ${run.stuck.reason}. It was stopped after ${run.stuck.seconds} s, with everything it had started.`);

  const passed = run.checks.filter((c) => c.state === 'passed').length;
  const total = run.checks.length;
  if (run.outcome === 'passed') lines.push(green(`  All ${total} checks pass.`));
  else {
    lines.push(
      run.outcome === 'stuck'
        ? red(`  ${passed} checks passed before the run was stopped; the rest did not run.`)
        : yellow(`  ${passed} of ${total} checks pass.`),
    );
    if (options.hint !== false && lesson.hints[0]) lines.push('', indent(`Hint 1: ${lesson.hints[0]}`, '  '));
    lines.push(dim(`  More: npm run hint -- ${lesson.id}${options.verbose ? '' : `   Full details: ${options.command ?? `npm run check -- ${lesson.id}`} --verbose`}`));
  }
  if (options.verbose && run.output.trim()) lines.push('', dim('vitest said:'), dim(indent(run.output.trim(), '  ')));
  return lines.join('\n');
}

/** Where a check run is, in a few words: checks that wait out their timeouts can take a minute. */
export function progressText(p: CheckProgress): string {
  const done = `${p.done} check${p.done === 1 ? '' : 's'} done${p.failed ? `, ${p.failed} failing` : ''}`;
  return p.running ? `${done}; now: ${p.running}` : done;
}

/** Progress on one terminal line, rewritten in place; nothing when the output is not a terminal. */
export function terminalProgress(): { onProgress?: (p: CheckProgress) => void; clear(): void } {
  if (!process.stdout.isTTY) return { clear() {} };
  const width = () => (process.stdout.columns || 80) - 1;
  return {
    onProgress: (p) => process.stdout.write(`\r\x1b[K${dim(`  Running the checks: ${progressText(p)}`.slice(0, width()))}`),
    clear: () => process.stdout.write('\r\x1b[K'),
  };
}
