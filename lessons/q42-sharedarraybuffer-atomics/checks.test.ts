// Checks for Q42: a shared counter, a count-down latch and a counting semaphore on a
// SharedArrayBuffer. The contended parts run in real worker threads (fixtures/sync-worker.ts) that
// use the sync.ts under test; they also watch Atomics.wait itself, to see who sleeps and who is woken.
import { expect, onTestFinished, test } from 'vitest';
import { eventually, lessonUnderTest, within } from '../../tool/harness/index.ts';
import { failures, startWorker, type Started } from './fixtures/start-worker.ts';
import { ADMITTED, HOLDING, MOST, WAITING, WOKEN, WRONG, newStats, type Job, type SyncModule } from './fixtures/sync-types.ts';

const lesson = lessonUnderTest(import.meta.url);
const load = () => lesson.load<SyncModule>('sync.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts `n` workers on the sync.ts under test; the harness stops any still running after the check. */
function workers(n: number, job: (i: number) => Job): Started[] {
  const started = Array.from({ length: n }, (_, i) => startWorker(lesson.file('sync.ts'), job(i)));
  onTestFinished(() => Promise.all(started.map((s) => s.worker.terminate())).then(() => undefined));
  return started;
}

/** Waits until every worker has posted `count` messages (or one of them died). */
async function received(started: Started[], count: number, what: string, ms = 8000): Promise<void> {
  await eventually(() => started.every((s) => s.received.length >= count || s.error), what, ms);
  expect(failures(started), 'error a worker died of').toBe('none');
}

test('increment() returns the new value, and value reads the current count', async () => {
  const { SharedCounter } = await load();
  const counter = new SharedCounter();
  expect(counter.value, 'value of a new counter').toBe(0);
  expect([counter.increment(), counter.increment(), counter.increment()], 'what three increments returned').toEqual([1, 2, 3]);
  expect(counter.value, 'value after three increments').toBe(3);
  const again = new SharedCounter(counter.buffer);
  expect(again.value, 'value of a second counter built on the same buffer').toBe(3);
});

test('4 workers each incrementing 1,000,000 times at the same moment leave the counter at exactly 4,000,000, round after round', async () => {
  const { SharedCounter } = await load();
  const totals: number[] = [];
  // At least 3 rounds, and more while time allows: lost updates need the loops to overlap, and on
  // a busy machine a round can run its threads one after another.
  const started = Date.now();
  while (totals.length < 3 || (totals.length < 8 && Date.now() - started < 2500)) {
    const counter = new SharedCounter();
    const start = new Int32Array(new SharedArrayBuffer(4));
    const running = workers(4, () => ({ op: 'count', counter: counter.buffer, increments: 1_000_000, start, workers: 4 }));
    await received(running, 1, 'all 4 workers to finish counting');
    totals.push(counter.value);
  }
  const wrong = totals.filter((t) => t !== 4_000_000);
  expect(wrong, `totals that were not 4,000,000, in ${totals.length} rounds of 4 x 1,000,000 increments`).toEqual([]);
});

test('a latch keeps every waiter blocked until the count reaches zero, then releases all of them', async () => {
  const { Latch } = await load();
  const latch = new Latch(3);
  const stats = newStats();
  const started = workers(4, () => ({ op: 'latch-wait', latch: latch.buffer, stats }));
  await received(started, 1, 'all 4 waiters to start');
  await eventually(() => Atomics.load(stats, WAITING) === 4, `all 4 waiters asleep in Atomics.wait (${Atomics.load(stats, WAITING)} were)`, 5000).catch(() => {});
  latch.countDown();
  await sleep(100);
  latch.countDown();
  await sleep(300);
  expect(latch.count, 'count after 2 of 3 countDown() calls').toBe(1);
  expect(Atomics.load(stats, ADMITTED), 'waiters released while the count was still 1').toBe(0);
  latch.countDown();
  await eventually(() => Atomics.load(stats, ADMITTED) === 4, 'all 4 waiters to be released', 5000).catch(() => {});
  expect(Atomics.load(stats, ADMITTED), 'waiters released once the count reached 0').toBe(4);
  expect(Atomics.load(stats, WRONG), 'waiters whose wait() returned true while the count was above 0').toBe(0);
  expect(latch.count, 'count after 3 countDown() calls').toBe(0);
});

test('a latch already at zero does not block, and wait(timeout) on a latch above zero gives up with false', async () => {
  const { Latch } = await load();
  const open = new Latch(1);
  open.countDown();
  open.countDown(); // one too many: the count stays at 0
  expect(open.count, 'count after 2 countDown() calls on a latch of 1').toBe(0);
  expect(open.wait(), 'wait() on a latch at 0').toBe(true);
  const closed = new Latch(2);
  const result = await within(2000, Promise.resolve().then(() => closed.wait(50)));
  expect(result.settled && 'value' in result ? result.value : result, 'wait(50) on a latch of 2 nobody counts down').toBe(false);
});

test('a semaphore of 2 never lets more than 2 threads hold it at once', async () => {
  const { Semaphore } = await load();
  const semaphore = new Semaphore(2);
  const stats = newStats();
  const started = workers(6, () => ({ op: 'semaphore-hold', semaphore: semaphore.buffer, stats, rounds: 15, holdMs: 2 }));
  await received(started, 1, 'all 6 workers to finish their 15 rounds', 9000);
  expect(Atomics.load(stats, MOST), 'most threads holding the semaphore at the same moment').toBeLessThanOrEqual(2);
  expect(Atomics.load(stats, MOST), 'most threads holding the semaphore at the same moment (2 may, so 2 should)').toBe(2);
  expect(Atomics.load(stats, ADMITTED), 'successful acquire() calls').toBe(6 * 15);
  expect(Atomics.load(stats, HOLDING), 'threads still holding a permit at the end').toBe(0);
  expect(semaphore.available, 'permits free at the end').toBe(2);
});

test('release(n) wakes exactly n waiting threads, and returns how many it woke', async () => {
  const { Semaphore } = await load();
  const semaphore = new Semaphore(0);
  const stats = newStats();
  const started = workers(4, () => ({ op: 'semaphore-acquire-once', semaphore: semaphore.buffer, stats }));
  await received(started, 1, 'all 4 workers to start');
  await eventually(() => Atomics.load(stats, WAITING) === 4, `all 4 workers asleep in Atomics.wait (${Atomics.load(stats, WAITING)} were)`, 5000);

  const first = semaphore.release(1);
  await eventually(() => Atomics.load(stats, ADMITTED) >= 1, 'one worker to get the permit', 5000).catch(() => {});
  await sleep(200); // time for a thread that was woken for nothing to show up
  expect(first, 'what release(1) returned with 4 threads waiting').toBe(1);
  expect(Atomics.load(stats, WOKEN), 'threads woken from Atomics.wait by release(1)').toBe(1);
  expect(Atomics.load(stats, ADMITTED), 'threads that got a permit after release(1)').toBe(1);

  const second = semaphore.release(2);
  await eventually(() => Atomics.load(stats, ADMITTED) >= 3, 'two more workers to get a permit', 5000).catch(() => {});
  await sleep(200);
  expect(second, 'what release(2) returned with 3 threads waiting').toBe(2);
  expect(Atomics.load(stats, WOKEN), 'threads woken from Atomics.wait after release(1) and release(2)').toBe(3);

  const third = semaphore.release(5);
  await eventually(() => Atomics.load(stats, ADMITTED) >= 4, 'the last worker to get a permit', 5000).catch(() => {});
  expect(third, 'what release(5) returned with 1 thread waiting').toBe(1);
  expect(Atomics.load(stats, ADMITTED), 'threads that got a permit in all').toBe(4);
  expect(semaphore.available, 'permits left after releasing 8 and taking 4').toBe(4);
});
