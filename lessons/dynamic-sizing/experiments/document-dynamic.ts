// Document 004's DynamicWorkerPool, run: with minSize 2 and maxSize 8 (its defaults), a burst of
// 60 tasks of 50 ms each, all at once, then a second with nothing to do. Three versions of the
// document's class, and the solution:
//   - as written: addWorker() and removeWorker() are empty;
//   - filled in: addWorker() starts a worker the way createPool() does (the workbook's code);
//     poolSize, which the growth condition reads, is never changed, as in the document;
//   - filled in, and addWorker() also does this.poolSize++ (the fix a careful reader would add).
// How many workers run at most, how many are left after the idle second, and do tasks start in
// the order they were submitted?
import { experiment, quick, watchThreads } from '../../../tool/experiments/kit.ts';
import { WorkerPool as AsWritten } from '../broken/document-004-dynamic/pool.ts';
import { WorkerPool as FilledIn } from '../broken/document-004-dynamic-filled-in/pool.ts';
import { WorkerPool as Solution } from '../../../solutions/dynamic-sizing/pool.ts';
import { newClock, newStartLog, reply, startedTags, type Task } from '../fixtures/log.ts';
import { timelineRecorder } from '../fixtures/timeline.ts';

const exp = experiment("What does document 004's DynamicWorkerPool do under a burst, and after it?");
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const MIN = 2;
const MAX = 8;
const TASKS = quick ? 20 : 60;
const TASK_MS = 100;
const IDLE_MS = quick ? 500 : 1000;

/** The filled-in version, with the one line the document's growth condition needs: poolSize++. */
class FilledInCountingPoolSize extends FilledIn {
  addWorker() {
    super.addWorker();
    this.poolSize++;
  }
}

interface Pool {
  run(data: Task): Promise<unknown>;
  destroy(): Promise<void>;
}
const versions: Array<[string, () => Pool & { addWorker?: () => void }]> = [
  ['as written', () => new AsWritten(workerFile, { minSize: MIN, maxSize: MAX })],
  ['filled in', () => new FilledIn(workerFile, { minSize: MIN, maxSize: MAX })],
  ['filled in, with poolSize++', () => new FilledInCountingPoolSize(workerFile, { minSize: MIN, maxSize: MAX })],
  ['solution', () => new Solution(workerFile, { minSize: MIN, maxSize: MAX, idleTimeout: 300 })],
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
// The document's pool prints a line on every exit (its terminate() included); keep it out of the way.
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
};

const results: Record<string, { peak: number; afterIdle: number; addWorkerCalls: number; outOfTurn: number; burstMs: number; timeline?: string }> = {};
for (const [name, make] of versions) {
  const threads = watchThreads();
  let peak = 0;
  const sample = setInterval(() => (peak = Math.max(peak, threads.workersAlive)), 1);
  const clock = newClock(TASKS);
  const rec = name === 'solution' ? timelineRecorder(clock, { inferReplacements: false }) : undefined;
  const pool = make();
  let addWorkerCalls = 0;
  if (pool.addWorker) {
    const original = pool.addWorker.bind(pool);
    pool.addWorker = () => {
      addWorkerCalls++;
      original();
    };
  }
  await sleep(quick ? 100 : 300); // the first workers are (nearly) up
  const log = newStartLog(TASKS + 1);
  const t = performance.now();
  await Promise.all(
    Array.from({ length: TASKS }, (_, i) => {
      const run = pool.run(reply(i, { delayMs: TASK_MS, starts: log, tag: i, clock }));
      return rec ? rec.track(`t${i}`, i, run) : run;
    }),
  );
  const burstMs = performance.now() - t;
  await sleep(IDLE_MS);
  // The solution retires workers 300 ms after their last task; on a busy machine timers run late.
  for (let waited = 0; name === 'solution' && threads.workersAlive > MIN && waited < 3000; waited += 20) await sleep(20);
  peak = Math.max(peak, threads.workersAlive);
  clearInterval(sample);
  const afterIdle = threads.workersAlive;
  const order = startedTags(log);
  // Overtaken: a task that started after some task submitted at least MAX places later. (Workers
  // given tasks at the same moment may note them in either order, hence the margin of MAX.)
  const startAt = new Map(order.map((tag, at) => [tag, at]));
  const outOfTurn = order.filter((tag) => order.some((other) => other >= tag + MAX && startAt.get(other)! < startAt.get(tag)!)).length;
  await quiet(() => pool.destroy());
  await sleep(20);
  results[name] = { peak, afterIdle, addWorkerCalls, outOfTurn, burstMs, timeline: rec?.timeline(`solution: minSize ${MIN}, maxSize ${MAX}, idleTimeout 300 ms; ${TASKS} tasks of ${TASK_MS} ms at once, then ${IDLE_MS / 1000} s idle`) };
  exp.measure(`${name}: most workers alive at once (maxSize ${MAX})`, peak);
  exp.measure(`${name}: workers alive after ${IDLE_MS / 1000} s with nothing to do (minSize ${MIN})`, afterIdle);
  if (name !== 'solution') exp.measure(`${name}: calls to addWorker()`, addWorkerCalls);
  exp.measure(`${name}: tasks overtaken by a task submitted ${MAX} or more places after them, of ${TASKS}`, outOfTurn);
  exp.measure(`${name}: the burst took`, burstMs, 'ms');
}
exp.measure('timeline: solution', results.solution!.timeline!, 'timeline');

