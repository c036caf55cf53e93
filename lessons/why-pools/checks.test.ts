import { expect, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';

const lesson = lessonUnderTest(import.meta.url);

interface Pool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number }) => Pool };

async function pool(worker: string, size: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture(worker), { size }));
}

const outcome = (r: Awaited<ReturnType<typeof within>>) =>
  !r.settled ? stillPending(r) : 'error' in r && r.error !== undefined ? `rejected: ${(r.error as Error).message}` : `resolved with ${JSON.stringify(r.value)}`;

test('100 tasks on 4 workers all resolve, each with its own result', async () => {
  const p = await pool('square-worker.ts', 4);
  // Varying delays make tasks on different workers finish out of order.
  const tasks = Array.from({ length: 100 }, (_, value) => p.run({ value, delayMs: (value * 7) % 13 }));
  const all = await within(8000, Promise.all(tasks));
  expect(all.settled, 'all 100 tasks settled within 8 s').toBe(true);
  if (all.settled && 'error' in all && all.error) throw all.error;
  expect(all.settled && (all as { value: unknown[] }).value).toEqual(Array.from({ length: 100 }, (_, v) => v * v));
});

test('a pool of 4 starts its 4 workers once and never a 5th', async () => {
  const threads = watchThreads();
  const p = await pool('square-worker.ts', 4);
  await within(8000, Promise.all(Array.from({ length: 40 }, (_, value) => p.run({ value }))));
  await within(8000, Promise.all(Array.from({ length: 40 }, (_, value) => p.run({ value, delayMs: 1 }))));
  expect(threads.workersCreated, 'worker threads started for 80 tasks').toBe(4);
});

test('tasks start in the order they were submitted', async () => {
  const counter = new SharedArrayBuffer(4);
  const p = await pool('ticket-worker.ts', 1);
  const settled = await within(
    8000,
    Promise.all(Array.from({ length: 30 }, (_, index) => p.run({ index, counter }) as Promise<{ index: number; ticket: number }>)),
  );
  expect(settled.settled, 'all 30 tasks settled within 8 s').toBe(true);
  const results = (settled as { value?: Array<{ index: number; ticket: number }> }).value ?? [];
  const startOrder = [...results].sort((a, b) => a.ticket - b.ticket).map((r) => r.index);
  expect(startOrder, 'task indexes in the order the worker started them').toEqual(Array.from({ length: 30 }, (_, i) => i));
});

test('a worker that posts messages the pool did not ask for cannot misroute results', async () => {
  const p = await pool('chatty-worker.ts', 2);
  const tasks = Array.from({ length: 20 }, (_, value) => within(5000, p.run({ value })));
  const outcomes = (await Promise.all(tasks)).map(outcome);
  const wrong = outcomes.flatMap((got, v) => (got === `resolved with ${v * 2}` ? [] : [`task ${v} ${got}, not with ${v * 2}`]));
  expect(wrong.slice(0, 3), `tasks that got a wrong answer (${wrong.length} of 20)`).toEqual([]);
});

test('a task that fails rejects with the message the worker sent, and the pool carries on', async () => {
  const p = await pool('failing-worker.ts', 2);
  const failed = await within(5000, p.run({ value: -4 }));
  expect(outcome(failed), 'the failing task').toBe('rejected: cannot take the square root of -4');
  const next = await within(5000, p.run({ value: 16 }));
  expect(outcome(next), 'the task after it').toBe('resolved with 4');
});

test('a pool size that is not a whole number of at least 1 is refused with a clear error', async () => {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  const threads = watchThreads();
  for (const size of [0, -1, 1.5, Number.NaN]) {
    let error: unknown;
    try {
      disposeAfter(new WorkerPool(lesson.fixture('square-worker.ts'), { size }));
    } catch (e) {
      error = e;
    }
    expect(error, `new WorkerPool(file, { size: ${size} })`).toBeInstanceOf(Error);
    expect((error as Error).message, `the error for size ${size}`).toMatch(/size/i);
  }
  expect(threads.workersCreated, 'workers started for invalid sizes').toBe(0);
});

test('close() ends every worker the pool started', async () => {
  const threads = watchThreads();
  const p = await pool('square-worker.ts', 3);
  await within(5000, Promise.all(Array.from({ length: 6 }, (_, value) => p.run({ value }))));
  const closed = await within(3000, p.close());
  expect(closed.settled, 'close() settled within 3 s').toBe(true);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
});
