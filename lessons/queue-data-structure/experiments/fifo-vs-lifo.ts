// Document 002's pool takes the OLDEST waiting task (queue.shift(): FIFO) and gives it to the worker
// that became free LAST (freeWorkers.pop(): LIFO). What does each choice do?
//
// 1. Task order, under sustained overload: a pool of 2, tasks of 10 ms. 20 tasks arrive at once, and
//    then a new one arrives every time one finishes (60 more), so the queue stays about 20 deep
//    until the arrivals stop. How long does each task wait before it starts?
// 2. Worker order, under light load: a pool of 4 gets 40 tasks one at a time (each submitted when
//    the previous one is done). Which workers run them?
import { experiment, median, quick, stopAll } from '../../../tool/experiments/kit.ts';
import { OrderPool, type Order, type TaskRecord } from '../fixtures/order-pool.ts';

const exp = experiment('FIFO or LIFO: which waiting task runs next, and which idle worker runs it?');
const workerFile = new URL('../fixtures/spin-worker.ts', import.meta.url);
const TASK_MS = 10;
const BACKLOG = 20;
const ARRIVALS = 60;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/**
 * Part 1, once: returns every task's wait, in ms (start - submit) and in tasks (how many other tasks
 * started while it waited), and the timeline. On a busy machine every 10 ms task takes longer, so the
 * waits in ms stretch unevenly; the count of tasks that went first depends on the order alone.
 */
async function overload(taskOrder: Order): Promise<{ waits: number[]; waitedFor: number[]; timeline: TaskRecord[] }> {
  const pool = new OrderPool(workerFile, 2, { taskOrder, workerOrder: 'lifo' });
  await Promise.all([pool.run({ ms: 1 }), pool.run({ ms: 1 })]); // both workers up
  pool.resetClock();
  let submitted = 0;
  const all: Array<Promise<unknown>> = [];
  const submit = (): void => {
    submitted++;
    const task = pool.run({ ms: TASK_MS });
    all.push(task);
    // Each task that finishes brings a new one, until ARRIVALS have come on top of the backlog.
    void task.then(() => {
      if (submitted < BACKLOG + ARRIVALS) submit();
    });
  };
  for (let i = 0; i < BACKLOG; i++) submit();
  // Wait until no task is left and no new one came in meanwhile.
  for (let seen = -1; seen !== all.length; ) {
    seen = all.length;
    await Promise.all(all);
  }
  const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);
  const timeline = pool.timeline.map((t) => ({ ...t, queuedAt: round(t.queuedAt)!, startedAt: round(t.startedAt), endedAt: round(t.endedAt) }));
  await pool.close();
  const started = pool.timeline.map((t) => t.startedAt!);
  const waitedFor = pool.timeline.map((t) => started.filter((s) => s > t.queuedAt && s < t.startedAt!).length);
  return { waits: timeline.map((t) => t.startedAt! - t.queuedAt), waitedFor, timeline };
}

