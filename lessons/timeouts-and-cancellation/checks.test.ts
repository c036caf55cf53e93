import { getEventListeners } from 'node:events';
import { expect, test } from 'vitest';
import { activeTimers, disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import { hang, newGate, newStartLog, openGate, reply, spin, startedTags, type Task } from './fixtures/log.ts';

const lesson = lessonUnderTest(import.meta.url);

interface RunOptions {
  signal?: AbortSignal;
  timeout?: number;
}
interface Pool {
  run(data: Task, options?: RunOptions): Promise<unknown>;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number; taskTimeout?: number }) => Pool };

/** How long a task that should settle gets. Tasks here take milliseconds; this is for a loaded machine. */
const SETTLE_MS = 5000;
/** For checks that wait more than once. */
const LONG = 20_000;
/** The short timeout the checks give a stuck task. */
const TIMEOUT_MS = 200;

async function pool(options: { size: number; taskTimeout?: number }): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), options));
}

/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: Task, options?: RunOptions, ms = SETTLE_MS) => within(ms, p.run(task, options));

type Outcome = Awaited<ReturnType<typeof within>>;
const outcome = (r: Outcome) => {
  if (!r.settled) return stillPending(r);
  if ('error' in r && r.error !== undefined) {
    const e = r.error as Error;
    return `rejected: ${e?.name ?? 'non-Error'}: ${e?.message ?? String(r.error)}`;
  }
  return `resolved with ${JSON.stringify(r.value)}`;
};
const outcomes = async (tasks: Array<Promise<Outcome>>) => (await Promise.all(tasks)).map(outcome).join('; ');
const resolvedWith = (...values: unknown[]) => values.map((v) => `resolved with ${JSON.stringify(v)}`).join('; ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until the start log holds `count` tasks, so that the check knows they are running, or until
 * `settled` does (a pool that rejects the task at once never starts it).
 */
const started = (log: Int32Array, count: number, settled: Promise<unknown>) =>
  Promise.race([eventually(() => startedTags(log).length >= count, `${count} task(s) to start`, SETTLE_MS).catch(() => {}), settled]);

/**
 * Lets the pool settle, then asserts it runs exactly `size` workers and that exactly `replaced`
 * replacements were started. Waits a little longer once the count looks right, to catch a
 * replacement started late.
 */
async function expectReplacements(threads: ThreadWatch, size: number, replaced: number): Promise<void> {
  await eventually(
    () => threads.workersAlive === size && threads.workersCreated === size + replaced,
    `${size} live workers and ${replaced} replacement(s)`,
  ).catch(() => {});
  await sleep(300);
  expect(threads.workersAlive, 'live workers once things settled').toBe(size);
  expect(threads.workersCreated - size, 'replacement workers started').toBe(replaced);
}

// ── Timeouts ──────────────────────────────────────────────────────────────────────────────────

test('a task that never answers rejects with a TimeoutError once its timeout has passed', async () => {
  const p = await pool({ size: 1 });
  const before = performance.now();
  const stuck = await submit(p, hang(), { timeout: TIMEOUT_MS });
  const elapsed = performance.now() - before;
  expect(outcome(stuck), `a task that never answers, with a timeout of ${TIMEOUT_MS} ms`).toMatch(/^rejected: TimeoutError: /);
  expect(elapsed, 'ms from run() until the task was rejected').toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
});

test.each([
  ['blocks its thread', hang()],
  ['spins in an endless loop', spin()],
])('on a pool of 1, the task after one that %s still runs: the stuck worker is replaced', async (_, stuckTask) => {
  const p = await pool({ size: 1 });
  const stuck = submit(p, stuckTask, { timeout: TIMEOUT_MS });
  const next = submit(p, reply('next'));
  expect(outcome(await next), 'the task queued behind the stuck one').toBe(resolvedWith('next'));
  expect(outcome(await stuck), 'the stuck task').toMatch(/^rejected: TimeoutError: /);
});

test('each timed-out task starts exactly one replacement, and the pool keeps its size', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 2 });
  const stuck = [1, 2, 3].map(() => submit(p, hang(), { timeout: TIMEOUT_MS }, 10_000));
  const seen = (await Promise.all(stuck)).map(outcome);
  expect(seen.filter((s) => !/^rejected: TimeoutError: /.test(s)), 'stuck tasks with a timeout that were not rejected with a TimeoutError').toEqual([]);
  await expectReplacements(threads, 2, 3);
  const after = ['a', 'b', 'c', 'd'].map((v) => submit(p, reply(v)));
  expect(await outcomes(after), 'tasks sent afterwards').toBe(resolvedWith('a', 'b', 'c', 'd'));
}, LONG);

