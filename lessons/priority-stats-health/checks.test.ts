import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, vi } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, projectRoot, watchThreads, stillPending, within, type ThreadWatch } from '../../tool/harness/index.ts';
import { hang, newGate, newStartLog, openGate, reply, startedTags, type Task } from './fixtures/log.ts';

const lesson = lessonUnderTest(import.meta.url);

interface RunOptions {
  signal?: AbortSignal;
  timeout?: number;
  priority?: number;
}
interface Stats {
  size: number;
  busy: number;
  idle: number;
  queued: number;
  completed: number;
  failed: number;
  cancelled: number;
  avgRunMs: number;
  avgWaitMs: number;
}
interface Pool {
  run(data: Task, options?: RunOptions): Promise<unknown>;
  stats(): Stats;
  monitor(intervalMs: number, report: (stats: Stats) => void): () => void;
  close(): Promise<void>;
}
type PoolModule = { WorkerPool: new (workerFile: string | URL, options: { size: number; taskTimeout?: number }) => Pool };

/** How long a task that should settle gets. Tasks here take milliseconds; this is for a loaded machine. */
const SETTLE_MS = 5000;
const LONG = 20_000;

async function pool(options: { size: number; taskTimeout?: number }): Promise<Pool> {
  const { WorkerPool } = await lesson.load<PoolModule>('pool.ts');
  return disposeAfter(new WorkerPool(lesson.fixture('task-worker.ts'), options));
}

/** Submits a task and at once starts waiting for it, so that no rejection goes unhandled. */
const submit = (p: Pool, task: Task, options?: RunOptions, ms = SETTLE_MS) => within(ms, p.run(task, options));

type Outcome = Awaited<ReturnType<typeof within>>;
const outcome = (r: Outcome) => {
  if (!r.settled) return stillPending(r);
  if ('error' in r && r.error !== undefined) {
    const e = r.error as Error;
    return `rejected: ${e?.name ?? 'non-Error'}: ${e?.message ?? String(r.error)}`;
  }
  return `resolved with ${JSON.stringify(r.value)}`;
};
const outcomes = async (tasks: Array<Promise<Outcome>>) => (await Promise.all(tasks)).map(outcome).join('; ');
const resolvedWith = (...values: unknown[]) => values.map((v) => `resolved with ${JSON.stringify(v)}`).join('; ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the start log holds `count` tasks, or until `settled` does (a pool that rejects at once never starts them). */
const started = (log: Int32Array, count: number, settled: Promise<unknown>) =>
  Promise.race([eventually(() => startedTags(log).length >= count, `${count} task(s) to start`, SETTLE_MS).catch(() => {}), settled]);

/** The stats, or what went wrong asking for them, as one line for a failure message. */
const shown = (s: unknown) => JSON.stringify(s, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v));

async function expectReplacements(threads: ThreadWatch, size: number, replaced: number): Promise<void> {
  await eventually(
    () => threads.workersAlive === size && threads.workersCreated === size + replaced,
    `${size} live workers and ${replaced} replacement(s)`,
  ).catch(() => {});
  await sleep(300);
  expect(threads.workersAlive, 'live workers once things settled').toBe(size);
  expect(threads.workersCreated - size, 'replacement workers started').toBe(replaced);
}

/**
 * Occupies the only worker of a pool of 1 with a task that waits behind a gate, so that the tasks
 * submitted next all queue. Returns the gate's opener and the first task.
 */
async function occupied(p: Pool, log: Int32Array) {
  const gate = newGate();
  const first = submit(p, reply('first', { gate, starts: log, tag: 0 }));
  await started(log, 1, first);
  return { first, open: () => openGate(gate) };
}

// ── Priority ──────────────────────────────────────────────────────────────────────────────────

