// Document 003, Q43: "What happens if you execute 100 tasks simultaneously?" The document answers
// "B) First 4 run, others wait indefinitely". This runs the document's pool and watches all 100.
import { WorkerPool } from '../broken/document-q43-pool/pool.ts';
import { experiment, ms, quick } from '../../../tool/experiments/kit.ts';
import { echo, type Answer } from '../fixtures/tasks.ts';
import { once } from 'node:events';
import { allSettledWithin, errorText, watch } from '../fixtures/observe.ts';

const exp = experiment("Q43: what happens to 100 tasks sent at once to the document's pool of 4?");
const taskMs = 100; // each task takes this long in its worker, so that tasks 1-4 are visibly still running
// Tasks that settle are waited for, up to this long: a slow machine makes the run slower, not wrong.
const capMs = 20_000;

const pool = new WorkerPool(new URL('../fixtures/task-worker.ts', import.meta.url), 4);
// Let the 4 workers start first, as in a long-running program (it changes nothing below).
await Promise.all(pool.workers.map((w) => once(w, 'online')));

const started = performance.now();
const promises = Array.from({ length: 100 }, (_, i) => pool.execute(echo(i, taskMs)));
const tasks = promises.map(watch);
const all = watch(Promise.all(promises));
await allSettledWithin(tasks, capMs);
const allSettledAfter = performance.now() - started;

const resolved = tasks.filter((t) => t.state === 'resolved');
const rejected = tasks.filter((t) => t.state === 'rejected');
const pending = tasks.filter((t) => t.state === 'pending');
const resolvedIndexes = tasks.flatMap((t, i) => (t.state === 'resolved' ? [i + 1] : []));
const ownResults = tasks.every((t, i) => t.state !== 'resolved' || (t.value as Answer).value === i);
const errors = [...new Set(rejected.map((t) => errorText(t.error)))];
const lastRejection = Math.max(...rejected.map((t) => t.settledAt! - started));
const firstResolution = Math.min(...resolved.map((t) => t.settledAt! - started));
const threads = new Set(resolved.map((t) => (t.value as Answer).threadId));

exp.measure('tasks resolved', resolved.length);
exp.measure('tasks rejected', rejected.length);
exp.measure(`tasks still pending (waited up to ${capMs / 1000} s)`, pending.length);
exp.measure('every task had settled after', allSettledAfter, 'ms');
exp.measure('tasks that resolved (numbered from 1)', resolvedIndexes.join(', '));
exp.measure('the error of the rejected tasks', errors.join(' | '));
exp.measure('last rejection, counted from the first execute() call', lastRejection, 'ms');
exp.measure(`first resolution (each task takes ${taskMs} ms in its worker), counted the same way`, firstResolution, 'ms');
exp.measure('Promise.all over the 100', all.state === 'rejected' ? `rejected after ${ms(all.settledAt! - started)} with ${errorText(all.error)}` : all.state);
exp.measure('worker threads that answered', threads.size);
exp.measure('workers back on the free list afterwards', pool.workers.length);

exp.claim('tasks 1-4 run and resolve, each with its own result', resolvedIndexes.join() === '1,2,3,4' && ownResults, `resolved: ${resolvedIndexes.join(', ')}`);
exp.claim(
  "tasks 5-100 reject, all with the same TypeError: shift() returned undefined and undefined.once(...) throws",
  rejected.length === 96 && errors.length === 1 && /TypeError: Cannot read properties of undefined \(reading 'once'\)/.test(errors[0] ?? ''),
  `${rejected.length} rejected with ${errors.join(' | ')}`,
);
exp.claim(
  'they reject at once: every rejection came before the first task finished',
  lastRejection < firstResolution,
  `last rejection after ${ms(lastRejection)}, first resolution after ${ms(firstResolution)}`,
);
exp.claim(
  `the document's "others wait indefinitely" does not happen: no task is left pending`,
  pending.length === 0,
  `${pending.length} pending; all 100 had settled ${ms(allSettledAfter)} after the first call`,
);
exp.claim(
  "the document's own usage, await Promise.all(tasks), throws that TypeError",
  all.state === 'rejected' && /reading 'once'/.test(errorText(all.error)),
  all.state === 'rejected' ? errorText(all.error) : all.state,
);
exp.claim(
  'nothing picks up a rejected task later: the workers ran 4 tasks in all, and all 4 are idle on the free list',
  threads.size === 4 && pool.workers.length === 4,
  `${threads.size} threads answered; ${pool.workers.length} workers on the free list`,
);

// The document's pool has no way to stop its workers; an experiment may reach in.
await Promise.all(pool.workers.map((w) => w.terminate()));
exp.done();
