// Checks for "Transferables in the pool": run(data, { transferList }) moves the listed ArrayBuffers
// to a worker without copying, takes them from the caller the moment run() is called, refuses what
// cannot be moved with a clear error, and keeps the crash recovery and close() of earlier lessons.
// The worker (fixtures/xor-worker.ts) XORs every byte with 0xFF in place and transfers the same view
// back, so a result shows exactly the memory the worker was given.
import { expect, test } from 'vitest';
import { MessageChannel, type TransferListItem } from 'node:worker_threads';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';
import type { XorTask } from './fixtures/xor-worker.ts';

const lesson = lessonUnderTest(import.meta.url);

interface Pool {
  run(data: XorTask, options?: { transferList?: readonly TransferListItem[] }): Promise<unknown>;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number; maxQueue?: number }) => Pool };

/** A task that should settle gets this long; tasks here take milliseconds. For a loaded machine. */
const SETTLE_MS = 4000;
/** For "at once": a refusal needs no worker, so it has no reason to take more than an instant. */
const AT_ONCE_MS = 2000;

async function newPool(size: number, maxQueue?: number): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('xor-worker.ts'), maxQueue === undefined ? { size } : { size, maxQueue }));
}

type Outcome = Awaited<ReturnType<typeof within<unknown>>>;
/** Submits a task with its buffer in the transferList, and at once starts waiting for it. */
function transfer(pool: Pool, bytes: Uint8Array, ms = SETTLE_MS): Promise<Outcome> {
  return attempt(() => pool.run(bytes, { transferList: [bytes.buffer as ArrayBuffer] }), ms);
}
/** Calls run() right now (not in a later microtask), and says how the task ended, even if run() throws. */
function attempt(call: () => Promise<unknown>, ms = SETTLE_MS): Promise<Outcome> {
  let task: Promise<unknown>;
  try {
    task = call();
  } catch (error) {
    task = Promise.reject(error);
  }
  return within(ms, task);
}
const valueOf = (o: Outcome): unknown => (o.settled && 'value' in o ? o.value : undefined);
const show = (o: Outcome): string =>
  !o.settled
    ? stillPending(o)
    : 'error' in o && o.error !== undefined
      ? `rejected: ${(o.error as Error)?.message ?? String(o.error)}`
      : `resolved with ${describe(o.value)}`;
function describe(v: unknown): string {
  if (!(v instanceof Uint8Array)) return String(v);
  return `a ${v.constructor.name} of ${v.length} bytes at offset ${v.byteOffset} of a ${v.buffer.constructor.name} of ${v.buffer.byteLength}`;
}
const xor = (bytes: Uint8Array) => Uint8Array.from(bytes, (b) => b ^ 0xff);
const sameBytes = (a: unknown, b: Uint8Array) => a instanceof Uint8Array && Buffer.compare(a, b) === 0;
/** Transfers `view`'s buffer away, as an earlier postMessage would, leaving `view` detached. */
function detach(view: Uint8Array): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(view, [view.buffer as ArrayBuffer]);
  port1.close();
  port2.close();
}
/** A task whose answer tells whether the pool still serves: 3 bytes in, their XOR out. */
async function stillServes(pool: Pool): Promise<string> {
  const outcome = await transfer(pool, Uint8Array.of(1, 2, 3));
  return sameBytes(valueOf(outcome), Uint8Array.of(254, 253, 252)) ? 'serves' : show(outcome);
}

// ── Transfers that work ───────────────────────────────────────────────────────────────────────

test('50 concurrent transfers each get their own bytes back, every byte XORed with 0xFF', async () => {
  const pool = await newPool(2);
  const inputs = Array.from({ length: 50 }, (_, i) => Uint8Array.from({ length: 1000 + i * 97 }, (_, j) => (i * 31 + j * 7) & 0xff));
  const expected = inputs.map(xor);
  const outcomes = await Promise.all(inputs.map((bytes) => transfer(pool, bytes, 10_000)));
  const wrong = outcomes.flatMap((o, i) => (sameBytes(valueOf(o), expected[i]!) ? [] : [`task ${i} ${show(o)}`]));
  expect(wrong.slice(0, 3), `tasks without their own result (${wrong.length} of 50)`).toEqual([]);
});

