// Runs the three documents' shutdowns, and the lesson's solution, through the same situations, and
// prints what became of every task and whether close() ever returned:
//   1. close() while 2 tasks run and none waits;
//   2. close() while 2 tasks run and 4 wait;
//   3. run() called while close() is in progress;
//   4. close() while a worker is about to call process.exit(0) in the middle of its task, with 2
//      tasks waiting behind it (a pool of 1);
//   5. how close() waits, with a 1 s task running and a short one waiting (a pool of 1): how many
//      timers the pool's own code sets meanwhile, and how long after the last task has settled
//      close() resolves;
//   6. close() called right after run() on a new pool of 1, before its worker is online (a worker
//      terminated then exits with code 0: see terminate-exit-codes).
// A pool that never settles something is given a fixed time, then its workers are stopped.
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { stopAll } from '../../../tool/runtime/tracking.ts';
import { WorkerPool as Document001Pool } from '../broken/document-001-pool/pool.ts';
import { WorkerPool as Document000Pool } from '../broken/document-000-pool/pool.ts';
import { WorkerPool as Document004Pool } from '../broken/document-004-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/graceful-close/pool.ts';
import type { Task } from '../fixtures/task-worker.ts';

const exp = experiment("What does each document's shutdown do to the tasks it was given?");
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
/** How long a task or close() gets before it counts as never settling. They need well under 1 s. */
const PATIENCE_MS = quick ? 1500 : 3000;

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type PoolClass = new (workerFile: string | URL, options: { size: number }) => Pool;
/** Each pool, and its file: how the timer count below recognises the pool's own code in a call stack. */
const pools: Array<[string, PoolClass, string]> = [
  ['document 001', Document001Pool, 'broken/document-001-pool/pool.ts'],
  ['document 000', Document000Pool, 'broken/document-000-pool/pool.ts'],
  ['document 004', Document004Pool, 'broken/document-004-pool/pool.ts'],
  ['solution', SolutionPool, 'solutions/graceful-close/pool.ts'],
];

