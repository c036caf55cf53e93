// Document 004 says creating a worker "takes 10-50ms" and that 100 tasks with a new worker each
// spend "1000-5000ms just for worker creation". Document 002 says a worker per request can be
// "worse than single-threaded". Here is what it costs on this machine.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../../../solutions/why-pools/pool.ts';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';

const worker = new URL('../fixtures/square-worker.ts', import.meta.url);
const exp = experiment('What does a new worker per task cost, against a pool that reuses its workers?');
// The pool pays its own workers' start-up once, inside its timing: with too few tasks that one cost
// is most of its time, and a busy machine can stretch it enough to hide the difference.
const tasks = quick ? 50 : 100;
const rounds = quick ? 1 : 7;

function workerPerTask(value: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = new Worker(worker);
    w.once('message', (m: { result: unknown }) => {
      void w.terminate();
      resolve(m.result);
    });
    w.once('error', reject);
    w.postMessage({ id: 1, data: { value } });
  });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

const startup: number[] = [];
const perTaskSequential: number[] = [];
const perTaskConcurrent: number[] = [];
const pooled: number[] = [];
const size = Math.max(2, availableParallelism());
// One untimed round first: the first .ts worker is compiled and cached.
await workerPerTask(1);
for (let round = 0; round < rounds; round++) {
  startup.push(
    await timed(
      () =>
        new Promise<void>((resolve) => {
          const w = new Worker(worker);
          w.once('online', () => void w.terminate().then(() => resolve()));
        }),
    ),
  );
  perTaskSequential.push(
    await timed(async () => {
      for (let i = 0; i < tasks; i++) await workerPerTask(i);
    }),
  );
  perTaskConcurrent.push(await timed(() => Promise.all(Array.from({ length: tasks }, (_, i) => workerPerTask(i)))));
  pooled.push(
    await timed(async () => {
      const pool = new WorkerPool(worker, { size });
      await Promise.all(Array.from({ length: tasks }, (_, value) => pool.run({ value })));
      await pool.close();
    }),
  );
}

const spawn = median(startup);
const sequential = median(perTaskSequential);
const concurrent = median(perTaskConcurrent);
const pool = median(pooled);
exp.measure('one worker, new Worker() to online (and terminated)', spawn, 'ms');
exp.measure(`${tasks} tasks, a new worker each, one after another`, sequential, 'ms');
exp.measure(`${tasks} tasks, a new worker each, all at once`, concurrent, 'ms');
exp.measure(`${tasks} tasks on a pool of ${size}, including starting and closing the pool`, pool, 'ms');
exp.note(`Medians of ${rounds} rounds. Document 004: creation "takes 10-50ms", 100 tasks "1000-5000ms".`);

exp.claim(
  'a new worker per task, one after another, is at least 5x slower than a pool',
  sequential >= 5 * pool,
  `${ms(sequential, 0)} against ${ms(pool, 0)}: ${(sequential / pool).toFixed(1)}x`,
);
exp.claim(
  `starting all ${tasks} workers at once is no cure: still at least 2x slower than a pool`,
  concurrent >= 2 * pool,
  `${ms(concurrent, 0)} against ${ms(pool, 0)}: ${(concurrent / pool).toFixed(1)}x`,
);
exp.claim(
  "one worker's start-up takes milliseconds (at least 2 ms), not microseconds",
  spawn >= 2,
  `${ms(spawn)} to 'online'; document 004's 10-50 ms range ${spawn >= 10 && spawn <= 50 ? 'contains' : 'does not contain'} it on this machine`,
);
exp.done();
