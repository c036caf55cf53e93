// What does an Atomics-based wake-up buy a worker, and what does it cost? piscina lets us flip it:
// with atomics 'sync' (its default) an idle worker blocks in Atomics.wait() and the pool wakes it
// with Atomics.notify(); with 'disabled' the worker waits in its event loop like any Node thread.
import { Piscina } from 'piscina';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { workerEntryFor } from '../../../tool/runtime/ts-workers.ts';
import { WorkerPool } from '../../../solutions/capstone/pool.ts';
import { roundTrips, workbookPool, type BenchPool } from '../bench/suite.ts';

const exp = experiment('What an Atomics-based wake-up buys a worker, and what it costs');
const benchTask = workerEntryFor(new URL('../bench/piscina-worker.ts', import.meta.url))!;
const timerTask = workerEntryFor(new URL('../fixtures/timer-task.ts', import.meta.url))!;
const piscinaWith = (atomics: 'sync' | 'disabled', filename: string) =>
  new Piscina({ filename, minThreads: 1, maxThreads: 1, atomics }) as unknown as BenchPool & { run(task: unknown): Promise<unknown> };

// 1. Round trips: one task at a time, each awaited before the next.
const rounds = quick ? 2 : 7;
const trips = quick ? 500 : 3_000;
const pools = { sync: piscinaWith('sync', benchTask), disabled: piscinaWith('disabled', benchTask), workbook: (await workbookPool()).create(1) };
const medians: Record<keyof typeof pools, number[]> = { sync: [], disabled: [], workbook: [] };
for (const pool of Object.values(pools)) await roundTrips(pool, 500);
for (let round = 0; round < rounds; round++) {
  const order = (Object.keys(pools) as Array<keyof typeof pools>).sort(() => (round % 2 ? 1 : -1));
  for (const name of order) medians[name].push(median(await roundTrips(pools[name], trips)));
}
await Promise.all(Object.values(pools).map((p) => p.close()));
const rtt = { sync: median(medians.sync), disabled: median(medians.disabled), workbook: median(medians.workbook) };
exp.measure("round trip, median, piscina atomics 'sync' (its default)", Number(rtt.sync.toFixed(1)), 'µs');
exp.measure("round trip, median, piscina atomics 'disabled'", Number(rtt.disabled.toFixed(1)), 'µs');
exp.measure('round trip, median, workbook pool (worker waits in its event loop)', Number(rtt.workbook.toFixed(1)), 'µs');
exp.measure("piscina 'sync' / 'disabled'", Number((rtt.sync / rtt.disabled).toFixed(2)), 'x');

// 2. The cost: a worker blocked in Atomics.wait() runs no timers and no I/O callbacks.
type TimerPool = { run(task: unknown): Promise<unknown>; close(): Promise<void> };
async function timerFires(pool: TimerPool): Promise<{ fired: boolean; afterQuick: boolean; afterWaiting: boolean }> {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  await pool.run({ flag, delayMs: 20 });
  await new Promise((r) => setTimeout(r, 500)); // 25 times the timer's delay, and nothing else to do
  const fired = Atomics.load(flag, 0) === 1;
  await pool.run({}); // a task that returns at once
  await new Promise((r) => setTimeout(r, 100));
  const afterQuick = Atomics.load(flag, 0) === 1;
  await pool.run({ waitMs: 50 }); // a task that awaits: the worker's event loop turns meanwhile
  const afterWaiting = Atomics.load(flag, 0) === 1;
  await pool.close();
  return { fired, afterQuick, afterWaiting };
}
const sync = await timerFires(piscinaWith('sync', timerTask));
const disabled = await timerFires(piscinaWith('disabled', timerTask));
const ours = await timerFires(new WorkerPool(new URL('../fixtures/timer-worker.ts', import.meta.url), { size: 1 }));
exp.note('A task starts setTimeout(fn, 20) and returns at once; the pool gets nothing else for 500 ms.');
exp.note('Then a task that returns at once; then a task that awaits 50 ms before it returns.');
exp.measure("piscina atomics 'sync': fn ran within 500 ms", String(sync.fired));
exp.measure("piscina atomics 'sync': fn ran after a task that returns at once", String(sync.afterQuick));
exp.measure("piscina atomics 'sync': fn ran during a task that awaits", String(sync.afterWaiting));
exp.measure("piscina atomics 'disabled': fn ran within 500 ms", String(disabled.fired));
exp.measure('workbook pool: fn ran within 500 ms', String(ours.fired));
exp.claim("with atomics 'sync', a timer a finished task left behind does not fire while the worker waits for work", !sync.fired, `fired: ${sync.fired}`);
exp.claim("it fires once a later task awaits something, giving the worker's event loop a turn", sync.afterWaiting, `fired then: ${sync.afterWaiting}`);
exp.claim("with atomics 'disabled', and in the workbook pool, it fires on time", disabled.fired && ours.fired, `piscina 'disabled': ${disabled.fired}; workbook pool: ${ours.fired}`);
exp.done();
