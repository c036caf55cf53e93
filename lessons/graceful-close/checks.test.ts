import { expect, test } from 'vitest';
import { activeTimers, disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type ThreadWatch, type Settled } from '../../tool/harness/index.ts';
import { runScript } from './fixtures/run-script.ts';
import type { Task } from './fixtures/task-worker.ts';

const lesson = lessonUnderTest(import.meta.url);

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
  destroy(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number; maxQueue?: number }) => Pool };

/** How long a task or a close() that should settle gets. Tasks here take a few hundred ms at most. */
const SETTLE_MS = 5000;
/** How long destroy() may take to settle what is left, when the tasks it cuts short would run for 30 s. */
const DESTROY_MS = 3000;
/** For checks that wait more than once. */
const LONG = 20_000;

async function pool(size: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), { size }));
}

type Outcome = Settled;
const errorOf = (r: Outcome) => (r.settled && 'error' in r ? (r.error as { message?: string; code?: unknown } | undefined) : undefined);
const outcome = (r: Outcome): string => {
  if (!r.settled) return stillPending(r);
  const error = errorOf(r);
  if (error === undefined) return `resolved with ${JSON.stringify(r.value)}`;
  return `rejected${error.code === undefined ? '' : ` (code ${String(error.code)})`}: ${error.message ?? String(error)}`;
};
const outcomes = async (tasks: Array<Promise<Outcome>>) => (await Promise.all(tasks)).map(outcome);
const resolvedWith = (...values: unknown[]) => values.map((v) => `resolved with ${JSON.stringify(v)}`);

const reply = (value: unknown, delayMs = 200): Task => ({ do: 'reply', value, delayMs });
/** A task that keeps its worker's thread busy for 30 s: only terminate() can stop it early. */
const endless = (value: unknown): Task => ({ do: 'spin', value, ms: 30_000 });
/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: Task, ms = SETTLE_MS) => within(ms, p.run(task));
/** Calls close() or destroy(), bounded, telling whether it threw synchronously. */
const bounded = (ms: number, call: () => Promise<void>) => {
  try {
    return within(ms, call());
  } catch (error) {
    return Promise.resolve({ settled: true as const, error });
  }
};

/** Follows a promise, so that a check can read how it stands at a given moment. */
function follow(promise: Promise<unknown>): { now: () => string } {
  let state = 'still pending';
  promise.then(
    (value) => (state = `resolved with ${JSON.stringify(value)}`),
    (error: { message?: string } | undefined) => (state = `rejected: ${error?.message ?? String(error)}`),
  );
  return { now: () => state };
}

async function expectNoWorkerAlive(threads: ThreadWatch, when: string): Promise<void> {
  await eventually(() => threads.workersAlive === 0, `every worker to exit ${when}`, 2000).catch(() => {});
  expect(threads.workersAlive, `worker threads still alive ${when}`).toBe(0);
}

// ── close(): graceful ─────────────────────────────────────────────────────────────────────────

test('close() lets every accepted task finish: the running ones and the queued ones all resolve', async () => {
  const p = await pool(2);
  const tasks = [1, 2, 3, 4, 5, 6].map((v) => submit(p, reply(v, 150))); // 2 run, 4 wait
  const closed = bounded(SETTLE_MS, () => p.close());
  expect(await outcomes(tasks), 'the 6 tasks submitted before close()').toEqual(resolvedWith(1, 2, 3, 4, 5, 6));
  expect(outcome(await closed), 'close()').toBe('resolved with undefined');
});

test('close() waits for running tasks even when none is queued', async () => {
  const p = await pool(2);
  const tasks = [1, 2].map((v) => submit(p, reply(v, 300)));
  await new Promise((r) => setTimeout(r, 50)); // both are running now; the queue is empty
  const closed = bounded(SETTLE_MS, () => p.close());
  expect(await outcomes(tasks), 'the 2 tasks running when close() was called').toEqual(resolvedWith(1, 2));
  expect(outcome(await closed), 'close()').toBe('resolved with undefined');
});

