// The document's "correct" pool replaces a worker on 'error' and forgets it on 'exit'. What happens
// to the tasks when a worker throws, exits in the middle of a task, or exits while idle?
import { capturingConsoleError, DocumentPool, pools, type Pool } from '../fixtures/pools.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { echo, exiting, exitingWhenIdle, throwing } from '../fixtures/tasks.ts';
import { allSettledWithin, show, sleep, until, watch } from '../fixtures/observe.ts';
import { trackedSince, trackingMark } from '../../../tool/runtime/tracking.ts';

const exp = experiment('What happens to tasks in the document\'s "correct" pool when a worker throws or exits?');
// How long a task may stay pending before we call it stuck. Tasks that do settle are waited for
// (up to `cap`), so a slow machine only makes the experiment slower, not wrong.
const waitMs = quick ? 2000 : 4000;
const cap = 20_000;
const long = 60_000; // a timeout that does not interfere
const nextTimeout = 5000; // long enough for a replacement worker to start on a busy machine
const stats = (pool: Pool) => (pool instanceof DocumentPool ? JSON.stringify(pool.getStats()) : '');
/** True once some worker thread started after `mark` has exited. */
const aWorkerExited = (mark: number) => () => trackedSince(mark).some((t) => t.kind === 'worker thread' && !t.alive);

async function throwsWithQueue(create: (size: number) => Pool) {
  // Pool of 1: a task whose worker throws, with two tasks queued behind it.
  const pool = create(1);
  await pool.execute(echo('warm-up'));
  const failing = watch(pool.execute(throwing('the task failed'), long));
  const second = watch(pool.execute(echo('second'), long));
  const third = watch(pool.execute(echo('third'), long));
  await allSettledWithin([failing], cap);
  await allSettledWithin([second, third], waitMs);
  const before = { 'the task that throws': show(failing), 'queued task 2': show(second), 'queued task 3': show(third), getStats: stats(pool) };
  // Then one more call to execute(), long after the failure.
  const fourth = watch(pool.execute(echo('fourth'), long));
  await allSettledWithin([second, third, fourth], cap);
  const afterNewCall = { 'queued task 2': show(second), 'queued task 3': show(third), 'the new task': show(fourth) };
  await pool.terminate();
  return { before, afterNewCall };
}

async function exitsMidTask(create: (size: number) => Pool) {
  // Pool of 4: one worker calls process.exit(0) during its task, another process.exit(1).
  const pool = create(4);
  await Promise.all([1, 2, 3, 4].map((i) => pool.execute(echo(i))));
  const exit0 = watch(pool.execute(exiting(0), long));
  const exit1 = watch(pool.execute(exiting(1), long));
  await allSettledWithin([exit0, exit1], waitMs);
  const result = { 'the task whose worker exits with 0': show(exit0), 'the task whose worker exits with 1': show(exit1), getStats: stats(pool) };
  await pool.terminate();
  return result;
}

async function lastWorkerExits(create: (size: number) => Pool) {
  // Pool of 1: its worker exits during a task; then a task with a 5 s timeout arrives.
  const mark = trackingMark();
  const pool = create(1);
  await pool.execute(echo('warm-up'));
  const exit0 = watch(pool.execute(exiting(0), long));
  await until(aWorkerExited(mark), cap);
  const next = watch(pool.execute(echo('next'), nextTimeout));
  await allSettledWithin([next], cap);
  await allSettledWithin([exit0], waitMs);
  const result = { 'the task whose worker exits with 0': show(exit0), 'the next task': show(next), getStats: stats(pool) };
  await pool.terminate();
  return result;
}

async function exitsWhileIdle(create: (size: number) => Pool) {
  // Pool of 1: the worker answers, then exits while idle; then a task with a 5 s timeout arrives.
  const mark = trackingMark();
  const pool = create(1);
  const first = watch(pool.execute(exitingWhenIdle('first', 0), long));
  await until(aWorkerExited(mark), cap);
  await sleep(50); // the pool's own 'exit' listener has run by now
  const statsAfterExit = stats(pool);
  const next = watch(pool.execute(echo('next'), nextTimeout));
  await allSettledWithin([next], nextTimeout + waitMs);
  const result = { 'the task before the exit': show(first), 'getStats after the exit': statsAfterExit, 'the next task': show(next), 'getStats at the end': stats(pool) };
  await pool.terminate();
  return result;
}

async function all(create: (size: number) => Pool) {
  return {
    throwsWithQueue: await throwsWithQueue(create),
    exitsMidTask: await exitsMidTask(create),
    lastWorkerExits: await lastWorkerExits(create),
    exitsWhileIdle: await exitsWhileIdle(create),
  };
}

