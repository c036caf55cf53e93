// Should a task's timeout count the time it waits in the queue? A burst of 12 tasks of 150 ms each
// on a pool of 2 (about 900 ms of work in all), each allowed 500 ms, three ways:
//   - the solution's `timeout: 500`: a limit on running time, from the moment a worker takes the task;
//   - the solution with `signal: AbortSignal.timeout(500)`: a deadline from run(), covering the wait;
//   - document 004's `execute(data, 500)`: counted from the call, like the deadline, but it only
//     rejects: a task that is running keeps its worker.
// What completes, what is rejected, what work is thrown away, and how many workers are replaced?
import { experiment, quick, watchThreads } from '../../../tool/experiments/kit.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/timeouts-and-cancellation/pool.ts';
import { WorkerPool as Document004Pool } from '../broken/document-004-timeout/pool.ts';
import { newClock, reply, type Task } from '../fixtures/log.ts';
import { timelineRecorder } from '../fixtures/timeline.ts';

const exp = experiment('Should a task timeout count the time spent waiting in the queue?');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const TASKS = 12;
const TASK_MS = quick ? 100 : 150;
const LIMIT = quick ? 350 : 500;
const rounds = quick ? 1 : 3;

interface Pool {
  run(data: Task, options?: { timeout?: number; signal?: AbortSignal }): Promise<unknown>;
  destroy(): Promise<void>;
}
type Way = { name: string; make: () => Pool; options: () => { timeout?: number; signal?: AbortSignal } };
const ways: Way[] = [
  { name: `timeout: ${LIMIT} (running time only)`, make: () => new SolutionPool(workerFile, { size: 2 }), options: () => ({ timeout: LIMIT }) },
  {
    name: `signal: AbortSignal.timeout(${LIMIT}) (a deadline from run())`,
    make: () => new SolutionPool(workerFile, { size: 2 }),
    options: () => ({ signal: AbortSignal.timeout(LIMIT) }),
  },
  { name: `document 004, execute(data, ${LIMIT})`, make: () => new Document004Pool(workerFile, { size: 2 }), options: () => ({ timeout: LIMIT }) },
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

for (const way of ways) {
  const results: Array<{ resolved: number; rejected: number; startedThenRejected: number; replacements: number }> = [];
  let timeline = '';
  for (let round = 0; round < rounds; round++) {
    const threads = watchThreads();
    const clock = newClock(TASKS + 1);
    const rec = timelineRecorder(clock);
    const pool = way.make();
    await Promise.all([pool.run(reply('warm-up')), pool.run(reply('warm-up'))]);
    const settled = await Promise.allSettled(
      Array.from({ length: TASKS }, (_, i) => rec.track(`t${i + 1}`, i + 1, pool.run(reply(i + 1, { delayMs: TASK_MS, tag: i + 1, clock }), way.options()))),
    );
    await sleep(TASK_MS + 100); // let any task still running on document 004's workers finish
    const started = (i: number) => (clock[2 * (i + 1)] ?? 0) > 0;
    results.push({
      resolved: settled.filter((s) => s.status === 'fulfilled').length,
      rejected: settled.filter((s) => s.status === 'rejected').length,
      startedThenRejected: settled.filter((s, i) => s.status === 'rejected' && started(i)).length,
      replacements: threads.workersCreated - 2,
    });
    await quiet(() => pool.destroy());
    await sleep(20);
    timeline = rec.timeline(`${way.name}: ${TASKS} tasks of ${TASK_MS} ms on a pool of 2`);
  }
  const last = results.at(-1)!;
  const same = results.every((r) => JSON.stringify(r) === JSON.stringify(last));
  exp.measure(`${way.name}: resolved / rejected of ${TASKS}`, `${last.resolved} / ${last.rejected}${same ? '' : ` (varied over ${rounds} rounds: ${results.map((r) => r.resolved).join(', ')} resolved)`}`);
  exp.measure(`${way.name}: rejected after they had started (work thrown away)`, last.startedThenRejected);
  exp.measure(`${way.name}: workers replaced`, last.replacements);
  exp.measure(`timeline: ${way.name}`, timeline, 'timeline');
  (ways as Array<Way & { result?: typeof last }>)[ways.indexOf(way)]!.result = last;
}

const [running, deadline, doc] = (ways as Array<Way & { result: { resolved: number; rejected: number; startedThenRejected: number; replacements: number } }>).map((w) => w.result);
exp.claim(
  `a limit on running time completes every task of the burst: each one needs ${TASK_MS} ms, well under ${LIMIT}, however long it waited`,
  running!.resolved === TASKS && running!.replacements === 0,
  `${running!.resolved} of ${TASKS} resolved, ${running!.replacements} workers replaced`,
);
exp.claim(
  `a deadline from run() rejects the tasks still waiting or running when it passes (a third or more of this burst)`,
  deadline!.rejected >= TASKS / 3 && deadline!.resolved >= 2,
  `${deadline!.resolved} resolved, ${deadline!.rejected} rejected, ${deadline!.startedThenRejected} of them after they had started`,
);
exp.claim(
  "document 004 counts from the call too, so it rejects about as many, and it never frees a worker: a rejected task that was running finishes anyway, unseen",
  doc!.rejected >= TASKS / 3 && doc!.replacements === 0,
  `${doc!.resolved} resolved, ${doc!.rejected} rejected, ${doc!.startedThenRejected} of them after they had started`,
);
exp.done();
