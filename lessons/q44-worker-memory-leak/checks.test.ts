// Checks for Q44: a spawner that never runs more than `max` workers and stops each one when its
// job is done, and a pool in which a reply can only settle the task it answers, with no listener
// piling up on its workers. Workers: fixtures/job-worker.ts (spawner), fixtures/task-worker.ts (pool).
import { expect, onTestFinished, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import type { Job } from './fixtures/job-worker.ts';
import type { TaskData } from './fixtures/task-worker.ts';

interface Spawner {
  run(data: Job): Promise<unknown>;
  readonly active: number;
  close(): Promise<void>;
}
type SpawnerModule = { createBoundedSpawner: (workerFile: string | URL, options: { max: number; timeout?: number }) => Spawner };
interface Pool {
  execute(data: TaskData, timeout?: number): Promise<unknown>;
  terminate(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerPath: string | URL, size: number) => Pool };

const lesson = lessonUnderTest(import.meta.url);

async function newSpawner(options: { max: number; timeout?: number }): Promise<Spawner> {
  const { createBoundedSpawner } = await lesson.load<SpawnerModule>('spawner.ts');
  return disposeAfter(createBoundedSpawner(lesson.fixture('job-worker.ts'), options));
}
async function newPool(size: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), size));
}

type Outcome = Awaited<ReturnType<typeof within>>;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** "resolved with 3", "rejected: boom", "still pending". */
const show = (o: Outcome): string =>
  !o.settled ? stillPending(o) : 'error' in o && o.error !== undefined ? `rejected: ${messageOf(o.error)}` : `resolved with ${JSON.stringify(o.value)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The most 'message' listeners on any worker thread still alive. */
const mostMessageListeners = (threads: ThreadWatch) =>
  Math.max(0, ...threads.started.flatMap((t) => (t.kind === 'worker thread' && t.alive ? [t.handle.listenerCount('message')] : [])));

// ---- The spawner ----

test('the spawner never has more than max workers alive at once, and every job gets its own result', async () => {
  const threads = watchThreads();
  const spawner = await newSpawner({ max: 3 });
  let mostAlive = 0;
  let mostReported = 0;
  const sample = () => {
    mostAlive = Math.max(mostAlive, threads.workersAlive);
    mostReported = Math.max(mostReported, spawner.active);
  };
  const sampler = setInterval(sample, 1);
  onTestFinished(() => clearInterval(sampler));
  // Sampling again as each job resolves catches a new worker started before the old thread has exited.
  const outcomes = await Promise.all(
    Array.from({ length: 12 }, (_, i) => within(10_000, spawner.run({ value: i, delayMs: (i * 37) % 60 }).finally(sample))),
  );
  clearInterval(sampler);
  const wrong = outcomes.flatMap((o, i) => (show(o) === `resolved with ${i}` ? [] : [`job ${i} ${show(o)}`]));
  expect(wrong.slice(0, 3), `jobs that did not resolve with their own value (${wrong.length} of 12)`).toEqual([]);
  expect(mostAlive, 'most worker threads alive at the same moment (max: 3)').toBeLessThanOrEqual(3);
  expect(mostReported, 'most workers the spawner reported as active').toBeLessThanOrEqual(3);
  expect(threads.workersCreated, 'worker threads started for 12 jobs').toBe(12);
});

test('a worker is stopped as soon as its job has its result', async () => {
  const threads = watchThreads();
  const spawner = await newSpawner({ max: 2 });
  const done = await within(5000, spawner.run({ value: 'answer' }));
  expect(show(done), 'the job').toBe('resolved with "answer"');
  // The worker would run forever by itself: only terminate() ends it.
  await eventually(() => threads.workersAlive === 0, 'the worker to be stopped after its answer', 2000).catch(() => {});
  expect(threads.workersAlive, 'worker threads alive 2 s after the job resolved (close() not called)').toBe(0);
  expect(spawner.active, 'active, once the worker has exited').toBe(0);
});

test('active reports the worker threads alive right now', async () => {
  const threads = watchThreads();
  const spawner = await newSpawner({ max: 2 });
  const jobs = Array.from({ length: 4 }, (_, i) => within(8000, spawner.run({ value: i, delayMs: 400 })));
  await eventually(() => threads.workersAlive === 2, 'two workers to be alive', 3000).catch(() => {});
  expect(spawner.active, `active while ${threads.workersAlive} workers are alive`).toBe(threads.workersAlive);
  const outcomes = await Promise.all(jobs);
  expect(outcomes.map(show), 'the four jobs').toEqual([0, 1, 2, 3].map((i) => `resolved with ${i}`));
  await eventually(() => threads.workersAlive === 0, 'every worker to exit', 2000).catch(() => {});
  expect(spawner.active, `active once every job is done (${threads.workersAlive} workers alive)`).toBe(0);
});

test('a job that runs past its timeout is rejected, its worker is stopped, and the next job runs', async () => {
  const threads = watchThreads();
  const spawner = await newSpawner({ max: 1, timeout: 1500 });
  const stuck = within(6000, spawner.run({ value: 'never', hang: true }));
  const next = within(9000, spawner.run({ value: 'next' }));
  expect(show(await stuck), 'a job whose worker never answers, timeout 1.5 s').toMatch(/^rejected: .*time/i);
  expect(show(await next), 'the job waiting behind it (max: 1)').toBe('resolved with "next"');
  await eventually(() => threads.workersAlive === 0, 'both workers to be stopped', 2000).catch(() => {});
  expect(threads.workersAlive, 'worker threads alive after both jobs settled').toBe(0);
});

test('a worker that throws rejects its job with the error message, and frees its slot', async () => {
  const spawner = await newSpawner({ max: 1 });
  const failed = within(5000, spawner.run({ value: 0, fail: 'the job failed on purpose' }));
  const next = within(6000, spawner.run({ value: 'after' }));
  expect(show(await failed), 'the job whose worker threw').toBe('rejected: the job failed on purpose');
  expect(show(await next), 'the job waiting behind it (max: 1)').toBe('resolved with "after"');
});

test('close() rejects the jobs still waiting or running and leaves no worker thread', async () => {
  const threads = watchThreads();
  const spawner = await newSpawner({ max: 2 });
  const jobs = Array.from({ length: 5 }, (_, i) => within(5000, spawner.run({ value: i, hang: true })));
  await eventually(() => threads.workersAlive === 2, 'two workers to start', 3000).catch(() => {});
  const closed = await within(3000, spawner.close());
  expect(closed.settled ? show(closed) : 'still running after 3 s', 'close()').toBe('resolved with undefined');
  const outcomes = (await Promise.all(jobs)).map(show);
  expect(outcomes.filter((o) => !o.startsWith('rejected')), 'jobs not rejected by close()').toEqual([]);
  expect(threads.workersAlive, 'worker threads alive after close() resolved').toBe(0);
});

// ---- The pool ----

test('on a pool of 1, tasks running at the same time each get their own result, even when answered out of order', async () => {
  const pool = await newPool(1);
  // The worker holds all ten at once; the last one sent is answered first.
  const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => within(5000, pool.execute({ value: i, delayMs: (10 - i) * 20 }))));
  const wrong = outcomes.flatMap((o, i) => (show(o) === `resolved with ${i}` ? [] : [`task ${i} ${show(o)}`]));
  expect(wrong.slice(0, 3), `tasks that did not resolve with their own value (${wrong.length} of 10)`).toEqual([]);
});

test('100 tasks on a pool of 4 each get their own result', async () => {
  const pool = await newPool(4);
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => within(8000, pool.execute({ value: i, delayMs: (i * 7) % 30 }))));
  const wrong = outcomes.flatMap((o, i) => (show(o) === `resolved with ${i}` ? [] : [`task ${i} ${show(o)}`]));
  expect(wrong.slice(0, 3), `tasks that did not resolve with their own value (${wrong.length} of 100)`).toEqual([]);
});

test('a reply that comes after its task timed out is not given to another task', async () => {
  const pool = await newPool(1);
  const late = await within(3000, pool.execute({ value: 'late reply', delayMs: 400 }, 50));
  expect(show(late), 'a task answered after 400 ms, with a 50 ms timeout').toMatch(/^rejected/);
  // Sent after the first task timed out, answered after the first task's late reply has come in.
  const next = await within(4000, pool.execute({ value: 'own reply', delayMs: 600 }, 5000));
  expect(show(next), 'the next task on the same worker').toBe('resolved with "own reply"');
});

test("the pool's workers do not collect 'message' listeners over 200 tasks that time out", async () => {
  const threads = watchThreads();
  const pool = await newPool(1);
  for (let i = 0; i < 10; i++) {
    const warmUp = await within(3000, pool.execute({ value: i }));
    expect(show(warmUp), `ordinary task ${i} of 10, one after another`).toBe(`resolved with ${i}`);
  }
  const before = mostMessageListeners(threads);
  // The first task keeps the worker busy for 2 s: it answers nothing meanwhile, so the tasks sent
  // to it time out (30 ms each).
  const outcomes = await Promise.all(
    Array.from({ length: 200 }, (_, i) => within(3000, pool.execute({ value: i, blockMs: i === 0 ? 2000 : 0 }, 30))),
  );
  const during = mostMessageListeners(threads);
  const rejected = outcomes.filter((o) => show(o).startsWith('rejected')).length;
  expect(during, `'message' listeners on the worker after 200 timed-out tasks (after 10 ordinary ones: ${before}; ${rejected} of the 200 timed out)`).toBeLessThanOrEqual(before);
  expect(show(outcomes[0]!), 'the task that keeps its worker busy for 2 s, with a 30 ms timeout').toMatch(/^rejected/);
});

test('a task the worker answers with an error rejects with that message', async () => {
  const pool = await newPool(2);
  const failed = await within(3000, pool.execute({ value: 1, fail: 'the task failed on purpose' }));
  expect(show(failed), 'the task').toBe('rejected: the task failed on purpose');
  const next = await within(3000, pool.execute({ value: 2 }));
  expect(show(next), 'a task after it').toBe('resolved with 2');
});

test('terminate() rejects the tasks still running and leaves no worker thread', async () => {
  const threads = watchThreads();
  const pool = await newPool(2);
  const tasks = Array.from({ length: 6 }, (_, i) => within(4000, pool.execute({ value: i, delayMs: 60_000 }, 60_000)));
  await sleep(100);
  const ended = await within(3000, pool.terminate());
  expect(ended.settled ? show(ended) : 'still running after 3 s', 'terminate()').toBe('resolved with undefined');
  const outcomes = (await Promise.all(tasks)).map(show);
  expect(outcomes.filter((o) => !o.startsWith('rejected')), 'tasks not rejected by terminate()').toEqual([]);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit', 2000).catch(() => {});
  expect(threads.workersAlive, 'worker threads alive after terminate()').toBe(0);
});
