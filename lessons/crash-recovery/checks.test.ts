import { expect, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import type { CrashTask } from './fixtures/crash-worker.ts';

const lesson = lessonUnderTest(import.meta.url);
// Show observed values in full in a failure ("still pending; resolved with ..."), not cut at 40 characters.

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number }) => Pool };

/** How long a task that should settle gets. Tasks here take milliseconds; this is for a loaded machine. */
const SETTLE_MS = 3000;
/** For checks that wait more than once. */
const LONG = 15_000;

async function pool(size: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('crash-worker.ts'), { size }));
}

/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: CrashTask, ms = SETTLE_MS) => within(ms, p.run(task));
const reply = (value: unknown, delayMs?: number): CrashTask => ({ do: 'reply', value, delayMs });

type Outcome = Awaited<ReturnType<typeof within>>;
const outcome = (r: Outcome) =>
  !r.settled
    ? stillPending(r)
    : 'error' in r && r.error !== undefined
      ? `rejected: ${(r.error as Error)?.message ?? String(r.error)}`
      : `resolved with ${JSON.stringify(r.value)}`;
/** What each task settled with, as one line, so that a failure shows all of them. */
const outcomes = async (tasks: Array<Promise<Outcome>>) => (await Promise.all(tasks)).map(outcome).join('; ');
const resolvedWith = (...values: unknown[]) => values.map((v) => `resolved with ${JSON.stringify(v)}`).join('; ');

/** Resolves once at least one worker the pool started has exited (the crash has happened). */
const aWorkerHasExited = (threads: ThreadWatch) =>
  eventually(() => threads.workersCreated > threads.workersAlive, 'the crashing worker to exit', SETTLE_MS);

/**
 * Lets the pool settle after a crash, then asserts it runs exactly `size` workers, and that the crash
 * started exactly one replacement. Waits a little longer after the count looks right, to catch a
 * replacement started late.
 */
async function expectExactlyOneReplacement(threads: ThreadWatch, size: number, crashes = 1): Promise<void> {
  await eventually(
    () => threads.workersAlive === size && threads.workersCreated === size + crashes,
    `${size} live workers and ${crashes} replacement(s)`,
  ).catch(() => {});
  await new Promise((r) => setTimeout(r, 300));
  expect(threads.workersAlive, 'live workers once things settled').toBe(size);
  expect(threads.workersCreated - size, 'replacement workers started').toBe(crashes);
}

// ── What already works in the starter ─────────────────────────────────────────────────────────

test('a pool of 2 answers 20 tasks, each with its own result', async () => {
  const p = await pool(2);
  const tasks = Array.from({ length: 20 }, (_, i) => submit(p, reply(i, (i * 7) % 5)));
  expect(await outcomes(tasks), 'what each task settled with').toBe(resolvedWith(...Array.from({ length: 20 }, (_, i) => i)));
});

test('a task whose worker answers with an error rejects with that message, and the worker lives on', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const failed = submit(p, { do: 'fail', message: 'the worker said no' });
  const next = [submit(p, reply('a')), submit(p, reply('b')), submit(p, reply('c'))];
  expect(outcome(await failed), 'the failing task').toBe('rejected: the worker said no');
  expect(await outcomes(next), 'the tasks after it').toBe(resolvedWith('a', 'b', 'c'));
  expect(threads.workersCreated, 'workers started: an error answer is not a crash').toBe(2);
});

test('close() ends every worker and settles every task still queued or running', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const tasks = Array.from({ length: 4 }, (_, i) => submit(p, reply(i, 200)));
  await new Promise((r) => setTimeout(r, 50));
  const closed = await within(SETTLE_MS, p.close());
  expect(closed.settled, 'close() settled').toBe(true);
  expect(await outcomes(tasks), 'the tasks after close()').not.toMatch(/still pending/);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
});

// ── A worker that dies while it holds a task ──────────────────────────────────────────────────

test("a task whose worker throws rejects with that error's message, and only that task", async () => {
  const p = await pool(2);
  const crashed = submit(p, { do: 'throw', message: 'the worker threw on purpose' });
  const others = [submit(p, reply('b', 200)), submit(p, reply('c')), submit(p, reply('d'))];
  expect(outcome(await crashed), 'the task whose worker threw').toBe('rejected: the worker threw on purpose');
  expect(await outcomes(others), 'the other tasks').toBe(resolvedWith('b', 'c', 'd'));
});

test.each([0, 1, 7])('a worker that exits with code %i mid-task rejects exactly its task, naming the code', async (code) => {
  const p = await pool(2);
  const crashed = submit(p, { do: 'exit', code });
  const others = [submit(p, reply('b', 200)), submit(p, reply('c')), submit(p, reply('d'))];
  const seen = outcome(await crashed);
  expect(seen, `the task whose worker called process.exit(${code})`).toMatch(/^rejected: /);
  expect(seen, 'the rejection names the exit code').toMatch(new RegExp(`\\b${code}\\b`));
  expect(await outcomes(others), 'the other tasks').toBe(resolvedWith('b', 'c', 'd'));
});

