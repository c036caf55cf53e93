// The document's "correct" pool keeps its queue in an array and takes tasks with Array#shift().
// The reference solution keeps a head index instead. Does it matter how long the queue gets?
import { experiment, ms, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('Does taking tasks from the front of an array with shift() stay fast as the queue grows?');
// Quick mode keeps the two ends: at 30,000 the cliff is only starting on some Node versions.
const sizes = quick ? [10_000, 40_000] : [10_000, 20_000, 30_000, 40_000];
const rounds = 3;

/** Drains a queue of n tasks with Array#shift(), as the document's processQueue() does. */
function drainWithShift(n: number): number {
  const queue = Array.from({ length: n }, (_, i) => ({ id: i }));
  const start = performance.now();
  let sum = 0;
  while (queue.length > 0) sum += queue.shift()!.id;
  if (sum < 0) console.log(sum);
  return performance.now() - start;
}

/** Drains the same queue by moving a head index, as the reference solution does. */
function drainWithHead(n: number): number {
  const queue: Array<{ id: number } | undefined> = Array.from({ length: n }, (_, i) => ({ id: i }));
  const start = performance.now();
  let head = 0;
  let sum = 0;
  while (head < queue.length) {
    sum += queue[head]!.id;
    queue[head++] = undefined;
  }
  if (sum < 0) console.log(sum);
  return performance.now() - start;
}

// The fastest of a few rounds: a pause of the machine (another process, a garbage collection) only
// ever adds time, and weighs most on the small queue, which drains in a fraction of a millisecond.
const fastest = (times: number[]) => Math.min(...times);
// Both loops compiled before anything is timed: the first size measured would otherwise pay for it.
drainWithShift(sizes[0]!);
drainWithHead(sizes[0]!);
const perTask = new Map<number, { shift: number; head: number }>();
for (const n of sizes) {
  const shift = fastest(Array.from({ length: rounds }, () => drainWithShift(n)));
  const head = fastest(Array.from({ length: rounds }, () => drainWithHead(n)));
  perTask.set(n, { shift: (shift / n) * 1e6, head: (head / n) * 1e6 });
  exp.measure(`${n} queued tasks, drained with shift()`, shift, 'ms');
  exp.measure(`${n} queued tasks, drained with a head index`, head, 'ms');
}
const small = perTask.get(sizes[0]!)!;
const large = perTask.get(sizes.at(-1)!)!;
exp.note(`Per task: shift() ${small.shift.toFixed(0)} ns at ${sizes[0]}, ${large.shift.toFixed(0)} ns at ${sizes.at(-1)}; head index ${small.head.toFixed(0)} ns and ${large.head.toFixed(0)} ns.`);
exp.claim(
  `shift() costs far more per task on a long queue: at ${sizes.at(-1)} tasks, at least 10 times its cost at ${sizes[0]}`,
  large.shift >= 10 * small.shift,
  `${large.shift.toFixed(0)} ns against ${small.shift.toFixed(0)} ns per task`,
);
exp.claim(
  `a head index stays cheap: at ${sizes.at(-1)} tasks it is at least 10 times cheaper per task than shift()`,
  large.shift >= 10 * large.head,
  `${ms(large.head * sizes.at(-1)! / 1e6)} against ${ms(large.shift * sizes.at(-1)! / 1e6)} for the whole queue`,
);
exp.done();
