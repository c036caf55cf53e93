// Runs a lesson's experiments, each in its own Node process with the TypeScript support loaded,
// and records their output (with the machine it came from) when asked to.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { endWithThisProcess, killTree } from '../check/processes.ts';
import { projectRoot, type Lesson } from '../lessons.ts';
import { recordFile, recordedDir } from './records.ts';

export interface ExperimentRun {
  experiment: string;
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  record?: unknown;
  /** Where the run was recorded, when it was. */
  recordedTo?: string;
}

export function nodeArgsFor(script: string): string[] {
  return ['--import', 'tsx', '--import', join(projectRoot, 'tool/runtime/register.ts'), script];
}

export async function runExperiment(
  lesson: Lesson,
  file: string,
  options: { quick?: boolean; echo?: boolean; record?: boolean; timeLimitSeconds?: number } = {},
): Promise<ExperimentRun> {
  const work = mkdtempSync(join(tmpdir(), 'workbook-experiment-'));
  const recordFile = join(work, 'record.json');
  const child = spawn(process.execPath, nodeArgsFor(join(lesson.dir, 'experiments', file)), {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WORKBOOK_QUICK: (options.quick ?? process.env.WORKBOOK_QUICK === '1') ? '1' : '', WORKBOOK_RECORD: recordFile },
  });
  const forget = endWithThisProcess(child.pid!);
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
    if (options.echo) process.stdout.write(d);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killTree(child.pid!);
  }, (options.timeLimitSeconds ?? 300) * 1000);
  const exitCode = await new Promise<number | null>((r) => child.once('close', (code) => r(code)));
  clearTimeout(timer);
  killTree(child.pid!);
  forget();
  let record: unknown;
  try {
    record = JSON.parse(readFileSync(recordFile, 'utf8'));
  } catch {
    record = undefined;
  }
  rmSync(work, { recursive: true, force: true });
  const run: ExperimentRun = { experiment: basename(file, '.ts'), exitCode, output, timedOut, record };
  if (options.record && exitCode === 0 && !timedOut) run.recordedTo = saveRecord(lesson, run);
  return run;
}

function saveRecord(lesson: Lesson, run: ExperimentRun): string {
  mkdirSync(recordedDir(lesson), { recursive: true });
  const file = recordFile(lesson, run.experiment, process.version);
  const entry = {
    experiment: run.experiment,
    command: `npm run experiment -- ${lesson.id} ${run.experiment}`,
    recordedAt: new Date().toISOString(),
    ...(run.record as object),
    output: run.output,
  };
  writeFileSync(file, JSON.stringify(entry, null, 2) + '\n');
  return file;
}
