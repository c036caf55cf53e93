// Which events does a Worker emit when it dies, and in which order? Every way a worker can end:
// an uncaught exception, an unhandled rejection, process.exit(0), process.exit(7), and
// terminate() from the main thread, each while the worker holds a task and while it is idle.
// Afterwards, a message is posted to the dead worker, to see what a pool that keeps a dead worker
// on its idle list would get.
import { Worker } from 'node:worker_threads';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import type { CrashTask } from '../fixtures/crash-worker.ts';

const exp = experiment('Which events does a dying Worker emit, and in which order?');
const workerFile = new URL('../fixtures/crash-worker.ts', import.meta.url);
const runs = quick ? 2 : 5;

interface Scenario {
  name: string;
  /** Sent as task 1 once the worker is online. */
  task: CrashTask;
  /** Called when task 1 has been sent (mid-task) or answered (idle), to end the worker from outside. */
  terminate?: 'mid-task' | 'idle';
}

const scenarios: Scenario[] = [
  { name: 'throws mid-task', task: { do: 'throw', message: 'boom' } },
  { name: 'unhandled rejection mid-task', task: { do: 'reject', message: 'boom' } },
  { name: 'process.exit(0) mid-task', task: { do: 'exit', code: 0 } },
  { name: 'process.exit(7) mid-task', task: { do: 'exit', code: 7 } },
  { name: 'terminate() mid-task', task: { do: 'reply', value: 'late', delayMs: 2000 }, terminate: 'mid-task' },
  { name: 'throws while idle', task: { do: 'reply-then-throw', value: 'ok', message: 'boom', afterMs: 50 } },
  { name: 'process.exit(0) while idle', task: { do: 'reply-then-exit', value: 'ok', code: 0, afterMs: 50 } },
  { name: 'process.exit(7) while idle', task: { do: 'reply-then-exit', value: 'ok', code: 7, afterMs: 50 } },
  { name: 'terminate() while idle', task: { do: 'reply', value: 'ok' }, terminate: 'idle' },
];

interface Observed {
  /** The events in order, e.g. ['message', 'error: boom', 'exit 1']. */
  events: string[];
  /** Milliseconds from 'error' to 'exit', when both happened. */
  errorToExitMs?: number;
  /** What terminate() resolved with, when it was called. */
  terminateResolvedWith?: unknown;
  /** What happened when a task was posted to the worker after its 'exit'. */
  postAfterExit: string;
}

