// Checks for Q45: a pool whose run(data) hands a Uint8Array to a worker without copying it, and
// gets the result back the same way. The worker (fixtures/plus-one-worker.ts) adds 1 to every
// byte in place and transfers the view it received back, so a result also shows what it was sent.
import { expect, test } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';

const lesson = lessonUnderTest(import.meta.url);

interface Pool {
  run(data: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number }) => Pool };

async function newPool(size: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('plus-one-worker.ts'), { size }));
}

type Outcome = Awaited<ReturnType<typeof within<Uint8Array>>>;
/** Runs a task and says how it ended, even if run() throws instead of returning a promise. */
function attempt(pool: Pool, data: Uint8Array, ms = 5000): Promise<Outcome> {
  let task: Promise<Uint8Array>;
  try {
    task = pool.run(data); // called right now, not in a later microtask
  } catch (error) {
    task = Promise.reject(error);
  }
  return within(ms, task);
}
const valueOf = (o: Outcome): Uint8Array | undefined => (o.settled && 'value' in o ? o.value : undefined);
const show = (o: Outcome): string =>
  !o.settled
    ? stillPending(o)
    : 'error' in o && o.error !== undefined
      ? `rejected: ${(o.error as Error).message}`
      : `resolved with ${describe(o.value)}`;
function describe(v: unknown): string {
  if (!(v instanceof Uint8Array)) return String(v);
  return `a ${v.constructor.name} of ${v.length} bytes (offset ${v.byteOffset} in an ArrayBuffer of ${v.buffer.byteLength})`;
}
const bytes = (...values: number[]) => Uint8Array.from(values);
const plusOne = (data: Uint8Array) => Uint8Array.from(data, (b) => (b + 1) & 0xff);
/** Transfers `view`'s buffer away, as a first postMessage would, leaving `view` detached. */
function detach(view: Uint8Array): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(view, [view.buffer as ArrayBuffer]);
  port1.close();
  port2.close();
}

test('each task resolves with its own result: a Uint8Array with every byte plus one', async () => {
  const pool = await newPool(2);
  const inputs = Array.from({ length: 20 }, (_, i) => Uint8Array.from({ length: 1000 + i * 37 }, (_, j) => (i * 7 + j) & 0xff));
  const expected = inputs.map(plusOne);
  const outcomes = await Promise.all(inputs.map((data) => attempt(pool, data, 8000)));
  const wrong = outcomes.flatMap((o, i) => {
    const value = valueOf(o);
    return value instanceof Uint8Array && Buffer.compare(value, expected[i]!) === 0 ? [] : [`task ${i} ${show(o)}`];
  });
  expect(wrong.slice(0, 3), `tasks without their own result (${wrong.length} of 20)`).toEqual([]);
});

test("the caller's Uint8Array is detached as soon as run() returns, even while its task waits in the queue", async () => {
  const pool = await newPool(1);
  const first = new Uint8Array(1 << 20).fill(1);
  const second = new Uint8Array(1 << 20).fill(2);
  const third = new Uint8Array(1 << 20).fill(3);
  const outcomes = [first, second, third].map((data) => attempt(pool, data, 8000));
  // Checked before anything else can run: the worker cannot have answered yet, so the second and third wait in the queue.
  const lengths = [first.byteLength, second.byteLength, third.byteLength];
  expect(lengths, "byteLength of the three callers' arrays right after run() returned (0 = detached, handed over)").toEqual([0, 0, 0]);
  const results = await Promise.all(outcomes);
  expect(results.map((o) => valueOf(o)?.[0]), 'first byte of each result').toEqual([2, 3, 4]);
  expect(results.map((o) => valueOf(o)?.length), 'length of each result').toEqual([1 << 20, 1 << 20, 1 << 20]);
});

test("a small pooled Buffer is sent as just its own bytes, and the caller's Buffer and its neighbours are untouched", async () => {
  const pool = await newPool(1);
  const secret = Buffer.from('a neighbour in the same pool: PIN 4711');
  const small = Buffer.from('abc');
  // Node allocates small Buffers out of one shared ArrayBuffer (Buffer.poolSize bytes).
  expect(small.buffer.byteLength, 'size of the ArrayBuffer behind Buffer.from("abc")').toBeGreaterThan(small.length);
  const outcome = await attempt(pool, small);
  const result = valueOf(outcome);
  expect(show(outcome), 'the task').toBe('resolved with a Uint8Array of 3 bytes (offset 0 in an ArrayBuffer of 3)');
  expect(Buffer.from(result!).toString(), 'the result').toBe('bcd');
  expect(small.toString(), "the caller's Buffer afterwards").toBe('abc');
  expect(secret.toString(), 'the neighbouring Buffer afterwards').toBe('a neighbour in the same pool: PIN 4711');
});

test('a view into part of a larger buffer sends only that part, and the rest of the buffer stays usable', async () => {
  const pool = await newPool(1);
  const whole = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  const part = whole.subarray(100, 200);
  const outcome = await attempt(pool, part);
  expect(show(outcome), 'the task for bytes 100-199 of a 1000-byte buffer').toBe('resolved with a Uint8Array of 100 bytes (offset 0 in an ArrayBuffer of 100)');
  expect(valueOf(outcome)?.[0], 'first byte of the result (byte 100 was 100)').toBe(101);
  expect(whole.byteLength, 'byteLength of the whole buffer afterwards').toBe(1000);
  expect([whole[0], whole[100], whole[999]], 'bytes 0, 100 and 999 of the whole buffer afterwards').toEqual([0, 100, 999 & 0xff]);
});

test('a Uint8Array that was already transferred is rejected at once with an error that says it is detached, and the pool carries on', async () => {
  const pool = await newPool(1);
  const gone = bytes(1, 2, 3);
  detach(gone);
  const outcome = await attempt(pool, gone, 2000);
  expect(show(outcome), 'the task for a detached Uint8Array').toMatch(/^rejected: .*detached/i);
  const next = await attempt(pool, bytes(7, 8, 9));
  expect(show(next), 'the task after it').toBe('resolved with a Uint8Array of 3 bytes (offset 0 in an ArrayBuffer of 3)');
  expect([...valueOf(next)!], 'its bytes').toEqual([8, 9, 10]);
});

test('an empty Uint8Array is a valid task, not mistaken for a detached one', async () => {
  const pool = await newPool(1);
  const outcome = await attempt(pool, new Uint8Array(0));
  expect(show(outcome), 'the task for new Uint8Array(0)').toBe('resolved with a Uint8Array of 0 bytes (offset 0 in an ArrayBuffer of 0)');
});

test('close() rejects the tasks still waiting and ends every worker the pool started', async () => {
  const threads = watchThreads();
  const pool = await newPool(2);
  const done = await within(5000, Promise.all([pool.run(bytes(1)), pool.run(bytes(2))]));
  expect(done.settled, 'two tasks settled within 5 s').toBe(true);
  const waiting = Array.from({ length: 6 }, () => attempt(pool, new Uint8Array(1 << 16), 5000));
  const closed = await within(3000, pool.close());
  expect(closed.settled, 'close() settled within 3 s').toBe(true);
  const outcomes = (await Promise.all(waiting)).map(show);
  expect(outcomes.filter((o) => o.startsWith('still pending')), 'tasks still pending after close()').toEqual([]);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
  expect(threads.workersCreated, 'workers started by a pool of 2').toBe(2);
});
