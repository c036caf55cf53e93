// Should a pool send a worker its next task before the worker has answered the last one? On tiny
// tasks every task pays a full round trip between threads (see where-the-time-goes), and sending
// ahead saves wake-ups. Part 1 measures how much that buys. Part 2 runs the same pool on three
// small loads to show what it costs: the rules of the reference pool that stop holding.
import { Worker } from 'node:worker_threads';
import { WorkerPool } from '../../../solutions/capstone/pool.ts';
import { experiment, median, quick, stopAll, within } from '../../../tool/experiments/kit.ts';
import { burst, settleDown } from '../bench/suite.ts';
import type { InFlightAnswer, InFlightTask } from '../fixtures/in-flight-worker.ts';
import { newStartLog, startedTags } from '../fixtures/tasks.ts';

const exp = experiment('What does sending a worker its next task before it answers buy, and which rules does it break?');

interface Pending {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}
interface Lane {
  worker: Worker;
  inFlight: Map<number, Pending>;
}

/**
 * NOT A POOL TO COPY. The smallest pool that sends ahead: each worker is posted up to `depth` tasks
 * without waiting for their answers. It has no timeouts, priorities or backpressure, and part 2
 * shows the rules that break because of the sending ahead itself. With depth 1 it sends the way
 * the reference pool does: a worker's next task only when its answer arrives.
 */
class SendAheadPool {
  #file: URL;
  #depth: number;
  #lanes: Lane[] = [];
  #queue: Pending[] = [];
  /** Where the queue starts: an index, because Array#shift copies a long array (queue-data-structure). */
  #head = 0;
  #nextId = 0;
  #closing = false;

  constructor(file: URL, size: number, depth: number) {
    this.#file = file;
    this.#depth = depth;
    for (let i = 0; i < size; i++) this.#lanes.push(this.#spawn());
  }

