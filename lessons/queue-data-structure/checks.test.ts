import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, test } from 'vitest';
import { lessonUnderTest } from '../../tool/harness/index.ts';

const lesson = lessonUnderTest(import.meta.url);

interface FifoQueue<T> extends Iterable<T> {
  push(item: T): unknown;
  shift(): T | undefined;
  peek(): T | undefined;
  readonly length: number;
}
type QueueModule = { Queue: new <T>() => FifoQueue<T> };

const load = async () => (await lesson.load<QueueModule>('queue.ts')).Queue;

/** A small deterministic random number generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Garbage collection on demand, without starting Node with --expose-gc. */
function collector(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

// ── What a queue must do ──────────────────────────────────────────────────────────────────────

test('shift() returns items in the order they were pushed, through 20,000 mixed pushes and shifts', async () => {
  const Queue = await load();
  // Bursts of pushes and runs of shifts, so that the queue grows, empties, refills and wraps around.
  const next = random(43);
  const queue = new Queue<unknown>();
  const model: unknown[] = [];
  // Falsy values are items too: a queue that tests `if (item)` loses them.
  const values = (n: number): unknown => [0, '', false, null, n, `item ${n}`, { n }][n % 7];
  let pushed = 0;
  const log: string[] = [];
  for (let op = 0; op < 20_000; op++) {
    const phase = Math.floor(op / 2000) % 2 === 0 ? 0.7 : 0.3; // growing, then mostly draining
    if (next() < phase) {
      const value = values(pushed++);
      queue.push(value);
      model.push(value);
      log.push(`push(${JSON.stringify(value)})`);
    } else {
      const expected = model.shift();
      const got = queue.shift();
      log.push(`shift() -> ${JSON.stringify(got)}`);
      if (!Object.is(got, expected) && JSON.stringify(got) !== JSON.stringify(expected)) {
        expect.fail(
          `operation ${op + 1}: shift() returned ${JSON.stringify(got)}, but the oldest item was ${JSON.stringify(expected)} ` +
            `(${model.length + 1} items were waiting). The last operations: ${log.slice(-6).join(', ')}`,
        );
      }
    }
  }
  while (model.length > 0) expect(queue.shift(), 'draining what was left, in order').toEqual(model.shift());
  expect(queue.shift(), 'shift() once everything was taken').toBeUndefined();
});

test('length counts the items waiting, as the queue grows, wraps around and shrinks', async () => {
  const Queue = await load();
  const queue = new Queue<number>();
  expect(queue.length, 'length of a new queue').toBe(0);
  const next = random(7);
  let expected = 0;
  for (let op = 0; op < 20_000; op++) {
    const growing = Math.floor(op / 3000) % 2 === 0;
    if (next() < (growing ? 0.75 : 0.25)) {
      queue.push(op);
      expected++;
    } else {
      queue.shift();
      expected = Math.max(0, expected - 1);
    }
    if (queue.length !== expected) expect.fail(`after operation ${op + 1}, length was ${queue.length} with ${expected} items waiting`);
  }
});

test('shift() and peek() on an empty queue give undefined, and the queue works normally afterwards', async () => {
  const Queue = await load();
  const queue = new Queue<string>();
  expect(queue.shift(), 'shift() on a new queue').toBeUndefined();
  expect(queue.peek(), 'peek() on a new queue').toBeUndefined();
  expect(queue.length, 'length after shifting an empty queue').toBe(0);
  queue.push('a');
  expect(queue.shift(), 'shift() after one push').toBe('a');
  expect(queue.shift(), 'shift() once it is empty again').toBeUndefined();
  expect(queue.shift(), 'and again').toBeUndefined();
  expect(queue.length, 'length after shifting an empty queue twice').toBe(0);
  queue.push('b');
  queue.push('c');
  expect([queue.shift(), queue.shift(), queue.shift()], 'three shifts after pushing b and c').toEqual(['b', 'c', undefined]);
});

test('peek() shows the item shift() would return, without removing it', async () => {
  const Queue = await load();
  const queue = new Queue<number>();
  for (let i = 0; i < 100; i++) queue.push(i);
  for (let i = 0; i < 60; i++) queue.shift();
  for (let i = 100; i < 150; i++) queue.push(i);
  expect(queue.peek(), 'peek()').toBe(60);
  expect(queue.peek(), 'peek() again').toBe(60);
  expect(queue.length, 'length after two peeks').toBe(90);
  expect(queue.shift(), 'shift() after peek()').toBe(60);
  expect(queue.peek(), 'peek() after that shift').toBe(61);
});

test('iterating a queue gives the waiting items front to back, and removes nothing', async () => {
  const Queue = await load();
  const queue = new Queue<number>();
  for (let i = 0; i < 40; i++) queue.push(i);
  for (let i = 0; i < 30; i++) queue.shift();
  for (let i = 40; i < 75; i++) queue.push(i); // 45 waiting, across any wrap-around
  const expected = Array.from({ length: 45 }, (_, i) => 30 + i);
  expect([...queue], 'the items a for...of loop sees').toEqual(expected);
  expect(queue.length, 'length after iterating').toBe(45);
  expect([...queue], 'iterating a second time').toEqual(expected);
  expect([...new Queue<number>()], 'iterating an empty queue').toEqual([]);
});

test('two queues do not share their items', async () => {
  const Queue = await load();
  const a = new Queue<string>();
  const b = new Queue<string>();
  a.push('a1');
  b.push('b1');
  a.push('a2');
  expect([a.length, b.length], 'lengths of the two queues').toEqual([2, 1]);
  expect([a.shift(), b.shift(), a.shift(), b.shift()], 'what each queue hands out').toEqual(['a1', 'b1', 'a2', undefined]);
});

// ── What makes it a queue you can put 100,000 tasks in ────────────────────────────────────────

/** The CPU time this process has used, in ms: unlike the clock, it does not count time spent waiting for a busy machine. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

test('push and shift take constant time: with 200,000 items queued they cost at most 8 times as much per item as with 2,000', async () => {
  const Queue = await load();
  const K = 8;
  const SMALL = 2_000;
  const LARGE = 200_000;
  const items = Array.from({ length: LARGE }, (_, i) => ({ task: i }));
  /** Pushes n items into a new queue, then shifts them all. False if it used more CPU than `until`. */
  const pushThenShift = (n: number, until = Infinity): { done: boolean; shifted: number } => {
    const queue = new Queue<{ task: number }>();
    for (let i = 0; i < n; i++) queue.push(items[i]!);
    for (let i = 0; i < n; i++) {
      queue.shift();
      if ((i & 1023) === 1023 && cpuMs() > until) return { done: false, shifted: i + 1 };
    }
    return { done: true, shifted: n };
  };

  // The cost per item with 2,000 waiting: the median of 7 samples of 100 rounds each.
  for (let i = 0; i < 20; i++) pushThenShift(SMALL);
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const start = cpuMs();
    for (let r = 0; r < 100; r++) pushThenShift(SMALL);
    samples.push((cpuMs() - start) / (100 * SMALL));
  }
  const small = median(samples);

  // With 200,000 waiting: the best of 3 rounds, after 2 to warm up (growing a queue that large runs
  // code that 2,000 items never reach, and it is compiled on first use). A round is stopped once it
  // has used more CPU time than it is allowed, so a slow queue fails fast.
  const budget = K * small * LARGE;
  let best = Infinity;
  let stopped: string | undefined;
  for (let round = 0; round < 5; round++) {
    const warmUp = round < 2;
    const allowed = warmUp ? 4 * budget : budget;
    const start = cpuMs();
    const run = pushThenShift(LARGE, start + allowed);
    const used = cpuMs() - start;
    if (run.done) {
      if (!warmUp) best = Math.min(best, used / LARGE);
      continue;
    }
    stopped = `pushing 200,000 items and shifting the first ${run.shifted.toLocaleString('en')} of them used ${used.toFixed(0)} ms of CPU time, more than the ${allowed.toFixed(0)} ms allowed for all 200,000 (${warmUp ? 4 * K : K} times the cost per item with 2,000 queued${warmUp ? ', in a round to warm up' : ''}), so it was stopped there`;
    if (warmUp) break;
  }
  const at = (ms: number) => `${(ms * 1e6).toFixed(0)} ns`;
  if (best === Infinity) expect.fail(`${stopped}. Per item with 2,000 queued: ${at(small)}.`);
  expect(best / small, `cost per item with 200,000 queued (${at(best)}) against 2,000 queued (${at(small)}), as a ratio`).toBeLessThanOrEqual(K);
});

