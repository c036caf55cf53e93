import { expect, test } from 'vitest';
import { disposeAfter, lessonUnderTest, watchThreads, stillPending, within, type Settled } from '../../tool/harness/index.ts';
import type { Task } from './fixtures/task-worker.ts';

const lesson = lessonUnderTest(import.meta.url);

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type PoolModule = {
  WorkerPool: new (workerFile: string | URL, options: { size: number; maxQueue?: number }) => Pool;
  QueueFullError?: new (...args: never[]) => Error;
};

/** How long a task that should settle gets. Tasks here take at most a few hundred ms. */
const SETTLE_MS = 5000;
/** How long a task that the pool accepts is kept busy, so that the others find every worker taken. */
const BUSY_MS = 300;

async function load(): Promise<PoolModule> {
  return lesson.load<PoolModule>('pool.ts');
}
async function pool(size: number, maxQueue?: number): Promise<Pool> {
  const { WorkerPool } = await load();
  const options = maxQueue === undefined ? { size } : { size, maxQueue };
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), options));
}

type Outcome = Settled;
const errorOf = (r: Outcome) => (r.settled && 'error' in r ? r.error : undefined);
/** What a task settled with, in full: its value, or its error's message and code. */
const outcome = (r: Outcome): string => {
  if (!r.settled) return stillPending(r);
  const error = errorOf(r) as { message?: string; code?: unknown } | undefined;
  if (error === undefined) return `resolved with ${JSON.stringify(r.value)}`;
  return `rejected${error.code === undefined ? '' : ` (code ${String(error.code)})`}: ${error.message ?? String(error)}`;
};
/**
 * The same, with every rejection reduced to 'rejected'. The checks on WHICH tasks a pool accepts
 * compare these, whatever error the pool refuses with; one check of its own holds the pool to a
 * typed error.
 */
const accepted = (r: Outcome): string => (r.settled && errorOf(r) !== undefined ? 'rejected' : outcome(r));
const settleAll = async (tasks: Array<Promise<Outcome>>) => Promise.all(tasks);
/** "task 0: resolved with 0; task 1: ..." so that a failure shows every task. */
const listed = (seen: string[]) => seen.map((s, i) => `task ${i}: ${s}`).join('; ');
/** What every task settled with, each error cut short and a repeat of the task before shown as such. */
const inFull = (results: Outcome[]) =>
  listed(
    results
      .map(outcome)
      .map((s) => (s.length > 120 ? `${s.slice(0, 119)}…` : s))
      .map((s, i, all) => (i > 0 && s === all[i - 1] ? 'the same' : s)),
  );
/** Asserts which tasks were accepted, showing what every task settled with. */
function expectAccepted(results: Outcome[], expected: string[], what: string): void {
  expect(listed(results.map(accepted)), `${what}; in full: ${inFull(results)}`).toBe(listed(expected));
}
const resolvedWith = (...values: unknown[]) => values.map((v) => `resolved with ${JSON.stringify(v)}`);
const rejected = (n: number) => Array<string>(n).fill('rejected');

/** A counter the worker bumps when a task reaches it: how many tasks really ran. */
const counter = () => new SharedArrayBuffer(4);
const count = (started: SharedArrayBuffer) => Atomics.load(new Int32Array(started), 0);

const reply = (value: unknown, delayMs = BUSY_MS, started?: SharedArrayBuffer): Task => ({ do: 'reply', value, delayMs, started });
/**
 * Calls run(). A refusal must come as a rejected promise, which callers can await; a refusal
 * thrown at once would otherwise read, in every check, like the refusal the check hoped for.
 */
function run(p: Pool, task: Task): Promise<unknown> {
  try {
    return p.run(task);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'an error';
    throw new Error(`run() threw ${name} synchronously: it must return a promise that rejects with it, so that callers can await it`);
  }
}
/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: Task) => within(SETTLE_MS, run(p, task));

// ── The limit ─────────────────────────────────────────────────────────────────────────────────

