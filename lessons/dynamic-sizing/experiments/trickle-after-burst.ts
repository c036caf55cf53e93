// After a burst has grown a pool to its maximum, a light load remains: one quick task every 50 ms,
// which one worker handles easily. Does the pool shrink? It depends on which idle worker takes the
// next task. The solution takes the most recently idle one (its idle list is a stack: pop()). The
// variant is the solution with that one line changed to shift(): the worker idle the longest, a
// round-robin. The variant is written to a temporary file, run, and deleted.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { experiment, quick, watchThreads } from '../../../tool/experiments/kit.ts';
import { WorkerPool as Solution } from '../../../solutions/dynamic-sizing/pool.ts';
import { reply } from '../fixtures/log.ts';

const exp = experiment('Does a light load after a burst keep every worker alive?');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
// Each worker of a round-robin gets a task about every 4 x 50 ms: a timeout of 500 ms leaves room
// for a busy machine stretching the 50 ms pauses, and is still far shorter than the trickle.
const IDLE_TIMEOUT = 500;
const TRICKLE_MS = quick ? 1500 : 3000;

const source = readFileSync(new URL('../../../solutions/dynamic-sizing/pool.ts', import.meta.url), 'utf8');
const line = 'const slot = this.#idle.pop()!;';
if (!source.includes(line)) throw new Error(`The solution no longer contains "${line}"; update this experiment.`);
const dir = mkdtempSync(join(tmpdir(), 'workbook-round-robin-'));
const variantFile = join(dir, 'round-robin-pool.ts');
writeFileSync(variantFile, source.replace(line, 'const slot = this.#idle.shift()!; // round-robin: the worker idle the longest'));
const { WorkerPool: RoundRobin } = (await import(pathToFileURL(variantFile).href)) as { WorkerPool: typeof Solution };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results: Record<string, { grown: number; afterTrickle: number; history: number[] }> = {};
try {
  for (const [name, Pool] of [
    ['most recently idle first (the solution)', Solution],
    ['round-robin (idle longest first)', RoundRobin],
  ] as const) {
    const threads = watchThreads();
    const pool = new Pool(workerFile, { minSize: 1, maxSize: 4, idleTimeout: IDLE_TIMEOUT });
    await Promise.all(Array.from({ length: 16 }, (_, i) => pool.run(reply(i, { delayMs: 40 }))));
    const grown = threads.workersAlive;
    const history: number[] = [];
    const started = performance.now();
    let nextMark = 0;
    while (performance.now() - started < TRICKLE_MS) {
      await pool.run(reply('trickle'));
      if (performance.now() - started >= nextMark) {
        history.push(threads.workersAlive);
        nextMark += 500;
      }
      await sleep(50);
    }
    const afterTrickle = threads.workersAlive;
    await pool.close();
    results[name] = { grown, afterTrickle, history };
    exp.measure(`${name}: workers alive after the burst`, grown);
    exp.measure(`${name}: workers alive every 500 ms of the trickle`, history.join(', '));
    exp.measure(`${name}: workers alive after ${TRICKLE_MS / 1000} s of one quick task every 50 ms (idleTimeout ${IDLE_TIMEOUT} ms)`, afterTrickle);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const stack = results['most recently idle first (the solution)']!;
const robin = results['round-robin (idle longest first)']!;
exp.claim(
  'taking the most recently idle worker, the pool shrinks under the trickle: at most 2 of its 4 workers are left',
  stack.grown === 4 && stack.afterTrickle <= 2,
  `${stack.grown} after the burst, ${stack.afterTrickle} after the trickle`,
);
exp.claim(
  'with a round-robin, every worker gets a task before its idle timeout: the pool keeps all of them',
  robin.grown === 4 && robin.afterTrickle === 4,
  `${robin.grown} after the burst, ${robin.afterTrickle} after the trickle`,
);
exp.done();
