// What does dynamic sizing buy on a bursty load, and what does it cost? Tasks keep a worker busy
// with a timer (the work waits, like I/O, so more workers than cores still help). Two loads:
//   - long bursts: each burst would keep one worker busy for over a second;
//   - short bursts: each burst would keep one worker busy for a few tens of ms;
// with pauses longer than the idle timeout in between, on these pools:
//   - fixed at the minimum: { size: 1 }
//   - fixed at the maximum: { size: 4 } (long bursts only)
//   - dynamic: { minSize: 1, maxSize: 4, idleTimeout: 150 }
// Per task: the latency from run() to its answer. Per pool: how many workers it kept alive on
// average, and how many it started. For the dynamic pool: how long a burst waits before its first
// task runs on a worker started for it (against the start-up of a fresh worker), and which share of
// a burst's tasks the new workers ran. Each pool starts at its minimum, as after a long pause.
import { Worker } from 'node:worker_threads';
import { experiment, median, quick, watchThreads } from '../../../tool/experiments/kit.ts';
import { WorkerPool } from '../../../solutions/dynamic-sizing/pool.ts';
import { newClock, reply } from '../fixtures/log.ts';

const exp = experiment('Fixed or dynamic: latency and threads on a bursty load');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const IDLE_TIMEOUT = 150;
const MIN = { name: 'fixed at the minimum, size 1', options: { size: 1 } };
const MAX = { name: 'fixed at the maximum, size 4', options: { size: 4 } };
const DYN = { name: `dynamic, minSize 1, maxSize 4, idleTimeout ${IDLE_TIMEOUT} ms`, options: { minSize: 1, maxSize: 4, idleTimeout: IDLE_TIMEOUT } };

const long = { label: 'long bursts', bursts: quick ? 1 : 4, perBurst: quick ? 12 : 16, taskMs: quick ? 150 : 120, pauseMs: quick ? 400 : 800 };
const short = { label: 'short bursts', bursts: quick ? 2 : 6, perBurst: 8, taskMs: 5, pauseMs: quick ? 300 : 500 };
type Load = typeof long;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Result {
  p50: number;
  meanAlive: number;
  started: number;
  /** Per burst: ms from the burst's first run() to the first task on a worker started for that burst. */
  growthDelays: number[];
  /** Share of the tasks that ran on a worker started for their burst. */
  onNewShare: number;
}

async function runLoad(load: Load, options: ConstructorParameters<typeof WorkerPool>[1]): Promise<Result> {
  const threads = watchThreads();
  const pool = new WorkerPool(workerFile, options);
  await pool.run(reply('warm-up')); // a new pool has its minSize workers: as after a long pause
  const startedBefore = threads.workersCreated;
  let aliveSum = 0;
  let samples = 0;
  const sampler = setInterval(() => {
    aliveSum += threads.workersAlive;
    samples++;
  }, 5);
  const latencies: number[] = [];
  const growthDelays: number[] = [];
  let all = 0;
  let onNew = 0;
  for (let b = 0; b < load.bursts; b++) {
    const clock = newClock(load.perBurst);
    const t0 = performance.timeOrigin + performance.now();
    // The workers alive as the burst begins; any other worker was started for this burst.
    const known = new Set(threads.started.filter((t) => t.alive && t.kind === 'worker thread').map((t) => (t.handle as Worker).threadId));
    await Promise.all(
      Array.from({ length: load.perBurst }, async (_, i) => {
        const t = performance.now();
        await pool.run(reply(i, { delayMs: load.taskMs, tag: i, clock }));
        latencies.push(performance.now() - t);
      }),
    );
    const starts = Array.from({ length: load.perBurst }, (_, i) => ({ at: clock[2 * i]!, thread: clock[2 * i + 1]! }));
    const fresh = starts.filter((s) => !known.has(s.thread));
    all += starts.length;
    onNew += fresh.length;
    if (fresh.length > 0) growthDelays.push(Math.min(...fresh.map((s) => s.at - t0)));
    await sleep(load.pauseMs);
  }
  clearInterval(sampler);
  await pool.close();
  return {
    p50: median(latencies),
    meanAlive: aliveSum / Math.max(1, samples),
    started: threads.workersCreated - startedBefore,
    growthDelays,
    onNewShare: all > 0 ? onNew / all : 0,
  };
}

function show(load: Load, name: string, r: Result): void {
  exp.measure(`${load.label}, ${name}: task latency, median`, r.p50, 'ms');
  exp.measure(`${load.label}, ${name}: workers alive, on average over the run`, r.meanAlive);
  exp.measure(`${load.label}, ${name}: workers started during the ${load.bursts} bursts`, r.started);
}

