import { expect, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, onTestFinished, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import { census, hang, newGate, newStartLog, openGate, reply, startedTags, type Census, type Task } from './fixtures/tasks.ts';

const lesson = lessonUnderTest(import.meta.url);

interface RunOptions {
  transferList?: readonly ArrayBuffer[];
  signal?: AbortSignal;
  priority?: number;
  timeout?: number;
}
interface PoolOptions {
  size: number;
  maxQueue?: number;
  taskTimeout?: number;
}
interface Stats {
  queued: number;
  busy: number;
  completed: number;
  failed: number;
}
interface Pool {
  run(data: Task, options?: RunOptions): Promise<unknown>;
  close(): Promise<void>;
  destroy(): Promise<void>;
  stats(): Stats;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: PoolOptions) => Pool };

/** How long a task that should settle gets. Tasks here take milliseconds; this is for a loaded machine. */
const SETTLE_MS = 5000;
/** How soon "at once" must be: generous, for a loaded machine, yet far below any task's own time. */
const AT_ONCE_MS = 1000;
/** For checks that wait more than once. */
const LONG = 25_000;
/** The timeout the checks give a stuck task. */
const TIMEOUT_MS = 300;

async function pool(options: PoolOptions): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), options));
}

/** Counts worker threads two ways: the ones this process starts, and the ones that load the worker file. */
function threadCount(): { threads: ThreadWatch; census: Census; readonly started: number } {
  const threads = watchThreads();
  const counted = census();
  onTestFinished(() => counted.close());
  return {
    threads,
    census: counted,
    // A library's own threads are invisible to watchThreads() but still announce themselves.
    get started() {
      return Math.max(threads.workersCreated, counted.started);
    },
  };
}

/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: Task, options?: RunOptions, ms = SETTLE_MS) => within(ms, p.run(task, options));

