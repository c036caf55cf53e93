// A crash mid-task, drawn worker by worker. A pool of 1 gets task a, whose worker calls
// process.exit(7) 30 ms in, and tasks b, c, d (30 ms each), which queue behind it; a fifth task, e,
// comes 300 ms later. The same load on document 001's pool and on the lesson's solution: who is
// replaced, and when do b, c, d run?
import { WorkerPool as Document001Pool } from '../broken/document-001-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/crash-recovery/pool.ts';
import { experiment, stopAll, watchWorkerLives, within, type TimelineSpan } from '../../../tool/experiments/kit.ts';
import type { CrashTask } from '../fixtures/crash-worker.ts';

const exp = experiment('A worker dies mid-task with tasks queued behind it: who runs them, and when?');
const workerFile = new URL('../fixtures/crash-worker.ts', import.meta.url);
const TASK_MS = 30;
const LATE_MS = 300;

const lives = watchWorkerLives(workerFile);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, capMs: number): Promise<void> {
  const deadline = performance.now() + capMs;
  while (!condition() && performance.now() < deadline) await sleep(5);
}

interface Span extends TimelineSpan {
  /** When the pool posted it to a worker (startedAt is later if that worker was not online yet). */
  handedAt?: number;
}
type Pool = { run(data: unknown): Promise<unknown>; close(): Promise<void> };

async function picture(make: () => Pool) {
  const first = lives.length;
  const mine = () => lives.slice(first);
  const pool = make();
  await pool.run({ do: 'reply', value: 'warm-up' } satisfies CrashTask); // the worker is up and has loaded its code
  const t0 = performance.now();
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  const spans: Span[] = [];
  const order: string[] = [];
  const submit = (name: string, task: CrashTask) => {
    const span: Span = { task: name, queuedAt: at(performance.now()), outcome: 'lost' };
    spans.push(span);
    const done = (outcome: Span['outcome']) => () => {
      order.push(name);
      Object.assign(span, { endedAt: at(performance.now()), outcome });
      // Which worker was handed this task, and when: found by the task's data, which the pool posts as it is.
      const row = mine().findIndex((l) => l.posted.some((p) => (p.data as { data?: unknown }).data === task));
      const life = mine()[row];
      if (life) {
        const posted = life.posted.find((p) => (p.data as { data?: unknown }).data === task)!.at;
        // A task posted to a worker still starting waits in its port until the worker is online.
        Object.assign(span, { worker: row + 1, handedAt: at(posted), startedAt: at(Math.max(posted, life.onlineAt ?? posted)) });
      }
    };
    return pool.run(task).then(done('ok'), done('crash'));
  };
  const settled = [submit('a', { do: 'exit', code: 7, delayMs: TASK_MS }), ...['b', 'c', 'd'].map((v) => submit(v, { do: 'reply', value: v, delayMs: TASK_MS }))];
  // e comes LATE_MS in, and never before the replacement is up, however busy the machine.
  await Promise.all([sleep(LATE_MS), until(() => mine()[1]?.onlineAt !== undefined, 20_000)]);
  const settledBeforeE = [...order];
  settled.push(submit('e', { do: 'reply', value: 'e', delayMs: TASK_MS }));
  await within(20_000, Promise.all(settled)); // milliseconds of work; a busy machine gets more time
  await within(2_000, pool.close());
  await stopAll();
  const workers = mine().map((l, i) => ({
    id: i + 1,
    startedAt: Math.max(0, at(l.createdAt)),
    endedAt: l.exitedAt === undefined ? undefined : at(l.exitedAt),
    exit: l.exitCode === 7 ? ('crash' as const) : ('terminated' as const),
    // Each worker after the first was started once the one before it had died.
    replaces: i > 0 ? i : undefined,
  }));
  const onlineAt = mine().map((l) => (l.onlineAt === undefined ? undefined : at(l.onlineAt)));
  return { spans: spans.map(({ handedAt, ...span }) => span), handed: spans.map((s) => s.handedAt), workers, order, settledBeforeE, onlineAt, crashes: mine().filter((l) => l.exitCode === 7).length };
}

const document = await picture(() => new Document001Pool(workerFile, { size: 1 }));
const solution = await picture(() => new SolutionPool(workerFile, { size: 1 }));
const caption = (who: string) => `${who}, a pool of 1: task a exits mid-task, b, c, d wait behind it, e comes ${LATE_MS} ms later`;
exp.measure('timeline: document 001', JSON.stringify({ caption: caption("Document 001's pool"), tasks: document.spans, workers: document.workers }), 'timeline');
exp.measure('timeline: the solution', JSON.stringify({ caption: caption('The solution'), tasks: solution.spans, workers: solution.workers }), 'timeline');

for (const [name, run] of [['document 001', document], ['solution', solution]] as const) {
  exp.measure(`${name}: workers started (1 at first)`, run.workers.length);
  exp.measure(`${name}: replacement online at`, run.onlineAt[1] ?? Number.NaN, 'ms');
  exp.measure(`${name}: tasks settled before e was sent`, run.settledBeforeE.join(', ') || 'none');
  exp.measure(`${name}: order the tasks settled in`, run.order.join(', '));
}

const outcomes = (run: typeof document) => run.spans.map((s) => `${s.task} ${s.outcome}`).join(', ');
for (const [name, run] of [['document 001', document], ['the solution', solution]] as const) {
  exp.claim(
    `${name}: the task whose worker died is rejected, and exactly one replacement starts`,
    run.spans[0]!.outcome === 'crash' && run.spans.slice(1).every((s) => s.outcome === 'ok') && run.crashes === 1 && run.workers.length === 2,
    `${outcomes(run)}; ${run.workers.length} workers started in all`,
  );
}
exp.claim(
  "document 001: nothing hands the queue to the replacement, which sits idle until e arrives; then e runs first, and b, c, d after it",
  document.settledBeforeE.join() === 'a' && document.order.join() === 'a,e,b,c,d',
  `settled before e was sent: ${document.settledBeforeE.join(', ')}; then ${document.order.slice(1).join(', ')}`,
);
exp.claim(
  'the solution hands b to the replacement as it starts, before e is even sent, and runs the queue in order: b, c, d, then e',
  solution.order.join() === 'a,b,c,d,e' && solution.handed[1]! < solution.spans[4]!.queuedAt,
  `b handed over at ${solution.handed[1]} ms, e sent at ${solution.spans[4]!.queuedAt} ms; order ${solution.order.join(', ')}`,
);
exp.done();
