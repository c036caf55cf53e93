// The same 12 tasks of 60 ms, sent at once to two pools of 4, drawn task by task: the document's Q43
// pool, which has no queue, and the lesson's reference solution, which queues what it cannot run yet.
import { WorkerPool as DocumentPool } from '../broken/document-q43-pool/pool.ts';
import { WorkerPool as ReferencePool } from '../../../solutions/q43-shift-without-queue/pool.ts';
import { experiment, stopAll, watchWorkerLives, type TimelineSpan } from '../../../tool/experiments/kit.ts';
import { echo, type Answer, type Task } from '../fixtures/tasks.ts';
import { allSettledWithin, errorText, watch } from '../fixtures/observe.ts';

const exp = experiment('12 tasks at once on a pool of 4: what does each pool do with tasks 5 to 12?');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const TASKS = 12;
const TASK_MS = 60;
const SIZE = 4;

const lives = watchWorkerLives(workerFile);

interface Span extends TimelineSpan<number> {
  error?: string;
}
type Pool = { execute(data: Task): Promise<unknown>; terminate?(): Promise<void> };

async function picture(make: () => Pool) {
  const first = lives.length;
  const pool = make();
  const mine = () => lives.slice(first);
  // One task per worker first, so that every worker has started and loaded its code, as in a
  // program that has been running for a while.
  await Promise.all(Array.from({ length: SIZE }, () => pool.execute(echo(0))));
  const t0 = performance.now();
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  const spans: Span[] = [];
  const settled = Array.from({ length: TASKS }, (_, i) => {
    const span: Span = { task: i + 1, queuedAt: at(performance.now()), outcome: 'lost' };
    spans.push(span);
    return pool.execute(echo(i + 1, TASK_MS)).then(
      (answer) => {
        const row = mine().findIndex((l) => l.worker.threadId === (answer as Answer).threadId);
        const post = mine()[row]?.posted.find((p) => (p.data as Task).value === i + 1);
        Object.assign(span, { worker: row + 1, startedAt: post && at(post.at), endedAt: at(performance.now()), outcome: 'ok' });
      },
      (error: unknown) => Object.assign(span, { endedAt: at(performance.now()), outcome: 'rejected', error: errorText(error) }),
    );
  });
  await allSettledWithin(settled.map(watch), 20_000); // they need milliseconds; a busy machine gets more time
  if (pool.terminate) await pool.terminate();
  else await stopAll(); // the document's pool has no way to end its workers
  const workers = mine().map((l, i) => ({ id: i + 1, startedAt: Math.max(0, at(l.createdAt)), endedAt: l.exitedAt && at(l.exitedAt), exit: 'terminated' as const }));
  return { spans, workers };
}

const document = await picture(() => new DocumentPool(workerFile, SIZE));
const reference = await picture(() => new ReferencePool(workerFile, SIZE));
const strip = ({ spans, workers }: typeof document) => ({ tasks: spans.map(({ error, ...span }) => span), workers });
exp.measure(
  'timeline: the document',
  JSON.stringify({ caption: `The document's Q43 pool of ${SIZE}: ${TASKS} tasks of ${TASK_MS} ms at once`, ...strip(document) }),
  'timeline',
);
exp.measure(
  'timeline: the solution',
  JSON.stringify({ caption: `The reference solution, a pool of ${SIZE} with a queue: the same ${TASKS} tasks`, ...strip(reference) }),
  'timeline',
);

const show = (spans: Span[], outcome: Span['outcome']) => spans.filter((s) => s.outcome === outcome).map((s) => s.task).join(', ') || 'none';
for (const [name, run] of [["document's pool", document], ['reference solution', reference]] as const) {
  exp.measure(`${name}: tasks resolved`, show(run.spans, 'ok'));
  exp.measure(`${name}: tasks rejected`, show(run.spans, 'rejected'));
  exp.measure(`${name}: tasks still pending`, show(run.spans, 'lost'));
}
exp.measure("document's pool: the rejected tasks' error", [...new Set(document.spans.flatMap((s) => (s.error ? [s.error] : [])))].join(' | '));

const firstDone = Math.min(...document.spans.filter((s) => s.outcome === 'ok').map((s) => s.endedAt!));
const lastRejected = Math.max(...document.spans.filter((s) => s.outcome === 'rejected').map((s) => s.endedAt!));
exp.claim(
  `the document's pool runs tasks 1-4 and rejects tasks 5-${TASKS}, every one of them before task 1 has even finished`,
  show(document.spans, 'ok') === '1, 2, 3, 4' && show(document.spans, 'rejected') === '5, 6, 7, 8, 9, 10, 11, 12' && lastRejected < firstDone,
  `resolved ${show(document.spans, 'ok')}; last rejection at ${lastRejected.toFixed(1)} ms, first answer at ${firstDone.toFixed(1)} ms`,
);

const starts = reference.spans.filter((s) => s.startedAt !== undefined).sort((a, b) => a.startedAt! - b.startedAt!);
exp.claim(
  `the reference solution queues tasks 5-${TASKS} and runs all ${TASKS} on its ${SIZE} workers, starting them in the order they were sent`,
  reference.spans.every((s) => s.outcome === 'ok') && reference.workers.length === SIZE && starts.map((s) => s.task).join() === reference.spans.map((s) => s.task).join(),
  `resolved ${show(reference.spans, 'ok')} on ${reference.workers.length} workers; start order ${starts.map((s) => s.task).join(', ')}`,
);
await stopAll();
exp.done();