test('close() waits without a timer: while it waits for a running task, the pool has no setTimeout or setInterval active', async () => {
  const p = await pool(1);
  let taskDone = false;
  const running = submit(p, reply('a', 700)).finally(() => (taskDone = true));
  const queued = submit(p, reply('b', 0));
  await new Promise((r) => setTimeout(r, 50)); // a is running, b waits
  // Active timers in this thread: the check's own and vitest's are counted before and during
  // close() alike, so a count that stays higher during close() is a timer the pool started. The
  // least count of several samples ignores timers that only come and go.
  const leastOf = async (samples: number) => {
    let least = Infinity;
    for (let i = 0; i < samples && !taskDone; i++) {
      await new Promise((r) => setTimeout(r, 15));
      if (!taskDone) least = Math.min(least, activeTimers());
    }
    return least;
  };
  const before = await leastOf(4);
  // Not bounded() yet: its own timer would be counted during close() only.
  let closing: Promise<void>;
  try {
    closing = p.close();
    closing.catch(() => {});
  } catch (error) {
    closing = Promise.reject(error);
  }
  const during = await leastOf(12);
  expect(await outcomes([running, queued]), 'the task running and the task queued when close() was called').toEqual(resolvedWith('a', 'b'));
  expect(outcome(await bounded(SETTLE_MS, () => closing)), 'close()').toBe('resolved with undefined');
  expect(during === Infinity, 'the running task ended before the check could watch close() wait').toBe(false);
  const started = during - before;
  expect(
    started > 0 ? `${started} more timer${started === 1 ? '' : 's'} active all through close()'s wait` : 'no timer of its own',
    'what the pool had while close() waited for the running task',
  ).toBe('no timer of its own');
});

test('when close() resolves, every task submitted before it has settled and no worker thread is alive', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const states: string[] = ['pending', 'pending', 'pending', 'pending', 'pending'];
  [1, 2, 3, 4, 5].forEach((v, i) => {
    p.run(reply(v, 100 + 50 * i)).then(
      () => (states[i] = 'resolved'),
      () => (states[i] = 'rejected'),
    );
  });
  const closed = await bounded(SETTLE_MS, () => p.close());
  const seenThen = { tasks: [...states], alive: threads.workersAlive };
  expect(outcome(closed), 'close()').toBe('resolved with undefined');
  expect(seenThen.tasks.join(', '), 'the 5 tasks, at the moment close() resolved').toBe('resolved, resolved, resolved, resolved, resolved');
  expect(seenThen.alive, 'worker threads alive at the moment close() resolved').toBe(0);
});

test('a task submitted after close() began is refused at once with code ERR_POOL_CLOSED, and never runs', async () => {
  const p = await pool(1);
  const running = submit(p, reply('a', 300));
  const closed = bounded(SETTLE_MS, () => p.close());
  const during = await submit(p, reply('during close', 0), 1000);
  expect(outcome(during), 'run() called while close() was in progress').toMatch(/^rejected \(code ERR_POOL_CLOSED\): /);
  expect(outcome(await running), 'the task running when close() was called').toBe('resolved with "a"');
  expect(outcome(await closed), 'close()').toBe('resolved with undefined');
  const after = await submit(p, reply('after close', 0), 1000);
  expect(outcome(after), 'run() called once close() had resolved').toMatch(/^rejected \(code ERR_POOL_CLOSED\): /);
});

test('close() called twice: both calls resolve, once the work is done', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const tasks = [1, 2, 3].map((v) => submit(p, reply(v)));
  const first = bounded(SETTLE_MS, () => p.close());
  const second = bounded(SETTLE_MS, () => p.close());
  expect([outcome(await first), outcome(await second)], 'the two close() calls').toEqual(['resolved with undefined', 'resolved with undefined']);
  expect(await outcomes(tasks), 'the tasks').toEqual(resolvedWith(1, 2, 3));
  await expectNoWorkerAlive(threads, 'after close()');
});

test('close() on an idle pool resolves and ends its workers', async () => {
  const threads = watchThreads();
  const p = await pool(3);
  await submit(p, reply('warm', 0));
  expect(outcome(await bounded(SETTLE_MS, () => p.close())), 'close() on a pool with nothing to do').toBe('resolved with undefined');
  await expectNoWorkerAlive(threads, 'after close()');
  expect(threads.workersCreated, 'workers started').toBe(3);
});

// ── Workers that die while the pool closes ────────────────────────────────────────────────────

test('a worker that exits with code 0 mid-task during close() still settles its task, and the tasks queued behind it finish', async () => {
  const threads = watchThreads();
  const p = await pool(1);
  const dying = submit(p, { do: 'exit', code: 0, delayMs: 150 });
  const queued = [submit(p, reply('b', 50)), submit(p, reply('c', 50))];
  const closed = bounded(SETTLE_MS, () => p.close());
  const seen = outcome(await dying);
  expect(seen, 'the task whose worker called process.exit(0) during close()').toMatch(/^rejected/);
  expect(seen, 'its rejection names the exit code').toMatch(/\b0\b/);
  expect(await outcomes(queued), 'the tasks queued behind it').toEqual(resolvedWith('b', 'c'));
  expect(outcome(await closed), 'close()').toBe('resolved with undefined');
  await expectNoWorkerAlive(threads, 'after close()');
}, LONG);