test('on a pool of 1, queued tasks start in priority order, highest first', async () => {
  const log = newStartLog();
  const p = await pool({ size: 1 });
  const { first, open } = await occupied(p, log);
  const priorities = [0, 5, 1, 5, -2, 3, 1, 0, 2.5];
  const tasks = priorities.map((priority, i) => submit(p, reply(i + 1, { starts: log, tag: i + 1 }), { priority }));
  open();
  expect(await outcomes([first, ...tasks]), 'what the tasks settled with').toBe(resolvedWith('first', ...priorities.map((_, i) => i + 1)));
  const expected = priorities
    .map((priority, i) => ({ priority, tag: i + 1 }))
    .sort((a, b) => b.priority - a.priority || a.tag - b.tag)
    .map((t) => t.tag);
  expect(startedTags(log), `start order (task n has priority ${priorities.map((pr, i) => `${i + 1}:${pr}`).join(', ')}; 0 held the worker)`).toEqual([0, ...expected]);
});

test('tasks of equal priority start in the order they were submitted, and no priority means 0', async () => {
  const log = newStartLog();
  const p = await pool({ size: 1 });
  const { first, open } = await occupied(p, log);
  // Every third task has priority 7; the others have priority 0, given or left out.
  const options = (i: number): RunOptions | undefined => (i % 3 === 0 ? { priority: 7 } : i % 3 === 1 ? undefined : { priority: 0 });
  const count = 30;
  const tasks = Array.from({ length: count }, (_, i) => submit(p, reply(i + 1, { starts: log, tag: i + 1 }), options(i)));
  open();
  await Promise.all([first, ...tasks]);
  const tags = Array.from({ length: count }, (_, i) => i + 1);
  const expected = [...tags.filter((t) => (t - 1) % 3 === 0), ...tags.filter((t) => (t - 1) % 3 !== 0)];
  expect(startedTags(log), 'start order (tasks 1, 4, 7, ... have priority 7, the others 0)').toEqual([0, ...expected]);
});

test('a queued task that is aborted leaves the priority queue, and the others keep their order', async () => {
  const log = newStartLog();
  const p = await pool({ size: 1 });
  const { first, open } = await occupied(p, log);
  const controller = new AbortController();
  const tasks = [
    submit(p, reply('a', { starts: log, tag: 1 }), { priority: 1 }),
    submit(p, reply('b', { starts: log, tag: 2 }), { priority: 5, signal: controller.signal }),
    submit(p, reply('c', { starts: log, tag: 3 }), { priority: 5 }),
    submit(p, reply('d', { starts: log, tag: 4 }), { priority: 1 }),
  ];
  controller.abort();
  await sleep(50);
  open();
  const seen = (await Promise.all([first, ...tasks])).map(outcome);
  expect(seen[2], 'the aborted task b').toMatch(/^rejected: AbortError: /);
  expect(startedTags(log), 'start order (a:1, b:5 aborted, c:5, d:1)').toEqual([0, 3, 1, 4]);
});

test('a priority that is not a number is refused with a RangeError, and the task never runs', async () => {
  const log = newStartLog();
  const p = await pool({ size: 1 });
  for (const [tag, priority] of ([Number.NaN, '5', {}] as unknown[]).entries()) {
    const refused = await submit(p, reply('never', { starts: log, tag }), { priority: priority as number });
    expect(outcome(refused), `run(task, { priority: ${typeof priority === 'number' ? priority : JSON.stringify(priority)} })`).toMatch(/^rejected: RangeError: .*priority/i);
  }
  await sleep(50);
  expect(startedTags(log), 'refused tasks that started anyway').toEqual([]);
});

// ── Stats ─────────────────────────────────────────────────────────────────────────────────────

