// The measurements of the capstone's benchmark, shared by `npm run bench` (bench/run.ts) and the
// quick experiment (experiments/pool-vs-piscina.ts). Each takes a pool with a piscina-like run():
// the workbook's pool and piscina are timed by the very same code.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { workerEntryFor } from '../../../tool/runtime/ts-workers.ts';
import { median, within } from '../../../tool/experiments/kit.ts';
import { findLesson, projectRoot, UserError } from '../../../tool/lessons.ts';
import { resolveTarget } from '../../../tool/workspace.ts';
import { fib, type BenchTask } from './work.ts';

export interface BenchPool {
  run(task: BenchTask): Promise<unknown>;
  close(): Promise<void>;
}

export interface Contender {
  name: string;
  version: string;
  create(threads: number): BenchPool;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The workbook's pool: the reference solution, or the pool in a folder laid out like exercises/. */
export async function workbookPool(targetFolder?: string): Promise<Contender> {
  // A target is checked and found the way `npm run check -- capstone --target` finds it.
  const dir = targetFolder === undefined ? join(projectRoot, 'solutions', 'capstone') : resolveTarget(findLesson('capstone'), { target: targetFolder });
  const file = join(dir, 'pool.ts');
  if (!existsSync(file)) throw new UserError(`'${targetFolder}' has no capstone/pool.ts: it is the file the benchmark races against piscina.`);
  const { WorkerPool } = (await import(pathToFileURL(file).href)) as {
    WorkerPool: new (workerFile: string, options: { size: number }) => BenchPool;
  };
  const version = (require(join(projectRoot, 'package.json')) as { version: string }).version;
  return {
    name: targetFolder === undefined ? 'workbook pool' : `${targetFolder}/capstone pool`,
    version: `${targetFolder ?? 'solutions'}/capstone/pool.ts (workbook ${version})`,
    create: (threads) => new WorkerPool(join(here, 'protocol-worker.ts'), { size: threads }),
  };
}

/**
 * Refuses, in one sentence, a pool that cannot run the benchmark's tasks (an unfinished exercise, a
 * pool that never answers), before the race starts: a race against it would fail or never end.
 */
export async function readyToRace(contender: Contender): Promise<void> {
  const refuse = (what: string) =>
    new UserError(`${contender.version.split(' ')[0]} ${what}: make \`npm run check -- capstone\` pass before you race it.`);
  let pool: BenchPool;
  try {
    pool = contender.create(2);
  } catch (error) {
    throw refuse(`could not start a pool (${(error as Error)?.message ?? String(error)})`);
  }
  const answered = await within(10_000, burst(pool, 100).then(() => true, (error: Error) => error?.message ?? String(error)));
  await within(5_000, pool.close().catch(() => {}));
  if (answered === undefined) throw refuse('did not answer 100 tiny tasks within 10 s');
  if (answered !== true) throw refuse(`got 100 tiny tasks wrong (${answered})`);
}

/** piscina with its defaults, a fixed number of threads. */
export async function piscina(): Promise<Contender> {
  const { Piscina, version } = await import('piscina');
  // piscina's own worker loads the task file with import(): hand it the compiled file, as the
  // workbook does for `new Worker('x.ts')` (on Node 20 a .ts file would not load there).
  const filename = workerEntryFor(join(here, 'piscina-worker.ts'))!;
  return {
    name: 'piscina',
    version: `piscina ${version}`,
    create: (threads) => new Piscina({ filename, minThreads: threads, maxThreads: threads }) as unknown as BenchPool,
  };
}

const now = () => performance.now();

// Both pools run in this one process and share its heap: the garbage one measurement leaves (a
// burst of 100,000 tasks leaves a lot) would be collected during the next one, whichever pool that
// is. A full collection before each measurement, outside the timing, keeps them apart.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** Collects garbage, then lets the event loop turn, so that each measurement starts clean. */
export async function settleDown(): Promise<void> {
  collectGarbage();
  await new Promise((r) => setTimeout(r, 20));
}

/** All n tasks submitted at once (one synchronous loop), then awaited: ms from first submit to last result. */
export async function burst(pool: BenchPool, n: number): Promise<number> {
  const start = now();
  const results = new Array<Promise<unknown>>(n);
  for (let i = 0; i < n; i++) results[i] = pool.run(i);
  const settled = await Promise.all(results);
  const elapsed = now() - start;
  if (settled[n - 1] !== n) throw new Error(`The last of ${n} tasks answered ${String(settled[n - 1])}, not ${n}.`);
  return elapsed;
}

/** n tasks with at most `window` outstanding: a new one is submitted as each one settles. */
export async function windowed(pool: BenchPool, n: number, window: number): Promise<number> {
  const start = now();
  await new Promise<void>((resolve, reject) => {
    let submitted = 0;
    let settled = 0;
    const onSettled = (): void => {
      settled++;
      if (submitted < n) submit();
      else if (settled === n) resolve();
    };
    const submit = (): void => {
      pool.run(submitted++).then(onSettled, reject);
    };
    for (let i = 0; i < Math.min(window, n); i++) submit();
  });
  return now() - start;
}

/** n tasks one after another, each awaited before the next: the round-trip time of each, in µs. */
export async function roundTrips(pool: BenchPool, n: number): Promise<number[]> {
  const times = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const start = now();
    await pool.run(i);
    times[i] = (now() - start) * 1000;
  }
  return times;
}

