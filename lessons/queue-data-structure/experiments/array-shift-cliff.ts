// Documents 002 and 004 take the next task with Array#shift(). Is that constant-time? Push n items,
// then shift them all, for growing n, and see what one shift() costs. Then find out why.
// Times are CPU time of this process (process.cpuUsage()), so that other programs busy on the same
// machine do not count; each figure is the median of several samples.
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('What does one Array#shift() cost, as the array gets longer?');

const items = Array.from({ length: 100_000 }, (_, i) => ({ task: i }));

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** Pushes n items into an empty array, then shifts them all off: CPU ms for the shifts. */
function drain(n: number): number {
  const queue: Array<{ task: number }> = [];
  for (let i = 0; i < n; i++) queue.push(items[i]!);
  const start = cpuMs();
  while (queue.length > 0) queue.shift();
  return cpuMs() - start;
}
/**
 * ns per shift(), median of `samples` samples. A sample drains queues of n until 100,000 shifts or
 * 50 ms of CPU time, whichever comes first (one queue at least).
 */
function nsPerShift(n: number, samples: number): number {
  const values = Array.from({ length: samples }, () => {
    let ms = 0;
    let shifts = 0;
    do {
      ms += drain(n);
      shifts += n;
    } while (shifts < 100_000 && ms < 50);
    return (ms / shifts) * 1e6;
  });
  return median(values);
}

/** Bytes V8 holds in its large-object spaces: where objects over 128 KiB go, one per memory page. */
const largeObjectBytes = () =>
  getHeapSpaceStatistics()
    .filter((s) => s.space_name.includes('large_object'))
    .reduce((sum, s) => sum + s.space_used_size, 0);
/** Does an array of n items, built with push() as a queue is, have its backing store in large-object space? */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function inLargeObjectSpace(n: number): boolean {
  gc(); // so that no earlier garbage is freed from large-object space while this array is built
  const before = largeObjectBytes();
  const queue: unknown[] = [];
  for (let i = 0; i < n; i++) queue.push(items[i]);
  const grew = largeObjectBytes() - before > 0;
  queue.length = 0;
  return grew;
}

nsPerShift(5_000, 3); // let V8 compile the loops first

// 1. The cost of one shift(), by the length of the queue it is taken from.
const sizes = quick ? [1_000, 4_000, 8_000, 12_000, 16_000, 32_000] : [1_000, 2_000, 4_000, 8_000, 12_000, 14_000, 15_000, 16_000, 20_000, 32_000, 64_000, 100_000];
const cost = new Map<number, number>();
for (const n of sizes) {
  const rounds = quick || n >= 64_000 ? 3 : 7;
  cost.set(n, nsPerShift(n, rounds));
  exp.measure(`${n.toLocaleString('en')} queued: one shift()`, cost.get(n)!, 'ns');
}
const base = cost.get(1_000)!;
const slow = (n: number) => cost.get(n)! > 10 * base;
const firstSlow = sizes.find(slow);
const lastFast = [...sizes].reverse().find((n) => !slow(n));
exp.claim(
  'up to about 12,000 queued items, one shift() costs about the same as with 1,000 (within 3x): V8 does not copy the array',
  sizes.filter((n) => n <= 12_000).every((n) => cost.get(n)! <= 3 * base),
  sizes.filter((n) => n <= 12_000).map((n) => `${n}: ${cost.get(n)!.toFixed(0)} ns`).join(', '),
);
const largest = sizes.at(-1)!;
exp.claim(
  `from about 16,000 queued items on, one shift() costs more than 10 times as much as with 1,000, and at ${largest.toLocaleString('en')} at least 1.3 times as much as at 16,000 (twice the items to move; timing noise takes some of it)`,
  firstSlow !== undefined && firstSlow <= 16_000 && sizes.filter((n) => n >= 16_000).every(slow) && cost.get(largest)! >= 1.3 * cost.get(16_000)!,
  `fast up to ${lastFast}, slow from ${firstSlow}; ${sizes.filter((n) => n >= 16_000).map((n) => `${n}: ${cost.get(n)!.toFixed(0)} ns`).join(', ')}`,
);
if (!quick) {
  exp.measure('100,000 queued: all 100,000 shifts', (cost.get(100_000)! * 100_000) / 1e6, 'ms');
}

