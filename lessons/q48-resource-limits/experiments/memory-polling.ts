// The document's createMonitoredWorker() posts { type: 'memory-check' } every 5 s and terminates
// the worker once it reports more than 500 MB. Can a worker answer while it is busy? Scaled down
// so that it runs in a second: a check every 25 ms, a threshold of 24 MB, and a worker limited to
// 64 MB of old generation and 16 MB of young (so that nothing grows without bound if the monitor
// never acts; on Node 24 an unbounded young generation can make that limit fatal to the process).
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment("Q48: can the document's memory monitor see a busy worker?");
const intervalMs = 25;
const thresholdMb = 24;
const worker = new URL('../fixtures/monitored-worker.ts', import.meta.url);

type Run = { repliesBeforeWork: number; repliesWhileWorking: number; endedBy: string; exitCode: number; msWorking: number; lastReportedMb: number };

/** The document's createMonitoredWorker, scaled down (interval and threshold), plus counting. */
function monitored(yieldEvery: number): Promise<Run> {
  return new Promise((resolve) => {
    const w = new Worker(worker, { resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 } });
    const run: Run = { repliesBeforeWork: 0, repliesWhileWorking: 0, endedBy: 'nothing yet', exitCode: -1, msWorking: 0, lastReportedMb: 0 };
    let working = false;
    let workStart = 0;
    const memoryCheckInterval = setInterval(() => {
      w.postMessage({ type: 'memory-check' });
    }, intervalMs);
    w.on('message', (msg: { type: string; heapUsed: number }) => {
      if (msg.type === 'working') {
        working = true;
        workStart = performance.now();
      }
      if (msg.type === 'memory-stats') {
        if (working) run.repliesWhileWorking++;
        else run.repliesBeforeWork++;
        const heapUsedMB = msg.heapUsed / 1024 / 1024;
        run.lastReportedMb = heapUsedMB;
        if (heapUsedMB > thresholdMb) {
          run.endedBy = `the monitor: it saw ${heapUsedMB.toFixed(1)} MB and called terminate()`;
          clearInterval(memoryCheckInterval);
          void w.terminate();
        }
      }
    });
    w.on('error', (e: Error & { code?: string }) => (run.endedBy = `Node: 'error' event ${e.code ?? e.name}`));
    w.on('exit', (code) => {
      clearInterval(memoryCheckInterval);
      run.exitCode = code;
      run.msWorking = performance.now() - workStart;
      resolve(run);
    });
    // Let the monitor see the idle worker a few times, then give it the work.
    setTimeout(() => w.postMessage({ type: 'work', yieldEvery }), intervalMs * 6);
  });
}

const busy = await monitored(0);
const yielding = await monitored(10);

const show = (r: Run) =>
  `${r.repliesBeforeWork} replies while idle, ${r.repliesWhileWorking} while working (for ${r.msWorking.toFixed(0)} ms); ended by ${r.endedBy}; exit code ${r.exitCode}`;
exp.measure('a worker that allocates in one synchronous loop', show(busy));
exp.measure('a worker that gives its event loop a turn every 10 pieces (about 800 KB)', show(yielding));
exp.note(`Scaled down from the document: a check every ${intervalMs} ms instead of 5000 ms, a threshold of ${thresholdMb} MB instead of 500 MB.`);

exp.claim(
  'a worker busy in a synchronous loop answers no memory-check at all: its event loop never runs',
  busy.repliesBeforeWork > 0 && busy.repliesWhileWorking === 0,
  `${busy.repliesBeforeWork} replies while idle, ${busy.repliesWhileWorking} while working`,
);
exp.claim(
  "so the monitor never stops it: it is resourceLimits that does (ERR_WORKER_OUT_OF_MEMORY); without them it would grow to the default limit of gigabytes",
  /ERR_WORKER_OUT_OF_MEMORY/.test(busy.endedBy),
  busy.endedBy,
);
exp.claim(
  'a worker that yields to its event loop does answer, and the monitor terminates it above the threshold',
  yielding.repliesWhileWorking > 0 && /the monitor/.test(yielding.endedBy),
  `${yielding.repliesWhileWorking} replies while working; ended by ${yielding.endedBy}`,
);
exp.done();
