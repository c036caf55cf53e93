// The document's "correct" pool takes a timeout: execute(data, timeout = 30000). But it calls
// clearTimeout() when a task leaves the queue. Does a task that runs too long ever time out?
import { capturingConsoleError, pools, type Pool } from '../fixtures/pools.ts';
import { experiment, ms, quick } from '../../../tool/experiments/kit.ts';
import { echo, hanging } from '../fixtures/tasks.ts';
import { allSettledWithin, show, sleep, watch, type Watched } from '../fixtures/observe.ts';

const exp = experiment('Does the timeout of the document\'s "correct" pool apply to a task that is running?');
const timeout = 300;
const slowMs = 1500;
const waitMs = quick ? 3000 : 6000; // 10 times the timeout, or more

async function scenario(create: (size: number) => Pool) {
  // Pool of 1: a task that never answers and a task queued behind it, both with a 300 ms timeout.
  const pool = create(1);
  await pool.execute(echo('warm-up')); // the worker is up, as in a long-running program
  const stuck = watch(pool.execute(hanging(), timeout));
  const queued = watch(pool.execute(echo('queued'), timeout));
  await allSettledWithin([queued], 20_000);
  await allSettledWithin([stuck], waitMs);
  await pool.terminate();
  // A fresh pool of 1: a task that answers after 1.5 s, with a 300 ms timeout.
  const second = create(1);
  await second.execute(echo('warm-up'));
  const slow = watch(second.execute(echo('slow', slowMs), timeout));
  await allSettledWithin([slow], slowMs + 20_000);
  await second.terminate();
  return { stuck, queued, slow };
}

// The document's pool prints a line on every exit (terminate() included); kept out of the way here.
const { result: document } = await capturingConsoleError(() => scenario(pools["document's pool"]));
const reference = await scenario(pools['reference solution']);

const after = (w: Watched) => (w.settledAfterMs === undefined ? '' : ` after ${ms(w.settledAfterMs, 0)}`);
for (const [name, run] of [["document's pool", document], ['reference solution', reference]] as const) {
  exp.measure(`${name}: a task that never answers, timeout ${timeout} ms, ${waitMs / 1000} s later`, `${show(run.stuck)}${after(run.stuck)}`);
  exp.measure(`${name}: a task queued behind it, timeout ${timeout} ms`, `${show(run.queued)}${after(run.queued)}`);
  exp.measure(`${name}: a task that takes ${slowMs} ms, timeout ${timeout} ms`, `${show(run.slow)}${after(run.slow)}`);
}

exp.claim(
  `in the document's pool, a running task never times out: the stuck task is still pending after ${waitMs / 1000} s`,
  document.stuck.state === 'pending',
  show(document.stuck),
);
exp.claim(
  "the document's timeout only covers waiting in the queue: the queued task is rejected with 'Task timeout'",
  document.queued.state === 'rejected' && /Task timeout/.test(show(document.queued)),
  `${show(document.queued)}${after(document.queued)}`,
);
exp.claim(
  'a task that outlasts its timeout while running resolves late instead of being rejected',
  document.slow.state === 'resolved' && (document.slow.settledAfterMs ?? 0) > timeout * 2,
  `${show(document.slow)}${after(document.slow)}`,
);
exp.claim(
  'control: the reference solution rejects all three, each long before the slow task would have finished',
  [reference.stuck, reference.queued, reference.slow].every((w) => w.state === 'rejected' && (w.settledAfterMs ?? Infinity) < slowMs),
  [reference.stuck, reference.queued, reference.slow].map((w) => `${show(w)}${after(w)}`).join('; '),
);
exp.done();