test('close() starts no new worker when one dies and no task waits for it', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const dying = submit(p, { do: 'exit', code: 7, delayMs: 150 });
  const other = submit(p, reply('b', 300));
  const closed = bounded(SETTLE_MS, () => p.close());
  expect(outcome(await dying), 'the task whose worker exited with code 7 during close()').toMatch(/^rejected.*\b7\b/);
  expect(outcome(await other), 'the other task').toBe('resolved with "b"');
  expect(outcome(await closed), 'close()').toBe('resolved with undefined');
  expect(threads.workersCreated, 'workers started in all (2 at the start, none to replace the one that died)').toBe(2);
  await expectNoWorkerAlive(threads, 'after close()');
}, LONG);

// ── destroy(): now ────────────────────────────────────────────────────────────────────────────

test('destroy() rejects running and queued tasks at once, even tasks that would run for 30 s, and ends every worker', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const tasks = [endless(1), endless(2), reply(3), reply(4), reply(5)].map((t) => follow(p.run(t)));
  await new Promise((r) => setTimeout(r, 100)); // the two endless tasks are running
  const destroyed = await bounded(DESTROY_MS, () => p.destroy());
  expect(outcome(destroyed), 'destroy(), with two 30 s tasks running and three queued').toBe('resolved with undefined');
  await new Promise((r) => setImmediate(r));
  const seen = tasks.map((t) => t.now());
  const notRejected = seen.flatMap((s, i) => (s.startsWith('rejected') ? [] : [`task ${i + 1}: ${s}`]));
  expect(notRejected, `tasks not rejected by the time destroy() resolved (all: ${seen.join('; ')})`).toEqual([]);
  await expectNoWorkerAlive(threads, 'after destroy()');
}, LONG);

test('destroy() during close() wins: what is left is rejected at once, and both calls settle', async () => {
  const threads = watchThreads();
  const p = await pool(1);
  const tasks = [endless('a'), reply('b'), reply('c')].map((t) => follow(p.run(t)));
  await new Promise((r) => setTimeout(r, 100));
  const closed = bounded(DESTROY_MS + 1000, () => p.close());
  await new Promise((r) => setTimeout(r, 100));
  const destroyed = await bounded(DESTROY_MS, () => p.destroy());
  expect(outcome(destroyed), 'destroy(), called while close() waited for a 30 s task').toBe('resolved with undefined');
  await new Promise((r) => setImmediate(r));
  const seen = tasks.map((t) => t.now());
  expect(seen.filter((s) => !s.startsWith('rejected')), `tasks not rejected by the time destroy() resolved (all: ${seen.join('; ')})`).toEqual([]);
  expect(outcome(await closed), 'the close() that destroy() cut short').toBe('resolved with undefined');
  await expectNoWorkerAlive(threads, 'after destroy()');
}, LONG);

test('after destroy(), run() is refused with code ERR_POOL_CLOSED, and close() and destroy() resolve', async () => {
  const p = await pool(2);
  await submit(p, reply('warm', 0));
  expect(outcome(await bounded(DESTROY_MS, () => p.destroy())), 'destroy()').toBe('resolved with undefined');
  expect(outcome(await submit(p, reply('late', 0), 1000)), 'run() after destroy()').toMatch(/^rejected \(code ERR_POOL_CLOSED\): /);
  expect(outcome(await bounded(1000, () => p.close())), 'close() after destroy()').toBe('resolved with undefined');
  expect(outcome(await bounded(1000, () => p.destroy())), 'destroy() a second time').toBe('resolved with undefined');
});

// ── Nothing left behind ───────────────────────────────────────────────────────────────────────

test.each(['idle', 'busy'])('a program that closes its pool (%s) exits by itself once close() has resolved', async (mode) => {
  const run = await runScript(new URL('./fixtures/closing-program.ts', import.meta.url), 15_000, [lesson.file('pool.ts'), mode], {
    pattern: /^closed$/m,
    ms: 3000,
  });
  const what = run.stoppedAtDeadline
    ? `still running ${/^closed$/m.test(run.output) ? '3 s after close() resolved' : 'after 15 s'} (and stopped); it printed: ${run.output || 'nothing'}`
    : `exited with code ${run.exitCode}; it printed: ${run.output || 'nothing'}`;
  expect(run.output, 'the program printed "closed" once close() resolved').toMatch(/^closed$/m);
  expect(what, 'the program').toMatch(/^exited with code 0/);
}, 20_000);
