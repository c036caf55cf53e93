// Document 003's Q44 "Correct Implementation": at most MAX_WORKERS = 10 workers, a new one every
// 100 ms, `process.exit(0)` in the worker after its 1 s of work, and terminate() after 5 s. How
// many are alive at the peak? Are ticks skipped? Is a message lost to process.exit(0)? What does
// the 5 s terminate() do to a worker that has already exited?
// The main-thread code below is the document's, with its console.log lines counted instead of
// printed, its memory monitor left out, and the loop stopped after a few seconds.
import { Worker } from 'node:worker_threads';
import { availableParallelism, loadavg } from 'node:os';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('What does the document\'s "Correct Implementation" for Q44 really do?');
exp.note(`load average over the last minute when it started: ${loadavg()[0]!.toFixed(1)} (on ${availableParallelism()} cores; other programs compete for them)`);
const loopSeconds = quick ? 2.5 : 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const correctWorker = new URL('../fixtures/document-correct-worker.ts', import.meta.url);
const leakyWorker = new URL('../fixtures/document-q44-worker.ts', import.meta.url);

let activeWorkers = 0;
const MAX_WORKERS = 10;
let ticks = 0;
let skipped = 0;
let peak = 0;
let started = 0;
let workDone = 0;
let workStarted = 0;
const exitCodes: Record<string, number> = {};
const lifetimes: number[] = [];
const terminateTimers = new Map<NodeJS.Timeout, Worker>();
// What each terminate() resolved with: undefined means the worker had already exited (a live
// worker's terminate() resolves with its exit code).
const describe = (p: Promise<number>) =>
  p.then(
    (value) => `resolved with ${String(value)}`,
    (error: Error) => `rejected: ${error.message}`,
  );
const onTimeResults: Promise<string>[] = [];

const loop = setInterval(() => {
  ticks++;
  if (activeWorkers >= MAX_WORKERS) {
    skipped++; // console.log('Max workers reached, skipping');
    return;
  }

  activeWorkers++;
  peak = Math.max(peak, activeWorkers);
  started++;
  const born = performance.now();
  const worker = new Worker(correctWorker, { workerData: { data: 'test' } });

  const messageHandler = (msg: unknown) => {
    if (msg === 'Work done') workDone++; // console.log(msg);
    else if (msg === 'Worker started') workStarted++;
  };

  const exitHandler = (code: number) => {
    activeWorkers--;
    exitCodes[code] = (exitCodes[code] ?? 0) + 1; // console.log(`Worker exited with code ${code}`);
    lifetimes.push(performance.now() - born);
  };

  worker.on('message', messageHandler);
  worker.once('exit', exitHandler);

  // Set timeout to terminate worker
  const timer = setTimeout(() => {
    terminateTimers.delete(timer);
    onTimeResults.push(describe(worker.terminate()));
  }, 5000);
  terminateTimers.set(timer, worker);
}, 100);

await sleep(loopSeconds * 1000);
clearInterval(loop);
// While the loop's last workers end: does process.exit(0) make a worker end sooner? Five workers
// of each kind, all ten started together.
async function lifetime(file: URL): Promise<number> {
  const t = performance.now();
  const worker = new Worker(file);
  worker.on('message', () => {});
  await new Promise((r) => worker.once('exit', r));
  return performance.now() - t;
}
const lifetimesCompared = Promise.all([
  Promise.all(Array.from({ length: 5 }, () => lifetime(correctWorker))),
  Promise.all(Array.from({ length: 5 }, () => lifetime(leakyWorker))),
]);
for (let waited = 0; activeWorkers > 0 && waited < 5000; waited += 20) await sleep(20);
const exited = Object.values(exitCodes).reduce((a, b) => a + b, 0);

// The 5 s timers still pending: run their terminate() now rather than wait for them.
const late = [...terminateTimers];
const lateResults = await Promise.all(
  late.map(([timer, worker]) => {
    clearTimeout(timer);
    return describe(worker.terminate());
  }),
);
const onTime = await Promise.all(onTimeResults);
const terminateResults = [...onTime, ...lateResults];

const [withExit, withoutExit] = await lifetimesCompared;

exp.measure(`ticks of the 100 ms loop in ${loopSeconds} s`, ticks);
exp.measure('workers started', started);
exp.measure("ticks skipped ('Max workers reached, skipping')", skipped);
exp.measure('most workers active at the same moment', peak);
exp.measure("'Worker started' messages received", workStarted);
exp.measure("'Work done' messages received (each sent just before process.exit(0))", workDone);
exp.measure('workers that exited', exited);
exp.measure('exit codes', Object.entries(exitCodes).map(([code, n]) => `${n} x code ${code}`).join(', '));
exp.measure('median worker lifetime, new Worker() to its exit', median(lifetimes), 'ms');
exp.measure('what the 5 s terminate() calls resolved with', [...new Set(terminateResults)].join(', ') || 'no timer left', '');
exp.measure('median lifetime of 5 workers with process.exit(0) after their work', median(withExit), 'ms');
exp.measure('median lifetime of 5 workers without it (the leaky version, parentPort imported)', median(withoutExit), 'ms');

exp.claim(
  'the cap holds: never more than 10 workers active at once, and the loop does reach 10',
  peak === MAX_WORKERS,
  `peak ${peak}`,
);
exp.claim(
  'some ticks are skipped: a worker lives longer than 1 s (its work plus its start-up), so the 10 slots are full before one frees',
  skipped > 0,
  `${skipped} of ${ticks} ticks skipped`,
);
exp.claim(
  "no message is lost to process.exit(0): every worker that exited with code 0 had delivered its 'Work done'",
  exited === started && (exitCodes['0'] ?? 0) > 0 && workDone === exitCodes['0'],
  `${workDone} 'Work done' for ${exitCodes['0'] ?? 0} exits with code 0 (${exited} exits of ${started} workers)`,
);
exp.claim(
  'every terminate() found its worker already exited: it resolved with undefined and did nothing',
  terminateResults.length > 0 && terminateResults.every((r) => r === 'resolved with undefined'),
  `${onTime.length} called at 5 s, ${lateResults.length} called early: ${[...new Set(terminateResults)].join(', ') || 'none'}`,
  // On a machine so busy that a worker's 1 s of work takes over 5 s, the timer does kill it mid-work.
  { needsIdleCores: true },
);
exp.claim(
  'process.exit(0) is not what ends the worker: without it the worker ends too, at about the same time (within a factor of 2)',
  median(withoutExit) < 2 * median(withExit) && median(withExit) < 2 * median(withoutExit),
  `${median(withExit).toFixed(0)} ms with, ${median(withoutExit).toFixed(0)} ms without`,
);
exp.done();
