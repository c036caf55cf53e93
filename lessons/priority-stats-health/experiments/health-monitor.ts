// Document 004's startHealthMonitoring() prints five lines or more every interval with
// console.log, from a setInterval that nothing stops but stopHealthMonitoring(). What happens to
// a program that monitors its pool and then closes it? fixtures/health-program.ts starts a pool
// of 1, calls monitor(100 ms), runs a task, waits a little, closes the pool and prints one line of
// its own. Run in a process of its own, with document 004's pool and with the solution: does the
// process exit, and what did the pool print?
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { experiment, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('Does a program that monitors its pool exit once it closes the pool?');
const root = fileURLToPath(new URL('../../../', import.meta.url));
const program = fileURLToPath(new URL('../fixtures/health-program.ts', import.meta.url));
const workerFile = fileURLToPath(new URL('../fixtures/task-worker.ts', import.meta.url));
const graceMs = quick ? 2000 : 3000;
const INTERVAL = 100;

async function runProgram(poolFile: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', `${root}tool/runtime/register.ts`, program, poolFile, workerFile, String(INTERVAL)],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let closedAt: number | undefined;
  let linesAtClose = 0;
  const lines = () => output.split('\n').filter((l) => l.length > 0 && !/^closed after \d+ reports$/.test(l));
  const collect = (d: Buffer) => {
    output += d;
    if (closedAt === undefined && /closed after \d+ reports/.test(output)) {
      closedAt = performance.now();
      linesAtClose = lines().length;
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exitedAfterMs: number | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      if (closedAt !== undefined) exitedAfterMs = performance.now() - closedAt;
      resolve();
    }),
  );
  const started = performance.now();
  while (exitedAfterMs === undefined && performance.now() - started < 30_000) {
    if (closedAt !== undefined && performance.now() - closedAt > graceMs) break;
    await Promise.race([exited, new Promise((r) => setTimeout(r, 50))]);
  }
  const stillRunning = child.exitCode === null && child.signalCode === null;
  if (stillRunning) child.kill('SIGKILL');
  await exited;
  const printed = lines();
  return { reachedClose: closedAt !== undefined, stillRunning, exitedAfterMs, printed, afterClose: printed.length - linesAtClose };
}

const doc = await runProgram(fileURLToPath(new URL('../broken/document-004-pool/pool.ts', import.meta.url)));
const sol = await runProgram(fileURLToPath(new URL('../../../solutions/priority-stats-health/pool.ts', import.meta.url)));

for (const [name, run] of [['document 004', doc], ['solution', sol]] as const) {
  exp.measure(
    `${name}: ${graceMs / 1000} s after close() returned`,
    run.stillRunning ? 'still running (stopped by the experiment)' : `exited ${run.exitedAfterMs?.toFixed(0)} ms after close() returned`,
  );
  exp.measure(`${name}: lines the pool printed (of them after close())`, `${run.printed.length} (${run.afterClose})`);
  if (run.printed.length > 0) exp.measure(`${name}: the first report it printed`, run.printed.slice(0, 6).join(' | '));
}

exp.claim(
  "document 004's health timer outlives the pool: the program never exits, and the pool goes on printing after close()",
  doc.reachedClose && doc.stillRunning && doc.afterClose > 0,
  `still running: ${doc.stillRunning}; lines printed after close(): ${doc.afterClose}`,
);
exp.claim(
  'with the solution, the program exits by itself once the pool is closed, and the pool printed nothing',
  sol.reachedClose && !sol.stillRunning && sol.printed.length === 0,
  `exited ${sol.exitedAfterMs?.toFixed(0)} ms after close(); lines printed by the pool: ${sol.printed.length}`,
);
exp.done();
