// Checks for Q43: a pool with the document's API (execute / terminate) that queues tasks instead
// of dropping them, survives workers that throw or exit, enforces timeouts, and shuts down cleanly.
// Every task goes to fixtures/task-worker.ts; fixtures/tasks.ts says what each task makes it do.
import { expect, onTestFinished, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type Settled } from '../../tool/harness/index.ts';
import {
  echo,
  exiting,
  exitingWhenIdle,
  gated,
  hanging,
  mostAtOnce,
  newGate,
  openGate,
  runningNow,
  throwing,
  type Answer,
} from './fixtures/tasks.ts';

interface Pool {
  execute(data: unknown, timeout?: number): Promise<unknown>;
  terminate(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerPath: string | URL, size: number) => Pool };

const lesson = lessonUnderTest(import.meta.url);
const worker = lesson.fixture('task-worker.ts');

async function newPool(size: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(worker, size));
}

/** How a task ended, or that it had not ended after `ms`. Starts watching at once, so no rejection goes unhandled. */
type Outcome = Settled;
const outcome = (ms: number, task: Promise<unknown>): Promise<Outcome> => within(ms, task);

const rejected = (o: Outcome) => o.settled && 'error' in o;
const fulfilled = (o: Outcome) => o.settled && !rejected(o);
/** The `value` the worker echoed back, when the task resolved. */
const valueOf = (o: Outcome): unknown => (o.settled && 'value' in o ? (o.value as Answer | undefined)?.value : undefined);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** Says in words how a task ended: "resolved with 3", "rejected: boom", "still pending". */
const show = (o: Outcome): string =>
  !o.settled ? stillPending(o) : 'error' in o ? `rejected: ${messageOf(o.error)}` : `resolved with ${JSON.stringify(valueOf(o))}`;

test('100 tasks on a pool of 4 all resolve, each with its own result', async () => {
  const pool = await newPool(4);
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => outcome(8000, pool.execute(echo(i, 2)))));
  const own = outcomes.filter((o, i) => fulfilled(o) && valueOf(o) === i).length;
  const firstBad = outcomes.findIndex((o, i) => !(fulfilled(o) && valueOf(o) === i));
  expect(own, `tasks that resolved with their own result (${firstBad < 0 ? 'all of them' : `task ${firstBad + 1} ${show(outcomes[firstBad]!)}`})`).toBe(100);
});

