import { expect, onTestFinished, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import { hang, newGate, newStartLog, openGate, reply, startedTags, type Task } from './fixtures/log.ts';

const lesson = lessonUnderTest(import.meta.url);

interface SizeOptions {
  size?: number;
  maxQueue?: number;
  minSize?: number;
  maxSize?: number;
  idleTimeout?: number;
}
interface Pool {
  run(data: Task, options?: { timeout?: number }): Promise<unknown>;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: SizeOptions) => Pool };

/** How long a task that should settle gets. Tasks here take milliseconds; this is for a loaded machine. */
const SETTLE_MS = 5000;
const LONG = 20_000;

async function pool(options: SizeOptions): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), options));
}

/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: Task, options?: { timeout?: number }, ms = SETTLE_MS) => within(ms, p.run(task, options));

type Outcome = Awaited<ReturnType<typeof within>>;
const outcome = (r: Outcome) => {
  if (!r.settled) return stillPending(r);
  if ('error' in r && r.error !== undefined) {
    const e = r.error as Error;
    return `rejected: ${e?.name ?? 'non-Error'}: ${e?.message ?? String(r.error)}`;
  }
  return `resolved with ${JSON.stringify(r.value)}`;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The outcomes that are not "resolved with ...", at most 3 of them, for a failure message. */
const unresolved = (seen: string[]) => seen.filter((s) => !s.startsWith('resolved')).slice(0, 3);

/** Samples how many of the pool's workers are alive, every millisecond, and keeps the most. */
function peakAlive(threads: ThreadWatch) {
  let peak = threads.workersAlive;
  const timer = setInterval(() => (peak = Math.max(peak, threads.workersAlive)), 1);
  onTestFinished(() => clearInterval(timer));
  return () => (peak = Math.max(peak, threads.workersAlive));
}

/** A burst of `count` tasks of `ms` each, all at once; resolves with what each settled with. */
async function burst(p: Pool, count: number, ms: number, log?: Int32Array): Promise<string[]> {
  const tasks = Array.from({ length: count }, (_, i) => submit(p, reply(i, { delayMs: ms, starts: log, tag: i }), undefined, 10_000));
  return (await Promise.all(tasks)).map(outcome);
}

// ── Growing ───────────────────────────────────────────────────────────────────────────────────

test('a pool starts minSize workers, and no more while it has no work', async () => {
  const threads = watchThreads();
  await pool({ minSize: 2, maxSize: 5, idleTimeout: 200 });
  await sleep(600);
  expect(threads.workersCreated, 'workers started').toBe(2);
  expect(threads.workersAlive, 'workers alive').toBe(2);
});

test('with minSize 0, the pool starts no worker until a task comes, and then runs it', async () => {
  const threads = watchThreads();
  const p = await pool({ minSize: 0, maxSize: 2, idleTimeout: 200 });
  await sleep(200);
  expect(threads.workersCreated, 'workers started before any task').toBe(0);
  expect(outcome(await submit(p, reply('first'))), 'the first task').toBe('resolved with "first"');
});

test('under a burst, the pool grows to maxSize and never above it', async () => {
  const threads = watchThreads();
  const peak = peakAlive(threads);
  const p = await pool({ minSize: 1, maxSize: 3, idleTimeout: 5000 });
  const seen = await burst(p, 40, 40);
  expect(unresolved(seen), 'tasks of the burst that did not resolve').toEqual([]);
  expect(peak(), 'most workers alive at once (maxSize 3)').toBeLessThanOrEqual(3);
  expect(peak(), 'most workers alive at once, 40 tasks of 40 ms on minSize 1, maxSize 3').toBe(3);
}, LONG);

test('tasks still start in the order they were submitted while the pool grows', async () => {
  const log = newStartLog();
  const p = await pool({ minSize: 1, maxSize: 3, idleTimeout: 5000 });
  const seen = await burst(p, 12, 200, log);
  expect(unresolved(seen), 'tasks that did not resolve').toEqual([]);
  const order = startedTags(log);
  // The log shows when each worker got round to a task. Workers given tasks at about the same moment
  // (a new one may be slow to begin) can log them in either order: allow up to 3 places.
  const nth = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
  const late = order.flatMap((tag, at) => (Math.abs(tag - at) > 3 ? [`task ${tag} started ${nth(at + 1)}`] : []));
  expect(late.slice(0, 3), `tasks that started far from their turn (start order: ${order.join(', ')})`).toEqual([]);
}, LONG);

// ── Shrinking ─────────────────────────────────────────────────────────────────────────────────

test('after idleTimeout without work, the pool shrinks back to minSize, and not below', async () => {
  const threads = watchThreads();
  const p = await pool({ minSize: 2, maxSize: 4, idleTimeout: 200 });
  const seen = await burst(p, 24, 30);
  expect(unresolved(seen), 'tasks of the burst that did not resolve').toEqual([]);
  const grown = threads.workersAlive;
  await eventually(() => threads.workersAlive <= 2, 'the pool to shrink to minSize 2').catch(() => {});
  expect(threads.workersAlive, `workers alive after idleTimeout 200 ms (after the burst: ${grown})`).toBe(2);
  const created = threads.workersCreated;
  await sleep(700);
  expect(threads.workersAlive, 'workers alive 700 ms later').toBe(2);
  expect(threads.workersCreated - created, 'workers started while the pool sat at minSize').toBe(0);
  expect(outcome(await submit(p, reply('after'))), 'a task after the pool shrank').toBe('resolved with "after"');
}, LONG);

test('while the pool shrinks and grows again, every queued task still completes', async () => {
  const threads = watchThreads();
  const p = await pool({ minSize: 1, maxSize: 4, idleTimeout: 100 });
  // Waves of tasks with pauses around the idle timeout, so that workers retire as new tasks arrive.
  const pauses = [60, 140, 110, 90, 160, 100, 130];
  const seen: string[] = [];
  for (const pause of [...pauses, 0]) {
    seen.push(...(await burst(p, 6, 20)));
    await sleep(pause);
  }
  expect(unresolved(seen), `tasks that did not resolve (of ${seen.length})`).toEqual([]);
  expect(threads.workersCreated - threads.workersAlive, 'workers retired during the waves (the pool did shrink)').toBeGreaterThan(0);
}, LONG);

test('a trickle of tasks after a burst keeps few workers: the others still retire after idleTimeout', async () => {
  const threads = watchThreads();
  const p = await pool({ minSize: 1, maxSize: 3, idleTimeout: 300 });
  const seen = await burst(p, 18, 40);
  expect(unresolved(seen), 'tasks of the burst that did not resolve').toEqual([]);
  const grown = threads.workersAlive;
  // One quick task every 50 ms: one worker is plenty.
  const until = Date.now() + 1500;
  while (Date.now() < until) {
    await submit(p, reply('trickle'));
    await sleep(50);
  }
  expect(threads.workersAlive, `workers alive after 1.5 s of one quick task every 50 ms (after the burst: ${grown}, maxSize 3)`).toBeLessThan(3);
}, LONG);

// ── Crashes, sizes, close ─────────────────────────────────────────────────────────────────────

test('after a crash, a pool at minSize starts exactly one replacement', async () => {
  const threads = watchThreads();
  const p = await pool({ minSize: 2, maxSize: 2, idleTimeout: 200 });
  const crashed = submit(p, { do: 'throw', message: 'the worker threw on purpose' });
  const others = [submit(p, reply('b', { delayMs: 100 })), submit(p, reply('c')), submit(p, reply('d'))];
  expect(outcome(await crashed), 'the task whose worker threw').toBe('rejected: Error: the worker threw on purpose');
  expect((await Promise.all(others)).map(outcome), 'the other tasks').toEqual(['resolved with "b"', 'resolved with "c"', 'resolved with "d"']);
  await eventually(() => threads.workersAlive === 2 && threads.workersCreated === 3, '2 live workers, 1 replacement').catch(() => {});
  await sleep(300);
  expect(threads.workersAlive, 'live workers once things settled').toBe(2);
  expect(threads.workersCreated - 2, 'replacement workers started').toBe(1);
}, LONG);

test('after a crash above minSize with nothing queued, the pool starts no replacement', async () => {
  const threads = watchThreads();
  const log = newStartLog();
  const gate = newGate();
  const p = await pool({ minSize: 1, maxSize: 3, idleTimeout: 10_000 });
  const gated = [1, 2, 3].map((tag) => submit(p, reply(tag, { gate, starts: log, tag })));
  await Promise.race([eventually(() => startedTags(log).length >= 3, 'the pool to grow to 3 workers').catch(() => {}), Promise.race(gated)]);
  expect(threads.workersAlive, 'workers alive while 3 gated tasks run (maxSize 3)').toBe(3);
  const crashed = submit(p, { do: 'throw', message: 'the worker threw on purpose' });
  openGate(gate);
  await Promise.all(gated);
  expect(outcome(await crashed), 'the task whose worker threw').toBe('rejected: Error: the worker threw on purpose');
  await sleep(500);
  expect(threads.workersCreated, 'workers started in all (3 means no replacement)').toBe(3);
  expect(threads.workersAlive, 'workers alive after the crash').toBe(2);
  expect(outcome(await submit(p, reply('after'))), 'a task after the crash').toBe('resolved with "after"');
}, LONG);

test('a crash while tasks wait: they still run, and the pool never exceeds maxSize', async () => {
  const threads = watchThreads();
  const peak = peakAlive(threads);
  const p = await pool({ minSize: 1, maxSize: 2, idleTimeout: 5000 });
  const crashed = submit(p, { do: 'throw', message: 'the worker threw on purpose' });
  const seen = await burst(p, 8, 30);
  expect(outcome(await crashed), 'the task whose worker threw').toBe('rejected: Error: the worker threw on purpose');
  expect(unresolved(seen), 'tasks queued behind the crash that did not resolve').toEqual([]);
  expect(peak(), 'most workers alive at once (maxSize 2)').toBeLessThanOrEqual(2);
}, LONG);

test('sizes that make no sense are refused with a RangeError, before any worker starts', async () => {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  const threads = watchThreads();
  const cases: SizeOptions[] = [
    { minSize: 3, maxSize: 2 },
    { minSize: -1, maxSize: 2 },
    { minSize: 1, maxSize: 0 },
    { minSize: 1.5, maxSize: 3 },
    { minSize: 1, maxSize: 2, idleTimeout: 0 },
    { minSize: 1, maxSize: 2, idleTimeout: -5 },
    { size: 2, maxSize: 4 },
  ];
  for (const options of cases) {
    let error: unknown;
    try {
      disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), options));
    } catch (e) {
      error = e;
    }
    expect((error as Error)?.name, `new WorkerPool(file, ${JSON.stringify(options)}) threw`).toBe('RangeError');
  }
  expect(threads.workersCreated, 'workers started for sizes that make no sense').toBe(0);
});