/**
 * `count` CPU-bound tasks of fib(n), all at once: ms to the last result, and the ms the workers
 * spent computing (each task times itself, in its worker).
 */
export async function cpuBatch(pool: BenchPool, count: number, n: number): Promise<{ wall: number; busy: number }> {
  const start = now();
  const times = (await Promise.all(Array.from({ length: count }, () => pool.run({ fib: n })))) as number[];
  return { wall: now() - start, busy: times.reduce((a, b) => a + b, 0) };
}

/** The same CPU-bound work on this thread, no pool: the single-thread time the ideal is measured from. */
export function cpuSingleThread(count: number, n: number): number {
  const start = now();
  let sink = 0;
  for (let i = 0; i < count; i++) sink += fib(n);
  const elapsed = now() - start;
  if (sink < 0) throw new Error('unreachable');
  return elapsed;
}

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

export interface CompareOptions {
  threads: number;
  rounds: number;
  /** Tiny tasks in one burst (and in the windowed run). */
  tasks: number;
  window: number;
  roundTrips: number;
  cpuTasks: number;
  fib: number;
  /** Also time piscina through the window (the goal is about the workbook's pool only). */
  piscinaWindowed: boolean;
  /** Called after each round with that round's figures, for printing progress. */
  onRound?: (round: number, last: (key: string) => number) => void;
}

export interface Comparison {
  ours: Contender;
  theirs: Contender;
  /** Every figure of every round, by name: `burst <name>`, `windowed <name>`, `rtt median <name>`, ... */
  series: Record<string, number[]>;
  median(key: string): number;
  /**
   * The ratio a / b within each round, where the two ran back to back under the same load: the
   * median of those and their range. The machine's load drifts from round to round; a ratio taken
   * inside one round does not see that drift, a ratio of two medians taken across rounds can.
   */
  paired(a: string, b: string): { median: number; min: number; max: number };
}

/**
 * Runs both pools through the same measurements in interleaved rounds: within a round each
 * measurement runs for both pools back to back, and who goes first alternates from round to round,
 * so that drift in the machine's load falls on both alike.
 */
export async function compare(ours: Contender, theirs: Contender, o: CompareOptions): Promise<Comparison> {
  const contenders = [ours, theirs];
  const pools = new Map<Contender, BenchPool>(contenders.map((c) => [c, c.create(o.threads)]));
  const pool = (c: Contender) => pools.get(c)!;
  const series: Record<string, number[]> = {};
  const add = (key: string, value: number) => (series[key] ??= []).push(value);
  try {
    // Warm-up: workers started, code compiled by the JIT on both sides.
    for (const c of contenders) {
      await burst(pool(c), Math.min(Math.ceil(o.tasks / 2), 20_000));
      await roundTrips(pool(c), Math.min(Math.ceil(o.roundTrips / 2), 2_000));
      await cpuBatch(pool(c), 4, o.fib);
    }
    cpuSingleThread(4, o.fib);

    for (let round = 1; round <= o.rounds; round++) {
      const order = round % 2 ? contenders : [...contenders].reverse();
      // The burst and the window for our pool run back to back, in alternating order too.
      const burstFirst = round % 4 < 2;
      for (const c of order) {
        const windowedToo = c === ours || o.piscinaWindowed;
        if (windowedToo && !burstFirst) add(`windowed ${c.name}`, await settleDown().then(() => windowed(pool(c), o.tasks, o.window)));
        add(`burst ${c.name}`, await settleDown().then(() => burst(pool(c), o.tasks)));
        if (windowedToo && burstFirst) add(`windowed ${c.name}`, await settleDown().then(() => windowed(pool(c), o.tasks, o.window)));
      }
      for (const c of order) {
        await settleDown();
        const trips = await roundTrips(pool(c), o.roundTrips);
        add(`rtt median ${c.name}`, median(trips));
        add(`rtt p99 ${c.name}`, percentile(trips, 99));
      }
      // The single-thread time is taken between the two pools' batches, so that it sees the same load.
      const cpu = async (c: Contender) => {
        await settleDown();
        const { wall, busy } = await cpuBatch(pool(c), o.cpuTasks, o.fib);
        add(`cpu ${c.name}`, wall);
        // The same batch against the time its own tasks took in the workers: on a loaded machine
        // that time grows with the load too, so this ratio shows what the pool itself loses.
        add(`cpu vs busy ${c.name}`, wall / (busy / o.threads));
      };
      await cpu(order[0]!);
      await settleDown();
      add('cpu single thread', cpuSingleThread(o.cpuTasks, o.fib));
      await cpu(order[1]!);
      o.onRound?.(round, (key) => series[key]!.at(-1)!);
    }
  } finally {
    await Promise.all(contenders.map((c) => pool(c).close()));
  }
  const paired = (a: string, b: string) => {
    const ratios = series[a]!.map((value, round) => value / series[b]![round]!);
    return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
  };
  return { ours, theirs, series, median: (key) => median(series[key]!), paired };
}