type Outcome = Awaited<ReturnType<typeof within>>;
const outcome = (r: Outcome) => {
  if (!r.settled) return stillPending(r);
  if ('error' in r && r.error !== undefined) {
    const e = r.error as Error & { code?: unknown };
    return `rejected: ${e?.name ?? 'non-Error'}${e?.code !== undefined ? ` (${String(e.code)})` : ''}: ${e?.message ?? String(r.error)}`;
  }
  return `resolved with ${JSON.stringify(r.value)}`;
};
const outcomes = async (tasks: Array<Promise<Outcome>>) => (await Promise.all(tasks)).map(outcome).join('; ');
const resolvedWith = (...values: unknown[]) => values.map((v) => `resolved with ${JSON.stringify(v)}`).join('; ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the start log holds `count` tasks (or `settled` does: a pool that rejects at once never starts it). */
const started = (log: Int32Array, count: number, settled?: Promise<unknown>) =>
  Promise.race([eventually(() => startedTags(log).length >= count, `${count} task(s) to start`, SETTLE_MS).catch(() => {}), ...(settled ? [settled] : [])]);

/**
 * Lets the pool settle, then asserts that exactly `expected` workers were ever started. Waits a
 * little longer once the count looks right, to catch a replacement started late.
 */
async function expectWorkersStarted(count: { readonly started: number }, expected: number, what: string): Promise<void> {
  await eventually(() => count.started >= expected, `${expected} workers to have started`, SETTLE_MS).catch(() => {});
  await sleep(400);
  expect(count.started, what).toBe(expected);
}

// ── Results, order and priority ───────────────────────────────────────────────────────────────

test('100 tasks at once on a pool of 4 each resolve with their own result, whatever else the workers post', async () => {
  const p = await pool({ size: 4 });
  // Varying delays make tasks on different workers finish out of order; every third task's worker
  // also posts a message with a stray id and a progress note before its answer.
  const tasks = Array.from({ length: 100 }, (_, v) => submit(p, reply(v, { delayMs: (v * 7) % 13, noise: v % 3 === 0 })));
  const got = (await Promise.all(tasks)).map(outcome);
  const wrong = got.flatMap((o, v) => (o === `resolved with ${v}` ? [] : [`task ${v} ${o}`]));
  expect(wrong.slice(0, 3), `tasks that did not resolve with their own value (${wrong.length} of 100)`).toEqual([]);
});

test('tasks of one priority start in the order they were submitted', async () => {
  const p = await pool({ size: 1 });
  const log = newStartLog();
  const gate = newGate();
  const tasks = [submit(p, reply('first', { gate, log, tag: 0 }))];
  await started(log, 1);
  for (let tag = 1; tag <= 30; tag++) tasks.push(submit(p, reply(tag, { log, tag })));
  openGate(gate);
  await Promise.all(tasks);
  expect(startedTags(log), 'tasks in the order the worker started them').toEqual(Array.from({ length: 31 }, (_, i) => i));
});

test('a higher priority starts first, and equal priorities start in the order they were submitted', async () => {
  const p = await pool({ size: 1 });
  const log = newStartLog();
  const gate = newGate();
  const tasks = [submit(p, reply('first', { gate, log, tag: 0 }))];
  await started(log, 1);
  const priorities = [0, 5, -1, 5, 10, 0, -1, 10, 5];
  priorities.forEach((priority, i) => tasks.push(submit(p, reply(i + 1, { log, tag: i + 1 }), { priority })));
  openGate(gate);
  expect(await outcomes(tasks), 'the tasks').not.toMatch(/rejected|pending/);
  const expected = priorities
    .map((priority, i) => ({ priority, tag: i + 1 }))
    .sort((a, b) => b.priority - a.priority || a.tag - b.tag)
    .map((t) => t.tag);
  expect(startedTags(log), `start order of tasks with priorities ${priorities.join(', ')} (after the one running)`).toEqual([0, ...expected]);
});

// ── Backpressure ──────────────────────────────────────────────────────────────────────────────

test("with maxQueue 2, a 3rd task that would wait is refused at once with code 'ERR_QUEUE_FULL', and the queue takes tasks again once it drains", async () => {
  const p = await pool({ size: 1, maxQueue: 2 });
  const log = newStartLog();
  const gate = newGate();
  const running = submit(p, reply('running', { gate, log, tag: 0 }));
  await started(log, 1, running);
  const waiting = [submit(p, reply('a', { log, tag: 1 })), submit(p, reply('b', { log, tag: 2 }))];
  const refused = await within(AT_ONCE_MS, p.run(reply('c', { log, tag: 3 })));
  expect(outcome(refused), 'a 3rd task that would wait, while 2 wait (the gate still closed)').toMatch(/^rejected: /);
  const error = (refused as { error?: { code?: unknown } }).error;
  expect(error?.code, 'the code of the error it was refused with').toBe('ERR_QUEUE_FULL');
  openGate(gate);
  expect(await outcomes([running, ...waiting]), 'the running task and the 2 that waited').toBe(resolvedWith('running', 'a', 'b'));
  const again = [4, 5, 6].map((tag) => submit(p, reply(tag, { log, tag })));
  expect(await outcomes(again), '3 tasks once the queue has drained').toBe(resolvedWith(4, 5, 6));
  expect(startedTags(log), 'tasks that started (the refused one must never run)').toEqual([0, 1, 2, 4, 5, 6]);
});

test('maxQueue counts waiting tasks only: with maxQueue 0 a task runs when a worker is free, and is refused when none is', async () => {
  const p = await pool({ size: 1, maxQueue: 0 });
  const gate = newGate();
  const log = newStartLog();
  const first = submit(p, reply('first', { gate, log, tag: 0 }));
  await started(log, 1, first);
  const second = await within(AT_ONCE_MS, p.run(reply('second', { log, tag: 1 })));
  expect(outcome(second), 'a task sent while the only worker is busy').toMatch(/^rejected: .*ERR_QUEUE_FULL/);
  openGate(gate);
  expect(outcome(await first), 'the task that found a free worker').toBe('resolved with "first"');
  expect(outcome(await submit(p, reply('third', { log, tag: 2 }))), 'a task sent once the worker is free again').toBe('resolved with "third"');
  expect(startedTags(log), 'tasks that started (the refused one must never run)').toEqual([0, 2]);
});

test('maxQueue and priority hold for tasks that carry an AbortSignal too', async () => {
  const p = await pool({ size: 1, maxQueue: 3 });
  const log = newStartLog();
  const gate = newGate();
  const signal = () => new AbortController().signal;
  const running = submit(p, reply('running', { gate, log, tag: 0 }), { signal: signal() });
  await started(log, 1, running);
  const waiting = [1, 2, 3].map((tag, i) => submit(p, reply(tag, { log, tag }), { signal: signal(), priority: [0, 5, 1][i] }));
  const fourth = await within(AT_ONCE_MS, p.run(reply(4, { log, tag: 4 }), { signal: signal() }));
  expect(outcome(fourth), 'a 4th waiting task with a signal, maxQueue 3').toMatch(/^rejected: .*ERR_QUEUE_FULL/);
  openGate(gate);
  expect(await outcomes([running, ...waiting]), 'the tasks accepted').toBe(resolvedWith('running', 1, 2, 3));
  expect(startedTags(log), 'start order (priorities 0, 5, 1 waiting behind the running task)').toEqual([0, 2, 3, 1]);
});

// ── Timeouts ──────────────────────────────────────────────────────────────────────────────────

test('a task that runs past its timeout rejects with a TimeoutError, its worker is replaced once, and the tasks queued behind it run', async () => {
  const count = threadCount();
  const p = await pool({ size: 1 });
  const stuck = submit(p, hang(), { timeout: TIMEOUT_MS });
  const behind = [submit(p, reply('a')), submit(p, reply('b')), submit(p, reply('c'))];
  expect(outcome(await stuck), `a task that never answers, with a timeout of ${TIMEOUT_MS} ms`).toMatch(/^rejected: TimeoutError/);
  expect(await outcomes(behind), 'the tasks queued behind it').toBe(resolvedWith('a', 'b', 'c'));
  await expectWorkersStarted(count, 2, 'workers started: the first, and one replacement for the stuck one');
}, LONG);

test("waiting in the queue does not count against a task's timeout; the pool's taskTimeout applies to every task, and run()'s timeout overrides it", async () => {
  // Longer than TIMEOUT_MS: here a task that must NOT time out has to answer within it, on a loaded machine.
  const taskTimeout = 2 * TIMEOUT_MS;
  const p = await pool({ size: 1, taskTimeout });
  const slow = submit(p, reply('slow', { delayMs: 2 * taskTimeout }), { timeout: 10 * taskTimeout });
  const quick = submit(p, reply('quick')); // waits ~2 x taskTimeout behind `slow`, then runs in a moment
  const stuck = submit(p, hang());
  expect(outcome(await slow), `a task that runs ${2 * taskTimeout} ms, given { timeout: ${10 * taskTimeout} } on a pool with taskTimeout ${taskTimeout}`).toBe(
    'resolved with "slow"',
  );
  expect(outcome(await quick), `a quick task that waited longer than taskTimeout ${taskTimeout} ms in the queue`).toBe('resolved with "quick"');
  expect(outcome(await stuck), `a task that never answers, on a pool with taskTimeout ${taskTimeout} ms`).toMatch(/^rejected: TimeoutError/);
}, LONG);

test("a settled task's timeout never fires: a longer task right after it, on the same worker, runs past that deadline and resolves", async () => {
  const count = threadCount();
  const p = await pool({ size: 1 });
  await submit(p, reply('warm-up')); // the worker is up: its start-up must not count against the timeout
  expect(outcome(await submit(p, reply('early'), { timeout: TIMEOUT_MS })), `a quick task with a ${TIMEOUT_MS} ms timeout`).toBe('resolved with "early"');
  const longer = submit(p, reply('longer', { delayMs: 3 * TIMEOUT_MS }), { timeout: 20 * TIMEOUT_MS });
  expect(outcome(await longer), `a ${3 * TIMEOUT_MS} ms task with a ${20 * TIMEOUT_MS} ms timeout, sent right after it`).toBe('resolved with "longer"');
  await expectWorkersStarted(count, 1, 'workers started (1 means none was stopped)');
}, LONG);

// ── Cancellation ──────────────────────────────────────────────────────────────────────────────

test('aborting the signal of a queued task rejects it at once with an AbortError, and it never starts', async () => {
  const count = threadCount();
  const p = await pool({ size: 1 });
  const log = newStartLog();
  const gate = newGate();
  const running = submit(p, reply('running', { gate, log, tag: 0 }));
  await started(log, 1, running);
  const controller = new AbortController();
  const cancelled = p.run(reply('cancelled', { log, tag: 1 }), { signal: controller.signal });
  const after = submit(p, reply('after', { log, tag: 2 }));
  controller.abort();
  const got = await within(AT_ONCE_MS, cancelled);
  expect(outcome(got), 'the queued task, once its signal was aborted (the worker still busy)').toMatch(/^rejected: AbortError/);
  openGate(gate);
  expect(await outcomes([running, after]), 'the tasks around it').toBe(resolvedWith('running', 'after'));
  expect(startedTags(log), 'tasks that started').toEqual([0, 2]);
  await expectWorkersStarted(count, 1, 'workers started: cancelling a task that never ran needs no new worker');
}, LONG);

test('aborting the signal of a running task rejects it at once with an AbortError, its worker is replaced once, and the pool carries on', async () => {
  const count = threadCount();
  const p = await pool({ size: 1 });
  const log = newStartLog();
  const controller = new AbortController();
  const stuck = p.run(hang({ log, tag: 0 }), { signal: controller.signal });
  await started(log, 1, stuck.catch(() => {}));
  controller.abort();
  expect(outcome(await within(AT_ONCE_MS, stuck)), 'the running task, once its signal was aborted').toMatch(/^rejected: AbortError/);
  expect(await outcomes([submit(p, reply('a')), submit(p, reply('b'))]), 'tasks sent after it').toBe(resolvedWith('a', 'b'));
  await expectWorkersStarted(count, 2, 'workers started: the first, and one replacement for the aborted one');
}, LONG);

test('a signal that is already aborted rejects run() at once, and the task never starts', async () => {
  const p = await pool({ size: 1 });
  const log = newStartLog();
  const got = await within(AT_ONCE_MS, p.run(reply('never', { log, tag: 1 }), { signal: AbortSignal.abort() }));
  expect(outcome(got), 'run() with an aborted signal').toMatch(/^rejected: AbortError/);
  expect(outcome(await submit(p, reply('next', { log, tag: 2 }))), 'the next task').toBe('resolved with "next"');
  expect(startedTags(log), 'tasks that started').toEqual([2]);
});

// ── Crash recovery ────────────────────────────────────────────────────────────────────────────

test.each([
  ['throws', { do: 'throw', message: 'the worker threw on purpose' }, /^rejected: .*the worker threw on purpose/],
  ['exits with code 0', { do: 'exit', code: 0 }, /^rejected: .*\b0\b/],
  ['exits with code 7', { do: 'exit', code: 7 }, /^rejected: .*\b7\b/],
] as Array<[string, Task, RegExp]>)(
  'a worker that %s mid-task rejects exactly its task, and exactly one replacement starts',
  async (_, crash, expected) => {
    const count = threadCount();
    const p = await pool({ size: 2 });
    const crashed = submit(p, crash);
    const others = [submit(p, reply('b', { delayMs: 200 })), submit(p, reply('c')), submit(p, reply('d')), submit(p, reply('e'))];
    expect(outcome(await crashed), 'the task whose worker died').toMatch(expected);
    expect(await outcomes(others), 'the other tasks').toBe(resolvedWith('b', 'c', 'd', 'e'));
    await expectWorkersStarted(count, 3, 'workers started by a pool of 2 after one crash');
    expect(outcome(await submit(p, reply('after'))), 'a task after the crash').toBe('resolved with "after"');
  },
  LONG,
);

// ── Transferables ─────────────────────────────────────────────────────────────────────────────

test('a buffer in the transferList leaves the caller the moment run() is called, even when the task has to wait', async () => {
  const p = await pool({ size: 1 });
  const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 7);
  const sum = (n: number) => bytes(n).reduce((a, b) => a + b, 0);

  const free = bytes(1000);
  const first = submit(p, { do: 'bytes', bytes: free }, { transferList: [free.buffer] });
  expect(free.byteLength, 'bytes left to the caller after run() (a worker was free)').toBe(0);
  expect(outcome(await first), 'what the worker got').toBe(`resolved with ${JSON.stringify({ length: 1000, sum: sum(1000) })}`);

  const log = newStartLog();
  const gate = newGate();
  const running = submit(p, reply('running', { gate, log, tag: 0 }));
  await started(log, 1, running);
  const queued = bytes(2000);
  const second = submit(p, { do: 'bytes', bytes: queued }, { transferList: [queued.buffer] });
  expect(queued.byteLength, 'bytes left to the caller after run() (the task waits in the queue)').toBe(0);
  openGate(gate);
  expect(outcome(await second), 'what the worker got').toBe(`resolved with ${JSON.stringify({ length: 2000, sum: sum(2000) })}`);
  await running;
});

