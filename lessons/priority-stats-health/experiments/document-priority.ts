// Document 004's PriorityWorkerPool inserts a queued task with
//   findIndex(t => t.priority < priority) + splice.
// Two questions. Is the order right: higher priority first, FIFO within a priority? And what does
// it cost once many tasks wait? The worker of a pool of 1 is held by a task behind a gate, so that
// every run() call queues; the experiment times the run() calls alone, for growing queues, on the
// document's pool and on the solution (one FIFO per priority level).
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { WorkerPool as DocumentPool } from '../broken/document-004-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/priority-stats-health/pool.ts';
import { newGate, newStartLog, openGate, reply, startedTags, type Task } from '../fixtures/log.ts';

const exp = experiment("Is document 004's priority queue in the right order, and what does it cost with a long queue?");
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);

interface Pool {
  run(data: Task, options?: { priority?: number }): Promise<unknown>;
  destroy(): Promise<void>;
}
type PoolClass = new (file: URL, options: { size: number }) => Pool;
const pools: Array<[string, PoolClass]> = [
  ['document 004', DocumentPool as unknown as PoolClass],
  ['solution', SolutionPool as unknown as PoolClass],
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
};

/** A pool of 1 whose worker is busy behind a gate, so that everything submitted next is queued. */
async function heldPool(Pool: PoolClass, log = newStartLog(4)) {
  const pool = new Pool(workerFile, { size: 1 });
  await pool.run(reply('warm-up'));
  const gate = newGate();
  const first = pool.run(reply('first', { gate, starts: log, tag: 0 }));
  first.catch(() => {}); // destroy() rejects it
  while (startedTags(log).length < 1) await sleep(5);
  return { pool, first, open: () => openGate(gate) };
}

// 1. The order.
const priorities = [0, 5, 1, 5, -2, 3, 1, 0, 2, 5, 0, 3];
const expected = priorities
  .map((priority, i) => ({ priority, tag: i + 1 }))
  .sort((a, b) => b.priority - a.priority || a.tag - b.tag)
  .map((t) => t.tag);
exp.note(`Tasks 1-${priorities.length} queued behind a busy worker with priorities ${priorities.join(', ')}; expected start order: ${expected.join(', ')}`);
const orders: Record<string, number[]> = {};
for (const [name, Pool] of pools) {
  const log = newStartLog(64);
  const { pool, first, open } = await heldPool(Pool, log);
  const tasks = priorities.map((priority, i) => pool.run(reply(i + 1, { starts: log, tag: i + 1 }), { priority }));
  open();
  await Promise.all([first, ...tasks]);
  orders[name] = startedTags(log).slice(1);
  exp.measure(`${name}: start order`, orders[name]!.join(', '));
  await quiet(() => pool.destroy());
}
exp.claim(
  "document 004's order is right: higher priority first, and FIFO within a priority (findIndex finds the first task of a lower priority, so a new task goes after every task of its own)",
  JSON.stringify(orders['document 004']) === JSON.stringify(expected),
  `document 004: ${orders['document 004']!.join(', ')}`,
);
exp.claim('the solution starts them in the same order', JSON.stringify(orders.solution) === JSON.stringify(expected), `solution: ${orders.solution!.join(', ')}`);

// 2. The cost of queueing, as the queue grows. Each measurement times the run() calls alone, into
// an empty queue behind a busy worker. The document's pool is reused: its queue is a public array,
// emptied between measurements. The solution gets a fresh pool each time (several, since a garbage
// collection can fall into any one of its short runs).
const sizes = quick ? [3_000, 6_000, 12_000, 24_000] : [5_000, 10_000, 20_000, 40_000];
const big = quick ? 48_000 : 100_000;
const rounds = quick ? 1 : 2;
type Mix = 'one priority' | 'three priorities';
const priorityOf = (mix: Mix, i: number) => (mix === 'one priority' ? 0 : i % 3);

function queueInto(pool: Pool, n: number, mix: Mix): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) pool.run(reply(i), { priority: priorityOf(mix, i) }).catch(() => {});
  return performance.now() - t;
}

