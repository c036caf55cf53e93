// For comparison with leaky-loop-memory: what a real worker leak looks like. The same loop (a new
// worker every 100 ms, one 'message' listener each), but each worker listens on parentPort, so it
// never ends by itself. Each trial runs in a fresh Node process for a few seconds, then terminates
// every worker it started. As in leaky-loop-memory, trials run without the workbook's thread
// tracking, and the worker (fixtures/endless-worker.ts) is passed as JavaScript source.
//
// After terminate() the trial watches RSS for a while, because when the memory comes back depends
// on the Node version (see fixtures/memory-return.ts).
import { Worker } from 'node:worker_threads';
import { availableParallelism, loadavg } from 'node:os';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { claimWhenMemoryReturns, msUntilMemoryReturns, RETURN_CAP_MS as returnCapMs } from '../fixtures/memory-return.ts';
import { runScript } from '../fixtures/run-script.ts';

const MB = 1024 * 1024;
const loopSeconds = quick ? 2.5 : 4;
const endlessWorkerSource = `
const { parentPort } = require('node:worker_threads');
parentPort.postMessage('Worker started');
parentPort.on('message', () => {});
`;

interface Trial {
  started: number;
  aliveWhenStopped: number;
  rssAtStartMB: number;
  rssAtStopMB: number;
  slopeMBs: number;
  rssAfterTerminateMB: number;
  /** Milliseconds from terminate() resolving until RSS had fallen back by two thirds of what the loop added; null if not within returnCapMs. */
  returnedAfterMs: number | null;
  /** RSS at that moment, or at returnCapMs. */
  rssAfterWaitMB: number;
}

async function trial(): Promise<Trial> {
  const rss = () => process.memoryUsage().rss / MB;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const workers = new Set<Worker>();
  let started = 0;
  const rssAtStartMB = rss();
  const loop = setInterval(() => {
    const worker = new Worker(endlessWorkerSource, { eval: true, workerData: { data: 'test' } });
    started++;
    workers.add(worker);
    worker.on('message', () => {});
    worker.once('exit', () => workers.delete(worker));
  }, 100);
  const t0 = performance.now();
  const samples: Array<{ t: number; mb: number }> = [];
  const sampler = setInterval(() => samples.push({ t: (performance.now() - t0) / 1000, mb: rss() }), 50);
  await sleep(loopSeconds * 1000);
  clearInterval(loop);
  clearInterval(sampler);
  const rssAtStopMB = rss();
  const aliveWhenStopped = workers.size;
  const mt = samples.reduce((a, s) => a + s.t, 0) / samples.length;
  const mm = samples.reduce((a, s) => a + s.mb, 0) / samples.length;
  const slopeMBs = samples.reduce((a, s) => a + (s.t - mt) * (s.mb - mm), 0) / samples.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  await Promise.all([...workers].map((w) => w.terminate()));
  const ended = performance.now();
  await sleep(200);
  const rssAfterTerminateMB = rss();
  const returnedAfterMs = await msUntilMemoryReturns(ended, rssAtStartMB, rssAtStopMB);
  return { started, aliveWhenStopped, rssAtStartMB, rssAtStopMB, slopeMBs, rssAfterTerminateMB, returnedAfterMs, rssAfterWaitMB: rss() };
}

if (process.argv.includes('--trial')) {
  console.log(JSON.stringify(await trial()));
  process.exit(0);
}

const exp = experiment('What does a real worker leak look like: workers that never end, started every 100 ms?');
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
const slope = m((t) => t.slopeMBs);
exp.note(`${runs} trial(s) of ${loopSeconds} s each, each in a fresh process; medians:`);
exp.measure('workers started', m((t) => t.started));
exp.measure('workers alive when the loop was stopped', m((t) => t.aliveWhenStopped));
exp.measure('RSS when the loop started', m((t) => t.rssAtStartMB), 'MB');
exp.measure('RSS when the loop was stopped', m((t) => t.rssAtStopMB), 'MB');
exp.measure('RSS growth per second (slope of a straight-line fit over the whole loop)', slope, 'MB/s');
exp.measure('RSS added per worker started', m((t) => (t.rssAtStopMB - t.rssAtStartMB) / t.started), 'MB');
exp.measure('RSS 0.2 s after terminate() on every worker', m((t) => t.rssAfterTerminateMB), 'MB');
exp.measure(
  'seconds from terminate() until RSS had fallen back by two thirds of what the loop added',
  trials.map((t) => (t.returnedAfterMs === null ? `not within ${returnCapMs / 1000}` : (t.returnedAfterMs / 1000).toFixed(1))).join(', '),
);
exp.measure('RSS then', m((t) => t.rssAfterWaitMB), 'MB');

exp.claim(
  'no worker ends by itself: every worker started is still alive when the loop stops',
  trials.every((t) => t.aliveWhenStopped === t.started),
  trials.map((t) => `${t.aliveWhenStopped} of ${t.started} alive`).join('; '),
);
exp.claim(
  'memory grows with every worker started, for as long as the loop runs (at least 2 MB per worker)',
  trials.every((t) => t.rssAtStopMB - t.rssAtStartMB > 2 * t.started),
  trials.map((t) => `+${(t.rssAtStopMB - t.rssAtStartMB).toFixed(0)} MB for ${t.started} workers`).join('; '),
);
exp.claim(
  `terminate() gives the memory back: within ${returnCapMs / 1000} s, RSS falls back by more than two thirds of what the loop had added`,
  trials.every((t) => t.returnedAfterMs !== null),
  trials.map((t) => `${t.rssAtStopMB.toFixed(0)} MB at stop, ${t.rssAfterWaitMB.toFixed(0)} MB ${t.returnedAfterMs === null ? `${returnCapMs / 1000} s after terminate()` : 'then'}`).join('; '),
);
claimWhenMemoryReturns(exp, trials.map((t) => t.returnedAfterMs), { comesBack: 'comes back', after: 'terminate()' });
exp.note(`The document's "~30MB per second" against this real leak: ${slope.toFixed(0)} MB/s here, for as long as the loop runs.`);
exp.done();
