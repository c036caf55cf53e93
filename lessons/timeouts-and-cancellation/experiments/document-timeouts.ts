// Runs document 004's task timeout, document 003's "correct" pool and the lesson's solution through
// the same scenario: on a pool of 1, a task that never answers, 4 tasks queued behind it and, a
// half a second later, one more task, every one of them with a timeout of 300 ms. Which tasks run? Which
// settle, and how? Then: what does document 004 count when a timed-out task answers late, and what
// does a timeout cost the solution (the next task waits for a new worker)?
import { Worker } from 'node:worker_threads';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { WorkerPool as Document004Pool } from '../broken/document-004-timeout/pool.ts';
import { WorkerPool as Document003Pool } from '../broken/document-003-correct-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/timeouts-and-cancellation/pool.ts';
import { hang, newClock, reply, type Task } from '../fixtures/log.ts';
import { timelineRecorder } from '../fixtures/timeline.ts';

const exp = experiment("What does each pool's timeout do with a task that never answers?");
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const TIMEOUT = 300;

interface Pool {
  run(data: Task, options?: { timeout?: number }): Promise<unknown>;
  destroy(): Promise<void>;
}
type PoolClass = new (file: URL, options: { size: number }) => Pool;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Seen = { state: 'pending' | 'resolved' | 'rejected'; text: string; at?: number };
function watch(promise: Promise<unknown>): Seen {
  const seen: Seen = { state: 'pending', text: 'pending' };
  promise.then(
    (v) => Object.assign(seen, { state: 'resolved', text: `resolved with ${JSON.stringify(v)}`, at: performance.now() }),
    (e: Error) => Object.assign(seen, { state: 'rejected', text: `rejected (${e.name}: ${e.message})`, at: performance.now() }),
  );
  return seen;
}
async function until(condition: () => boolean, capMs: number): Promise<void> {
  const deadline = performance.now() + capMs;
  while (!condition() && performance.now() < deadline) await sleep(10);
}

// Document 004's pool prints a line on every exit (its destroy included); keep it out of the way.
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
};

async function scenario(name: string, Pool: PoolClass) {
  const clock = newClock(8);
  const rec = timelineRecorder(clock);
  const pool = new Pool(workerFile, { size: 1 });
  await pool.run(reply('warm-up')); // the worker is up, as in a long-running program
  const stuck = watch(rec.track('stuck', 1, pool.run(hang({ tag: 1, clock }), { timeout: TIMEOUT })));
  const queued = [2, 3, 4, 5].map((tag) => watch(rec.track(`q${tag - 1}`, tag, pool.run(reply(`q${tag - 1}`, { tag, clock }), { timeout: TIMEOUT }))));
  await sleep(500);
  const later = watch(rec.track('later', 6, pool.run(reply('later', { tag: 6, clock }), { timeout: TIMEOUT })));
  // Every task behind the stuck one settles one way or another; then the stuck one gets a while more.
  await until(() => [...queued, later].every((s) => s.state !== 'pending'), 10_000);
  await until(() => stuck.state !== 'pending', quick ? 500 : 1500);
  const started = [1, 2, 3, 4, 5, 6].filter((tag) => (clock[2 * tag] ?? 0) > 0).length;
  const queueLeft = pool instanceof Document004Pool ? pool.taskQueue.length : undefined;
  await quiet(() => pool.destroy());
  await sleep(20);
  const timeline = rec.timeline(`${name}: pool of 1, every task with a timeout of ${TIMEOUT} ms`);
  return { stuck, queued, later, started, queueLeft, timeline };
}

const runs = {
  'document 004': await quiet(() => scenario('document 004', Document004Pool as unknown as PoolClass)),
  "document 003's correct pool": await quiet(() => scenario("document 003's correct pool", Document003Pool as unknown as PoolClass)),
  solution: await scenario('solution', SolutionPool as unknown as PoolClass),
};

const count = (seen: Seen[], state: Seen['state']) => seen.filter((s) => s.state === state).length;
for (const [name, run] of Object.entries(runs)) {
  exp.measure(`${name}: the task that never answers`, run.stuck.text);
  const firstRejected = run.queued.find((s) => s.state === 'rejected');
  exp.measure(
    `${name}: the 4 tasks queued behind it`,
    `${count(run.queued, 'resolved')} resolved, ${count(run.queued, 'rejected')} rejected${firstRejected ? ` (${firstRejected.text.replace(/^rejected \((.*)\)$/, '$1')})` : ''}, ${count(run.queued, 'pending')} pending`,
  );
  exp.measure(`${name}: a task sent 0.5 s later`, run.later.text);
  exp.measure(`${name}: tasks that ever started, of 6`, run.started);
  exp.measure(`timeline: ${name}`, run.timeline, 'timeline');
}