// As written, with minSize 0: createPool() starts no worker, and addWorker() adds none.
const EMPTY_TASKS = 5;
const emptyThreads = watchThreads();
const empty = new AsWritten(workerFile, { minSize: 0, maxSize: MAX });
let emptySettled = 0;
for (let i = 0; i < EMPTY_TASKS; i++) {
  empty.run(reply(i, { delayMs: 0 })).then(
    () => emptySettled++,
    () => emptySettled++,
  );
}
await sleep(IDLE_MS);
const emptyWorkers = emptyThreads.workersCreated;
await quiet(() => empty.destroy());
exp.measure(`as written, minSize 0: workers started, ${IDLE_MS / 1000} s after ${EMPTY_TASKS} tasks`, emptyWorkers);
exp.measure(`as written, minSize 0: tasks settled in that time, of ${EMPTY_TASKS}`, emptySettled);

const [written, filled, counted, solution] = ['as written', 'filled in', 'filled in, with poolSize++', 'solution'].map((n) => results[n]!);
exp.claim(
  'as written, the pool never grows: execute() calls addWorker() again and again, and addWorker() does nothing',
  written!.peak === MIN && written!.addWorkerCalls > 0,
  `most workers alive: ${written!.peak}; addWorker() called ${written!.addWorkerCalls} times`,
);
exp.claim(
  'as written with minSize 0, no worker ever starts, so no task runs',
  emptyWorkers === 0 && emptySettled === 0,
  `${emptyWorkers} workers started; ${emptySettled} of ${EMPTY_TASKS} tasks settled within ${IDLE_MS / 1000} s`,
);
exp.claim(
  `filled in without poolSize++, it grows far past maxSize: the condition poolSize < maxSize never changes, so every execute() with a long queue adds a worker`,
  filled!.peak > MAX,
  `most workers alive: ${filled!.peak} (maxSize ${MAX})`,
);
exp.claim(
  'even with poolSize++, it never shrinks: nothing calls removeWorker(), and there is no idle timeout',
  counted!.peak <= MAX && counted!.afterIdle > MIN,
  `most workers alive: ${counted!.peak}; after the idle second: ${counted!.afterIdle} (minSize ${MIN})`,
);
exp.claim(
  "in the document's pool, a newly added worker takes the task being submitted, ahead of the tasks already queued, which can start long after later ones",
  filled!.outOfTurn + counted!.outOfTurn > 0,
  `tasks far from their turn: ${filled!.outOfTurn} (filled in), ${counted!.outOfTurn} (with poolSize++)`,
);
exp.claim(
  'the solution grows to maxSize, never above, and is back to minSize after the idle second',
  solution!.peak === MAX && solution!.afterIdle === MIN,
  `most workers alive: ${solution!.peak}; after the idle second: ${solution!.afterIdle}`,
);
exp.note(
  "Tasks 'overtaken' are read from the order in which workers noted their starts. A worker that has just started can be slow to note its first task, so a small count for the solution is noise; the document's pool overtakes on purpose.",
);
exp.done();
