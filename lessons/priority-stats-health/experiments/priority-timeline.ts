// Priority, drawn task by task, on the lesson's solution. A pool of 2 gets 8 low-priority tasks
// (L1-L8, 40 ms each); the first two hold both workers until the experiment lets them finish. While
// they run, 3 urgent tasks arrive (H1-H3). Once without priorities, once with priority 10 for H1-H3.
// Where do the urgent tasks start?
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { TransferListItem } from 'node:worker_threads';
import { experiment, stopAll, type TimelineSpan } from '../../../tool/experiments/kit.ts';
import { WorkerPool } from '../../../solutions/priority-stats-health/pool.ts';
import { newClock, newGate, newStartLog, openGate, reply, startedTags } from '../fixtures/log.ts';

const exp = experiment('Do urgent tasks overtake queued ones, and what do they wait for?');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const LOW = 8;
const HIGH = 3;
const TASK_MS = 40;
/** How long the first two tasks hold both workers once the urgent tasks are queued. */
const HOLD_MS = 60;

// The order in which the pool hands tasks to its workers, watched from the outside. The pool imports
// Worker from node:worker_threads; swapping that export for a subclass (the workbook's runtime does
// the same to run .ts workers) shows every postMessage without changing a line of the pool.
// (Two workers freed at the same moment may start their tasks in either order; the hand-over
// order is the pool's decision, and the one that priority is about.)
const handedOver: { task: unknown; at: number }[] = [];
const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
workerThreads.Worker = class extends workerThreads.Worker {
  override postMessage(data: unknown, transfer?: readonly TransferListItem[]) {
    handedOver.push({ task: (data as { data?: unknown }).data, at: performance.now() });
    super.postMessage(data, transfer);
  }
};
syncBuiltinESMExports();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const epoch = () => performance.timeOrigin + performance.now();

type Span = TimelineSpan;

async function picture(urgentPriority: number) {
  const pool = new WorkerPool(workerFile, { size: 2 });
  await Promise.all([pool.run(reply('warm-up')), pool.run(reply('warm-up'))]); // both workers up
  const tags = LOW + HIGH;
  const clock = newClock(tags + 1); // the worker notes when it starts each task, and on which thread
  const starts = newStartLog(tags + 1); // and in which order
  const gate = newGate();
  const t0 = epoch();
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  const spans: Span[] = [];
  const tasks: unknown[] = [];
  const settled: Promise<unknown>[] = [];
  const submit = (label: string, tag: number, priority: number, holdAtGate: boolean) => {
    const span: Span = { task: label, queuedAt: at(epoch()), outcome: 'lost' };
    spans.push(span);
    const task = reply(label, holdAtGate ? { gate, clock, starts, tag } : { delayMs: TASK_MS, clock, starts, tag });
    tasks.push(task);
    settled.push(
      pool.run(task, { priority }).then(
        () => Object.assign(span, { endedAt: at(epoch()), outcome: 'ok' }),
        () => Object.assign(span, { endedAt: at(epoch()), outcome: 'error' }),
      ),
    );
    return tag;
  };
  for (let i = 1; i <= LOW; i++) submit(`L${i}`, i, 0, i <= 2);
  // The urgent tasks come once L1 and L2 are running, so that every worker is busy.
  for (let waited = 0; startedTags(starts).length < 2 && waited < 20_000; waited += 5) await sleep(5);
  for (let i = 1; i <= HIGH; i++) submit(`H${i}`, LOW + i, urgentPriority, false);
  await sleep(HOLD_MS);
  const openedAt = performance.now();
  openGate(gate);
  await Promise.all(settled);
  await pool.close();
  spans.forEach((span, i) => (span.startedAt = at(clock[2 * (i + 1)]!)));
  // Rows are numbered 1 and 2 in the order the workers first started a task.
  const threadOf = (span: Span) => clock[2 * (spans.indexOf(span) + 1) + 1]!;
  const threads = [...new Set([...spans].sort((a, b) => a.startedAt! - b.startedAt!).map(threadOf))];
  for (const span of spans) span.worker = threads.indexOf(threadOf(span)) + 1;
  const mine = handedOver.filter((h) => tasks.includes(h.task));
  const order = mine.map((h) => spans[tasks.indexOf(h.task)]!.task);
  // Handed over before L1 and L2 were let go: that would be a worker running two tasks at once.
  const early = mine.filter((h) => h.at < openedAt).map((h) => spans[tasks.indexOf(h.task)]!.task);
  return { spans, order, early };
}

const plain = await picture(0);
const urgent = await picture(10);
const caption = (how: string) => `A pool of 2: L1-L${LOW} (${TASK_MS} ms each) queued, L1 and L2 running; then H1-H${HIGH} arrive, ${how}`;
exp.measure('timeline: without priority', JSON.stringify({ caption: caption('with the same priority (0)'), tasks: plain.spans }), 'timeline');
exp.measure('timeline: with priority', JSON.stringify({ caption: caption('with priority 10'), tasks: urgent.spans }), 'timeline');
exp.measure('without priority: the order the pool handed tasks to its workers', plain.order.join(', '));
exp.measure('with priority 10: the order the pool handed tasks to its workers', urgent.order.join(', '));
const wait = (run: typeof plain, label: string) => {
  const s = run.spans.find((t) => t.task === label)!;
  return s.startedAt! - s.queuedAt;
};
exp.measure('without priority: H1 waited', wait(plain, 'H1'), 'ms');
exp.measure('with priority 10: H1 waited', wait(urgent, 'H1'), 'ms');

const lows = Array.from({ length: LOW }, (_, i) => `L${i + 1}`);
const highs = Array.from({ length: HIGH }, (_, i) => `H${i + 1}`);
exp.claim(
  'without priority, the urgent tasks go last: the queue is first in, first out',
  plain.order.join() === [...lows, ...highs].join(),
  `handed over in the order ${plain.order.join(', ')}`,
);
exp.claim(
  'with priority 10, they overtake every queued low-priority task, in the order they came, but do not interrupt L1 and L2',
  urgent.order.join() === ['L1', 'L2', ...highs, ...lows.slice(2)].join() && urgent.early.join() === 'L1,L2' && urgent.spans.every((s) => s.outcome === 'ok'),
  `handed over in the order ${urgent.order.join(', ')}; before L1 and L2 finished: ${urgent.early.join(', ')}`,
);
await stopAll();
exp.done();
