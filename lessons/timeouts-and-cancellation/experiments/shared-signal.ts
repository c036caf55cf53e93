// One AbortSignal for a whole batch is the common case: a request is cancelled, so every task it
// started should be. What does that do to the signal, with 1,000 tasks queued on a pool of 2?
//   - a pool that adds one 'abort' listener per task (and removes it when the task settles);
//   - the solution, which listens to each signal once, however many tasks share it.
// How many listeners sit on the signal while the tasks wait, how many are left after, and does Node
// print a MaxListenersExceededWarning?
import { getEventListeners } from 'node:events';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { WorkerPool } from '../../../solutions/timeouts-and-cancellation/pool.ts';
import { reply } from '../fixtures/log.ts';

const exp = experiment('How many listeners does a pool leave on a signal that 1,000 tasks share?');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const TASKS = quick ? 300 : 1000;

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(w.name));

async function batch(perTaskListener: boolean) {
  const pool = new WorkerPool(workerFile, { size: 2 });
  const controller = new AbortController();
  const { signal } = controller;
  const before = warnings.length;
  let most = 0;
  const tasks = Array.from({ length: TASKS }, (_, i) => {
    if (!perTaskListener) return pool.run(reply(i), { signal });
    // What a first attempt does: its own listener for every task, removed once the task settles.
    const onAbort = () => {};
    signal.addEventListener('abort', onAbort, { once: true });
    return pool.run(reply(i)).finally(() => signal.removeEventListener('abort', onAbort));
  });
  most = getEventListeners(signal, 'abort').length;
  await Promise.all(tasks);
  const after = getEventListeners(signal, 'abort').length;
  await pool.close();
  await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
  return { most, after, warned: warnings.length - before };
}

const naive = await batch(true);
const solution = await batch(false);
exp.measure(`one listener per task: listeners while ${TASKS} tasks wait`, naive.most);
exp.measure('one listener per task: listeners once all settled', naive.after);
exp.measure('one listener per task: MaxListenersExceededWarning printed', naive.warned);
exp.measure(`solution: listeners while ${TASKS} tasks wait`, solution.most);
exp.measure('solution: listeners once all settled', solution.after);
exp.measure('solution: MaxListenersExceededWarning printed', solution.warned);

const nodeMajor = Number(process.versions.node.split('.')[0]);
exp.claim(
  'one listener per task puts as many listeners on the signal as there are tasks waiting',
  naive.most === TASKS && naive.after === 0,
  `${naive.most} while waiting, ${naive.after} after`,
);
if (nodeMajor < 22) {
  exp.claim(
    `on Node ${nodeMajor}, that makes Node print a MaxListenersExceededWarning (more than 10 listeners on one signal), though nothing leaks`,
    naive.warned >= 1,
    `${naive.warned} warning(s)`,
  );
} else {
  exp.note(`On Node ${nodeMajor}, whether Node warns about many listeners on an AbortSignal depends on the version: ${naive.warned} warning(s) here.`);
}
exp.claim('the solution adds one listener to the shared signal, removes it once the last task settles, and Node prints no warning', solution.most === 1 && solution.after === 0 && solution.warned === 0, `${solution.most} while waiting, ${solution.after} after, ${solution.warned} warning(s)`);
exp.done();