const held = await heldPool(DocumentPool as unknown as PoolClass);
const documentQueue = (held.pool as unknown as DocumentPool).taskQueue;
function documentQueueing(n: number, mix: Mix): number {
  const samples: number[] = [];
  // Small queues take milliseconds, where a hiccup of the machine weighs most: repeat those, and
  // keep the fastest, since a hiccup only ever adds time. (Below a few thousand tasks, Node 24's
  // fixed cost per task still hides the quadratic term; the sizes start above that.)
  for (let r = 0; r < (n < sizes.at(-1)! ? 3 : rounds); r++) {
    samples.push(queueInto(held.pool, n, mix));
    documentQueue.length = 0; // the tasks in it are dropped, never settled: this pool is for measuring only
  }
  return Math.min(...samples);
}
async function solutionQueueing(n: number, mix: Mix): Promise<number> {
  const samples: number[] = [];
  for (let r = 0; r < (quick ? 3 : 4); r++) {
    const { pool } = await heldPool(SolutionPool as unknown as PoolClass);
    samples.push(queueInto(pool, n, mix));
    await pool.destroy();
  }
  return median(samples);
}

// Warm-up, unmeasured: lets the JIT compile both pools' code paths first.
// Node 24 needs more than one round before its optimising compiler takes over the queueing loop.
for (const mix of ['one priority', 'three priorities'] as const) documentQueueing(sizes[1]!, mix);
await solutionQueueing(2_000, 'three priorities');

// Quick mode measures the worst case only: one priority, where findIndex walks the whole queue.
const mixes: Mix[] = quick ? ['one priority'] : ['one priority', 'three priorities'];
const times: Record<string, Record<Mix, number[]>> = { 'document 004': { 'one priority': [], 'three priorities': [] }, solution: { 'one priority': [], 'three priorities': [] } };
for (const mix of mixes) {
  for (const n of sizes) {
    const ms = documentQueueing(n, mix);
    times['document 004']![mix].push(ms);
    exp.measure(`document 004, ${mix}: queueing ${n} tasks`, ms, 'ms');
  }
}
await quiet(() => held.pool.destroy());
for (const mix of mixes) {
  for (const n of sizes) {
    const ms = await solutionQueueing(n, mix);
    times.solution![mix].push(ms);
    exp.measure(`solution, ${mix}: queueing ${n} tasks`, ms, 'ms');
  }
}
const solutionBig = await solutionQueueing(big, 'three priorities');
exp.measure(`solution, three priorities: queueing ${big} tasks`, solutionBig, 'ms');

const growth = (list: number[]) => list.at(-1)! / list[0]!;
const factor = sizes.at(-1)! / sizes[0]!;
const docGrowth = growth(times['document 004']!['one priority']);
const docEstimate = times['document 004']!['one priority'].at(-1)! * (big / sizes.at(-1)!) ** 2;
exp.measure(`document 004, one priority: estimated time to queue ${big} tasks (quadratic from ${sizes.at(-1)})`, docEstimate / 1000, 's');
exp.claim(
  `queueing ${factor}x more tasks takes document 004 at least ${factor * 2}x longer, far more than linear growth: each insertion walks the queue (findIndex) and shifts it (splice), so the work grows with the square of the queue's length`,
  docGrowth >= factor * 2,
  `${sizes[0]} -> ${sizes.at(-1)} tasks: ${docGrowth.toFixed(1)}x the time (linear would be ${factor}x, quadratic ${factor * factor}x)`,
);
exp.claim(
  `the solution queues ${big} tasks in less time than document 004 needs for ${sizes.at(-1)}`,
  solutionBig < times['document 004']!['one priority'].at(-1)!,
  `${solutionBig.toFixed(0)} ms for ${big} vs ${times['document 004']!['one priority'].at(-1)!.toFixed(0)} ms for ${sizes.at(-1)}`,
);
exp.note('The solution\'s own times wobble from run to run: creating tens of thousands of promises and task objects wakes the garbage collector, whatever the queue.');
exp.done();