function observe(scenario: Scenario): Promise<Observed> {
  return new Promise((resolve) => {
    const worker = new Worker(workerFile);
    const events: string[] = [];
    let errorAt: number | undefined;
    let errorToExitMs: number | undefined;
    let terminateResolvedWith: unknown;
    const end = () => void worker.terminate().then((code) => (terminateResolvedWith = code));
    worker.on('online', () => {
      worker.postMessage({ id: 1, data: scenario.task });
      if (scenario.terminate === 'mid-task') setTimeout(end, 50);
    });
    worker.on('message', (message: { id: number; result?: unknown }) => {
      events.push('message');
      if (scenario.terminate === 'idle') setTimeout(end, 50);
    });
    worker.on('messageerror', () => events.push('messageerror'));
    worker.on('error', (error: Error) => {
      errorAt = performance.now();
      events.push(`error: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (errorAt !== undefined) errorToExitMs = performance.now() - errorAt;
      events.push(`exit ${code}`);
      // A dead worker still accepts postMessage calls. Does it throw? Does anything come back?
      let postAfterExit: string;
      try {
        worker.postMessage({ id: 2, data: { do: 'reply', value: 'hello?' } satisfies CrashTask });
        postAfterExit = 'postMessage returned normally';
      } catch (error) {
        postAfterExit = `postMessage threw: ${(error as Error).message}`;
      }
      const before = events.length;
      setTimeout(() => {
        const after = events.slice(before);
        postAfterExit += after.length ? `, then: ${after.join(', ')}` : ', and no event followed';
        resolve({ events: events.slice(0, before), errorToExitMs, terminateResolvedWith, postAfterExit });
      }, 200);
    });
  });
}

/**
 * A worker that throws, with no 'error' listener on the main thread's side. Node re-throws the
 * worker's error in the main thread: does it become an uncaught exception there?
 */
function withoutErrorListener(): Promise<string> {
  return new Promise((resolve) => {
    const worker = new Worker(workerFile);
    let caught: string | undefined;
    const onUncaught = (error: Error) => (caught = error.message);
    process.on('uncaughtException', onUncaught);
    worker.on('exit', (code) => {
      setTimeout(() => {
        process.off('uncaughtException', onUncaught);
        resolve(caught === undefined ? `no uncaught exception, exit ${code}` : `uncaught exception in the main thread: ${caught}, exit ${code}`);
      }, 50);
    });
    worker.postMessage({ id: 1, data: { do: 'throw', message: 'boom' } satisfies CrashTask });
  });
}

const results = new Map<string, Observed[]>();
for (const scenario of scenarios) {
  const observed: Observed[] = [];
  for (let i = 0; i < runs; i++) observed.push(await observe(scenario));
  results.set(scenario.name, observed);
}

const unlistened = await withoutErrorListener();

const orders = (name: string) => [...new Set(results.get(name)!.map((o) => o.events.join(' → ')))];
const onlyOrder = (name: string) => (orders(name).length === 1 ? orders(name)[0] : undefined);

exp.note(`Each scenario ran ${runs} times. Events in the order the main thread saw them:`);
for (const scenario of scenarios) {
  exp.measure(`${scenario.name}`, orders(scenario.name).join('  |  '));
}
exp.note('');

const gaps = [...results.values()].flat().flatMap((o) => (o.errorToExitMs === undefined ? [] : [o.errorToExitMs]));
exp.measure("median time from 'error' to 'exit'", median(gaps), 'ms');
const terminated = [...results.values()].flat().filter((o) => o.terminateResolvedWith !== undefined);
exp.measure('terminate() resolved with', [...new Set(terminated.map((o) => String(o.terminateResolvedWith)))].join(', '));
exp.measure('posting a task to a worker after its exit', [...new Set([...results.values()].flat().map((o) => o.postAfterExit))].join('  |  '));
exp.measure("a worker that throws while the main thread has no 'error' listener", unlistened);
exp.note('');

exp.claim(
  "an uncaught exception emits 'error' with the thrown message, then 'exit' with code 1, mid-task and idle",
  onlyOrder('throws mid-task') === 'error: boom → exit 1' && onlyOrder('throws while idle') === 'message → error: boom → exit 1',
  `mid-task: ${orders('throws mid-task').join(' | ')}; idle: ${orders('throws while idle').join(' | ')}`,
);
exp.claim(
  "an unhandled rejection in a worker is a crash too: 'error', then 'exit' with code 1",
  onlyOrder('unhandled rejection mid-task') === 'error: boom → exit 1',
  orders('unhandled rejection mid-task').join(' | '),
);
exp.claim(
  "process.exit(0) emits only 'exit' with code 0, mid-task exactly as when idle: no 'error', and no reply for the task it held",
  onlyOrder('process.exit(0) mid-task') === 'exit 0' && onlyOrder('process.exit(0) while idle') === 'message → exit 0',
  `mid-task: ${orders('process.exit(0) mid-task').join(' | ')}; idle: ${orders('process.exit(0) while idle').join(' | ')}`,
);
exp.claim(
  "process.exit(7) emits only 'exit' with code 7, mid-task and idle",
  onlyOrder('process.exit(7) mid-task') === 'exit 7' && onlyOrder('process.exit(7) while idle') === 'message → exit 7',
  `mid-task: ${orders('process.exit(7) mid-task').join(' | ')}; idle: ${orders('process.exit(7) while idle').join(' | ')}`,
);
exp.claim(
  "terminate() from the main thread emits only 'exit', with code 1, the same code as a crash",
  onlyOrder('terminate() mid-task') === 'exit 1' && onlyOrder('terminate() while idle') === 'message → exit 1',
  `mid-task: ${orders('terminate() mid-task').join(' | ')}; idle: ${orders('terminate() while idle').join(' | ')}`,
);
exp.claim(
  "every ending, without exception, emits exactly one 'exit', and it comes last",
  [...results.values()].flat().every((o) => o.events.filter((e) => e.startsWith('exit')).length === 1 && o.events.at(-1)!.startsWith('exit')),
  `${[...results.values()].flat().length} worker endings observed`,
);
exp.claim(
  "a task posted to a worker after its 'exit' vanishes: postMessage does not throw and no event ever answers it",
  [...results.values()].flat().every((o) => o.postAfterExit === 'postMessage returned normally, and no event followed'),
  [...new Set([...results.values()].flat().map((o) => o.postAfterExit))].join(' | '),
);
exp.claim(
  "without an 'error' listener, a worker's uncaught exception is re-thrown in the main thread as an uncaught exception",
  unlistened.startsWith('uncaught exception in the main thread: boom'),
  unlistened,
);
exp.done();
