// Array#shift() against the lesson's ring-buffer Queue, in the two ways a pool uses its queue:
//  - a burst: n tasks arrive at once and wait, then the workers take them one by one;
//  - a steady state: n tasks are already waiting, and for every task that leaves, one arrives.
// Times are CPU time of this process (process.cpuUsage()), so that other programs busy on the same
// machine do not count; each figure is the median of several samples.
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { Queue } from '../../../solutions/queue-data-structure/queue.ts';

const exp = experiment('Array#shift() or a ring buffer: what does a task cost to queue and take, with n tasks waiting?');

interface Fifo<T> {
  push(item: T): unknown;
  shift(): T | undefined;
}
type Design = [string, () => Fifo<{ task: number }>];
const designs: Design[] = [
  ['Array#shift()', () => []],
  ['ring buffer', () => new Queue<{ task: number }>()],
];
const sizes = quick ? [1_000, 10_000, 40_000] : [1_000, 10_000, 100_000];
const STEADY_OPS = 20_000;
const items = Array.from({ length: sizes.at(-1)! + STEADY_OPS }, (_, i) => ({ task: i }));
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU ms for a burst of n: push n, then shift n. */
function burst(make: Design[1], n: number): number {
  const start = cpuMs();
  const queue = make();
  for (let i = 0; i < n; i++) queue.push(items[i]!);
  for (let i = 0; i < n; i++) queue.shift();
  return cpuMs() - start;
}
/** CPU ms for STEADY_OPS rounds of push one, shift one, with n waiting (filling up is not timed). */
function steady(make: Design[1], n: number): number {
  const queue = make();
  for (let i = 0; i < n; i++) queue.push(items[i]!);
  const start = cpuMs();
  for (let i = 0; i < STEADY_OPS; i++) {
    queue.push(items[n + i]!);
    queue.shift();
  }
  return cpuMs() - start;
}
/**
 * ns per task, median of `samples` samples. A sample repeats the pattern until 200,000 tasks have
 * passed or it has used 50 ms of CPU time, whichever comes first (once at least).
 */
function nsPerTask(pattern: 'burst' | 'steady', make: Design[1], n: number, samples: number): number {
  const perRun = pattern === 'burst' ? n : STEADY_OPS;
  const fn = pattern === 'burst' ? burst : steady;
  const values = Array.from({ length: samples }, () => {
    let ms = 0;
    let tasks = 0;
    do {
      ms += fn(make, n);
      tasks += perRun;
    } while (tasks < 200_000 && ms < 50);
    return (ms / tasks) * 1e6;
  });
  return median(values);
}

for (const [, make] of designs) {
  // Let V8 compile both patterns before anything is timed.
  nsPerTask('burst', make, 2_000, 3);
  nsPerTask('steady', make, 2_000, 3);
}

const result = new Map<string, number>();
const key = (pattern: string, name: string, n: number) => `${pattern} ${name} ${n}`;
for (const pattern of ['burst', 'steady'] as const) {
  for (const n of sizes) {
    for (const [name, make] of designs) {
      const slowOne = name === 'Array#shift()' && n >= 40_000;
      const ns = nsPerTask(pattern, make, n, quick || slowOne ? 3 : 7);
      result.set(key(pattern, name, n), ns);
      const what = pattern === 'burst' ? `burst of ${n.toLocaleString('en')}` : `${n.toLocaleString('en')} waiting, one in and one out`;
      exp.measure(`${what}: ${name}, per task`, ns, 'ns');
    }
  }
}
const big = sizes.at(-1)!;
const at = (pattern: string, name: string, n: number) => result.get(key(pattern, name, n))!;
for (const pattern of ['burst', 'steady']) {
  const small = at(pattern, 'ring buffer', 1_000);
  const large = at(pattern, 'ring buffer', big);
  exp.claim(
    `${pattern}: the ring buffer costs about as much per task with ${big.toLocaleString('en')} waiting as with 1,000 (within 5x)`,
    large <= 5 * small,
    `${large.toFixed(0)} ns against ${small.toFixed(0)} ns`,
  );
  const ratio = at(pattern, 'Array#shift()', big) / large;
  exp.claim(
    `${pattern}: with ${big.toLocaleString('en')} waiting, Array#shift() costs at least 20 times as much per task as the ring buffer`,
    ratio >= 20,
    `${at(pattern, 'Array#shift()', big).toFixed(0)} ns against ${large.toFixed(0)} ns: ${ratio.toFixed(0)}x`,
  );
}
exp.done();