const d4 = runs['document 004'];
const d3 = runs["document 003's correct pool"];
const sol = runs.solution;
exp.claim(
  'document 004 rejects the stuck task at its timeout, but the task keeps its worker: nothing after it ever starts, and every later task times out waiting',
  d4.stuck.state === 'rejected' && d4.started === 1 && [...d4.queued, d4.later].every((s) => s.state === 'rejected'),
  `stuck: ${d4.stuck.text}; tasks started: ${d4.started} of 6; later task: ${d4.later.text}`,
);
exp.claim(
  "document 004's timer callback reads `task` before the line that declares it, and that is fine at run time: the timed-out queued tasks were found and removed",
  d4.queueLeft === 0 && d4.queued.every((s) => /Task timeout/.test(s.text)),
  `tasks left in its taskQueue: ${d4.queueLeft}; queued tasks: ${d4.queued.map((s) => s.state).join(', ')}`,
);
exp.claim(
  "document 003's correct pool never times out the running task (its timeout is cleared at dispatch), and the tasks behind it time out in the queue",
  d3.stuck.state === 'pending' && d3.started === 1 && d3.queued.every((s) => s.state === 'rejected'),
  `stuck: ${d3.stuck.text}; tasks started: ${d3.started} of 6`,
);
exp.claim(
  'the solution rejects the stuck task with a TimeoutError, replaces its worker, and runs every other task',
  // Whether the stuck task itself got to start is beside the point (under heavy load its 300 ms can run out first).
  /TimeoutError/.test(sol.stuck.text) && [...sol.queued, sol.later].every((s) => s.state === 'resolved'),
  `stuck: ${sol.stuck.text}; the other 5: ${count([...sol.queued, sol.later], 'resolved')} resolved; tasks started: ${sol.started} of 6`,
);

// Document 004 counts a task that its timeout rejected as completed, once its answer arrives late.
{
  const pool = new Document004Pool(workerFile, { size: 1 });
  await pool.run(reply('warm-up'));
  const slow = watch(pool.run(reply('slow', { delayMs: 600 }), { timeout: 200 }));
  await until(() => slow.state !== 'pending', 2000);
  const completedAtRejection = pool.stats.tasksCompleted;
  await until(() => pool.stats.tasksCompleted > completedAtRejection, 5000);
  const completedLater = pool.stats.tasksCompleted;
  await quiet(() => pool.destroy());
  exp.measure('document 004: a 600 ms task with a 200 ms timeout', slow.text);
  exp.measure('document 004: tasksCompleted when it was rejected, and once its late answer came', `${completedAtRejection} then ${completedLater} (the warm-up counts 1)`);
  exp.claim(
    'document 004 counts a task its timeout rejected as completed once the late answer arrives',
    slow.state === 'rejected' && completedLater === completedAtRejection + 1,
    `tasksCompleted ${completedAtRejection} -> ${completedLater}`,
  );
}

// What a timeout costs the solution: the next task waits for a fresh worker.
{
  const rounds = quick ? 3 : 12;
  const gaps: number[] = [];
  const starts: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const pool = new SolutionPool(workerFile, { size: 1 });
    await pool.run(reply('warm-up'));
    const stuck = watch(pool.run(hang(), { timeout: 100 }).catch(() => {}));
    const next = watch(pool.run(reply('next')));
    await until(() => next.state !== 'pending', 5000);
    gaps.push(next.at! - stuck.at!);
    await pool.destroy();
    // For comparison: a fresh worker from new Worker() to its first answer.
    const t = performance.now();
    const w = new Worker(workerFile);
    await new Promise((r) => {
      w.once('message', r);
      w.postMessage({ id: 1, data: reply('first') });
    });
    starts.push(performance.now() - t);
    await w.terminate();
  }
  const gap = median(gaps);
  const start = median(starts);
  exp.measure(`solution: from the stuck task's rejection to the next task's answer, median of ${rounds}`, gap, 'ms');
  exp.measure(`a fresh worker, from new Worker() to its first answer, median of ${rounds}`, start, 'ms');
  exp.claim(
    'after a timeout, the next task waits about one worker start-up: the price of replacing the stuck worker',
    gap > start * 0.25 && gap < start * 4,
    `${gap.toFixed(1)} ms vs ${start.toFixed(1)} ms (ratio ${(gap / start).toFixed(2)})`,
  );
}
exp.done();
