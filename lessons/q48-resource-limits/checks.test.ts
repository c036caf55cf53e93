import { chai, expect, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import type { MemoryTask } from './fixtures/memory-worker.ts';

const lesson = lessonUnderTest(import.meta.url);
// Show observed values in full in a failure, not cut at 40 characters.
chai.config.truncateThreshold = 0;

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type Limits = { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number; resourceLimits?: Limits }) => Pool };

/** Small limits, so that a worker runs out of memory in a fraction of a second, using little of it. */
const LIMITS = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };
/** Tasks take milliseconds; running out of memory a fraction of a second. This is for a loaded machine. */
const SETTLE_MS = 5000;

async function pool(size: number, resourceLimits: Limits | undefined = LIMITS): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('memory-worker.ts'), { size, resourceLimits }));
}

const submit = (p: Pool, task: MemoryTask) => within(SETTLE_MS, p.run(task));
type Outcome = Awaited<ReturnType<typeof within>>;
const errorOf = (r: Outcome) => (r.settled && 'error' in r ? (r.error as (Error & { code?: unknown }) | undefined) : undefined);
const outcome = (r: Outcome) => {
  if (!r.settled) return stillPending(r);
  const error = errorOf(r);
  if (error !== undefined) return `rejected: ${error?.message ?? String(error)}${error?.code ? ` (code ${String(error.code)})` : ''}`;
  return `resolved with ${JSON.stringify((r as { value?: unknown }).value)}`;
};
const echo = (value: unknown): MemoryTask => ({ kind: 'echo', value });
const allocate: MemoryTask = { kind: 'allocate' };

/** Waits for the pool to settle at `size` live workers, then a little longer to catch a late start. */
async function settledAt(threads: ThreadWatch, size: number, created: number): Promise<void> {
  await eventually(() => threads.workersAlive === size && threads.workersCreated === created, `${size} live workers, ${created} started`, SETTLE_MS).catch(() => {});
  await new Promise((r) => setTimeout(r, 300));
}

test('a task that runs out of memory rejects with code ERR_WORKER_OUT_OF_MEMORY and a message that says so', async () => {
  const p = await pool(1);
  const got = await submit(p, allocate);
  expect(outcome(got), 'the task that allocates without bound').toMatch(/^rejected: .*memory/i);
  expect(errorOf(got)?.code, `the code of its error (${outcome(got)})`).toBe('ERR_WORKER_OUT_OF_MEMORY');
});

test('the pool replaces the worker that ran out of memory with exactly one new worker, and the next task succeeds', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  expect(outcome(await submit(p, echo('before'))), 'a task before').toBe('resolved with "before"');
  expect(outcome(await submit(p, allocate)), 'the task that runs out of memory').toMatch(/^rejected/);
  const next = await Promise.all([submit(p, echo('after 1')), submit(p, echo('after 2')), submit(p, echo('after 3'))]);
  expect(next.map(outcome), 'the tasks after it').toEqual(['resolved with "after 1"', 'resolved with "after 2"', 'resolved with "after 3"']);
  await settledAt(threads, 2, 3);
  expect(threads.workersAlive, 'workers alive once things settled').toBe(2);
  expect(threads.workersCreated - 2, 'replacement workers started for one worker that ran out of memory').toBe(1);
});

test('after repeated out-of-memory tasks the pool still runs exactly its size in workers', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  for (let round = 0; round < 3; round++) {
    const [oom, ok] = await Promise.all([submit(p, allocate), submit(p, echo(round))]);
    expect(outcome(oom), `round ${round}: the task that runs out of memory`).toMatch(/^rejected/);
    expect(outcome(ok), `round ${round}: the task beside it`).toBe(`resolved with ${round}`);
  }
  await settledAt(threads, 2, 5);
  expect(threads.workersAlive, 'workers alive after 3 workers ran out of memory').toBe(2);
  expect(threads.workersCreated, 'workers started in all (2, plus one per worker lost)').toBe(5);
});

test('every worker, replacements included, runs under the resourceLimits given to the pool', async () => {
  const p = await pool(1);
  const first = await submit(p, { kind: 'limits' });
  expect((first as { value?: Limits }).value?.maxOldGenerationSizeMb, `maxOldGenerationSizeMb inside the first worker (${outcome(first)})`).toBe(LIMITS.maxOldGenerationSizeMb);
  expect(outcome(await submit(p, allocate)), 'the task that runs out of memory').toMatch(/^rejected/);
  const replacement = await submit(p, { kind: 'limits' });
  expect((replacement as { value?: Limits }).value?.maxOldGenerationSizeMb, `maxOldGenerationSizeMb inside the replacement (${outcome(replacement)})`).toBe(LIMITS.maxOldGenerationSizeMb);
});

test('tasks on other workers, and tasks queued behind the failing one, still succeed', async () => {
  const p = await pool(2);
  const slow = submit(p, { kind: 'sleep', ms: 400, value: 'slow' });
  const oom = submit(p, allocate);
  const queued = [submit(p, echo('q1')), submit(p, echo('q2')), submit(p, echo('q3'))];
  expect(outcome(await oom), 'the task that runs out of memory').toMatch(/^rejected/);
  expect(outcome(await slow), 'the task running on the other worker meanwhile').toBe('resolved with "slow"');
  expect((await Promise.all(queued)).map(outcome), 'the tasks queued behind them').toEqual(['resolved with "q1"', 'resolved with "q2"', 'resolved with "q3"']);
});

test('a worker that dies of an ordinary uncaught error is not reported as out of memory, and is replaced', async () => {
  const threads = watchThreads();
  const p = await pool(1);
  const got = await submit(p, { kind: 'crash', message: 'a bug in the task code' });
  expect(outcome(got), 'the task whose worker threw').toMatch(/^rejected/);
  expect(errorOf(got)?.code, `the code of its error (${outcome(got)})`).not.toBe('ERR_WORKER_OUT_OF_MEMORY');
  expect(outcome(got), 'the task whose worker threw').not.toMatch(/memory|resource limit/i);
  expect(outcome(await submit(p, echo('next'))), 'the task after it').toBe('resolved with "next"');
  await settledAt(threads, 1, 2);
  expect(threads.workersAlive, 'workers alive once things settled').toBe(1);
});

test('close() ends every worker the pool started, and leaves no task pending', async () => {
  const threads = watchThreads();
  const p = await pool(2);
  await submit(p, allocate);
  const running = submit(p, { kind: 'sleep', ms: 5000, value: 'late' });
  const queued = [submit(p, { kind: 'sleep', ms: 5000, value: 'late' }), submit(p, echo('queued'))];
  await new Promise((r) => setTimeout(r, 100));
  const closed = await within(3000, p.close());
  expect(closed.settled, 'close() settled within 3 s').toBe(true);
  const left = (await Promise.all([running, ...queued])).map(outcome).filter((o) => o.startsWith('still pending'));
  expect(left, 'tasks still pending after close()').toEqual([]);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
});