// 2. Why there: where does the array's backing store leave the ordinary heap for large-object space?
let lo = 1_000;
let hi = 40_000;
while (hi - lo > 1) {
  const mid = (lo + hi) >> 1;
  if (inLargeObjectSpace(mid)) hi = mid;
  else lo = mid;
}
exp.measure('shortest queue built with push() whose backing store is a large object', `${hi} items`);
// Between those two queue lengths, where does shift() turn slow? Bisect on the cost, as above.
let fast = lastFast ?? 1_000;
let slowAt = firstSlow ?? 40_000;
while (slowAt - fast > 64) {
  const mid = (fast + slowAt) >> 1;
  // A median of 3, in quick mode too: one sample disturbed by the machine once put the cliff at 14,000.
  if (nsPerShift(mid, 3) > 10 * base) slowAt = mid;
  else fast = mid;
}
exp.measure('shortest queue whose shift() is slow (within 64 items)', `${slowAt} items`);
exp.claim(
  'shift() turns slow where the array becomes a large object (within 1,000 items)',
  Math.abs(slowAt - hi) <= 1_000,
  `slow from about ${slowAt} items; a large object from ${hi} items`,
);

// 3. The mechanism: V8 "left-trims" the array (moves the start of its backing store one slot on,
// instead of copying the rest down), which it may not do to a large object. Switch left-trimming
// off (a V8 flag, --no-move-object-start) and an 8,000-item queue is slow too.
setFlagsFromString('--no-move-object-start');
const withoutTrim = nsPerShift(8_000, quick ? 3 : 7);
setFlagsFromString('--move-object-start');
const withTrim = nsPerShift(8_000, quick ? 3 : 7);
exp.measure('8,000 queued, left-trimming switched off: one shift()', withoutTrim, 'ns');
exp.measure('8,000 queued, left-trimming back on: one shift()', withTrim, 'ns');
exp.claim(
  'with left-trimming switched off, shift() on an 8,000-item queue costs at least 5 times as much: the fast path is left-trimming',
  withoutTrim >= 5 * withTrim,
  `${withoutTrim.toFixed(0)} ns against ${withTrim.toFixed(0)} ns`,
);

// 4. The situation in a pool: the queue array has lived for a while (the garbage collector has moved
// it to the old generation), and the tasks in it are new objects. Every slot copied from then on must
// be reported to the garbage collector (a write barrier), which a fresh array holding old items skips.
function drainAged(n: number): number {
  const queue: Array<{ task: number; data: number }> = [];
  for (let i = 0; i < n; i++) queue.push(items[i] as { task: number; data: number });
  gc();
  gc(); // the array is now in the old generation
  for (let i = 0; i < n; i++) queue[i] = { task: i, data: i }; // fresh tasks, young objects
  const start = cpuMs();
  while (queue.length > 0) queue.shift();
  return cpuMs() - start;
}
const agedSize = quick ? 16_000 : 32_000;
const aged = (median(Array.from({ length: 3 }, () => drainAged(agedSize))) / agedSize) * 1e6;
exp.measure(`${agedSize.toLocaleString('en')} queued, an old array holding new tasks (as in a pool): one shift()`, aged, 'ns');
exp.claim(
  `an old array holding new tasks, as a pool's queue does, costs at least twice as much per shift() as the fresh array above (${agedSize.toLocaleString('en')} queued)`,
  aged >= 2 * cost.get(agedSize)!,
  `${aged.toFixed(0)} ns against ${cost.get(agedSize)!.toFixed(0)} ns`,
);
exp.done();
