// The document's "correct" pool has terminate(): it ends the workers. What happens to the tasks
// that were running or waiting at that moment, and to a task sent afterwards?
import { capturingConsoleError, pools, type Pool } from '../fixtures/pools.ts';
import { experiment, ms, quick } from '../../../tool/experiments/kit.ts';
import { echo, hanging } from '../fixtures/tasks.ts';
import { allSettledWithin, show, sleep, watch, type Watched } from '../fixtures/observe.ts';

const exp = experiment('What does terminate() of the document\'s "correct" pool do to unfinished tasks?');
const queuedTimeout = quick ? 1500 : 3000;

async function scenario(create: (size: number) => Pool) {
  const pool = create(1);
  await pool.execute(echo('warm-up'));
  const running = watch(pool.execute(hanging(), 60_000));
  const queued = watch(pool.execute(echo('queued'), queuedTimeout));
  await sleep(100);
  const terminated = watch(pool.terminate());
  const afterwards = watch(pool.execute(echo('afterwards'), 1000));
  await sleep(500);
  const soon = { running: show(running), queued: show(queued), afterwards: show(afterwards), terminate: show(terminated) };
  await allSettledWithin([queued, afterwards], queuedTimeout + 20_000);
  await allSettledWithin([running], 1000);
  return { soon, running, queued, afterwards };
}

const { result: doc, lines } = await capturingConsoleError(() => scenario(pools["document's pool"]));
const ref = await scenario(pools['reference solution']);

const after = (w: Watched) => `${show(w)}${w.settledAfterMs === undefined ? '' : ` after ${ms(w.settledAfterMs, 0)}`}`;
for (const [who, run] of [['document', doc], ['reference', ref]] as const) {
  exp.measure(`${who}, 0.5 s after terminate(): terminate()`, run.soon.terminate);
  exp.measure(`${who}, 0.5 s after terminate(): the running task`, run.soon.running);
  exp.measure(`${who}, 0.5 s after terminate(): the queued task (timeout ${queuedTimeout} ms)`, run.soon.queued);
  exp.measure(`${who}, 0.5 s after terminate(): a task sent after terminate() (timeout 1000 ms)`, run.soon.afterwards);
  exp.measure(`${who}, once the others had settled: the running task`, after(run.running));
  exp.measure(`${who}, once the others had settled: the queued task`, after(run.queued));
  exp.measure(`${who}, once the others had settled: the task sent afterwards`, after(run.afterwards));
}
exp.measure("what the document's pool printed with console.error", lines.join(' | ') || 'nothing');

exp.claim(
  "the document's terminate() leaves the running task pending: its worker is gone, and nothing is left that could settle it",
  doc.soon.running === 'pending' && doc.running.state === 'pending',
  after(doc.running),
);
exp.claim(
  "the queued task is not rejected by terminate(): it waits out its own timeout, then fails with a misleading 'Task timeout'",
  doc.soon.queued === 'pending' && doc.queued.state === 'rejected' && /Task timeout/.test(show(doc.queued)) && (doc.queued.settledAfterMs ?? 0) >= queuedTimeout - 50,
  after(doc.queued),
);
exp.claim(
  "a task sent after terminate() is accepted, never runs, and also ends as 'Task timeout'",
  doc.soon.afterwards === 'pending' && /Task timeout/.test(show(doc.afterwards)),
  after(doc.afterwards),
);
exp.claim(
  "terminate() makes the pool print 'Worker stopped with exit code 1': terminate() ends a worker with code 1",
  lines.some((l) => /Worker stopped with exit code 1/.test(l)),
  lines.join(' | ') || 'nothing printed',
);
exp.claim(
  'control: the reference solution rejects all three at once (within 0.5 s of terminate())',
  [ref.soon.running, ref.soon.queued, ref.soon.afterwards].every((s) => s.startsWith('rejected')),
  [ref.soon.running, ref.soon.queued, ref.soon.afterwards].join('; '),
);
exp.done();
