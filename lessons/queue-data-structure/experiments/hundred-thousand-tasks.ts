// Document 004's pool, run as the document wrote it (its queue a plain array, taken with shift()),
// and the same pool with one change: its queue is the lesson's ring buffer. 100,000 tiny tasks are
// submitted at once to a pool of 2, as a busy server might, and we time how long until all are done.
import { performance } from 'node:perf_hooks';
import { experiment, median, quick, stopAll } from '../../../tool/experiments/kit.ts';
import { Queue } from '../../../solutions/queue-data-structure/queue.ts';
import { WorkerPool } from '../fixtures/document-004-pool.ts';

const exp = experiment("Document 004's pool with 100,000 tasks submitted at once: does the queue matter?");
const TASKS = quick ? 40_000 : 100_000;
const rounds = quick ? 1 : 2;
const workerFile = new URL('../fixtures/echo-worker.ts', import.meta.url);

/**
 * Submits TASKS tasks at once. Resolves with the wall-clock ms until the last one is done, and the
 * ms the main thread was busy meanwhile (its event loop's active time: queueing, dispatching and
 * settling tasks; the workers run on threads of their own).
 */
async function runAll(useRing: boolean): Promise<{ wall: number; main: number }> {
  const pool = useRing ? new WorkerPool(workerFile, 2, new Queue()) : new WorkerPool(workerFile, 2);
  await pool.execute(0); // both started and answering before the clock starts
  await Promise.all([pool.execute(0), pool.execute(0)]);
  const start = performance.now();
  const loop = performance.eventLoopUtilization();
  const tasks: Array<Promise<unknown>> = [];
  for (let i = 0; i < TASKS; i++) tasks.push(pool.execute(i));
  const results = await Promise.all(tasks);
  const wall = performance.now() - start;
  const main = performance.eventLoopUtilization(loop).active;
  if (results[TASKS - 1] !== TASKS - 1) throw new Error('a task got the wrong answer');
  await pool.terminate();
  return { wall, main };
}

const seen = { array: [] as Array<{ wall: number; main: number }>, ring: [] as Array<{ wall: number; main: number }> };
for (let round = 0; round < rounds; round++) {
  // Alternate, so that a busy spell on the machine does not land on one design only.
  seen.array.push(await runAll(false));
  seen.ring.push(await runAll(true));
}
const wall = { array: median(seen.array.map((r) => r.wall)), ring: median(seen.ring.map((r) => r.wall)) };
const main = { array: median(seen.array.map((r) => r.main)), ring: median(seen.ring.map((r) => r.main)) };
const n = TASKS.toLocaleString('en');
exp.measure(`${n} tasks, the document's array queue: until all were done (median of ${rounds})`, wall.array, 'ms');
exp.measure(`${n} tasks, the same pool with a ring buffer: until all were done (median of ${rounds})`, wall.ring, 'ms');
exp.measure(`${n} tasks, the document's array queue: main thread busy`, main.array, 'ms');
exp.measure(`${n} tasks, the same pool with a ring buffer: main thread busy`, main.ring, 'ms');
exp.claim(
  `with ${n} tasks waiting, the array queue keeps the main thread busy for longer: at least 300 ms more`,
  main.array - main.ring >= 300,
  `${main.array.toFixed(0)} ms against ${main.ring.toFixed(0)} ms: ${(main.array - main.ring).toFixed(0)} ms more`,
);
exp.claim(
  `and the ${n} tasks take longer to finish with the array queue`,
  wall.array > wall.ring,
  `${wall.array.toFixed(0)} ms against ${wall.ring.toFixed(0)} ms: ${(wall.array / wall.ring).toFixed(2)}x`,
  // Wall-clock time also holds the workers' share, which other processes on a busy machine stretch
  // as they please (a CI run saw 0.93x); the main thread's busy time above is the robust measure.
  { needsIdleCores: true },
);
await stopAll();
exp.done();