exp.note(`long bursts: ${long.bursts} bursts of ${long.perBurst} tasks of ${long.taskMs} ms, ${long.pauseMs} ms apart`);
const lMin = await runLoad(long, MIN.options);
show(long, MIN.name, lMin);
const lMax = await runLoad(long, MAX.options);
show(long, MAX.name, lMax);
const lDyn = await runLoad(long, DYN.options);
show(long, DYN.name, lDyn);

exp.note(`short bursts: ${short.bursts} bursts of ${short.perBurst} tasks of ${short.taskMs} ms, ${short.pauseMs} ms apart`);
const sMin = await runLoad(short, MIN.options);
show(short, MIN.name, sMin);
const sDyn = await runLoad(short, DYN.options);
show(short, DYN.name, sDyn);
exp.measure(`short bursts, dynamic: share of the tasks run by workers started for their burst`, sDyn.onNewShare);

// For comparison: 3 fresh workers started at once (as the dynamic pool grows from 1 to 4), from
// new Worker() until the first of them answers.
const startups: number[] = [];
for (let i = 0; i < (quick ? 3 : 8); i++) {
  const t = performance.now();
  const workers = [0, 1, 2].map(() => new Worker(workerFile));
  await Promise.race(
    workers.map(
      (w) =>
        new Promise((r) => {
          w.once('message', r);
          w.postMessage({ id: 1, data: reply('first') });
        }),
    ),
  );
  startups.push(performance.now() - t);
  await Promise.all(workers.map((w) => w.terminate()));
}
const startup = median(startups);
const growth = lDyn.growthDelays.length > 0 ? median(lDyn.growthDelays) : Number.NaN;
exp.measure('3 fresh workers started at once, until the first of them answers, median', startup, 'ms');
exp.measure('long bursts, dynamic: from a burst to its first task on a worker started for it, median', growth, 'ms');

exp.claim(
  'on long bursts, the dynamic pool answers much faster than a pool fixed at its minimum (median latency at most 0.7x)',
  lDyn.p50 <= lMin.p50 * 0.7,
  `${lDyn.p50.toFixed(1)} ms vs ${lMin.p50.toFixed(1)} ms`,
  // The gain depends on new workers starting well within a burst, and starting a worker is CPU work:
  // with the cores taken by other processes, start-up stretches towards the burst's length.
  { needsIdleCores: true },
);
exp.claim(
  'a pool fixed at its maximum is faster still: it has nothing to start',
  lMax.p50 <= lDyn.p50,
  `${lMax.p50.toFixed(1)} ms (fixed 4) vs ${lDyn.p50.toFixed(1)} ms (dynamic)`,
  // What the dynamic pool loses is its workers' start-up, CPU work that a busy machine stretches or hides.
  { needsIdleCores: true },
);
exp.claim(
  'between bursts, the dynamic pool gives its threads back: on average it keeps fewer workers alive than the pool fixed at its maximum',
  lDyn.meanAlive <= lMax.meanAlive * 0.85,
  `${lDyn.meanAlive.toFixed(2)} vs ${lMax.meanAlive.toFixed(2)} workers`,
);
exp.claim(
  'the price of growing: the dynamic pool keeps starting new workers, at least as many as there are bursts',
  lDyn.started >= long.bursts,
  `${lDyn.started} workers started in ${long.bursts} burst(s)`,
);
exp.claim(
  'and their first task waits on the order of one worker start-up (within a factor of 4 either way)',
  growth > startup * 0.25 && growth < startup * 4,
  `${growth.toFixed(1)} ms until the first task on a new worker vs ${startup.toFixed(1)} ms for 3 fresh workers started at once`,
  // Two times taken at different moments: on a machine others keep busy, a worker start-up takes
  // whatever share of the cores is left at that moment, so the two cannot be compared fairly.
  { needsIdleCores: true },
);
exp.measure(`long bursts, dynamic: share of the tasks run by workers started for their burst`, lDyn.onNewShare);
// The latencies are printed, not claimed: when the new workers run next to nothing, the two pools run
// the same tasks on one worker, and a few ms either way is the machine's noise.
exp.claim(
  'on short bursts, growing is wasted: new workers keep starting (at least as many as there are bursts), yet the worker already there runs most of the tasks',
  sDyn.started >= short.bursts && sDyn.onNewShare < 0.5,
  `${sDyn.started} workers started; share of tasks they ran: ${sDyn.onNewShare.toFixed(2)}; median latency ${sDyn.p50.toFixed(1)} ms vs ${sMin.p50.toFixed(1)} ms fixed at 1`,
);
exp.done();