const { result: doc, lines: printed } = await capturingConsoleError(() => all(pools["document's pool"]));
const ref = await all(pools['reference solution']);

/** Prints one line per task (or stats), named so that every line of the record is unique. */
function report(title: string, who: string, when: string, outcome: Record<string, string>): void {
  for (const [what, value] of Object.entries(outcome)) if (value) exp.measure(`${title}, ${who}, ${when}: ${what}`, value);
}

exp.note(`'pending' below means still pending at least ${waitMs / 1000} s after the task could have settled.`);
exp.note('1. Pool of 1: a task whose worker throws, two tasks queued behind it');
report('1', 'document', `${waitMs / 1000} s after the failure`, doc.throwsWithQueue.before);
report('1', 'document', 'after one more execute() call', doc.throwsWithQueue.afterNewCall);
report('1', 'reference', `${waitMs / 1000} s after the failure`, ref.throwsWithQueue.before);
exp.note('2. Pool of 4: workers call process.exit(0) and process.exit(1) in the middle of their tasks');
report('2', 'document', 'in the end', doc.exitsMidTask);
report('2', 'reference', 'in the end', ref.exitsMidTask);
exp.note('3. Pool of 1: the only worker exits mid-task, then a task with a 5 s timeout');
report('3', 'document', 'in the end', doc.lastWorkerExits);
report('3', 'reference', 'in the end', ref.lastWorkerExits);
exp.note('4. Pool of 1: the worker answers, then exits while idle; then a task with a 5 s timeout');
report('4', 'document', 'in the end', doc.exitsWhileIdle);
report('4', 'reference', 'in the end', ref.exitsWhileIdle);
exp.note('');
exp.measure("what the document's pool printed with console.error, in all", [...new Set(printed)].map((l) => `${printed.filter((p) => p === l).length} x "${l}"`).join(', '));

const t = doc.throwsWithQueue;
const d2 = doc.exitsMidTask;
const d3 = doc.lastWorkerExits;
const d4 = doc.exitsWhileIdle;
const r = ref;
exp.claim(
  "after a worker throws, its task is rejected with the worker's error and a replacement starts, but nothing resumes the queue: 2 tasks wait next to a free worker",
  /rejected \(Error: the task failed\)/.test(t.before['the task that throws']) &&
    t.before['queued task 2'] === 'pending' &&
    t.before['queued task 3'] === 'pending' &&
    t.before.getStats === JSON.stringify({ totalWorkers: 1, freeWorkers: 1, queuedTasks: 2 }),
  JSON.stringify(t.before),
);
exp.claim(
  'they run only when a later execute() call happens to resume the queue',
  Object.values(t.afterNewCall).every((v) => v.startsWith('resolved')),
  JSON.stringify(t.afterNewCall),
);
exp.claim(
  'a worker that exits mid-task, with code 0 or 1, leaves its task pending (nothing is left that could settle it), and is not replaced: a pool of 4 shrinks to 2',
  d2['the task whose worker exits with 0'] === 'pending' && d2['the task whose worker exits with 1'] === 'pending' && /"totalWorkers":2/.test(d2.getStats),
  JSON.stringify(d2),
);
exp.claim(
  'when the last worker exits, the pool has none left: later tasks can only time out',
  d3['the task whose worker exits with 0'] === 'pending' && /Task timeout/.test(d3['the next task']) && /"totalWorkers":0/.test(d3.getStats),
  JSON.stringify(d3),
);
exp.claim(
  'a worker that exits while idle stays on the free list; the next task is sent to the dead worker and, its timeout cleared on dispatch, stays pending',
  d4['getStats after the exit'] === JSON.stringify({ totalWorkers: 0, freeWorkers: 1, queuedTasks: 0 }) && d4['the next task'] === 'pending',
  JSON.stringify(d4),
);
exp.claim(
  'control: the reference solution rejects the tasks whose worker failed and runs every other task, in all four scenarios',
  /rejected/.test(r.throwsWithQueue.before['the task that throws']) &&
    r.throwsWithQueue.before['queued task 2'].startsWith('resolved') &&
    r.throwsWithQueue.before['queued task 3'].startsWith('resolved') &&
    /rejected/.test(r.exitsMidTask['the task whose worker exits with 0']) &&
    /rejected/.test(r.exitsMidTask['the task whose worker exits with 1']) &&
    /rejected/.test(r.lastWorkerExits['the task whose worker exits with 0']) &&
    r.lastWorkerExits['the next task'].startsWith('resolved') &&
    r.exitsWhileIdle['the task before the exit'].startsWith('resolved') &&
    r.exitsWhileIdle['the next task'].startsWith('resolved'),
  'see the reference lines above',
);
exp.done();