test('on a pool of 1, tasks run in the order they were submitted', async () => {
  const pool = await newPool(1);
  const order: number[] = [];
  const outcomes = await Promise.all(
    Array.from({ length: 10 }, (_, i) => outcome(6000, pool.execute(echo(i, (10 - i) * 2)).then((answer) => (order.push(i), answer)))),
  );
  expect(outcomes.filter(fulfilled).length, 'tasks that resolved').toBe(10);
  expect(order, 'the order in which the tasks finished').toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('a pool of 4 never runs more than 4 workers, however many tasks wait', async () => {
  const threads = watchThreads();
  const pool = await newPool(4);
  let most = 0;
  const sampler = setInterval(() => (most = Math.max(most, threads.workersAlive)), 2);
  onTestFinished(() => clearInterval(sampler));
  const outcomes = await Promise.all(Array.from({ length: 100 }, (_, i) => outcome(8000, pool.execute(echo(i, 2)))));
  clearInterval(sampler);
  most = Math.max(most, threads.workersAlive);
  expect(outcomes.filter((o) => o.settled).length, 'tasks that settled').toBe(100);
  expect(most, 'most worker threads running at the same moment').toBeLessThanOrEqual(4);
  expect(threads.workersCreated, 'worker threads started in all').toBeLessThanOrEqual(4);
});

test('a pool of 4 still runs 4 tasks at once, and no more, after workers crash and exit', async () => {
  const threads = watchThreads();
  const pool = await newPool(4);
  // First, wear the pool down: workers that throw, and workers that exit with code 0 and 1.
  const rough = await Promise.all(
    [throwing('crash 1'), echo('a'), exiting(0), echo('b'), exiting(1), throwing('crash 2'), echo('c'), echo('d')].map((task) =>
      outcome(5000, pool.execute(task)),
    ),
  );
  const stuck = rough.filter((o) => !o.settled).length;
  expect(stuck, 'tasks still pending 5 s after the crashes and exits').toBe(0);

  // Then 8 tasks that each hold their worker until the gate opens: exactly 4 should be running.
  const gate = newGate();
  onTestFinished(() => openGate(gate));
  const held = Array.from({ length: 8 }, (_, i) => outcome(8000, pool.execute(gated(gate, i))));
  await eventually(() => runningNow(gate) >= 4, `4 tasks running at once after the crashes (${runningNow(gate)} were)`, 5000);
  await new Promise((r) => setTimeout(r, 500)); // room for a 5th task to start, if the pool would start one
  expect(mostAtOnce(gate), 'most tasks running at the same moment').toBe(4);
  expect(threads.workersAlive, 'worker threads running while the pool is busy').toBeLessThanOrEqual(4);
  openGate(gate);
  const done = await Promise.all(held);
  expect(done.filter(fulfilled).length, 'held tasks that resolved once the gate opened').toBe(8);
});

test("a task that throws rejects with the worker's error message, and the tasks queued behind it still run (pool of 1)", async () => {
  const pool = await newPool(1);
  const failing = outcome(5000, pool.execute(throwing('the task failed on purpose')));
  const behind = [outcome(5000, pool.execute(echo('second'))), outcome(5000, pool.execute(echo('third')))];
  const first = await failing;
  expect(show(first), 'the throwing task').toMatch(/^rejected: .*the task failed on purpose/);
  const [second, third] = await Promise.all(behind);
  expect(show(second!), 'the task queued right behind it').toBe('resolved with "second"');
  expect(show(third!), 'the task after that').toBe('resolved with "third"');
});

test('a worker that exits in the middle of a task rejects that task, and the pool keeps serving', async () => {
  const pool = await newPool(1);
  // process.exit(0) is the sneaky one: an exit code of 0 raises no 'error' event.
  const tasks = [exiting(0), echo('after exit 0'), exiting(3), echo('after exit 3')].map((task) => outcome(5000, pool.execute(task)));
  const [exit0, after0, exit3, after3] = await Promise.all(tasks);
  expect(show(exit0!), 'the task whose worker called process.exit(0)').toMatch(/^rejected/);
  expect(show(after0!), 'the task queued behind it').toBe('resolved with "after exit 0"');
  expect(show(exit3!), 'the task whose worker called process.exit(3)').toMatch(/^rejected/);
  expect(show(after3!), 'the task queued behind that one').toBe('resolved with "after exit 3"');
});

test('a worker that exits while idle is replaced, and later tasks still run', async () => {
  const threads = watchThreads();
  const pool = await newPool(1);
  const first = await outcome(5000, pool.execute(exitingWhenIdle('first', 0)));
  expect(show(first), 'the task answered just before its worker exited').toBe('resolved with "first"');
  await eventually(() => threads.started.some((t) => !t.alive), 'the idle worker to exit', 5000);
  const later = await outcome(5000, pool.execute(echo('later')));
  expect(show(later), 'a task sent after the idle worker exited').toBe('resolved with "later"');
});

test('a task that runs past its timeout is rejected, and the tasks after it still run', async () => {
  const pool = await newPool(1);
  const stuck = outcome(5000, pool.execute(hanging(), 300));
  const next = outcome(6000, pool.execute(echo('next')));
  expect(show(await stuck), 'a task that never answers, with a 300 ms timeout, 5 s later').toMatch(/^rejected/);
  expect(show(await next), 'the task queued behind it (no timeout of its own to speak of)').toBe('resolved with "next"');
});

test('a task that waits in the queue past its timeout is rejected without waiting for a worker', async () => {
  const pool = await newPool(1);
  const busy = pool.execute(echo('busy', 3000));
  const busyOutcome = outcome(8000, busy);
  let busyDone = false;
  void busy.then(
    () => (busyDone = true),
    () => (busyDone = true),
  );
  const waiting = await outcome(2500, pool.execute(echo('waiting'), 200));
  const busyWasDone = busyDone;
  expect(show(waiting), 'a queued task with a 200 ms timeout, behind a 3 s task').toMatch(/^rejected/);
  expect(busyWasDone, 'the 3 s task had already finished when the queued task was rejected').toBe(false);
  expect(show(await busyOutcome), 'the 3 s task').toBe('resolved with "busy"');
});

test('terminate() rejects every task that has not finished', async () => {
  const pool = await newPool(2);
  const tasks = [hanging(), hanging(), echo('queued 1'), echo('queued 2'), echo('queued 3')].map((task) =>
    outcome(4000, pool.execute(task, 60_000)),
  );
  await new Promise((r) => setTimeout(r, 100));
  const ended = await within(3000, pool.terminate());
  expect(ended.settled ? ('error' in ended ? `threw: ${messageOf(ended.error)}` : 'finished') : 'still running after 3 s', 'terminate()').toBe('finished');
  const outcomes = await Promise.all(tasks);
  expect(outcomes.map(show).filter((d) => !d.startsWith('rejected')), 'tasks not rejected by terminate()').toEqual([]);
});

test('terminate() leaves no worker running', async () => {
  const threads = watchThreads();
  const pool = await newPool(3);
  // Some replaced workers too, so that terminate() has to reach workers started after the constructor.
  await Promise.all([throwing('crash'), exiting(0), echo(1), echo(2), echo(3)].map((task) => outcome(5000, pool.execute(task))));
  const ended = await within(3000, pool.terminate());
  expect(ended.settled ? ('error' in ended ? `threw: ${messageOf(ended.error)}` : 'finished') : 'still running after 3 s', 'terminate()').toBe('finished');
  await eventually(() => threads.workersAlive === 0, 'every worker to end after terminate()', 3000).catch(() => {});
  expect(threads.workersAlive, 'worker threads still running after terminate()').toBe(0);
});