test('a pool of 1 with maxQueue 2, given 10 tasks at once, accepts the first 3 (1 running, 2 waiting) and refuses the other 7', async () => {
  const p = await pool(1, 2);
  const results = await settleAll(Array.from({ length: 10 }, (_, i) => submit(p, reply(i, 100))));
  expectAccepted(results, [...resolvedWith(0, 1, 2), ...rejected(7)], 'what each of the 10 tasks settled with');
});

test('a refused task is refused at once: all 7 refusals settle before the first accepted task finishes', async () => {
  const p = await pool(1, 2);
  const order: string[] = [];
  const tasks = Array.from({ length: 10 }, (_, i) =>
    run(p, reply(i)).then(
      () => order.push(`task ${i} resolved`),
      () => order.push(`task ${i} rejected`),
    ),
  );
  await within(SETTLE_MS, Promise.all(tasks));
  const firstResolved = order.findIndex((o) => o.endsWith('resolved'));
  const lateRefusals = order.slice(firstResolved === -1 ? order.length : firstResolved).filter((o) => o.endsWith('rejected'));
  expect(order.filter((o) => o.endsWith('rejected')).length, `refusals, in the order things settled: ${order.join(', ')}`).toBe(7);
  expect(lateRefusals, `refusals that came only after an accepted task had finished (order: ${order.join(', ')})`).toEqual([]);
});

test('a refused task rejects with a typed error: code ERR_QUEUE_FULL, which a task that failed in its worker never carries', async () => {
  const mod = await load();
  const p = await pool(1, 0);
  const running = submit(p, reply('a'));
  let refusal: unknown;
  await run(p, reply('b')).then(
    () => (refusal = 'nothing: the task was accepted'),
    (e: unknown) => (refusal = e),
  );
  expect(refusal, 'what run() rejected with while the only worker was busy and maxQueue was 0').toBeInstanceOf(Error);
  expect((refusal as { code?: unknown }).code, `the refusal's code (its message: ${(refusal as Error).message})`).toBe('ERR_QUEUE_FULL');
  if (typeof mod.QueueFullError === 'function') {
    expect(refusal, 'the refusal is an instance of the QueueFullError your module exports').toBeInstanceOf(mod.QueueFullError);
  }
  await running;
  const failed = await submit(p, { do: 'fail', message: 'the task itself failed' });
  const seen =
    (errorOf(failed) as { code?: unknown } | undefined)?.code === 'ERR_QUEUE_FULL' && !/the task itself failed/.test(outcome(failed))
      ? 'refused with ERR_QUEUE_FULL, though the worker was idle: it never ran'
      : outcome(failed);
  expect(seen, 'a task sent once the worker was idle again, which fails in its worker').toMatch(/^rejected.*: the task itself failed$/);
  expect((errorOf(failed) as { code?: unknown } | undefined)?.code, "that failure's code").not.toBe('ERR_QUEUE_FULL');
});

test('a refused task never reaches a worker', async () => {
  const started = counter();
  const p = await pool(2, 3);
  const results = await settleAll(Array.from({ length: 12 }, (_, i) => submit(p, reply(i, 100, started))));
  expectAccepted(results, [...resolvedWith(0, 1, 2, 3, 4), ...rejected(7)], '12 tasks sent at once to a pool of 2 with maxQueue 3');
  await new Promise((r) => setTimeout(r, 200));
  expect(count(started), 'tasks that reached a worker').toBe(5);
});

test('the limit counts waiting tasks, not running ones: a pool of 3 with maxQueue 1 accepts 4 tasks at once', async () => {
  const p = await pool(3, 1);
  const results = await settleAll(Array.from({ length: 6 }, (_, i) => submit(p, reply(i))));
  expectAccepted(results, [...resolvedWith(0, 1, 2, 3), ...rejected(2)], 'what each of 6 tasks sent at once settled with');
});