test('maxQueue counts only tasks that would wait: with maxQueue 0, a pool that can still grow accepts a task per worker it may run, and refuses the next', async () => {
  const log = newStartLog();
  const gate = newGate();
  const p = await pool({ minSize: 1, maxSize: 3, maxQueue: 0, idleTimeout: 5000 });
  const accepted = [1, 2, 3].map((tag) => submit(p, reply(tag, { gate, starts: log, tag })));
  const refused = await submit(p, reply('one too many'), undefined, 1000);
  const error = refused.settled && 'error' in refused ? (refused.error as { code?: string }) : undefined;
  expect(error?.code ?? outcome(refused), 'a 4th task, while 3 are accepted on maxSize 3 (its code)').toBe('ERR_QUEUE_FULL');
  await Promise.race([eventually(() => startedTags(log).length >= 3, 'the 3 accepted tasks to start').catch(() => {}), Promise.race(accepted)]);
  openGate(gate);
  expect((await Promise.all(accepted)).map(outcome), 'the 3 accepted tasks').toEqual(['resolved with 1', 'resolved with 2', 'resolved with 3']);
}, LONG);

test('close() while the pool grows lets every task finish, then ends every worker and starts none', async () => {
  const threads = watchThreads();
  const p = await pool({ minSize: 1, maxSize: 4, idleTimeout: 5000 });
  const tasks = Array.from({ length: 12 }, (_, i) => submit(p, reply(i, { delayMs: 30 }), undefined, 10_000));
  const closed = await within(10_000, p.close());
  expect(closed.settled, 'close() settled').toBe(true);
  expect(unresolved((await Promise.all(tasks)).map(outcome)), 'tasks sent before close() that did not resolve').toEqual([]);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  const created = threads.workersCreated;
  await sleep(300);
  expect(threads.workersAlive, 'workers alive after close()').toBe(0);
  expect(threads.workersCreated - created, 'workers started after close() finished').toBe(0);
  expect(created, 'workers started in all (maxSize 4)').toBeLessThanOrEqual(4);
}, LONG);

test('a stuck task still times out on a dynamic pool, and the tasks behind it run (timeouts still hold)', async () => {
  const threads = watchThreads();
  const peak = peakAlive(threads);
  const p = await pool({ minSize: 1, maxSize: 2, idleTimeout: 5000 });
  const stuck = submit(p, hang(), { timeout: 200 });
  const seen = await burst(p, 6, 20);
  expect(unresolved(seen), 'tasks sent after the stuck one that did not resolve').toEqual([]);
  expect(outcome(await stuck), 'the stuck task').toMatch(/^rejected: TimeoutError: /);
  expect(peak(), 'most workers alive at once (maxSize 2)').toBeLessThanOrEqual(2);
}, LONG);