// ── Stats ─────────────────────────────────────────────────────────────────────────────────────

test('stats() counts the tasks waiting, the workers busy, and the tasks completed and failed', async () => {
  const p = await pool({ size: 2 });
  const log = newStartLog();
  const gate = newGate();
  const tasks = [submit(p, reply(0, { gate, log, tag: 0 })), submit(p, reply(1, { gate, log, tag: 1 }))];
  await started(log, 2, Promise.all(tasks));
  for (let v = 2; v < 5; v++) tasks.push(submit(p, reply(v)));
  const during = p.stats();
  expect({ busy: during.busy, queued: during.queued }, 'stats() with 2 tasks running and 3 waiting').toEqual({ busy: 2, queued: 3 });
  openGate(gate);
  await Promise.all(tasks);
  await submit(p, { do: 'fail', message: 'no' });
  const after = p.stats();
  expect(
    { busy: after.busy, queued: after.queued, completed: after.completed, failed: after.failed },
    'stats() after 5 tasks resolved and 1 was answered with an error',
  ).toEqual({ busy: 0, queued: 0, completed: 5, failed: 1 });
});

// ── close() and destroy() ─────────────────────────────────────────────────────────────────────

test('close() refuses new tasks, finishes every queued and running task, then ends every worker', async () => {
  const count = threadCount();
  const p = await pool({ size: 2 });
  // Unequal lengths, so that one worker runs out of work while the other is still busy: task 1 runs
  // 500 ms; the other worker runs task 0 and then the four queued ones, and is idle long before.
  const delays = [100, 500, 50, 50, 50, 50];
  const tasks = delays.map((delayMs, v) => submit(p, reply(v, { delayMs })));
  let tasksSettled = false;
  void Promise.all(tasks).then(() => (tasksSettled = true));
  const closing = p.close();
  const late = await within(AT_ONCE_MS, p.run(reply('late')));
  expect(outcome(late), 'a task sent after close()').toMatch(/^rejected: /);
  const closed = await within(SETTLE_MS, closing.then(() => tasksSettled));
  expect(closed.settled, 'close() settled').toBe(true);
  expect((closed as { value?: boolean }).value, 'every task had settled when close() resolved').toBe(true);
  expect(await outcomes(tasks), 'the tasks queued and running when close() was called').toBe(resolvedWith(0, 1, 2, 3, 4, 5));
  await eventually(() => count.threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(count.threads.workersAlive, 'workers still running after close() resolved').toBe(0);
}, LONG);

test('destroy() rejects every queued and running task at once, and ends every worker', async () => {
  const count = threadCount();
  const p = await pool({ size: 2 });
  const log = newStartLog();
  const running = [p.run(hang({ log, tag: 0 })), p.run(hang({ log, tag: 1 }))];
  await started(log, 2, Promise.race(running).catch(() => {}));
  const queued = [p.run(reply('a')), p.run(reply('b')), p.run(reply('c'))];
  const destroying = p.destroy();
  const all = await Promise.all([...running, ...queued].map((t) => within(AT_ONCE_MS, t)));
  const got = all.map(outcome);
  expect(got.filter((o) => !o.startsWith('rejected: ')), 'tasks not rejected at once by destroy() (2 running, 3 queued)').toEqual([]);
  expect((await within(SETTLE_MS, destroying)).settled, 'destroy() settled').toBe(true);
  expect(outcome(await within(AT_ONCE_MS, p.run(reply('late')))), 'a task sent after destroy()').toMatch(/^rejected: /);
  await eventually(() => count.threads.workersAlive === 0, 'every worker to exit after destroy()').catch(() => {});
  expect(count.threads.workersAlive, 'workers still running after destroy() resolved').toBe(0);
}, LONG);

test('after crashes, timeouts and aborts, close() still leaves no worker running', async () => {
  const count = threadCount();
  const p = await pool({ size: 2 });
  const controller = new AbortController();
  const tasks = [
    submit(p, { do: 'exit', code: 3 }),
    submit(p, hang(), { timeout: TIMEOUT_MS }),
    submit(p, hang(), { signal: controller.signal }),
    submit(p, reply('ok')),
  ];
  setTimeout(() => controller.abort(), 2 * TIMEOUT_MS);
  expect(await outcomes(tasks), 'the tasks').toMatch(/^rejected: .*; rejected: TimeoutError.*; rejected: AbortError.*; resolved with "ok"$/);
  expect((await within(SETTLE_MS, p.close())).settled, 'close() settled').toBe(true);
  await eventually(() => count.threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(count.threads.workersAlive, `workers still running after close() (of ${count.threads.workersCreated} started)`).toBe(0);
}, LONG);
