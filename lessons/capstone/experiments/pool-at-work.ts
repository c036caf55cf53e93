// The reference pool's rules at work in one picture. A pool of 2 with maxQueue 4 gets, all at once:
//   slow     a task that would run 5 s, with a timeout of 150 ms: it times out, its worker is replaced
//   a        a 60 ms task, on the other worker
//   b, c     two 30 ms tasks at priority 0, which wait
//   cancel   a task at priority 0, which waits, and is aborted while it waits
//   urgent   a 30 ms task at priority 5, sent after the others: the queue now holds 4
//   refused  one more: maxQueue tasks already wait, so it is refused at once
//   d        sent after cancel was aborted: its place in the queue is free again
// Who runs what, in which order, and what does each caller get?
import { AbortError, QueueFullError, TimeoutError, WorkerPool } from '../../../solutions/capstone/pool.ts';
import { experiment, stopAll, watchWorkerLives, within, type TaskOutcome, type TimelineSpan } from '../../../tool/experiments/kit.ts';
import { reply, type Task } from '../fixtures/tasks.ts';

const exp = experiment('One pool, one small mixed load: priorities, a timeout, an abort and a refusal in one picture');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const TIMEOUT_MS = 150;
const MAX_QUEUE = 4;

const lives = watchWorkerLives(workerFile);

type Span = TimelineSpan;

const pool = new WorkerPool(workerFile, { size: 2, maxQueue: MAX_QUEUE });
// Both workers up and their code loaded, so the picture starts with two idle workers.
await Promise.all([0, 1].map(() => pool.run(reply('warm-up', { delayMs: 20 }))));
const t0 = performance.now();
const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
const spans: Span[] = [];
/** What each caller got: 'ok', or the name of the error its promise rejected with. */
const got = new Map<string, string>();
const settled: Array<Promise<unknown>> = [];
let tag = 0;

function submit(name: string, task: Task, options: Parameters<WorkerPool['run']>[1] = {}) {
  const data: Task = { ...task, tag: ++tag };
  const span: Span = { task: name, queuedAt: at(performance.now()), outcome: 'lost' };
  spans.push(span);
  const done = (outcome: TaskOutcome, what: string) => {
    Object.assign(span, { endedAt: at(performance.now()), outcome });
    got.set(name, what);
  };
  const promise = pool.run(data, options);
  const returnedAt = at(performance.now());
  settled.push(
    promise.then(
      () => done('ok', 'ok'),
      (error: Error) => {
        const outcome = error instanceof TimeoutError ? 'timeout' : error instanceof AbortError || error instanceof QueueFullError ? 'rejected' : 'error';
        done(outcome, error.name);
        // Refused inside run(): it never waited, so the picture shows it at the moment run() returned
        // (and its queue-depth line does not count it as waiting).
        if (error instanceof QueueFullError) span.queuedAt = span.endedAt = returnedAt;
      },
    ),
  );
}

const abort = new AbortController();
submit('slow', reply('slow', { delayMs: 5_000 }), { timeout: TIMEOUT_MS });
submit('a', reply('a', { delayMs: 60 }));
submit('b', reply('b', { delayMs: 30 }));
submit('c', reply('c', { delayMs: 30 }));
submit('cancel', reply('cancel', { delayMs: 30 }), { signal: abort.signal });
submit('urgent', reply('urgent', { delayMs: 30 }), { priority: 5 });
submit('refused', reply('refused', { delayMs: 30 }));
const statsWhenFull = pool.stats();
await null; // lets the refusal reach its caller now (a microtask), so its time is when it happened
abort.abort();
await null; // the same for the abort: cancel has left the queue before d is sent
submit('d', reply('d', { delayMs: 30 }));
await within(20_000, Promise.all(settled)); // under a second of work; a busy machine gets more time
const statsAfter = pool.stats();
await within(2_000, pool.close());
await stopAll();

// Which worker was handed which task, and when: found by the task's tag, which the pool posts as it is.
const mine = lives.slice(0); // every worker this run started from task-worker.ts, in order
const posts = mine.flatMap((life, row) =>
  life.posted.map((p) => ({ row, at: p.at, tag: (p.data as { data?: { tag?: number } }).data?.tag, onlineAt: life.onlineAt ?? p.at })),
);
spans.forEach((span, i) => {
  const post = posts.find((p) => p.tag === i + 1);
  // A task posted to a worker still starting waits in its port until the worker is online.
  if (post) Object.assign(span, { worker: post.row + 1, startedAt: at(Math.max(post.at, post.onlineAt)) });
});
const slowRow = spans[0]!.worker;
const workers = mine.map((life, i) => ({
  id: i + 1,
  startedAt: Math.max(0, at(life.createdAt)),
  endedAt: life.exitedAt === undefined ? undefined : at(life.exitedAt),
  exit: i + 1 === slowRow ? ('timeout' as const) : ('terminated' as const),
  // The third worker was started when the timed-out one ended.
  replaces: i === 2 ? slowRow : undefined,
}));
const startOrder = posts
  .filter((p) => p.tag !== undefined && spans[p.tag - 1])
  .sort((x, y) => x.at - y.at)
  .map((p) => spans[p.tag! - 1]!.task);

exp.measure(
  'timeline',
  JSON.stringify({
    caption: `The reference pool, size 2, maxQueue ${MAX_QUEUE}: slow times out after ${TIMEOUT_MS} ms and its worker is replaced; urgent (priority 5) jumps the queue; cancel is aborted while queued; refused finds the queue full; d takes cancel's place`,
    tasks: spans,
    workers,
  }),
  'timeline',
);
const outcomes = spans.map((s) => `${s.task} ${got.get(s.task)}`).join(', ');
exp.measure('what each caller got', outcomes);
exp.measure('order the tasks were handed to workers', startOrder.join(', '));
exp.measure('workers started (2 at first)', workers.length);
exp.measure('stats() when the queue was full: queued', statsWhenFull.queued);
exp.measure('stats() at the end: completed, failed, cancelled', `${statsAfter.completed - 2}, ${statsAfter.failed}, ${statsAfter.cancelled}`);

const expected = 'slow TimeoutError, a ok, b ok, c ok, cancel AbortError, urgent ok, refused QueueFullError, d ok';
exp.claim('each caller gets what the rules promise: a TimeoutError for slow, an AbortError for cancel, a QueueFullError for refused, a result for the rest', outcomes === expected, outcomes);
exp.claim(
  'slow and a start at once; of the tasks that waited, urgent (priority 5) is handed to a worker first, then b, c and d in the order they were sent; cancel and refused never reach a worker',
  startOrder.join() === 'slow,a,urgent,b,c,d',
  `handed to workers in this order: ${startOrder.join(', ')}`,
);
exp.claim(
  `exactly one replacement starts, for the worker that slow held, and the queue is full (${MAX_QUEUE} waiting) when refused is sent`,
  workers.length === 3 && mine[slowRow! - 1]?.exitedAt !== undefined && mine[slowRow! - 1]!.exitedAt! <= mine[2]!.createdAt && statsWhenFull.queued === MAX_QUEUE,
  `${workers.length} workers started in all; slow ran on worker ${slowRow}; ${statsWhenFull.queued} waiting when refused was sent`,
);
exp.done();