test('a shifted item is not kept alive by the queue', async () => {
  const Queue = await load();
  const gc = collector();
  if (!gc) return expect.fail('this check needs garbage collection on demand (v8.setFlagsFromString("--expose-gc")), which this Node refused');
  const queue = new Queue<object>();
  const refs: Array<WeakRef<object>> = [];
  // Created in a function of their own, so that no local variable holds on to them.
  (() => {
    for (let i = 0; i < 100; i++) {
      const item = { task: i, payload: new Array(100).fill(i) };
      refs.push(new WeakRef(item));
      queue.push(item);
    }
  })();
  queue.push({ task: 'still waiting' });
  for (let i = 0; i < 100; i++) queue.shift();
  // A WeakRef keeps its target until the current job ends: let it end, then collect.
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  gc();
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  // Use the queue after collecting, so that the queue itself stays alive through the collection.
  expect(queue.length, 'items waiting after 101 pushes and 100 shifts').toBe(1);
  expect(alive, 'of 100 items pushed and then shifted, the ones still alive after garbage collection').toBe(0);
});

test('a queue that has passed 2,000,000 items through, never more than 10 at a time, stays small', async () => {
  const Queue = await load();
  const gc = collector();
  if (!gc) return expect.fail('this check needs garbage collection on demand (v8.setFlagsFromString("--expose-gc")), which this Node refused');
  const item = { task: 'the same item, over and over' };
  const queue = new Queue<object>();
  const heapAfterGc = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  const before = heapAfterGc();
  for (let i = 0; i < 2_000_000; i++) {
    queue.push(item);
    if (queue.length >= 10) for (let j = 0; j < 10; j++) queue.shift();
  }
  const grown = heapAfterGc() - before;
  expect(queue.length, 'items still waiting').toBeLessThan(10);
  // A queue that only ever moves a head index forward keeps a slot for every item it ever held:
  // 2,000,000 slots of 8 bytes, 16 MB. Allowed here: 4 MB.
  expect(Math.max(0, Math.round(grown / 1024)), 'KB the heap grew by, with at most 10 items waiting').toBeLessThan(4 * 1024);
});
