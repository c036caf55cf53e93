// Document 003's Q44 loop, with the parentPort import the document forgot: a new worker every
// 100 ms, one 'message' listener each, no terminate(). Does memory grow "~30MB per second"? Do
// workers or listeners pile up? Each trial runs in a fresh Node process, so that one trial's
// memory does not count in the next; the trial stops the loop after a few seconds.
//
// One adaptation: the workbook's thread tracking (loaded with its TypeScript support) keeps every
// Worker object it sees, to report leftovers, and so no Worker could ever be garbage-collected.
// Trials therefore run without it, and the worker is the document's worker code (with the import)
// passed as JavaScript source (`eval: true`), the same code as fixtures/document-q44-worker.ts.
//
// Once every worker has ended, the trial watches RSS for a while, because when the memory comes
// back depends on the Node version (see fixtures/memory-return.ts).
import { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { availableParallelism, loadavg } from 'node:os';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { claimWhenMemoryReturns, msUntilMemoryReturns, RETURN_CAP_MS as returnCapMs } from '../fixtures/memory-return.ts';
import { runScript } from '../fixtures/run-script.ts';

const MB = 1024 * 1024;
const loopSeconds = quick ? 4 : 8;
const steadyFrom = 2; // seconds: by then the first workers (1 s of work) have long ended
const documentWorkerSource = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage('Worker started');
// Simulate work
setTimeout(() => {
  parentPort.postMessage('Work done');
}, 1000);
`;

interface Trial {
  started: number;
  peakAlive: number;
  aliveWhenStopped: number;
  /** listenerCount('message') on each Worker, the largest value seen. */
  mostMessageListeners: number;
  messages: number;
  exitCodes: Record<string, number>;
  rssAtStartMB: number;
  rssAfter1sMB: number;
  rssAtStopMB: number;
  /** Least-squares slope of RSS over time from `steadyFrom` to the end of the loop. */
  steadySlopeMBs: number;
  /** Milliseconds from new Worker() to its 'exit', for every worker. */
  lifetimes: number[];
  /** RSS once every worker has ended, after a garbage collection. */
  rssAfterAllEndedMB: number;
  /** Milliseconds from then until RSS had fallen back by two thirds of what the loop added; null if not within returnCapMs. */
  returnedAfterMs: number | null;
  /** RSS at that moment, or at returnCapMs. */
  rssAfterWaitMB: number;
  /** Worker objects the garbage collector reclaimed after their thread ended. */
  collected: number;
  exitedBeforeGc: number;
}

async function trial(): Promise<Trial> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let collected = 0;
  const registry = new FinalizationRegistry(() => collected++);
  const rss = () => process.memoryUsage().rss / MB;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  let alive = 0;
  let peakAlive = 0;
  let started = 0;
  let messages = 0;
  let mostMessageListeners = 0;
  const exitCodes: Record<string, number> = {};
  const lifetimes: number[] = [];
  const rssAtStartMB = rss();

  // The document's loop, with messages counted instead of printed.
  const loop = setInterval(() => {
    const worker = new Worker(documentWorkerSource, { eval: true, workerData: { data: 'test' } });
    started++;
    alive++;
    peakAlive = Math.max(peakAlive, alive);
    worker.on('message', () => {
      messages++;
    });
    mostMessageListeners = Math.max(mostMessageListeners, worker.listenerCount('message'));
    const born = performance.now();
    worker.once('exit', (code) => {
      lifetimes.push(performance.now() - born);
      alive--;
      exitCodes[code] = (exitCodes[code] ?? 0) + 1;
    });
    registry.register(worker, undefined);
  }, 100);

  // RSS every 50 ms while the loop runs.
  const t0 = performance.now();
  const samples: Array<{ t: number; mb: number }> = [];
  const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, mb: rss() }), 50);
  await sleep(1000);
  const rssAfter1sMB = rss();
  await sleep((loopSeconds - 1) * 1000);
  clearInterval(sampler);
  const rssAtStopMB = rss();
  const steady = samples.filter((s) => s.t >= steadyFrom);
  const mt = steady.reduce((a, s) => a + s.t, 0) / steady.length;
  const mm = steady.reduce((a, s) => a + s.mb, 0) / steady.length;
  const steadySlopeMBs =
    steady.reduce((a, s) => a + (s.t - mt) * (s.mb - mm), 0) / steady.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  const aliveWhenStopped = alive;
  clearInterval(loop);

  // Every worker ends by itself about a second after it started; wait for that, then collect.
  for (let waited = 0; alive > 0 && waited < 5000; waited += 50) await sleep(50);
  const exitedBeforeGc = started - alive;
  for (let i = 0; i < 5; i++) {
    gc();
    await sleep(50);
  }
  const rssAfterAllEndedMB = rss();
  const ended = performance.now();
  const returnedAfterMs = await msUntilMemoryReturns(ended, rssAtStartMB, rssAtStopMB);
  const rssAfterWaitMB = rss();
  return {
    started, peakAlive, aliveWhenStopped, mostMessageListeners, messages, exitCodes,
    rssAtStartMB, rssAfter1sMB, rssAtStopMB, steadySlopeMBs, lifetimes, rssAfterAllEndedMB, returnedAfterMs, rssAfterWaitMB, collected, exitedBeforeGc,
  };
}

if (process.argv.includes('--trial')) {
  console.log(JSON.stringify(await trial()));
  process.exit(0);
}

const exp = experiment("Does document 003's Q44 loop (parentPort imported) leak workers, listeners or memory?");
exp.note(`load average over the last minute when it started: ${loadavg()[0]!.toFixed(1)} (on ${availableParallelism()} cores; other programs compete for them)`);
const runs = quick ? 1 : 3;
const trials: Trial[] = [];
for (let i = 0; i < runs; i++) {
  const run = await runScript(new URL(import.meta.url), (loopSeconds + 15) * 1000 + returnCapMs, ['--trial'], ['--import', 'tsx']);
  const last = run.output.split('\n').at(-1) ?? '';
  if (run.exitCode !== 0 || !last.startsWith('{')) throw new Error(`trial failed (exit ${run.exitCode}): ${run.output.slice(-500)}`);
  trials.push(JSON.parse(last) as Trial);
}

const m = (f: (t: Trial) => number) => median(trials.map(f));
const rampMBs = m((t) => t.rssAfter1sMB - t.rssAtStartMB);
const steadyMBs = m((t) => t.steadySlopeMBs);
const averageMBs = m((t) => (t.rssAtStopMB - t.rssAtStartMB) / loopSeconds);
const perLiveWorkerMB = m((t) => (t.rssAtStopMB - t.rssAtStartMB) / t.aliveWhenStopped);
exp.note(`${runs} trial(s) of ${loopSeconds} s each, each in a fresh process; medians:`);
exp.measure('workers started', m((t) => t.started));
exp.measure('most workers alive at the same moment', m((t) => t.peakAlive));
exp.measure(`workers alive when the loop was stopped (after ${loopSeconds} s)`, m((t) => t.aliveWhenStopped));
exp.measure("'message' listeners on any one Worker, at most", m((t) => t.mostMessageListeners));
exp.measure("median worker lifetime, new Worker() to 'exit' (1 s of work plus start-up)", m((t) => median(t.lifetimes)), 'ms');
exp.measure('longest worker lifetime', m((t) => Math.max(...t.lifetimes)), 'ms');
exp.measure('workers that ended by themselves, never terminated (share of those started)', m((t) => t.exitedBeforeGc / t.started) * 100, '%');
exp.measure('exit codes (first trial)', Object.entries(trials[0]!.exitCodes).map(([code, n]) => `${n} x code ${code}`).join(', '));
exp.measure('ended Worker objects reclaimed by the garbage collector (share)', m((t) => t.collected / t.exitedBeforeGc) * 100, '%');
exp.measure('RSS when the loop started', m((t) => t.rssAtStartMB), 'MB');
exp.measure('RSS growth during the first second (workers starting, none ended yet)', rampMBs, 'MB/s');
exp.measure(`RSS growth per second from ${steadyFrom} s to ${loopSeconds} s (slope of a straight-line fit)`, steadyMBs, 'MB/s');
exp.measure(`RSS growth per second averaged over all ${loopSeconds} s`, averageMBs, 'MB/s');
exp.measure('RSS when the loop was stopped', m((t) => t.rssAtStopMB), 'MB');
exp.measure('RSS above the start when the loop was stopped, per worker alive then', perLiveWorkerMB, 'MB');
exp.measure('RSS once every worker had ended (after a garbage collection)', m((t) => t.rssAfterAllEndedMB), 'MB');
exp.measure(
  'seconds from then until RSS had fallen back by two thirds of what the loop added',
  trials.map((t) => (t.returnedAfterMs === null ? `not within ${returnCapMs / 1000}` : (t.returnedAfterMs / 1000).toFixed(1))).join(', '),
);
exp.measure('RSS then', m((t) => t.rssAfterWaitMB), 'MB');

exp.claim(
  'every worker ends by itself, with exit code 0, although nobody calls terminate()',
  trials.every((t) => t.exitedBeforeGc === t.started && Object.keys(t.exitCodes).join() === '0'),
  trials.map((t) => `${t.exitedBeforeGc} of ${t.started} ended`).join('; '),
);
exp.claim(
  "each Worker gets exactly one 'message' listener, and nothing else accumulates: ended Workers, listeners included, are garbage-collected",
  trials.every((t) => t.mostMessageListeners === 1 && t.collected >= t.exitedBeforeGc * 0.8),
  trials.map((t) => `${t.collected} of ${t.exitedBeforeGc} ended Workers collected`).join('; '),
);
exp.claim(
  `the memory goes back: within ${returnCapMs / 1000} s of the last worker's end, RSS falls back by more than two thirds of what the loop had added`,
  trials.every((t) => t.returnedAfterMs !== null),
  trials
    .map((t) => `${t.rssAtStartMB.toFixed(0)} MB at start, ${t.rssAtStopMB.toFixed(0)} MB at stop, ${t.rssAfterAllEndedMB.toFixed(0)} MB when all had ended, ${t.rssAfterWaitMB.toFixed(0)} MB ${t.returnedAfterMs === null ? `${returnCapMs / 1000} s later` : 'then'}`)
    .join('; '),
);
claimWhenMemoryReturns(exp, trials.map((t) => t.returnedAfterMs), { comesBack: 'goes back', after: "the last worker's end" });
exp.note(
  `The document says "Memory grows ~30MB per second". Measured: ${rampMBs.toFixed(0)} MB/s in the first second (workers starting, none ended yet),` +
    ` ${steadyMBs.toFixed(1)} MB/s from ${steadyFrom} s on, ${averageMBs.toFixed(0)} MB/s averaged over ${loopSeconds} s.`,
);
exp.note(
  'Workers alive at a time = 10 started per second x lifetime in seconds. On a busy machine a worker takes longer to start, so it lives longer and more are alive at once; RSS follows that number, not the time.',
);
exp.done();