test('under a saturated pool, avgRunMs stays near the real run time while avgWaitMs grows with the queue', async () => {
  const taskMs = 50;
  // One at a time: nothing waits, so the run time alone.
  const alone = await pool({ size: 2 });
  for (let i = 0; i < 6; i++) await submit(alone, reply(i, { delayMs: taskMs }));
  const calm = alone.stats();
  // 24 at once on 2 workers: each task still runs 50 ms, but most wait for the ones ahead.
  const busy = await pool({ size: 2 });
  await Promise.all(Array.from({ length: 24 }, (_, i) => submit(busy, reply(i, { delayMs: taskMs }), undefined, 10_000)));
  const saturated = busy.stats();
  const observed = `one at a time: ${shown(calm)}; 24 at once: ${shown(saturated)}`;
  expect(saturated.avgRunMs, `avgRunMs, tasks of ${taskMs} ms (${observed})`).toBeGreaterThanOrEqual(taskMs * 0.9);
  expect(saturated.avgRunMs, `avgRunMs with 24 tasks at once, against ${calm.avgRunMs.toFixed(1)} one at a time (${observed})`).toBeLessThanOrEqual(
    calm.avgRunMs * 2 + 20,
  );
  expect(saturated.avgWaitMs, `avgWaitMs with 24 tasks at once, against avgRunMs ${saturated.avgRunMs.toFixed(1)} (${observed})`).toBeGreaterThanOrEqual(
    saturated.avgRunMs * 2,
  );
  expect(calm.avgWaitMs, `avgWaitMs one at a time (${observed})`).toBeLessThan(taskMs);
}, LONG);

test('stats count completed, failed and cancelled tasks exactly', async () => {
  const p = await pool({ size: 2 });
  const tasks = [
    ...Array.from({ length: 10 }, (_, i) => submit(p, reply(i))),
    ...Array.from({ length: 3 }, (_, i) => submit(p, { do: 'fail', message: `no ${i}` })),
    submit(p, { do: 'throw', message: 'the worker threw on purpose' }),
    submit(p, hang(), { timeout: 200 }),
    submit(p, reply('never'), { signal: AbortSignal.abort() }),
  ];
  const seen = (await Promise.all(tasks)).map(outcome);
  // Two more, aborted while they wait behind two gated tasks.
  const log = newStartLog();
  const gate = newGate();
  const gated = [submit(p, reply('g1', { gate, starts: log, tag: 1 })), submit(p, reply('g2', { gate, starts: log, tag: 2 }))];
  await started(log, 2, Promise.race(gated));
  const controller = new AbortController();
  const queued = [submit(p, reply('q1'), { signal: controller.signal }), submit(p, reply('q2'), { signal: controller.signal })];
  controller.abort();
  await Promise.all(queued);
  openGate(gate);
  await Promise.all(gated);
  const s = p.stats();
  expect(
    { completed: s.completed, failed: s.failed, cancelled: s.cancelled },
    `the counts after 10 answers, 3 error answers, a crash, a timeout, an already-aborted task, 2 gated answers and 2 tasks aborted in the queue (stats: ${shown(s)}; the first 16 tasks: ${seen.join('; ')})`,
  ).toEqual({ completed: 12, failed: 5, cancelled: 3 });
}, LONG);

test('stats show busy and idle workers and queued tasks as they are', async () => {
  const log = newStartLog();
  const gate = newGate();
  const p = await pool({ size: 2 });
  const tasks = [1, 2, 3, 4, 5].map((tag) => submit(p, reply(tag, { gate, starts: log, tag })));
  await started(log, 2, Promise.race(tasks));
  const during = p.stats();
  expect({ size: during.size, busy: during.busy, idle: during.idle, queued: during.queued }, `while 2 tasks run and 3 wait (${shown(during)})`).toEqual({
    size: 2,
    busy: 2,
    idle: 0,
    queued: 3,
  });
  openGate(gate);
  await Promise.all(tasks);
  const after = p.stats();
  expect({ size: after.size, busy: after.busy, idle: after.idle, queued: after.queued }, `once all 5 are done (${shown(after)})`).toEqual({
    size: 2,
    busy: 0,
    idle: 2,
    queued: 0,
  });
});

// ── Health reports ────────────────────────────────────────────────────────────────────────────