test('the pool-wide taskTimeout applies to every task, and a per-task timeout overrides it', async () => {
  const short = await pool({ size: 2, taskTimeout: TIMEOUT_MS });
  const stuck = submit(short, hang());
  const allowedLonger = submit(short, reply('slow but allowed', { delayMs: 3 * TIMEOUT_MS }), { timeout: 10_000 });
  expect(outcome(await stuck), `a stuck task on a pool with taskTimeout ${TIMEOUT_MS}`).toMatch(/^rejected: TimeoutError: /);
  expect(outcome(await allowedLonger), `a task taking ${3 * TIMEOUT_MS} ms with its own timeout of 10 s`).toBe(resolvedWith('slow but allowed'));

  const long = await pool({ size: 1, taskTimeout: 60_000 });
  const stuckShort = await submit(long, hang(), { timeout: TIMEOUT_MS }, 3000);
  expect(outcome(stuckShort), `a stuck task with timeout ${TIMEOUT_MS} on a pool with taskTimeout 60 s, 3 s later`).toMatch(/^rejected: TimeoutError: /);
}, LONG);

test('a timeout limits running time only: a task is not timed out while it waits in the queue', async () => {
  const p = await pool({ size: 1 });
  const slow = submit(p, reply('slow', { delayMs: 1200 }));
  const queued = submit(p, reply('quick'), { timeout: 400 });
  expect(outcome(await queued), 'a quick task with a 400 ms timeout, queued behind a 1200 ms task').toBe(resolvedWith('quick'));
  expect(outcome(await slow), 'the slow task (no timeout)').toBe(resolvedWith('slow'));
});

test('tasks that finish within their timeout resolve, and no worker is replaced', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 2 });
  const values = Array.from({ length: 20 }, (_, i) => i);
  const tasks = values.map((i) => submit(p, reply(i, { delayMs: (i % 5) * 5 }), { timeout: 5000 }));
  expect(await outcomes(tasks), 'what each task settled with').toBe(resolvedWith(...values));
  await sleep(300);
  expect(threads.workersCreated, 'workers started').toBe(2);
});

test('a task that settles within its timeout leaves no timer behind', async () => {
  const p = await pool({ size: 2 });
  await submit(p, reply('warm-up'));
  const before = activeTimers();
  const values = Array.from({ length: 20 }, (_, i) => i);
  expect(await outcomes(values.map((i) => submit(p, reply(i), { timeout: 10_000 }))), 'what each task settled with').toBe(resolvedWith(...values));
  await sleep(50);
  // At most as many as before: a timer of the harness's that ends meanwhile is no concern of the pool's.
  expect(activeTimers() - before, 'timers still active after 20 tasks with a 10 s timeout had settled, beyond those before them').toBeLessThanOrEqual(0);
});

test("a settled task's timeout never fires: a longer task right after it, on the same worker, runs past that deadline and resolves", async () => {
  const threads = watchThreads();
  const p = await pool({ size: 1 });
  await submit(p, reply('warm-up')); // the worker is up: its start-up must not count against the 300 ms
  expect(outcome(await submit(p, reply('early'), { timeout: 300 })), 'a quick task with a 300 ms timeout').toBe(resolvedWith('early'));
  expect(outcome(await submit(p, reply('longer', { delayMs: 700 }), { timeout: 5000 })), 'a 700 ms task with a 5 s timeout, sent right after it').toBe(
    resolvedWith('longer'),
  );
  expect(threads.workersCreated, 'workers started (1 means none was stopped)').toBe(1);
});

