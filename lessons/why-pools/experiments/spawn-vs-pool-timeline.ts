// The same 10 tasks two ways, drawn task by task: a new worker for each task (all started at once),
// and the lesson's pool of 2. Each task waits 10 ms on a timer in its worker, so the CPU the run
// uses is mostly the cost of starting workers. A worker's row shows its whole life, from
// new Worker() to its exit; a task's bar starts when its worker is online and holds it.
import { Worker } from 'node:worker_threads';
import { WorkerPool } from '../../../solutions/why-pools/pool.ts';
import { experiment, stopAll, watchWorkerLives, type TimelineSpan } from '../../../tool/experiments/kit.ts';

const exp = experiment('Where does the time go: a new worker per task, or a pool that reuses two?');
const workerFile = new URL('../fixtures/square-worker.ts', import.meta.url);
const TASKS = 10;
const TASK_MS = 10;
const SIZE = 2;

const lives = watchWorkerLives(workerFile);

type Span = TimelineSpan<number>;

/** Runs `load` and turns what the workers did into a timeline, counted from the call. */
async function picture(load: (submit: (i: number, run: (data: unknown) => Promise<unknown>) => Promise<unknown>) => Promise<void>) {
  const first = lives.length;
  const mine = () => lives.slice(first);
  const t0 = performance.now();
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  const spans: Span[] = [];
  let finishedAt = 0;
  await load(async (i, run) => {
    const data = { value: i, delayMs: TASK_MS };
    const span: Span = { task: i + 1, queuedAt: at(performance.now()), outcome: 'lost' };
    spans.push(span);
    const outcome = await run(data).then(
      () => 'ok' as const,
      () => 'error' as const,
    );
    finishedAt = Math.max(finishedAt, performance.now() - t0);
    Object.assign(span, { endedAt: at(performance.now()), outcome });
    // Which worker was handed this task, and when: found by its data, which the pool posts as it is.
    const row = mine().findIndex((l) => l.posted.some((p) => (p.data as { data?: unknown }).data === data));
    const life = mine()[row];
    if (life) {
      const posted = life.posted.find((p) => (p.data as { data?: unknown }).data === data)!.at;
      // A task posted to a worker still starting waits in its port until the worker is online.
      Object.assign(span, { worker: row + 1, startedAt: at(Math.max(posted, life.onlineAt ?? posted)) });
    }
  });
  await stopAll();
  const workers = mine().map((l, i) => ({ id: i + 1, startedAt: at(l.createdAt), endedAt: l.exitedAt && at(l.exitedAt), exit: 'terminated' as const }));
  const startups = mine().map((l) => l.onlineAt! - l.createdAt);
  const lastOnline = Math.max(...mine().map((l) => at(l.onlineAt!)));
  return { spans, workers, startups, lastOnline, finishedAt };
}

/** One task on a worker of its own, ended once it has answered. */
function onItsOwnWorker(data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile);
    worker.once('message', (reply: { result: unknown }) => {
      resolve(reply.result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.postMessage({ id: 1, data });
  });
}

// One untimed worker first: the first start of a .ts worker compiles it and caches the result.
await onItsOwnWorker({ value: 0 });
lives.length = 0;

const perTask = await picture(async (submit) => {
  await Promise.all(Array.from({ length: TASKS }, (_, i) => submit(i, onItsOwnWorker)));
});
const pool = await picture(async (submit) => {
  const pool = new WorkerPool(workerFile, { size: SIZE });
  await Promise.all(Array.from({ length: TASKS }, (_, i) => submit(i, (data) => pool.run(data))));
  await pool.close();
});

exp.measure(
  'timeline: a new worker per task',
  JSON.stringify({ caption: `${TASKS} tasks of ${TASK_MS} ms, each on a new worker, all started at once`, tasks: perTask.spans, workers: perTask.workers }),
  'timeline',
);
exp.measure(
  'timeline: a pool of 2',
  JSON.stringify({ caption: `The same ${TASKS} tasks on the lesson's pool of ${SIZE}, counted from new WorkerPool()`, tasks: pool.spans, workers: pool.workers }),
  'timeline',
);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
exp.measure('a new worker per task: workers started', perTask.workers.length);
exp.measure('a new worker per task: last task done at', perTask.finishedAt, 'ms');
exp.measure('a new worker per task: slowest new Worker() to online', Math.max(...perTask.startups), 'ms');
exp.measure('a new worker per task: time spent starting workers, all of them added up', sum(perTask.startups), 'ms');
exp.measure(`a pool of ${SIZE}: workers started`, pool.workers.length);
exp.measure(`a pool of ${SIZE}: last task done at`, pool.finishedAt, 'ms');
exp.measure(`a pool of ${SIZE}: time spent starting workers, all of them added up`, sum(pool.startups), 'ms');

exp.claim(
  `a new worker per task starts ${TASKS} workers; the pool starts ${SIZE} and every task runs on one of them`,
  perTask.workers.length === TASKS &&
    pool.workers.length === SIZE &&
    [...perTask.spans, ...pool.spans].every((t) => t.outcome === 'ok' && t.worker !== undefined),
  `${perTask.workers.length} workers against ${pool.workers.length}; tasks per pool worker: ${pool.workers.map((w) => pool.spans.filter((t) => t.worker === w.id).length).join(' and ')}`,
);
exp.claim(
  'started all at once, the new workers hold each other up: the slowest takes longer to come online than both pool workers',
  Math.max(...perTask.startups) > Math.max(...pool.startups),
  `slowest of ${TASKS}: ${Math.max(...perTask.startups).toFixed(0)} ms; slowest of the pool's ${SIZE}: ${Math.max(...pool.startups).toFixed(0)} ms`,
);
exp.claim(
  `the pool has finished all ${TASKS} tasks, its own start-up included, before the last of the ${TASKS} new workers is even online`,
  pool.finishedAt < perTask.lastOnline,
  `pool done at ${pool.finishedAt.toFixed(0)} ms; last new worker online at ${perTask.lastOnline.toFixed(0)} ms`,
);
exp.done();