const rounds = quick ? 1 : 5;
const emptyStats = () => ({ median: [] as number[], p95: [] as number[], max: [] as number[], medianTasks: [] as number[], maxTasks: [] as number[] });
const stats = { fifo: emptyStats(), lifo: emptyStats() };
const timelines: Partial<Record<Order, TaskRecord[]>> = {};
for (let round = 0; round < rounds; round++) {
  for (const order of ['fifo', 'lifo'] as const) {
    const { waits, waitedFor, timeline } = await overload(order);
    stats[order].median.push(median(waits));
    stats[order].p95.push(percentile(waits, 95));
    stats[order].max.push(Math.max(...waits));
    stats[order].medianTasks.push(median(waitedFor));
    stats[order].maxTasks.push(Math.max(...waitedFor));
    timelines[order] = timeline;
  }
}
const m = (order: Order, what: keyof ReturnType<typeof emptyStats>) => median(stats[order][what]);
for (const order of ['fifo', 'lifo'] as const) {
  const label = order === 'fifo' ? 'FIFO tasks (queue.shift(), the document)' : 'LIFO tasks (queue.pop())';
  exp.measure(`${label}: median wait`, m(order, 'median'), 'ms');
  exp.measure(`${label}: 95th percentile wait`, m(order, 'p95'), 'ms');
  exp.measure(`${label}: longest wait`, m(order, 'max'), 'ms');
  exp.measure(`${label}: median wait, in tasks that started meanwhile`, m(order, 'medianTasks'));
  exp.measure(`${label}: longest wait, in tasks that started meanwhile`, m(order, 'maxTasks'));
}
for (const order of ['fifo', 'lifo'] as const) {
  exp.measure(
    `timeline: ${order}`,
    JSON.stringify({
      caption: `${order === 'fifo' ? 'FIFO' : 'LIFO'} tasks on a pool of 2: ${BACKLOG} tasks of ${TASK_MS} ms at once, then one more each time one finishes (${ARRIVALS} more)`,
      tasks: timelines[order]!,
    }),
    'timeline',
  );
}
// The claims count waits in tasks that went first: that depends on the order alone, not on how
// busy the machine is. The waits in ms above say the same on a quiet machine.
const inTasks = (order: Order, what: 'medianTasks' | 'maxTasks') => `${m(order, what)} task(s)`;
exp.claim(
  'LIFO gives most tasks a far shorter wait: its median wait is less than a third of FIFO\'s',
  m('lifo', 'medianTasks') < m('fifo', 'medianTasks') / 3,
  `median: ${inTasks('lifo', 'medianTasks')} started meanwhile against ${inTasks('fifo', 'medianTasks')} (${m('lifo', 'median').toFixed(0)} ms against ${m('fifo', 'median').toFixed(0)} ms)`,
);
exp.claim(
  'but LIFO lets the tasks at the bottom of the stack starve: its longest wait is more than twice FIFO\'s',
  m('lifo', 'maxTasks') > 2 * m('fifo', 'maxTasks'),
  `longest: ${inTasks('lifo', 'maxTasks')} started meanwhile against ${inTasks('fifo', 'maxTasks')} (${m('lifo', 'max').toFixed(0)} ms against ${m('fifo', 'max').toFixed(0)} ms)`,
);
exp.claim(
  'FIFO keeps waits even: its longest wait is less than twice its median',
  m('fifo', 'maxTasks') < 2 * m('fifo', 'medianTasks'),
  `longest ${inTasks('fifo', 'maxTasks')} started meanwhile, median ${inTasks('fifo', 'medianTasks')} (${m('fifo', 'max').toFixed(0)} ms and ${m('fifo', 'median').toFixed(0)} ms)`,
);

// Part 2: which worker runs a task when the pool is mostly idle.
async function lightLoad(workerOrder: Order): Promise<number[]> {
  const pool = new OrderPool(workerFile, 4, { taskOrder: 'fifo', workerOrder });
  await Promise.all([0, 1, 2, 3].map(() => pool.run({ ms: 0 })));
  pool.resetClock();
  for (let i = 0; i < 40; i++) await pool.run({ ms: 0 });
  const perWorker = [0, 0, 0, 0];
  for (const t of pool.timeline) perWorker[t.worker!]!++;
  await pool.close();
  return perWorker;
}
const lifoWorkers = await lightLoad('lifo');
const fifoWorkers = await lightLoad('fifo');
exp.measure('40 tasks one at a time, LIFO workers (freeWorkers.pop(), the document): tasks per worker', lifoWorkers.join(' / '));
exp.measure('40 tasks one at a time, FIFO workers (freeWorkers.shift()): tasks per worker', fifoWorkers.join(' / '));
exp.claim(
  'with LIFO workers, one worker runs every task of a light load and the other three stay idle',
  [...lifoWorkers].sort((a, b) => b - a).join() === '40,0,0,0',
  `tasks per worker: ${lifoWorkers.join(', ')}`,
);
exp.claim(
  'with FIFO workers, the same load is spread evenly: 10 tasks each',
  fifoWorkers.every((n) => n === 10),
  `tasks per worker: ${fifoWorkers.join(', ')}`,
);
await stopAll();
exp.done();