test('a timeout that is not a positive number of ms, or too large for a timer, is refused with a RangeError', async () => {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  const threads = watchThreads();
  for (const taskTimeout of [0, -5, Number.NaN, 2 ** 31]) {
    let error: unknown;
    try {
      disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), { size: 1, taskTimeout }));
    } catch (e) {
      error = e;
    }
    expect((error as Error)?.name, `new WorkerPool(file, { size: 1, taskTimeout: ${taskTimeout} }) threw`).toBe('RangeError');
  }
  expect(threads.workersCreated, 'workers started for invalid taskTimeouts').toBe(0);

  const log = newStartLog();
  const p = await pool({ size: 1 });
  for (const [tag, timeout] of [0, -1, Number.NaN, 2 ** 31].entries()) {
    const refused = await submit(p, reply('never', { starts: log, tag }), { timeout });
    expect(outcome(refused), `run(task, { timeout: ${timeout} })`).toMatch(/^rejected: RangeError: .*timeout/i);
  }
  expect(outcome(await submit(p, reply('ok'), { timeout: Infinity })), 'run(task, { timeout: Infinity })').toBe(resolvedWith('ok'));
  expect(startedTags(log), 'refused tasks that started anyway').toEqual([]);
});

// ── Cancelling with an AbortSignal ────────────────────────────────────────────────────────────

test('an already-aborted signal rejects at once with an AbortError, and the task never runs', async () => {
  const log = newStartLog();
  const p = await pool({ size: 1 });
  const reason = new Error('the user left');
  const aborted = await submit(p, reply('never', { starts: log, tag: 1 }), { signal: AbortSignal.abort(reason) }, 1000);
  expect(outcome(aborted), 'a task sent with an aborted signal').toMatch(/^rejected: AbortError: /);
  expect(aborted.settled && 'error' in aborted && (aborted.error as Error).cause, "the AbortError's cause (the signal's reason)").toBe(reason);
  expect(outcome(await submit(p, reply('next', { starts: log, tag: 2 }))), 'the next task').toBe(resolvedWith('next'));
  expect(startedTags(log), 'tasks that started').toEqual([2]);
});

test('aborting a queued task rejects it with an AbortError at once, and it never runs', async () => {
  const log = newStartLog();
  const gate = newGate();
  const p = await pool({ size: 1 });
  const first = submit(p, reply('first', { gate, starts: log, tag: 1 }));
  await started(log, 1, first);
  const controller = new AbortController();
  const cancelled = submit(p, reply('cancelled', { starts: log, tag: 2 }), { signal: controller.signal });
  const third = submit(p, reply('third', { starts: log, tag: 3 }));
  controller.abort();
  // The first task still holds the only worker: the cancelled task must not wait for it.
  const seen = await within(1000, cancelled);
  expect(seen.settled ? outcome(seen.value as Outcome) : stillPending(seen), 'the queued task, 1 s after abort(), while the worker is still busy').toMatch(
    /^rejected: AbortError: /,
  );
  openGate(gate);
  expect(await outcomes([first, third]), 'the other two tasks').toBe(resolvedWith('first', 'third'));
  expect(startedTags(log), 'tasks that started, in order').toEqual([1, 3]);
});

test('AbortSignal.timeout() gives a deadline that covers waiting: a task still queued at the deadline rejects with an AbortError', async () => {
  const log = newStartLog();
  const gate = newGate();
  const p = await pool({ size: 1 });
  const first = submit(p, reply('first', { gate, starts: log, tag: 1 }));
  await started(log, 1, first);
  const late = await submit(p, reply('late', { starts: log, tag: 2 }), { signal: AbortSignal.timeout(TIMEOUT_MS) }, 3000);
  expect(outcome(late), `a task queued with signal AbortSignal.timeout(${TIMEOUT_MS}), 3 s later, the worker still busy`).toMatch(/^rejected: AbortError: /);
  openGate(gate);
  expect(outcome(await first), 'the task holding the worker').toBe(resolvedWith('first'));
  await sleep(50);
  expect(startedTags(log), 'tasks that started').toEqual([1]);
});

test('aborting a running task rejects it with an AbortError, and its worker is replaced once', async () => {
  const threads = watchThreads();
  const log = newStartLog();
  const p = await pool({ size: 1 });
  const controller = new AbortController();
  const running = submit(p, hang({ starts: log, tag: 1 }), { signal: controller.signal });
  await started(log, 1, running);
  controller.abort();
  expect(outcome(await running), 'the running task after abort()').toMatch(/^rejected: AbortError: /);
  expect(outcome(await submit(p, reply('next'))), 'the next task').toBe(resolvedWith('next'));
  await expectReplacements(threads, 1, 1);
}, LONG);

