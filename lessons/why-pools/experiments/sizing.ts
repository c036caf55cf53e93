// Document 002: "Number of workers never exceeds CPU cores". Document 004: "cores * 2" for mixed
// work. For CPU-bound tasks, what does a pool larger than the core count buy?
import { availableParallelism } from 'node:os';
import { WorkerPool } from '../../../solutions/why-pools/pool.ts';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';
import { heavyTask } from '../fixtures/heavy-task-worker.ts';

const exp = experiment('How does a CPU-bound batch scale with pool size?');
const worker = new URL('../fixtures/heavy-task-worker.ts', import.meta.url);
const cores = availableParallelism();
const sizes = [...new Set([1, cores, cores * 2, cores * 4])];
const tasks = quick ? 8 * cores : 16 * cores;
const rounds = quick ? 1 : 5;
// A fixed amount of work per task, about 20 ms of one core here: calibrated once, on this thread.
let n = 100_000;
for (let t = 0; t < 20 && time(() => heavyTask(n)) < 20; t++) n *= 2;
const taskMs = median(Array.from({ length: 5 }, () => time(() => heavyTask(n))));
function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

// Every size runs once per round, in an order that rotates from round to round: the machine's load
// drifts during a run, and measuring one size after another would hand that drift to whichever
// size came last.
const pools = new Map(sizes.map((size) => [size, new WorkerPool(worker, { size })]));
for (const [size, pool] of pools) await Promise.all(Array.from({ length: size }, () => pool.run(1))); // every worker started before timing
const samples = new Map<number, number[]>(sizes.map((size) => [size, []]));
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[(i + r) % sizes.length]!;
    const start = performance.now();
    await Promise.all(Array.from({ length: tasks }, () => pools.get(size)!.run(n)));
    samples.get(size)!.push(performance.now() - start);
  }
}
await Promise.all([...pools.values()].map((pool) => pool.close()));
const results = new Map<number, number>();
for (const size of sizes) {
  results.set(size, median(samples.get(size)!));
  exp.measure(`pool of ${size}: ${tasks} tasks of heavyTask(${n}), about ${ms(taskMs, 0)} each on one core`, results.get(size)!, 'ms');
}
const one = results.get(1)!;
const atCores = results.get(cores)!;
const beyond = Math.min(...sizes.filter((s) => s > cores).map((s) => results.get(s)!));
exp.note(`Ideal for ${cores} cores: ${ms(one / cores, 0)}. Medians of ${rounds} round(s); each round runs every size once.`);
exp.claim(`a pool of ${cores} (the core count) is faster than a pool of 1`, atCores < one / 1.2, `${ms(atCores, 0)} against ${ms(one, 0)}: ${(one / atCores).toFixed(2)}x`, {
  needsIdleCores: true,
});
exp.claim(
  'more workers than cores do not make CPU-bound work meaningfully faster',
  beyond > atCores / 1.25,
  `best pool above ${cores}: ${ms(beyond, 0)}, against ${ms(atCores, 0)} at ${cores}`,
  // On a machine others keep busy, more threads win a bigger share of the cores from the other
  // processes, so a larger pool can look faster for a reason that has nothing to do with the pool.
  { needsIdleCores: true },
);
exp.done();
