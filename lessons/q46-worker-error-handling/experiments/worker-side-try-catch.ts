// Document 003's Q46 worker-side advice: wrap the work in try/catch, post { error: true, message }
// and process.exit(1); register an 'unhandledRejection' handler (after the work). Does the main
// thread see the message or the exit first? What do the document's runWorker versions make of it?
// What does the late handler catch, and what do try/catch and the handler add over Node's default?
import { Worker } from 'node:worker_threads';
import { runWorker as documentRobust } from '../broken/document-robust-runworker/run-worker.ts';
import { runWorker as documentRobustUpdated } from '../fixtures/document-robust-updated.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment("What do the document's worker-side try/catch and 'unhandledRejection' handler change?");
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const runs = quick ? 5 : 20;

/** Every event the main thread sees from one worker, in order, until its 'exit'. */
function events(file: URL, workerData: unknown): Promise<string[]> {
  return new Promise((resolve) => {
    const seen: string[] = [];
    const worker = new Worker(file, { workerData });
    worker.on('message', (m: { error?: boolean; message?: string }) => seen.push(m?.error ? `message { error: true, message: '${m.message}' }` : `message ${JSON.stringify(m)}`));
    worker.on('error', (e) => seen.push(`'error' event: ${e.message}`));
    worker.on('exit', (code) => {
      seen.push(`exit code ${code}`);
      resolve(seen);
    });
  });
}
const outcome = (p: Promise<unknown>) =>
  p.then(
    (v) => `resolved with ${JSON.stringify(v, (k, val) => (k === 'stack' ? '…' : val))}`,
    (e: Error) => `rejected: ${e.message}`,
  );

// 1. The document's worker with value 0: which comes first, the message or the exit?
const orders: string[][] = [];
for (let i = 0; i < runs; i++) orders.push(await events(fixture('document-worker-with-try-catch.ts'), { value: 0 }));
const messageFirst = orders.filter((o) => o[0]?.startsWith('message') && o[1] === 'exit code 1').length;
exp.measure("the document's worker, value 0: events in the main thread", orders[0]!.join(' → '));
exp.measure(`runs in which the message came before the exit`, `${messageFirst} of ${runs}`);

// 2. What the document's two runWorker versions make of it.
const robust = await outcome(documentRobust(fixture('document-worker-with-try-catch.ts'), { value: 0 }, { timeout: 5000 }));
const updated = await outcome(documentRobustUpdated(fixture('document-worker-with-try-catch.ts'), { value: 0 }, { timeout: 5000 }));
exp.measure('robust runWorker (as listed), value 0', robust);
exp.measure('robust runWorker with the "Updated main thread handler", value 0', updated);
// The updated handler no longer sets `finished` or clears the timer: after a success, is a timer left?
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
await new Promise((r) => setTimeout(r, 300)); // the calls above settle their own timers on their workers' exit
const timersBefore = timers();
const success = await outcome(documentRobustUpdated(fixture('document-worker-with-try-catch.ts'), { value: 21 }, { timeout: 60_000 }));
await new Promise((r) => setTimeout(r, 200));
const timersLeft = timers() - timersBefore;
exp.measure('robust runWorker with the updated handler, value 21', success);
exp.measure('timers still pending after that success (timeout: 60 s)', timersLeft);

// 3. Asynchronous failures, with and without the document's handler.
const asyncCases: Record<string, string[]> = {};
for (const kind of ['reject-now', 'reject-later', 'throw-later'] as const) {
  for (const handler of [true, false]) {
    const seen = await events(fixture('async-failure-worker.ts'), { kind, handler });
    asyncCases[`${kind}, handler ${handler ? 'registered' : 'absent'}`] = seen;
    exp.measure(`${kind} (${kind === 'reject-now' ? 'inside the try block, before the handler exists' : 'from a timer, 20 ms later'}), handler ${handler ? 'registered' : 'absent'}`, seen.join(' → '));
  }
}

exp.claim(
  'the { error: true } message arrives before the exit, every time: messages posted before process.exit() are delivered first',
  messageFirst === runs,
  `${messageFirst} of ${runs}`,
);
exp.claim(
  "the robust runWorker as listed resolves with the error object: a failure comes back as a 'result'",
  robust.startsWith('resolved with {"error":true,"message":"Invalid value"'),
  robust,
);
exp.claim(
  'with the "Updated main thread handler" it rejects with the original message',
  updated === 'rejected: Invalid value',
  updated,
);
exp.claim(
  'but after a success the updated handler leaves the timeout timer running, which keeps the process alive until it fires',
  success === 'resolved with 42' && timersLeft === 1,
  `${success}; ${timersLeft} timer left`,
);
exp.claim(
  'a handler registered after the code that rejects still catches that rejection (rejections are reported after the script has run)',
  asyncCases['reject-now, handler registered']![0]!.includes('Unhandled rejection: rejected inside the try block'),
  asyncCases['reject-now, handler registered']!.join(' → '),
);
exp.claim(
  "without the handler, Node already reports an unhandled rejection: an 'error' event with the original message, exit code 1",
  ['reject-now', 'reject-later'].every((k) => asyncCases[`${k}, handler absent`]![0]!.startsWith("'error' event: rejected") && asyncCases[`${k}, handler absent`]!.at(-1) === 'exit code 1'),
  asyncCases['reject-later, handler absent']!.join(' → '),
);
exp.claim(
  "try/catch does not see an exception thrown later from a timer: it still arrives as an 'error' event",
  asyncCases['throw-later, handler registered']![0] === "'error' event: thrown from a timer",
  asyncCases['throw-later, handler registered']!.join(' → '),
);
exp.done();
// The 60 s timer left by the updated handler would keep this process alive: end it now.
process.exit();
