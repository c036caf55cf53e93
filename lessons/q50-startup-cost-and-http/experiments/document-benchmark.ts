// Document 003, Q50: "Creating a worker takes ~2-5ms", and its benchmark: 1000 tasks with a new
// worker each ("No pool", "~5000ms") against the same tasks on its WorkerPool of 4 ("With pool",
// "~200ms"), "25x faster!". The document's benchmark code, run as written (scaled down in quick mode).
import { Worker } from 'node:worker_threads';
import { WorkerPool } from '../broken/document-q50-pool/server.ts';
import { experiment, ms, quick } from '../../../tool/experiments/kit.ts';
import { availableParallelism, loadavg } from 'node:os';

const exp = experiment("Document 003's Q50 benchmark: a new worker per task against its pool of 4");
const processor = new URL('../fixtures/compute-worker.ts', import.meta.url);
const iterations = quick ? 50 : 1000;
// The document's processor.js is not shown; here a task is { n: 0 }: no CPU work at all, so the
// benchmark measures what the document means to measure, the cost of starting workers.
const task = () => ({ n: 0 });

// One untimed worker first: the .ts worker is compiled and cached once.
await new Promise<void>((resolve) => {
  const w = new Worker(processor);
  w.once('message', () => void w.terminate().then(() => resolve()));
  w.postMessage(task());
});

// Without pool - create worker per request (the document's loop)
let start = performance.now();
for (let i = 0; i < iterations; i++) {
  const worker = new Worker(processor);
  await new Promise<void>((resolve) => {
    worker.on('message', () => {
      worker.terminate();
      resolve();
    });
    worker.postMessage(task());
  });
}
const noPool = performance.now() - start;

// With pool - reuse workers (the document's loop, and the document's WorkerPool)
start = performance.now();
const pool = new WorkerPool(processor, 4);
const tasks = [];
for (let i = 0; i < iterations; i++) {
  tasks.push(pool.execute(task()));
}
await Promise.all(tasks);
const withPool = performance.now() - start;

// The document never ends its pool: its benchmark process would never exit.
await new Promise((r) => setTimeout(r, 200));
const left = pool.workers.filter((w) => w.threadId !== -1).length;
await Promise.all(pool.workers.map((w) => w.terminate()));

const perWorker = noPool / iterations;
exp.measure(`No pool: ${iterations} tasks, a new worker each`, noPool, 'ms');
exp.measure(`With pool: ${iterations} tasks on the document's pool of 4, including starting it`, withPool, 'ms');
exp.measure('No pool: per task (start a worker, one message, terminate)', perWorker, 'ms');
exp.measure('speed-up of the pool', noPool / withPool, 'x');
exp.measure("the pool's workers still running after the benchmark", left);
if (quick) exp.note(`Quick mode: ${iterations} iterations instead of the document's 1000.`);
exp.note(`Document 003: "~5000ms" without a pool (5 ms per task), "~200ms" with it, "25x faster".`);
exp.note(
  `"For high-frequency requests (e.g., 1000/sec), this adds 2-5 seconds of overhead": at ${ms(perWorker)} per worker, 1000 requests a second ` +
    `would need ${((1000 * perWorker) / 1000).toFixed(0)} s of spawn-per-task work (start a worker, one message, terminate) every second: about ${Math.ceil(perWorker)} such tasks under way at every moment, on ${availableParallelism()} cores.`,
);

exp.note(`Load average over the last minute, at the end: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (timings are noisy on a busy machine).`);
exp.claim('the pool is at least 5x faster than a new worker per task', noPool >= 5 * withPool, `${ms(noPool, 0)} against ${ms(withPool, 0)}: ${(noPool / withPool).toFixed(1)}x (the document says 25x)`);
exp.claim(
  'a worker per task costs more than the 2 ms the document puts at the low end',
  perWorker > 2,
  `${ms(perWorker)} per task; the document's ~2-5 ms range ${perWorker <= 5 ? 'contains' : 'does not contain'} it on this machine`,
);
exp.claim("the document's benchmark never ends its pool: its 4 workers are still running afterwards", left === 4, `${left} of 4 workers alive 200 ms after the last task`);
exp.done();