test('monitor() reports the stats to your function every interval, prints nothing, and stops when told', async () => {
  const printed: string[] = [];
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void printed.push(`console.${method}: ${args.map(String).join(' ')}`));
  }
  try {
    const p = await pool({ size: 2 });
    const reports: Stats[] = [];
    const stop = p.monitor(50, (stats) => reports.push(stats));
    await Promise.all(Array.from({ length: 10 }, (_, i) => submit(p, reply(i, { delayMs: 20 }))));
    // Two more reports once the work is done, so that the last one sees all of it.
    const afterWork = reports.length;
    await eventually(() => reports.length >= Math.max(4, afterWork + 2), 'reports at an interval of 50 ms').catch(() => {});
    expect(printed.slice(0, 5), `what the pool printed (${printed.length} lines)`).toEqual([]);
    expect(reports.length, 'reports received').toBeGreaterThanOrEqual(Math.max(4, afterWork + 2));
    expect(reports.at(-1), 'the last report').toMatchObject({ size: 2, queued: 0, completed: 10 });
    stop();
    const atStop = reports.length;
    await sleep(300);
    expect(reports.length - atStop, 'reports after stop()').toBe(0);
    expect(printed, 'what the pool printed').toEqual([]);
  } finally {
    vi.restoreAllMocks();
  }
});

test('close() stops the health reports', async () => {
  const original = { log: console.log, warn: console.warn };
  console.log = console.warn = () => {}; // a pool that prints is caught by the check above
  try {
    const p = await pool({ size: 1 });
    let reports = 0;
    p.monitor(50, () => reports++);
    await submit(p, reply('work'));
    await eventually(() => reports >= 2, '2 reports').catch(() => {});
    expect(reports, 'reports before close()').toBeGreaterThanOrEqual(2);
    await within(SETTLE_MS, p.close());
    const atClose = reports;
    await sleep(400);
    expect(reports - atClose, 'reports in the 400 ms after close()').toBe(0);
  } finally {
    Object.assign(console, original);
  }
});

test('a program that monitors its pool exits by itself once it has closed the pool', async () => {
  const program = lesson.fixture('health-program.ts');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', join(projectRoot, 'tool/runtime/register.ts'), program, lesson.file('pool.ts'), lesson.fixture('task-worker.ts'), '50'],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let closedAt: number | undefined;
  const graceMs = 3000;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const collect = (d: Buffer) => {
    output += d;
    if (closedAt === undefined && /closed after \d+ reports/.test(output)) closedAt = Date.now();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // Starting Node with TypeScript support can take seconds on a busy machine; the clock that matters
  // starts when the program says close() has returned.
  const deadline = Date.now() + 20_000;
  let code: number | null | 'still running' = 'still running';
  while (code === 'still running') {
    const r = await within(100, exited);
    if (r.settled) code = r.value as number | null;
    else if (Date.now() > deadline || (closedAt !== undefined && Date.now() - closedAt > graceMs)) break;
  }
  if (code === 'still running') child.kill('SIGKILL');
  const lines = output.trim().split('\n');
  const shownOutput = `${lines.length} line(s) of output, the last: ${JSON.stringify(lines.slice(-3).join(' | ').slice(0, 300))}`;
  expect(closedAt !== undefined, `the program reached the end (close() returned); ${shownOutput}`).toBe(true);
  expect(code, `how the process ended, ${graceMs / 1000} s after close() returned; ${shownOutput}`).toBe(0);
}, 30_000);

// ── What the earlier lessons built still holds ────────────────────────────────────────────────

test('a stuck task still times out, and its worker is replaced once (timeouts still hold)', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 1 });
  const stuck = submit(p, hang(), { timeout: 200 });
  const next = submit(p, reply('next'));
  expect(outcome(await next), 'the task queued behind the stuck one').toBe(resolvedWith('next'));
  expect(outcome(await stuck), 'the stuck task').toMatch(/^rejected: TimeoutError: /);
  await expectReplacements(threads, 1, 1);
}, LONG);

test('a worker that throws mid-task rejects exactly its task and is replaced once (crash recovery still holds)', async () => {
  const threads = watchThreads();
  const p = await pool({ size: 2 });
  const crashed = submit(p, { do: 'throw', message: 'the worker threw on purpose' });
  const others = [submit(p, reply('b', { delayMs: 100 })), submit(p, reply('c')), submit(p, reply('d'))];
  expect(outcome(await crashed), 'the task whose worker threw').toBe('rejected: Error: the worker threw on purpose');
  expect(await outcomes(others), 'the other tasks').toBe(resolvedWith('b', 'c', 'd'));
  await expectReplacements(threads, 2, 1);
}, LONG);