test.each([
  ['throws', { do: 'throw', message: 'the worker threw on purpose' }],
  ['exits with code 7', { do: 'exit', code: 7 }],
] as Array<[string, CrashTask]>)('tasks queued behind a worker that %s still run (pool of 1)', async (_, crash) => {
  const p = await pool(1);
  const crashed = submit(p, crash);
  const queued = [submit(p, reply('b')), submit(p, reply('c')), submit(p, reply('d'))];
  expect(outcome(await crashed), 'the task whose worker died').toMatch(/^rejected: /);
  expect(await outcomes(queued), 'the tasks queued behind it').toBe(resolvedWith('b', 'c', 'd'));
});

// ── A worker that dies while idle ─────────────────────────────────────────────────────────────

test.each([
  ['exits with code 0', { do: 'reply-then-exit', value: 'a', code: 0, afterMs: 50 }],
  ['exits with code 7', { do: 'reply-then-exit', value: 'a', code: 7, afterMs: 50 }],
  ['throws', { do: 'reply-then-throw', value: 'a', message: 'thrown while idle', afterMs: 50 }],
] as Array<[string, CrashTask]>)(
  'a worker that %s while idle is replaced, and the pool keeps serving (pool of 1)',
  async (_, crash) => {
    const threads = watchThreads();
    const p = await pool(1);
    expect(outcome(await submit(p, crash)), 'the task answered before the crash').toBe('resolved with "a"');
    await aWorkerHasExited(threads);
    const after = [submit(p, reply('b')), submit(p, reply('c')), submit(p, reply('d'))];
    expect(await outcomes(after), 'tasks sent after the idle worker died').toBe(resolvedWith('b', 'c', 'd'));
    expect(threads.workersAlive, 'live workers').toBe(1);
  },
  LONG,
);

// ── The pool's size after a crash ─────────────────────────────────────────────────────────────

test.each([
  ['throws mid-task', { do: 'throw', message: 'the worker threw on purpose' }],
  ['exits with code 0 mid-task', { do: 'exit', code: 0 }],
  ['exits with code 7 mid-task', { do: 'exit', code: 7 }],
  ['throws while idle', { do: 'reply-then-throw', value: 'a', message: 'thrown while idle', afterMs: 50 }],
  ['exits with code 0 while idle', { do: 'reply-then-exit', value: 'a', code: 0, afterMs: 50 }],
] as Array<[string, CrashTask]>)(
  'after a worker %s, a pool of 2 runs exactly 2 workers again: one replacement, no more',
  async (_, crash) => {
    const threads = watchThreads();
    const p = await pool(2);
    void submit(p, crash);
    await aWorkerHasExited(threads);
    await expectExactlyOneReplacement(threads, 2);
  },
  LONG,
);

test('three crashes in a row on a pool of 2 start exactly three replacements, and the pool still serves', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  const crashes = [
    submit(p, { do: 'throw', message: 'one' }),
    submit(p, { do: 'exit', code: 0 }),
    submit(p, { do: 'exit', code: 7 }),
  ];
  const after = [submit(p, reply('b')), submit(p, reply('c')), submit(p, reply('d'))];
  expect(await outcomes(crashes), 'the three crashed tasks').toMatch(/^rejected: one; rejected: [^;]*\b0\b[^;]*; rejected: [^;]*\b7\b/);
  expect(await outcomes(after), 'the tasks after them').toBe(resolvedWith('b', 'c', 'd'));
  await expectExactlyOneReplacement(threads, 2, 3);
}, LONG);

// ── Closing a pool that has seen crashes ──────────────────────────────────────────────────────

test('close() after crashes starts no worker, leaves none running, and settles every task', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  await outcomes([
    submit(p, { do: 'throw', message: 'one' }),
    submit(p, { do: 'exit', code: 7 }),
    submit(p, reply('c')),
    submit(p, reply('d')),
  ]);
  await eventually(() => threads.workersAlive >= 2, 'the pool to have its workers back').catch(() => {});
  const running = Array.from({ length: 4 }, (_, i) => submit(p, reply(i, 200)));
  await new Promise((r) => setTimeout(r, 50));
  const startedBefore = threads.workersCreated;
  const closed = await within(SETTLE_MS, p.close());
  expect(closed.settled, 'close() settled').toBe(true);
  expect(await outcomes(running), 'the tasks after close()').not.toMatch(/still pending/);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersCreated - startedBefore, 'workers started during close()').toBe(0);
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
}, LONG);