const reply = (value: unknown, delayMs: number): Task => ({ do: 'reply', value, delayMs });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Follows a promise: how it stands at any moment. */
function follow(promise: Promise<unknown>): () => string {
  let state = 'never settled';
  promise.then(
    () => (state = 'resolved'),
    (e: { message?: string; code?: string }) => (state = `rejected${e?.code ? ` [${e.code}]` : ''} ("${e?.message ?? e}")`),
  );
  return () => state;
}
/** Waits until every follower has settled, or PATIENCE_MS. */
async function settled(followers: Array<() => string>): Promise<void> {
  const deadline = Date.now() + PATIENCE_MS;
  while (Date.now() < deadline && followers.some((f) => f() === 'never settled')) await sleep(10);
}
/** "resolved x4, rejected (...) x2": how a group of tasks ended. */
function tally(followers: Array<() => string>): string {
  const counts = new Map<string, number>();
  for (const f of followers) counts.set(f(), (counts.get(f()) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${s} x${n}`).join(', ');
}
/** Starts a pool and waits until its workers answer, so that every situation starts from running workers. */
async function started(Pool: PoolClass, size: number): Promise<Pool> {
  const pool = new Pool(workerFile, { size });
  await Promise.all(Array.from({ length: size }, (_, i) => pool.run(reply(`warm ${i}`, 0))));
  return pool;
}

const results = new Map<string, Record<string, string>>();
for (const [name, Pool, file] of pools) {
  const seen: Record<string, string> = {};
  results.set(name, seen);

  // 1 and 2: close() with 2 running, with 0 or 4 waiting.
  for (const waiting of [0, 4]) {
    const pool = await started(Pool, 2);
    const tasks = Array.from({ length: 2 + waiting }, (_, i) => follow(pool.run(reply(i, 300))));
    await sleep(50);
    const closed = follow(pool.close());
    await settled([...tasks, closed]);
    seen[`close() with 2 running, ${waiting} waiting`] = `tasks: ${tally(tasks)}; close(): ${closed()}`;
    await stopAll();
  }

  // 3: run() while close() is in progress.
  {
    const pool = await started(Pool, 1);
    const running = follow(pool.run(reply('a', 300)));
    const closed = follow(pool.close());
    const during = follow(pool.run(reply('b', 0)));
    await settled([running, closed, during]);
    seen['run() while close() is in progress'] = during();
    await stopAll();
  }

  // 5: how close() waits. A 1 s task runs and a short one waits; close() is called. Counts the
  // timers set by the pool's own code (its file in the call stack) until close() resolves, and how
  // long after the last task settled it did (median of the rounds).
  {
    const lags: number[] = [];
    let timers = 0;
    let cut = '';
    for (let round = 0; round < (quick ? 1 : 3); round++) {
      const pool = await started(Pool, 1);
      let lastDoneAt = 0;
      const long = follow(pool.run(reply('long', 1000)));
      const short = pool.run(reply('short', 0)).finally(() => (lastDoneAt = performance.now()));
      const shortState = follow(short);
      await sleep(20);
      const realSetTimeout = globalThis.setTimeout;
      let count = 0;
      globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
        if ((new Error().stack ?? '').includes(file)) count++;
        return realSetTimeout(...args);
      }) as typeof setTimeout;
      const closedAt = await Promise.race([pool.close().then(() => performance.now()), sleep(PATIENCE_MS).then(() => Number.NaN)]);
      globalThis.setTimeout = realSetTimeout;
      await settled([long, shortState]);
      timers = Math.max(timers, count);
      if (long() !== 'resolved' || shortState() !== 'resolved') cut = `the tasks: ${long()}, ${shortState()}`;
      lags.push(closedAt - lastDoneAt);
      await stopAll();
    }
    seen['timers its code set while close() waited for a 1 s task'] = String(timers);
    seen['close() resolved this long after the last task settled'] = cut
      ? `it did not wait for them (${cut})`
      : Number.isNaN(median(lags))
        ? 'never'
        : `${median(lags).toFixed(1)} ms`;
  }

  // (Run last: a pool that never returns from close() here keeps polling in the background.)
  // 4: a worker calls process.exit(0) mid-task during close(), 2 tasks waiting (pool of 1).
  {
    const pool = await started(Pool, 1);
    const dying = follow(pool.run({ do: 'exit', code: 0, delayMs: 150 } satisfies Task));
    const queued = [follow(pool.run(reply('b', 0))), follow(pool.run(reply('c', 0)))];
    const closed = follow(pool.close());
    await settled([dying, ...queued, closed]);
    seen['exit(0) mid-task during close()'] = `its task: ${dying()}; the 2 waiting: ${tally(queued)}; close(): ${closed()}`;
    await stopAll();
  }

  // 6: close() right after run() on a new pool, before its worker is online.
  {
    const pool = new Pool(workerFile, { size: 1 });
    const task = follow(pool.run(reply('early', 0)));
    const closed = follow(pool.close());
    await settled([task, closed]);
    seen['close() right after run() on a new pool'] = `its task: ${task()}; close(): ${closed()}`;
    await stopAll();
  }
}

for (const [name, seen] of results) for (const [what, value] of Object.entries(seen)) exp.measure(`${name}: ${what}`, value);

const r = (pool: string, what: string) => results.get(pool)![what]!;
exp.claim(
  'document 001 does not wait for running tasks when nothing is queued: it terminates their workers at once, and the tasks fail instead of finishing',
  !/tasks: resolved x2;/.test(r('document 001', 'close() with 2 running, 0 waiting')),
  r('document 001', 'close() with 2 running, 0 waiting'),
);
exp.claim(
  'document 004 keeps accepting tasks while it shuts down: its accepting flag is never read',
  r('document 004', 'run() while close() is in progress') === 'resolved',
  r('document 004', 'run() while close() is in progress'),
);
exp.claim(
  "documents 001 and 004 never settle the task of a worker that exits with code 0 during close(), and close() never returns",
  ['document 001', 'document 004'].every((p) => /^its task: never settled;.*close\(\): never settled$/.test(r(p, 'exit(0) mid-task during close()'))),
  ['document 001', 'document 004'].map((p) => `${p}: ${r(p, 'exit(0) mid-task during close()')}`).join(' | '),
);
exp.claim(
  'document 000 rejects that task, but the tasks waiting behind it never run, so its close() never returns either',
  /the 2 waiting: never settled x2; close\(\): never settled$/.test(r('document 000', 'exit(0) mid-task during close()')),
  r('document 000', 'exit(0) mid-task during close()'),
);
exp.claim(
  "document 001 takes a worker's exit code 0 for a graceful end: close() right after run() on a new pool terminates the worker before it is online, and its task never settles",
  /^its task: never settled;/.test(r('document 001', 'close() right after run() on a new pool')),
  r('document 001', 'close() right after run() on a new pool'),
);
const timersOf = (p: string) => r(p, 'timers its code set while close() waited for a 1 s task');
exp.claim(
  'every document polls: while close() waits for a 1 s task, each sets timer after timer (at least 5); the solution sets none',
  ['document 001', 'document 000', 'document 004'].every((p) => Number(timersOf(p)) >= 5) && timersOf('solution') === '0',
  pools.map(([p]) => `${p}: ${timersOf(p)}`).join(', '),
);
exp.claim(
  'the solution finishes every accepted task, refuses new ones with a code, settles the task of a worker that exits with code 0, and its close() returns every time',
  /^tasks: resolved x2; close\(\): resolved$/.test(r('solution', 'close() with 2 running, 0 waiting')) &&
    /^tasks: resolved x6; close\(\): resolved$/.test(r('solution', 'close() with 2 running, 4 waiting')) &&
    /^rejected \[ERR_POOL_CLOSED\]/.test(r('solution', 'run() while close() is in progress')) &&
    /^its task: rejected.*; the 2 waiting: resolved x2; close\(\): resolved$/.test(r('solution', 'exit(0) mid-task during close()')),
  ['close() with 2 running, 0 waiting', 'close() with 2 running, 4 waiting', 'run() while close() is in progress', 'exit(0) mid-task during close()']
    .map((w) => `${w}: ${r('solution', w)}`)
    .join(' | '),
);
await stopAll();
exp.done();
// Document 004's close() may still be polling for ever (its workers were stopped while "busy"), and
// a timer keeps a process alive, so this script ends itself.
process.exit();