test('a place that frees up is given out again: once a waiting task starts, run() accepts one more', async () => {
  const p = await pool(1, 1);
  const a = submit(p, reply('a')); // runs
  const b = submit(p, reply('b')); // waits
  const c = submit(p, reply('c')); // refused: the queue is full
  expectAccepted([await c], rejected(1), 'task c, sent while a ran and b waited');
  expectAccepted([await a], resolvedWith('a'), 'task a');
  // b has now left the queue for the worker, so there is room for one again.
  const d = submit(p, reply('d'));
  const e = submit(p, reply('e'));
  expectAccepted(await settleAll([b, d, e]), [...resolvedWith('b', 'd'), 'rejected'], 'tasks b, d (sent once a had finished) and e (sent right after d)');
  // Once everything has drained, the pool takes a full load again.
  const again = await settleAll([submit(p, reply('f', 50)), submit(p, reply('g', 50)), submit(p, reply('h', 50))]);
  expectAccepted(again, [...resolvedWith('f', 'g'), 'rejected'], 'three tasks sent at once after the pool had drained');
});

test('maxQueue 0 means no waiting: a task is refused while every worker is busy, and accepted as soon as one is idle', async () => {
  const p = await pool(2, 0);
  const first = await settleAll([submit(p, reply('a')), submit(p, reply('b')), submit(p, reply('c'))]);
  expectAccepted(first, [...resolvedWith('a', 'b'), 'rejected'], 'three tasks sent at once to a pool of 2 with maxQueue 0');
  // Document 001's own test awaits one task and then expects the next run() to be refused. With the
  // workers idle again, the right answer is the opposite: it is accepted.
  expectAccepted([await submit(p, reply('d', 10))], resolvedWith('d'), 'a task sent once both workers were idle again');
  const busy = submit(p, reply('e'));
  expectAccepted([await submit(p, reply('f', 10))], resolvedWith('f'), 'a task sent while one of the two workers was busy');
  expectAccepted([await busy], resolvedWith('e'), 'the task that kept a worker busy');
});

test('without maxQueue nothing is refused: 2,000 tasks sent at once to a pool of 1 all resolve', async () => {
  const p = await pool(1);
  const results = await settleAll(Array.from({ length: 2000 }, (_, i) => submit(p, reply(i, 0))));
  const wrong = results.map(outcome).flatMap((s, i) => (s === `resolved with ${i}` ? [] : [`task ${i}: ${s}`]));
  expect(wrong.slice(0, 5), `tasks that did not resolve with their own value (${wrong.length} of 2000)`).toEqual([]);
});

test('an invalid maxQueue (negative, fractional, NaN, a string) is refused with a clear error, and no worker starts', async () => {
  const { WorkerPool } = await load();
  const threads = watchThreads();
  for (const maxQueue of [-1, 1.5, Number.NaN, '10' as unknown as number, -Infinity]) {
    let error: unknown;
    try {
      disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), { size: 1, maxQueue }));
    } catch (e) {
      error = e;
    }
    const shown = typeof maxQueue === 'string' ? `'${maxQueue}'` : String(maxQueue);
    expect(error, `new WorkerPool(file, { size: 1, maxQueue: ${shown} })`).toBeInstanceOf(Error);
    expect((error as Error).message, `the error for maxQueue ${shown}`).toMatch(/maxQueue/);
  }
  expect(threads.workersCreated, 'workers started for invalid maxQueue values').toBe(0);
});

// ── Carried forward: crashes ──────────────────────────────────────────────────────────────────

test('a task whose worker dies frees its place: the waiting task runs on the replacement, and the pool takes new tasks', async () => {
  const p = await pool(1, 1);
  const crashed = submit(p, { do: 'exit', code: 7, delayMs: 100 });
  const waiting = submit(p, reply('b', 50));
  const refused = submit(p, reply('c'));
  expectAccepted([await refused], rejected(1), 'task c, sent while the worker was busy and b waited');
  expect(outcome(await crashed), 'the task whose worker exited with code 7').toMatch(/^rejected.*\b7\b/);
  expectAccepted([await waiting], resolvedWith('b'), 'task b, which waited behind it');
  const after = await settleAll([submit(p, reply('d', 50)), submit(p, reply('e', 50))]);
  expectAccepted(after, resolvedWith('d', 'e'), 'two tasks sent once the pool had recovered');
});
