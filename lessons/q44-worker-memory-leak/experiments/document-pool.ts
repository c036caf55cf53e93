// Document 003's Q44 "Better: Use a pool" sends each task to a random worker and waits for the
// worker's next message with worker.once('message'). What happens when two tasks are on one worker
// at once, when a task times out, and to the 'message' listeners? The reference pool is the control.
import { WorkerPool as DocumentPool } from '../broken/document-better-pool/pool.ts';
import { WorkerPool as ReferencePool } from '../../../solutions/q44-worker-memory-leak/pool.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import type { Worker } from 'node:worker_threads';
import type { TaskData } from '../fixtures/task-worker.ts';

const exp = experiment('What goes wrong in the document\'s "Better: Use a pool"?');
const worker = new URL('../fixtures/task-worker.ts', import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// Node's warnings are collected and summed up at the end instead of printed as they come.
const warnings: string[] = [];
process.removeAllListeners('warning');
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message.split('.')[0]}`));

interface Pool {
  execute(data: TaskData, timeout?: number): Promise<unknown>;
  terminate(): Promise<void>;
}
type Make = (size: number) => Pool;
const pools: Array<[string, Make]> = [
  ["document's pool", (size) => new DocumentPool(worker, size)],
  ['reference pool', (size) => new ReferencePool(worker, size)],
];
/** The Workers a pool holds, to count their listeners (both pools keep them in a `workers` field). */
const workersOf = (pool: Pool) => (pool as unknown as { workers: Worker[] }).workers;
const outcome = (p: Promise<unknown>) => p.then((v) => `resolved with ${JSON.stringify(v)}`, (e: Error) => `rejected: ${e.message}`);

const results: Record<string, { pair: string[]; lost: number; ofHundred: number; late: string; listeners: number; listenersAfter: number }> = {};
for (const [name, make] of pools) {
  // 1. Two tasks at the same time on a pool of 1, answered in the order they were sent.
  const one = make(1);
  await one.execute({ value: 'warm-up' });
  const pair = await Promise.all([outcome(one.execute({ value: 'A', delayMs: 20 })), outcome(one.execute({ value: 'B', delayMs: 40 }))]);
  // A third task sent afterwards: does it still get its own answer?
  const lost = (await outcome(one.execute({ value: 'C' }, 1000))) === 'resolved with "C"' ? 0 : 1;
  await one.terminate();

  // 2. 100 tasks on a pool of 4 (the document's example size), varied durations.
  const four = make(4);
  const hundred = await Promise.all(Array.from({ length: 100 }, (_, i) => outcome(four.execute({ value: i, delayMs: (i * 7) % 30 }, 5000))));
  const ofHundred = hundred.filter((o, i) => o === `resolved with ${i}`).length;
  await four.terminate();

  // 3. A task times out (reply after 300 ms, timeout 50 ms); the next task is sent after that.
  const late = make(1);
  await late.execute({ value: 'warm-up' });
  await outcome(late.execute({ value: 'late reply', delayMs: 300 }, 50));
  const lateOutcome = await outcome(late.execute({ value: 'own reply', delayMs: 500 }, 5000));
  await late.terminate();

  // 4. A worker that stops answering (busy for a while): 200 tasks time out. Listeners on it?
  const stuck = make(1);
  await stuck.execute({ value: 'warm-up' });
  const tasks = Array.from({ length: 200 }, (_, i) => outcome(stuck.execute({ value: i, blockMs: i === 0 ? (quick ? 800 : 1500) : 0 }, 30)));
  await Promise.all(tasks);
  const listeners = workersOf(stuck)[0]!.listenerCount('message');
  await sleep(quick ? 900 : 1600); // the worker is free again and answers all 200
  const listenersAfter = workersOf(stuck)[0]!.listenerCount('message');
  await stuck.terminate();
  results[name] = { pair, lost, ofHundred, late: lateOutcome, listeners, listenersAfter };
}

for (const [name, r] of Object.entries(results)) {
  exp.measure(`${name}: two tasks at once on one worker, A and B`, r.pair.join('; '));
  exp.measure(`${name}: 100 tasks on 4 workers, tasks that got their own result`, r.ofHundred);
  exp.measure(`${name}: the task after a timed-out one, whose late reply comes in while it waits`, r.late);
  exp.measure(`${name}: 'message' listeners on a worker that stopped answering, after 200 timed-out tasks`, r.listeners);
  exp.measure(`${name}: ... once that worker answered again`, r.listenersAfter);
}
exp.note(`warnings from Node: ${[...new Set(warnings)].map((w) => `${warnings.filter((x) => x === w).length} x ${w}`).join('; ') || 'none'}`);

const doc = results["document's pool"]!;
const ref = results['reference pool']!;
exp.claim(
  "document's pool: two tasks on one worker both resolve with the first reply (once() listeners all fire on the next message)",
  doc.pair[0] === 'resolved with "A"' && doc.pair[1] === 'resolved with "A"',
  doc.pair.join('; '),
);
exp.claim(
  "document's pool: most of 100 tasks on a pool of 4 get someone else's result",
  doc.ofHundred < 50,
  `${doc.ofHundred} of 100 right`,
);
exp.claim(
  "document's pool: a timed-out task's listener stays and steals the reply meant for the next task",
  doc.late === 'resolved with "late reply"',
  doc.late,
);
exp.claim(
  "document's pool: on a worker that stops answering, every timed-out task leaves a 'message' listener behind",
  doc.listeners >= 200 && warnings.some((w) => /MaxListenersExceeded/.test(w)),
  `${doc.listeners} listeners; ${doc.listenersAfter} once the worker answered again`,
);
exp.claim(
  'reference pool: every task gets its own result, and each worker keeps exactly one listener',
  ref.pair.join() === 'resolved with "A",resolved with "B"' && ref.ofHundred === 100 && ref.late === 'resolved with "own reply"' && ref.listeners === 1 && ref.listenersAfter === 1,
  `${ref.pair.join('; ')}; ${ref.ofHundred} of 100; ${ref.late}; ${ref.listeners} listener`,
);
exp.done();