test("the caller's buffer is detached as soon as run() returns, even while its task waits in the queue", async () => {
  const pool = await newPool(1);
  const tasks = [1, 2, 3].map((fill) => new Uint8Array(1 << 20).fill(fill));
  const outcomes = tasks.map((bytes) => transfer(pool, bytes));
  // Read before anything else can run: the one worker cannot have answered, so tasks 2 and 3 are queued.
  const lengths = tasks.map((bytes) => bytes.byteLength);
  expect(lengths, "byteLength of the three callers' arrays right after run() returned (0 = taken by the pool)").toEqual([0, 0, 0]);
  const results = await Promise.all(outcomes);
  expect(results.map(show), 'the three tasks').toEqual(Array(3).fill(`resolved with a Uint8Array of ${1 << 20} bytes at offset 0 of a ArrayBuffer of ${1 << 20}`));
  expect(results.map((o) => (valueOf(o) as Uint8Array)[0]), 'first byte of each result').toEqual([0xfe, 0xfd, 0xfc]);
});

test('writing to an array after run() cannot change what its queued task sends', async () => {
  const pool = await newPool(1);
  const busy = transfer(pool, new Uint8Array(1 << 22)); // keeps the one worker busy for a moment
  const queued = Uint8Array.of(1, 2, 3, 4);
  const outcome = transfer(pool, queued);
  // What a caller reusing its buffer does: write the next chunk into it. On an array the pool has
  // taken, index writes are silently ignored and fill() throws.
  queued[0] = 0x42;
  queued[3] = 0x42;
  try {
    queued.fill(0x42);
  } catch {}
  expect(show(await busy), 'the task ahead of it').toMatch(/^resolved/);
  const result = valueOf(await outcome);
  expect(result instanceof Uint8Array ? [...result] : show(await outcome), 'the queued task (sent 1, 2, 3, 4)').toEqual([254, 253, 252, 251]);
});

test('the result arrives intact and owned by the main thread: its own ArrayBuffer, not shared, transferable again', async () => {
  const pool = await newPool(1);
  const original = Uint8Array.from({ length: 1024 }, (_, i) => (i * 13) & 0xff);
  const first = await transfer(pool, original.slice());
  const result = valueOf(first);
  expect(show(first), 'the task').toBe('resolved with a Uint8Array of 1024 bytes at offset 0 of a ArrayBuffer of 1024');
  expect(sameBytes(result, xor(original)), 'the result holds every byte XORed').toBe(true);
  // Owned: it can be handed on without a copy, and XORing twice gives the original back.
  const again = await transfer(pool, result as Uint8Array);
  expect((result as Uint8Array).byteLength, 'byteLength of the first result after handing it on with its buffer in the transferList').toBe(0);
  expect(sameBytes(valueOf(again), original), `the second round trip gives the original back (${show(again)})`).toBe(true);
});

// ── What cannot be moved is refused, at once, and clearly ───────────────────────────────────

/** Three Buffers from the same slab of Node's Buffer pool: a target between two neighbours. */
function pooledBetweenNeighbours(make: () => Buffer): { left: Buffer; target: Buffer; right: Buffer } {
  for (let tries = 0; tries < 5; tries++) {
    const left = Buffer.from('left neighbour: PIN 4711');
    const target = make();
    const right = Buffer.from('right neighbour: PIN 0815');
    if (left.buffer === target.buffer && right.buffer === target.buffer) return { left, target, right };
  }
  throw new Error('Could not get three small Buffers out of one slab of the Buffer pool');
}

test.each([
  ["Buffer.from('abc')", () => Buffer.from('abc')],
  ['Buffer.allocUnsafe(100)', () => Buffer.allocUnsafe(100).fill('x')],
])(
  'a small pooled Buffer (%s) in the transferList is refused at once with an error that says why; it, its neighbours and the pool are unharmed',
  async (_, make) => {
    const pool = await newPool(1);
    const { left, target, right } = pooledBetweenNeighbours(make);
    const before = Buffer.from(target); // a copy of its bytes
    expect(target.buffer.byteLength, "size of the ArrayBuffer behind it (Node's shared pool)").toBeGreaterThan(target.length);
    const outcome = await transfer(pool, target, AT_ONCE_MS);
    expect(show(outcome), 'the task').toMatch(/^rejected: .*(transferable|pool|shared)/i);
    expect([target.length, target.equals(before)], "the caller's Buffer afterwards: [length, same bytes]").toEqual([before.length, true]);
    expect([left.toString(), right.toString()], 'its neighbours in the same slab afterwards').toEqual(['left neighbour: PIN 4711', 'right neighbour: PIN 0815']);
    expect(await stillServes(pool), 'the next task on this pool of 1').toBe('serves');
  },
);

