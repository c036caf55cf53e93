// What every benchmark task does, the same in both pools' workers: a number comes back plus one
// (a "tiny" task: the pool's own overhead is all there is to measure), or { fib: n } computes the
// n-th Fibonacci number the slow way (a CPU-bound task) and answers how many ms that took there.
export type BenchTask = number | { fib: number };

export function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

export function work(task: BenchTask): number {
  if (typeof task === 'number') return task + 1;
  const start = performance.now();
  if (fib(task.fib) < 0) throw new Error('unreachable');
  return performance.now() - start;
}
