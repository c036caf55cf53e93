// Where does a pool's time go, per task? The pool's own bookkeeping (a task object, a promise, a
// constant-time queue) against what Node does to get one message to a worker and one back. And
// what it costs to keep a queue deep: every waiting task is live memory the garbage collector
// has to copy and trace.
import { PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { WorkerPool } from '../../../solutions/capstone/pool.ts';
import { roundTrips } from '../bench/suite.ts';
import { newGate, openGate, reply } from '../fixtures/tasks.ts';

const exp = experiment("Where a pool's time goes, per task: its own bookkeeping, or the messages to and from the worker?");
const SHALLOW = 1_000;
const DEEP = quick ? 10_000 : 100_000;
const rounds = quick ? 3 : 7;
const now = () => performance.now();
const taskWorker = new URL('../fixtures/task-worker.ts', import.meta.url);
const echoWorker = new URL('../bench/protocol-worker.ts', import.meta.url);

// Garbage collections, as Node reports them, to tell how much of a loop's time was the collector's.
const collections: Array<{ start: number; end: number }> = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push({ start: e.startTime, end: e.startTime + e.duration });
}).observe({ entryTypes: ['gc'] });
const gcWithin = async (from: number, to: number) => {
  await new Promise((r) => setTimeout(r, 0)); // the observer reports asynchronously
  return collections.filter((c) => c.start >= from && c.start < to).reduce((sum, c) => sum + Math.min(c.end, to) - c.start, 0);
};

/**
 * µs per task spent in run() while `depth` tasks pile up behind a busy worker (a task, a promise,
 * a queue slot), and how much of it the garbage collector took.
 */
async function enqueueCost(pool: WorkerPool, depth: number, runThem: boolean): Promise<{ perTask: number; gcShare: number }> {
  const gate = newGate();
  const held = pool.run(reply('held', { gate }));
  const tasks = new Array<Promise<unknown>>(depth);
  const payloads = Array.from({ length: depth }, (_, i) => reply(i));
  const start = now();
  for (let i = 0; i < depth; i++) tasks[i] = pool.run(payloads[i]);
  const end = now();
  const gc = await gcWithin(start, end);
  if (!runThem) void pool.destroy(); // rejects them all
  openGate(gate);
  await Promise.allSettled([held, ...tasks]);
  return { perTask: ((end - start) * 1000) / depth, gcShare: gc / (end - start) };
}

const shallow: number[] = [];
const deep: number[] = [];
const deepGc: number[] = [];
const post: number[] = [];
const trips: number[] = [];
const worker = new Worker(echoWorker);
let replies = 0;
worker.on('message', () => replies++);
const echo = new WorkerPool(echoWorker, { size: 1 });
await roundTrips(echo, 500);
const pool = new WorkerPool(taskWorker, { size: 1 });
await pool.run(reply('ready'));
await enqueueCost(pool, SHALLOW, true); // warm-up

for (let round = 0; round < rounds; round++) {
  // 1. run() with 1,000 tasks waiting, repeated; then with all of DEEP waiting at once.
  const costs: number[] = [];
  for (let batch = 0; batch < (quick ? 5 : 10); batch++) costs.push((await enqueueCost(pool, SHALLOW, true)).perTask);
  shallow.push(median(costs));
  const fresh = new WorkerPool(taskWorker, { size: 1 });
  await fresh.run(reply('ready'));
  const { perTask, gcShare } = await enqueueCost(fresh, DEEP, false);
  deep.push(perTask);
  deepGc.push(gcShare);

  // 2. postMessage to a worker that is awake and busy (no wake-up needed): the main thread's share.
  replies = 0;
  worker.postMessage({ id: 0, data: { fib: 27 } });
  const start = now();
  for (let i = 1; i <= SHALLOW * 10; i++) worker.postMessage({ id: i, data: i });
  post.push(((now() - start) * 1000) / (SHALLOW * 10));
  while (replies < SHALLOW * 10 + 1) await new Promise((r) => setTimeout(r, 5));

  // 3. A whole round trip through the pool to a worker that was asleep, awaited before the next.
  trips.push(median(await roundTrips(echo, quick ? 500 : 2_000)));
}
await Promise.all([echo.close(), pool.close(), worker.terminate()]);

const b = median(shallow);
const d = median(deep);
const p = median(post);
const t = median(trips);
exp.measure(`run() with ${SHALLOW.toLocaleString('en')} tasks waiting: a task, a promise, a queue slot`, Number(b.toFixed(2)), 'µs per task');
exp.measure(`run() with ${DEEP.toLocaleString('en')} tasks waiting at once`, Number(d.toFixed(2)), 'µs per task');
exp.measure(`  of which the garbage collector`, Math.round(median(deepGc) * 100), '%');
exp.measure('postMessage of one task to a worker that is awake', Number(p.toFixed(2)), 'µs');
exp.measure('round trip through the pool to a worker that was asleep, median', Number(t.toFixed(1)), 'µs');
exp.measure(`round trip / run() with ${SHALLOW.toLocaleString('en')} waiting`, Number((t / b).toFixed(1)), 'x');
exp.claim(
  `a round trip to a sleeping worker costs at least 3x the pool's own bookkeeping for a task (${SHALLOW.toLocaleString('en')} waiting)`,
  t >= 3 * b,
  `${t.toFixed(1)} µs against ${b.toFixed(2)} µs: ${(t / b).toFixed(1)}x`,
);
exp.done();
