// Document 003, Q42, "Other useful Atomics operations": runs the snippet as written, then asks
// what Atomics.wait does on Node's main thread and how many threads Atomics.notify wakes.
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment('Q42: what do the Atomics snippets really do on Node?');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// 1. The document's snippet, line by line, on the main thread.
const buffer = new SharedArrayBuffer(16);
const array = new Int32Array(buffer);
const exchanged = Atomics.compareExchange(array, 0, 50, 100); // If array[0] === 50, set to 100
const afterExchange = array[0];
Atomics.store(array, 0, 42);
const value = Atomics.load(array, 0);
const waitStarted = performance.now();
const waited = Atomics.wait(array, 0, 0); // Block until array[0] changes from 0
const waitMs = performance.now() - waitStarted;
Atomics.store(array, 0, 1);
const notified = Atomics.notify(array, 0); // Wake up 1 waiting thread
exp.measure('Atomics.compareExchange(array, 0, 50, 100) returned (the old value)', exchanged);
exp.measure('array[0] afterwards (it was 0, not 50, so nothing was exchanged)', afterExchange!);
exp.measure('Atomics.load(array, 0) after Atomics.store(array, 0, 42)', value);
exp.measure('Atomics.wait(array, 0, 0) returned', `'${waited}' after ${waitMs.toFixed(2)} ms`);
exp.measure('Atomics.notify(array, 0) returned', notified);

// 2. Atomics.wait on the main thread, when the value does match: with a timeout...
const blocked = new Int32Array(new SharedArrayBuffer(4));
const scheduled = performance.now();
let timerFiredAfter = -1;
setTimeout(() => (timerFiredAfter = performance.now() - scheduled), 10);
const mainWait = Atomics.wait(blocked, 0, 0, 200);
const mainWaitMs = performance.now() - scheduled;
await sleep(30);
exp.measure("main thread: Atomics.wait(view, 0, 0, 200) returned", `'${mainWait}' after ${mainWaitMs.toFixed(0)} ms`);
exp.measure('a timer due 10 ms after it was set fired after', timerFiredAfter, 'ms');

// ... and without one, in a child process that we stop ourselves after 1.5 s.
const script = `
  const view = new Int32Array(new SharedArrayBuffer(4));
  setTimeout(() => console.log('timer fired'), 10);
  console.log('waiting');
  Atomics.wait(view, 0, 0);
  console.log('wait returned');
`;
const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
let childOutput = '';
child.stdout.on('data', (d: Buffer) => (childOutput += d));
child.stderr.on('data', (d: Buffer) => (childOutput += d));
const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
const early = await Promise.race([exited, sleep(1500).then(() => undefined)]);
const stillRunning = early === undefined;
if (stillRunning) child.kill('SIGKILL');
const ended = await exited;
const printed = childOutput.trim().split('\n').filter(Boolean);
exp.measure('a process whose main thread calls Atomics.wait(view, 0, 0) with no timeout: still running after 1.5 s', stillRunning ? 'yes (we killed it)' : `no: exit code ${ended.code}`);
exp.measure('what it printed', printed.join(' | ') || '(nothing)');

// The main thread's non-blocking alternative: Atomics.waitAsync returns a promise.
const later = new Int32Array(new SharedArrayBuffer(4));
// (ES2024: the workbook's TypeScript settings stop at ES2023, hence the type.)
type WaitAsync = (view: Int32Array, index: number, value: number, timeoutMs?: number) => { async: boolean; value: Promise<string> | string };
const asyncWait = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync(later, 0, 0, 1000);
let ticks = 0;
const ticker = setInterval(() => ticks++, 5);
setTimeout(() => {
  Atomics.store(later, 0, 1);
  Atomics.notify(later, 0);
}, 100);
const asyncResult = asyncWait.async ? await asyncWait.value : asyncWait.value;
clearInterval(ticker);
exp.measure('main thread: Atomics.waitAsync(view, 0, 0, 1000), notified after 100 ms, resolved with', `'${asyncResult}'`);
exp.measure('  timer ticks (every 5 ms) that ran while it waited', ticks);

// 3. How many threads does Atomics.notify wake? Three workers sleep on the same index.
const waiterSource = `
  const { parentPort, workerData } = require('node:worker_threads');
  const view = new Int32Array(workerData);
  parentPort.postMessage('ready');
  const result = Atomics.wait(view, 0, 0, 10000);
  parentPort.postMessage(result);
`;
async function sleepers(count: number): Promise<{ view: Int32Array; workers: Worker[]; results: string[] }> {
  const view = new Int32Array(new SharedArrayBuffer(4));
  const results: string[] = [];
  const workers = Array.from({ length: count }, () => new Worker(waiterSource, { eval: true, workerData: view.buffer }));
  let ready = 0;
  for (const w of workers) w.on('message', (m: string) => (m === 'ready' ? ready++ : results.push(m)));
  while (ready < count) await sleep(5);
  await sleep(300); // time to fall asleep in Atomics.wait after saying 'ready'
  return { view, workers, results };
}