  run(data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const task: Pending = { id: ++this.#nextId, data, resolve, reject };
      // The worker with the fewest tasks in flight gets it at once if it has room, busy or not.
      let lane: Lane | undefined;
      for (const l of this.#lanes) if (l.inFlight.size < this.#depth && (lane === undefined || l.inFlight.size < lane.inFlight.size)) lane = l;
      if (lane === undefined) this.#queue.push(task);
      else this.#post(lane, task);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#lanes.map((lane) => lane.worker.terminate()));
  }

  #post(lane: Lane, task: Pending): void {
    lane.inFlight.set(task.id, task);
    lane.worker.postMessage({ id: task.id, data: task.data });
  }

  #sendNext(lane: Lane): void {
    if (this.#head === this.#queue.length) return;
    const task = this.#queue[this.#head++]!;
    if (this.#head === this.#queue.length) this.#queue.length = this.#head = 0;
    this.#post(lane, task);
  }

  #spawn(): Lane {
    const lane: Lane = { worker: new Worker(this.#file), inFlight: new Map() };
    lane.worker.on('message', ({ id, result }: { id: number; result: unknown }) => {
      const task = lane.inFlight.get(id);
      if (task === undefined) return;
      lane.inFlight.delete(id);
      this.#sendNext(lane);
      task.resolve(result);
    });
    lane.worker.on('error', () => {}); // the 'exit' that follows deals with it
    // Every task sent to a dead worker fails with it: the pool cannot tell which of them had started.
    lane.worker.on('exit', (code: number) => {
      for (const task of lane.inFlight.values()) task.reject(new Error(`its worker exited with code ${code}`));
      lane.inFlight.clear();
      if (this.#closing) return;
      const replacement = this.#spawn();
      this.#lanes[this.#lanes.indexOf(lane)] = replacement;
      for (let i = 0; i < this.#depth; i++) this.#sendNext(replacement);
    });
    return lane;
  }
}

interface RunPool {
  run(data: unknown): Promise<unknown>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Part 1: a burst of tiny tasks on 2 workers, with 1, 2 or 4 tasks in flight per worker.

const TASKS = quick ? 5_000 : 100_000;
const ROUNDS = 5;
const DEPTHS = [1, 2, 4];
const echoWorker = new URL('../bench/protocol-worker.ts', import.meta.url);
const contenders: Array<{ name: string; pool: RunPool }> = [
  ...DEPTHS.map((depth) => ({ name: `depth ${depth}`, pool: new SendAheadPool(echoWorker, 2, depth) })),
  { name: 'reference', pool: new WorkerPool(echoWorker, { size: 2 }) },
];
for (const c of contenders) await burst(c.pool, Math.min(TASKS / 2, 20_000)); // workers up, code compiled
const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  // Each round starts with a different pool, so that drift in the machine's load falls on all alike.
  for (let i = 0; i < contenders.length; i++) {
    const c = contenders[(round + i) % contenders.length]!;
    await settleDown();
    times.get(c.name)!.push(await burst(c.pool, TASKS));
  }
}
await Promise.all(contenders.map((c) => within(5_000, c.pool.close())));

const perSecond = (name: string) => TASKS / (median(times.get(name)!) / 1000);
const tasks = TASKS.toLocaleString('en');
exp.note(`Part 1: ${tasks} tiny tasks sent at once to a pool of 2 workers; medians of ${ROUNDS} interleaved rounds.`);
for (const depth of DEPTHS) {
  exp.measure(`up to ${depth} in flight per worker`, Math.round(perSecond(`depth ${depth}`)), 'tasks/s');
  if (depth > 1) exp.measure(`  ${depth} in flight against 1`, Number((perSecond(`depth ${depth}`) / perSecond('depth 1')).toFixed(2)), 'x');
}
exp.measure('the reference pool (1 in flight per worker)', Math.round(perSecond('reference')), 'tasks/s');
// A burst of load from other processes can spoil any one round. The fastest round of each is the
// least disturbed, so the claim compares those.
const fastest = (name: string) => Math.min(...times.get(name)!);
const gain = fastest('depth 1') / fastest('depth 4');
exp.claim(
  'with up to 4 tasks in flight per worker the burst goes through at least 1.2x as fast as with 1',
  gain >= 1.2,
  `fastest rounds: ${fastest('depth 4').toFixed(0)} ms against ${fastest('depth 1').toFixed(0)} ms, ${gain.toFixed(2)}x (medians: ${(perSecond('depth 4') / perSecond('depth 1')).toFixed(2)}x)`,
);

// ---------------------------------------------------------------------------------------------
// Part 2: the same pool at depth 2 against the reference pool, 2 workers each, on three small loads.

const taskWorker = new URL('../fixtures/in-flight-worker.ts', import.meta.url);
const DEPTH = 2;
const LONG_MS = 400;
const WAIT_MS = 200;
const naive = () => new SendAheadPool(taskWorker, 2, DEPTH);
const reference = () => new WorkerPool(taskWorker, { size: 2 });

interface Outcome {
  name: string;
  runAt: number;
  settledAt?: number;
  answer?: InFlightAnswer;
  error?: string;
}

/** Starts a pool, waits until both its workers have answered once, runs `tasks` all at once, closes it. */
async function load(pool: RunPool, tasks: Array<[string, InFlightTask]>): Promise<Outcome[]> {
  await within(10_000, Promise.all([pool.run({}), pool.run({})]));
  const outcomes: Outcome[] = [];
  const settled = tasks.map(([name, data]) => {
    const o: Outcome = { name, runAt: performance.now() };
    outcomes.push(o);
    return pool.run(data).then(
      (answer) => Object.assign(o, { answer, settledAt: performance.now() }),
      (error: Error) => Object.assign(o, { error: error.message, settledAt: performance.now() }),
    );
  });
  await within(10_000, Promise.all(settled)); // a second of work at most; the rest is for a busy machine
  await within(5_000, pool.close());
  return outcomes;
}

const what = (o: Outcome) => (o.settledAt === undefined ? 'never settled' : o.error === undefined ? 'resolved' : `rejected (${o.error})`);

// a) A long task, then four short ones.
const shortTasks: Array<[string, InFlightTask]> = ['s1', 's2', 's3', 's4'].map((name) => [name, { busyMs: 0 }]);
const longThenShort: Array<[string, InFlightTask]> = [['long', { busyMs: LONG_MS }], ...shortTasks];

function describeLongThenShort(label: string, outcomes: Outcome[]) {
  exp.note(`  ${label}:`);
  const [long, ...shorts] = outcomes as [Outcome, ...Outcome[]];
  const t0 = long.runAt;
  // Rows: the long task's worker first, so that the two pictures read alike.
  const threads = [...new Set(outcomes.map((o) => o.answer?.thread))];
  const row = (o: Outcome) => threads.indexOf(o.answer?.thread) + 1;
  const onClock = (epochMs: number) => Math.round((epochMs - performance.timeOrigin - t0) * 10) / 10;
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  exp.measure(
    `timeline: ${label}`,
    JSON.stringify({
      caption: `${label}: a ${LONG_MS} ms task, then four tiny ones, on 2 workers`,
      tasks: outcomes.map((o) => ({
        task: o.name,
        worker: o.answer ? row(o) : undefined,
        queuedAt: at(o.runAt),
        startedAt: o.answer ? onClock(o.answer.startedAt) : undefined,
        endedAt: o.settledAt === undefined ? undefined : at(o.settledAt),
        outcome: o.answer ? 'ok' : 'lost',
      })),
      workers: threads.map((_, i) => ({ id: i + 1 })),
    }),
    'timeline',
  );
  const finished = shorts.map((s) => {
    if (s.settledAt === undefined || long.settledAt === undefined) return `${s.name} ${what(s)}`;
    const gap = s.settledAt - long.settledAt;
    const where = s.answer?.thread === long.answer?.thread ? "long's worker" : 'the other worker';
    return `${s.name} ${Math.abs(gap).toFixed(Math.abs(gap) < 1 ? 2 : 1)} ms ${gap < 0 ? 'before' : 'after'} long, on ${where}`;
  });
  exp.measure('  each short task finished', finished.join('; '));
  const after = shorts.filter((s) => long.settledAt === undefined || s.settledAt === undefined || s.settledAt > long.settledAt);
  return { long, shorts, after };
}

exp.note('');
exp.note(`Part 2a: a ${LONG_MS} ms task, then four tiny ones, all sent at once to 2 workers.`);
const a = describeLongThenShort(`sending ahead, depth ${DEPTH}`, await load(naive(), longThenShort));
for (const s of a.after) {
  if (!s.answer || !a.long.answer) continue;
  exp.measure(`  ${s.name}: from run() to its answer`, Number((s.settledAt! - s.runAt).toFixed(1)), 'ms');
  exp.measure(`  ${s.name}: of which it ran`, Number((s.answer.endedAt - s.answer.startedAt).toFixed(2)), 'ms');
}
const ref = describeLongThenShort('the reference pool', await load(reference(), longThenShort));

const stuckOnLongsWorker = a.after.length > 0 && a.after.every((s) => s.answer !== undefined && s.answer.thread === a.long.answer?.thread);
const othersBefore = a.shorts.every((s) => a.after.includes(s) || s.answer?.thread !== a.long.answer?.thread);
exp.claim(
  `sending ahead (depth ${DEPTH}): a short task sent to the long task's worker finished only after the long one, while the other worker finished every other short task before it`,
  stuckOnLongsWorker && othersBefore,
  `finished after long: ${a.after.map((s) => s.name).join(', ') || 'none'}`,
);
const notStarted = a.after.length > 0 && a.after.every((s) => s.answer !== undefined && a.long.answer !== undefined && s.answer.startedAt >= a.long.answer.endedAt);
exp.claim(
  'that short task did not start until the long one had ended: a timeout on the long task (which ends its worker) would have killed it unstarted, and a timeout clock started when it was sent would have charged it for the long task',
  notStarted,
  a.after.map((s) => `${s.name} started ${s.answer && a.long.answer ? (s.answer.startedAt - a.long.answer.endedAt).toFixed(2) : '?'} ms after long ended, in the same worker`).join('; ') || 'no short task waited',
);
exp.claim(
  'the reference pool: every short task finished before the long one',
  ref.after.length === 0,
  `finished after long: ${ref.after.map((s) => s.name).join(', ') || 'none'}`,
);

// b) A task that kills its worker, with three tiny ones: the pool at depth 2 sends one of them to
// the same worker, behind it.
async function crash(pool: RunPool) {
  const log = newStartLog(16);
  const names = ['crash', 'a', 'b', 'c'];
  const outcomes = await load(pool, [
    ['crash', { exit: 3, log, tag: 1 }],
    ['a', { busyMs: 0, log, tag: 2 }],
    ['b', { busyMs: 0, log, tag: 3 }],
    ['c', { busyMs: 0, log, tag: 4 }],
  ]);
  const started = new Set(startedTags(log).map((tag) => names[tag - 1]!));
  exp.measure('  what each caller got', outcomes.map((o) => `${o.name} ${what(o)}`).join('; '));
  exp.measure('  tasks that started in a worker', names.filter((n) => started.has(n)).join(', '));
  const got = new Map(outcomes.map((o) => [o.name, o]));
  const resolved = names.filter((n) => got.get(n)?.answer !== undefined);
  const rejected = names.filter((n) => got.get(n)?.error !== undefined);
  return { started, resolved, rejected };
}

exp.note('');
exp.note('Part 2b: a task that calls process.exit() in its worker, sent with three tiny ones (a, b, c).');
exp.note(`  sending ahead, depth ${DEPTH}:`);
const b = await crash(naive());
exp.note('  the reference pool:');
const refB = await crash(reference());
const unstarted = b.rejected.filter((n) => !b.started.has(n));
exp.claim(
  `sending ahead (depth ${DEPTH}): the crash also took down a task that was sent behind it and never started`,
  b.rejected.includes('crash') && unstarted.length > 0,
  `rejected: ${b.rejected.join(', ')}; of those, never started: ${unstarted.join(', ') || 'none'}`,
);
exp.claim(
  'the reference pool: only the crashing task is rejected; every other task runs and resolves',
  refB.rejected.join() === 'crash' && refB.resolved.join() === 'a,b,c',
  `rejected: ${refB.rejected.join(', ') || 'none'}; resolved: ${refB.resolved.join(', ') || 'none'}`,
);

// c) Four tasks that each await a timer before answering: the worker's thread is free meanwhile.
const waits: Array<[string, InFlightTask]> = ['w1', 'w2', 'w3', 'w4'].map((name) => [name, { waitMs: WAIT_MS }]);
const most = (outcomes: Outcome[]) => Math.max(...outcomes.map((o) => o.answer?.runningAtOnce ?? 0));

exp.note('');
exp.note(`Part 2c: four tasks that each await a ${WAIT_MS} ms timer before answering, on 2 workers.`);
const c = most(await load(naive(), waits));
exp.measure(`  most tasks running at once in one worker, sending ahead (depth ${DEPTH})`, c);
const refC = most(await load(reference(), waits));
exp.measure('  most tasks running at once in one worker, the reference pool', refC);
exp.claim(
  `sending ahead (depth ${DEPTH}) to a worker that awaits: a worker runs ${DEPTH} tasks at once, so "one task at a time per worker" no longer holds`,
  c === DEPTH,
  `at most ${c} at once`,
);
exp.claim('the reference pool: never more than one task at a time in a worker', refC === 1, `at most ${refC} at once`);

await stopAll();
exp.done();