test('aborting a signal cancels every task that shares it, and only those', async () => {
  const threads = watchThreads();
  const log = newStartLog();
  const gate = newGate();
  const p = await pool({ size: 2 });
  const shared = new AbortController();
  const { signal } = shared;
  const tasks = [
    submit(p, reply('t1', { gate, starts: log, tag: 1 }), { signal }),
    submit(p, reply('t2', { gate, starts: log, tag: 2 })),
    submit(p, reply('t3', { starts: log, tag: 3 }), { signal }),
    submit(p, reply('t4', { starts: log, tag: 4 })),
    submit(p, reply('t5', { starts: log, tag: 5 }), { signal }),
  ];
  await started(log, 2, Promise.race(tasks.slice(0, 2)));
  shared.abort();
  await sleep(100);
  openGate(gate);
  const seen = (await Promise.all(tasks)).map(outcome);
  expect(seen.map((s) => s.replace(/^(rejected: \w+).*/, '$1')).join('; '), 't1 (running) and t3, t5 (queued) share the aborted signal').toBe(
    'rejected: AbortError; resolved with "t2"; rejected: AbortError; resolved with "t4"; rejected: AbortError',
  );
  expect(startedTags(log).sort(), 'tasks that started').toEqual([1, 2, 4]);
  await expectReplacements(threads, 2, 1);
}, LONG);

test('aborting after the task has settled changes nothing', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 1 });
  const controller = new AbortController();
  expect(outcome(await submit(p, reply('done'), { signal: controller.signal })), 'the task').toBe(resolvedWith('done'));
  controller.abort();
  await sleep(200);
  expect(outcome(await submit(p, reply('after'))), 'a task sent after the abort').toBe(resolvedWith('after'));
  expect(threads.workersCreated, 'workers started (1 means none was replaced)').toBe(1);
  expect(threads.workersAlive, 'live workers').toBe(1);
});

test('one signal shared by 1,000 tasks keeps none of the pool\'s listeners once they have settled', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 2 });
  const controller = new AbortController();
  const { signal } = controller;
  const own = () => {};
  signal.addEventListener('abort', own); // the caller's own listener must stay
  const tasks = Array.from({ length: 1000 }, (_, i) =>
    submit(p, i % 10 === 0 ? { do: 'fail', message: `no ${i}` } : reply(i), { signal }, 10_000),
  );
  const seen = (await Promise.all(tasks)).map(outcome);
  expect(seen.filter((s) => s.startsWith('still pending')).length, 'tasks still pending').toBe(0);
  expect(seen.filter((s) => s.startsWith('resolved')).length, 'tasks that resolved (900 of the 1,000 answer, 100 report an error)').toBe(900);
  expect(getEventListeners(signal, 'abort').length, "'abort' listeners on the signal: the caller's own one, and how many more").toBe(1);
  controller.abort();
  await sleep(200);
  expect(threads.workersCreated, 'workers started (aborting after every task settled must stop none)').toBe(2);
}, LONG);

// ── What the earlier lessons built still holds ────────────────────────────────────────────────

test('close() finishes queued tasks, and a stuck task still times out so that close() can finish', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 1 });
  const stuck = submit(p, hang(), { timeout: TIMEOUT_MS });
  const queued = submit(p, reply('queued'));
  const closed = await within(SETTLE_MS, p.close());
  expect(closed.settled, 'close() settled').toBe(true);
  expect(outcome(await stuck), 'the stuck task').toMatch(/^rejected: TimeoutError: /);
  expect(outcome(await queued), 'the task queued behind it').toBe(resolvedWith('queued'));
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
}, LONG);

test('a worker that throws mid-task rejects exactly its task and is replaced once (crash recovery still holds)', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 2 });
  const crashed = submit(p, { do: 'throw', message: 'the worker threw on purpose' });
  const others = [submit(p, reply('b', { delayMs: 100 })), submit(p, reply('c')), submit(p, reply('d'))];
  expect(outcome(await crashed), 'the task whose worker threw').toBe('rejected: Error: the worker threw on purpose');
  expect(await outcomes(others), 'the other tasks').toBe(resolvedWith('b', 'c', 'd'));
  await expectReplacements(threads, 2, 1);
}, LONG);
