// Why bound the queue at all? Send a pool more work than it can do, for a while, with and without
// maxQueue, and see what happens to the tasks it accepts.
//
// A pool of 2; every task keeps a worker busy for 10 ms, so the pool finishes at most 200 tasks a
// second. Tasks arrive at three times that rate: 6 every 10 ms, 40 times (240 tasks). On a busy
// machine the timer fires late and the arrivals spread out, but they still come faster than the
// pool can run them.
import { experiment, median, quick, stopAll } from '../../../tool/experiments/kit.ts';
import { WorkerPool } from '../../../solutions/backpressure/pool.ts';

const exp = experiment('Overload: what does a bound on the queue change for the tasks a pool accepts?');
const worker = new URL('../fixtures/timed-worker.ts', import.meta.url);
const TASK_MS = 10;
const BATCH = 6;
const TICKS = 40;
const MAX_QUEUE = 8;
const now = () => performance.timeOrigin + performance.now();

interface Record {
  task: number;
  worker?: number;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  outcome: 'ok' | 'rejected';
}

async function overload(maxQueue: number | undefined) {
  const pool = new WorkerPool(worker, { size: 2, maxQueue });
  await Promise.all([pool.run({ ms: 1 }), pool.run({ ms: 1 })]); // both workers up
  const t0 = now();
  const records: Record[] = [];
  const settled: Array<Promise<unknown>> = [];
  const submit = () => {
    const record: Record = { task: records.length, queuedAt: now() - t0, outcome: 'ok' };
    records.push(record);
    settled.push(
      pool.run({ ms: TASK_MS }).then(
        (r) => {
          const { thread, startedAt, endedAt } = r as { thread: number; startedAt: number; endedAt: number };
          Object.assign(record, { worker: thread, startedAt: startedAt - t0, endedAt: now() - t0 });
          void endedAt;
        },
        () => Object.assign(record, { outcome: 'rejected', endedAt: now() - t0 }),
      ),
    );
  };
  await new Promise<void>((done) => {
    let ticks = 0;
    const timer = setInterval(() => {
      for (let i = 0; i < BATCH; i++) submit();
      if (++ticks === TICKS) {
        clearInterval(timer);
        done();
      }
    }, TASK_MS);
  });
  await Promise.all(settled);
  await pool.close();
  const ok = records.filter((r) => r.outcome === 'ok');
  const refused = records.filter((r) => r.outcome === 'rejected');
  const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);
  return {
    submitted: records.length,
    accepted: ok.length,
    refused: refused.length,
    /** From run() to the answer, for accepted tasks. */
    latencies: ok.map((r) => r.endedAt! - r.queuedAt),
    waits: ok.map((r) => r.startedAt! - r.queuedAt),
    refusalTimes: refused.map((r) => r.endedAt! - r.queuedAt),
    timeline: records.map((r) => ({ ...r, queuedAt: round(r.queuedAt)!, startedAt: round(r.startedAt), endedAt: round(r.endedAt) })),
  };
}

// Three rounds even in quick mode: one pause of a busy machine inside the single bounded run can
// make its longest wait look like an unbounded one.
const rounds = quick ? 3 : 5;
type Run = Awaited<ReturnType<typeof overload>>;
const runs: { unbounded: Run[]; bounded: Run[] } = { unbounded: [], bounded: [] };
for (let i = 0; i < rounds; i++) {
  runs.unbounded.push(await overload(undefined));
  runs.bounded.push(await overload(MAX_QUEUE));
}
const stat = (which: 'unbounded' | 'bounded', f: (r: Run) => number) => median(runs[which].map(f));
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? Number.NaN;

for (const which of ['unbounded', 'bounded'] as const) {
  const label = which === 'unbounded' ? 'no maxQueue' : `maxQueue ${MAX_QUEUE}`;
  exp.measure(`${label}: tasks submitted`, stat(which, (r) => r.submitted));
  exp.measure(`${label}: accepted`, stat(which, (r) => r.accepted));
  exp.measure(`${label}: refused`, stat(which, (r) => r.refused));
  exp.measure(`${label}: median time from run() to the answer, accepted tasks`, stat(which, (r) => median(r.latencies)), 'ms');
  exp.measure(`${label}: 95th percentile of that`, stat(which, (r) => p95(r.latencies)), 'ms');
  exp.measure(`${label}: longest wait in the queue`, stat(which, (r) => Math.max(...r.waits)), 'ms');
  if (which === 'bounded') exp.measure(`${label}: median time from run() to the refusal`, stat(which, (r) => median(r.refusalTimes)), 'ms');
}
const last = (which: 'unbounded' | 'bounded') => runs[which].at(-1)!;
exp.measure(
  'timeline: without a bound',
  JSON.stringify({ caption: `No maxQueue: a pool of 2 gets ${BATCH} tasks of ${TASK_MS} ms every ${TASK_MS} ms, ${TICKS} times: three times what it can run`, tasks: last('unbounded').timeline }),
  'timeline',
);
exp.measure(
  'timeline: with maxQueue',
  JSON.stringify({ caption: `maxQueue ${MAX_QUEUE}: the same load; refused tasks are marked`, tasks: last('bounded').timeline }),
  'timeline',
);

const longest = { unbounded: stat('unbounded', (r) => Math.max(...r.waits)), bounded: stat('bounded', (r) => Math.max(...r.waits)) };
exp.claim(
  'without a bound, every task is accepted, and the queue grows for as long as the overload lasts: the longest wait is at least 4 times the longest with maxQueue',
  stat('unbounded', (r) => r.refused) === 0 && longest.unbounded >= 4 * longest.bounded,
  `longest wait ${longest.unbounded.toFixed(0)} ms without a bound, ${longest.bounded.toFixed(0)} ms with maxQueue ${MAX_QUEUE}`,
);
exp.claim(
  `with maxQueue ${MAX_QUEUE}, the pool refuses what it cannot run soon: at least a third of the tasks`,
  stat('bounded', (r) => r.refused / r.submitted) >= 1 / 3,
  `${stat('bounded', (r) => r.refused)} of ${stat('bounded', (r) => r.submitted)} refused`,
);
exp.claim(
  'a refusal comes back at once: its median time is under a tenth of the median time an accepted task takes to answer',
  stat('bounded', (r) => median(r.refusalTimes)) < stat('bounded', (r) => median(r.latencies)) / 10,
  `${stat('bounded', (r) => median(r.refusalTimes)).toFixed(2)} ms against ${stat('bounded', (r) => median(r.latencies)).toFixed(1)} ms`,
);
await stopAll();
exp.done();