test.each([
  ['while a worker is free', false],
  ['while its task would wait in the queue', true],
])('an already-detached buffer is rejected at once with an error that says it is detached, %s, and no worker is lost', async (_, busy) => {
  const pool = await newPool(1);
  const ahead = busy ? transfer(pool, new Uint8Array(1 << 22)) : undefined;
  const gone = Uint8Array.of(1, 2, 3);
  detach(gone);
  const outcome = await transfer(pool, gone, AT_ONCE_MS);
  expect(show(outcome), 'the task for a detached Uint8Array').toMatch(/^rejected: .*detached/i);
  if (ahead) expect(show(await ahead), 'the task that was running ahead of it').toMatch(/^resolved/);
  expect(await stillServes(pool), 'the next task on this pool of 1').toBe('serves');
});

test('a task refused because the queue is full leaves the caller its buffer', async () => {
  const pool = await newPool(1, 1);
  const running = transfer(pool, new Uint8Array(1 << 22));
  const queued = transfer(pool, Uint8Array.of(1));
  const refused = Uint8Array.of(7, 8, 9);
  const outcome = await transfer(pool, refused, AT_ONCE_MS);
  expect(show(outcome), 'the third task on a pool of 1 with maxQueue 1').toMatch(/^rejected: /);
  expect([...refused], "the refused caller's array afterwards").toEqual([7, 8, 9]);
  expect([show(await running), show(await queued)].map((s) => s.split(' ')[0]), 'the running and the queued task').toEqual(['resolved', 'resolved']);
});

// ── Crash recovery still holds ────────────────────────────────────────────────────────────────

test.each([
  ['throws', 'throw' as const],
  ['calls process.exit(3)', 'exit' as const],
])('a worker that %s mid-task rejects exactly that task, its buffer gone with it; one replacement, and the pool keeps serving', async (_, crash) => {
  const threads = watchThreads();
  const pool = await newPool(2);
  const bytes = new Uint8Array(1 << 16).fill(9);
  const crashed = attempt(() => pool.run({ crash, bytes }, { transferList: [bytes.buffer] }));
  const others = Array.from({ length: 6 }, (_, i) => Uint8Array.from({ length: 100 }, (_, j) => i + j));
  const expected = others.map(xor);
  const outcomes = others.map((b) => transfer(pool, b));
  expect(show(await crashed), 'the task whose worker died').toMatch(/^rejected: /);
  expect(bytes.byteLength, "byteLength of the crashed task's array: it went to the worker, and died with it").toBe(0);
  const wrong = (await Promise.all(outcomes)).flatMap((o, i) => (sameBytes(valueOf(o), expected[i]!) ? [] : [`task ${i} ${show(o)}`]));
  expect(wrong, 'the other tasks that did not get their own result').toEqual([]);
  await eventually(() => threads.workersAlive === 2 && threads.workersCreated === 3, '2 live workers, 1 replacement').catch(() => {});
  await new Promise((r) => setTimeout(r, 300)); // a replacement started late shows up here
  expect([threads.workersAlive, threads.workersCreated - 2], '[live workers, replacements started] after one crash on a pool of 2').toEqual([2, 1]);
});

// ── close() ───────────────────────────────────────────────────────────────────────────────────

test('close() finishes every queued and running task, then leaves no worker running', async () => {
  const threads = watchThreads();
  const pool = await newPool(2);
  const inputs = Array.from({ length: 6 }, (_, i) => new Uint8Array(1 << 16).fill(i));
  const outcomes = inputs.map((bytes) => attempt(() => pool.run({ bytes, delayMs: 50 }, { transferList: [bytes.buffer] })));
  const closed = await within(SETTLE_MS, pool.close());
  expect(closed.settled, 'close() settled').toBe(true);
  const firstBytes = (await Promise.all(outcomes)).map((o) => (valueOf(o) instanceof Uint8Array ? (valueOf(o) as Uint8Array)[0] : show(o)));
  expect(firstBytes, 'first byte of each task queued or running when close() was called').toEqual([0, 1, 2, 3, 4, 5].map((i) => i ^ 0xff));
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close() settled').toBe(0);
});

test("run() after close() is refused at once, and leaves the caller's buffer as it was", async () => {
  const pool = await newPool(1);
  const closed = within(SETTLE_MS, pool.close());
  const late = Uint8Array.of(5, 6, 7);
  const outcome = await transfer(pool, late, AT_ONCE_MS);
  expect(show(outcome), 'a task submitted after close()').toMatch(/^rejected: /);
  expect([...late], "the caller's array afterwards").toEqual([5, 6, 7]);
  expect((await closed).settled, 'close() settled').toBe(true);
});