const all = await sleepers(3);
Atomics.store(all.view, 0, 1);
const wokeAll = Atomics.notify(all.view, 0); // as in the document: no count
await sleep(300);
exp.measure('3 threads asleep; Atomics.notify(array, 0) returned', wokeAll);
exp.measure('what their Atomics.wait calls returned', all.results.join(', '));
await Promise.all(all.workers.map((w) => w.terminate()));

const one = await sleepers(3);
Atomics.store(one.view, 0, 1);
const wokeOne = Atomics.notify(one.view, 0, 1);
await sleep(300);
const afterOne = [...one.results];
const wokeRest = Atomics.notify(one.view, 0);
await sleep(300);
exp.measure('3 threads asleep; Atomics.notify(array, 0, 1) returned', wokeOne);
exp.measure('waits that had returned 300 ms later', afterOne.join(', ') || '(none)');
exp.measure('then Atomics.notify(array, 0) returned', wokeRest);
await Promise.all(one.workers.map((w) => w.terminate()));

// "Block until array[0] changes from 0": does a change wake a sleeper, without a notify?
const changed = await sleepers(1);
Atomics.store(changed.view, 0, 1);
await sleep(300);
const afterStore = [...changed.results];
const wokeChanged = Atomics.notify(changed.view, 0);
await sleep(300);
exp.measure('1 thread asleep on array[0] === 0; Atomics.store(array, 0, 1) without notify: waits returned 300 ms later', afterStore.join(', ') || '(none)');
exp.measure('then Atomics.notify(array, 0) returned', wokeChanged);
await Promise.all(changed.workers.map((w) => w.terminate()));

// 4. What Atomics refuses.
const refusal = (f: () => unknown) => {
  try {
    return `returned ${JSON.stringify(f())}`;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
};
const plainWait = refusal(() => Atomics.wait(new Int32Array(4), 0, 0, 1));
exp.measure('Atomics.wait on an Int32Array over a plain ArrayBuffer', plainWait);
exp.measure('Atomics.wait on a Uint8Array over a SharedArrayBuffer', refusal(() => Atomics.wait(new Uint8Array(new SharedArrayBuffer(4)) as unknown as Int32Array, 0, 0, 1)));
exp.measure('Atomics.notify on an Int32Array over a plain ArrayBuffer', refusal(() => Atomics.notify(new Int32Array(4), 0)));

exp.claim(
  "the snippet's Atomics.wait(array, 0, 0) does not block: array[0] is 42 by then, so it returns 'not-equal' at once",
  waited === 'not-equal' && waitMs < 100,
  `'${waited}' after ${waitMs.toFixed(2)} ms`,
);
exp.claim(
  "the snippet's Atomics.notify wakes nobody: it returns 0, the number of threads it woke",
  notified === 0,
  `returned ${notified}`,
);
exp.claim(
  "Node allows Atomics.wait on the main thread, and it stops the event loop: a timer due after 10 ms fired only after the 200 ms wait",
  mainWait === 'timed-out' && timerFiredAfter >= 190,
  `wait returned '${mainWait}'; the timer fired after ${timerFiredAfter.toFixed(0)} ms`,
);
exp.claim(
  'with no timeout and nobody to notify it, the main thread waits for ever: no timer fires, the process does not end',
  stillRunning && printed.join() === 'waiting',
  `still running after 1.5 s: ${stillRunning}; it printed: ${printed.join(' | ')}`,
);
exp.claim(
  'Atomics.waitAsync waits on the main thread without blocking it: timers kept running, and it resolved when notified',
  asyncResult === 'ok' && ticks >= 5,
  `resolved with '${asyncResult}'; ${ticks} timer ticks ran meanwhile`,
);
exp.claim(
  "Atomics.notify(array, 0) wakes EVERY waiting thread, not '1 waiting thread' as the document's comment says",
  wokeAll > 1 && all.results.filter((r) => r === 'ok').length === wokeAll,
  `returned ${wokeAll}; the waits returned ${all.results.join(', ')}`,
);
exp.claim(
  'Atomics.notify(array, 0, 1) wakes exactly one, and returns 1',
  wokeOne === 1 && afterOne.filter((r) => r === 'ok').length === 1,
  `returned ${wokeOne}; ${afterOne.length} wait(s) had returned 300 ms later`,
);
exp.claim(
  "Atomics.wait does not 'block until array[0] changes': a store alone wakes nobody, only Atomics.notify does",
  afterStore.length === 0 && wokeChanged === 1 && changed.results[0] === 'ok',
  `after the store: ${afterStore.length} wait(s) returned; the notify then woke ${wokeChanged}`,
);
exp.claim(
  'Atomics.wait needs an Int32Array (or BigInt64Array) on a SharedArrayBuffer',
  /TypeError/.test(plainWait),
  plainWait,
);
exp.done();
