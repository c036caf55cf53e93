// The document sets resourceLimits.stackSizeMb: 4 ("Stack size"). What does it change for deep
// recursion in a worker, and what happens when a worker's stack overflows?
import { Worker } from 'node:worker_threads';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('Q48: what does stackSizeMb do to deep recursion in a worker?');
const repeats = quick ? 1 : 5;

const depthSource = `
  const { parentPort } = require('worker_threads');
  let depth = 0;
  function dive() { depth++; dive(); }
  try { dive(); } catch (e) { parentPort.postMessage({ depth, error: e.name + ': ' + e.message }); }`;

function depthIn(stackSizeMb?: number): Promise<{ depth: number; error: string }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(depthSource, { eval: true, resourceLimits: stackSizeMb === undefined ? undefined : { stackSizeMb } });
    worker.once('message', (m: { depth: number; error: string }) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
}

async function medianDepth(stackSizeMb?: number): Promise<{ depth: number; error: string }> {
  const runs = [];
  for (let i = 0; i < repeats; i++) runs.push(await depthIn(stackSizeMb));
  return { depth: median(runs.map((r) => r.depth)), error: runs[0]!.error };
}

let mainDepth = 0;
function dive(): void {
  mainDepth++;
  dive();
}
try {
  dive();
} catch {
  // measured
}

const byDefault = await medianDepth();
const four = await medianDepth(4);
const one = await medianDepth(1);
const eight = await medianDepth(8);

// Uncaught, in a worker: what does the main thread get?
const uncaught = await new Promise<{ error: string; code: number }>((resolve) => {
  const worker = new Worker(`function f() { f(); } f();`, { eval: true, resourceLimits: { stackSizeMb: 4 } });
  let error = 'none';
  worker.on('error', (e: Error & { code?: string }) => (error = `${e.code ?? e.name}: ${e.message}`));
  worker.on('exit', (code) => resolve({ error, code }));
});

exp.measure('recursion depth in the main thread', mainDepth);
exp.measure('recursion depth in a worker, no resourceLimits', byDefault.depth);
exp.measure('recursion depth in a worker, stackSizeMb: 4 (the document)', four.depth);
exp.measure('recursion depth in a worker, stackSizeMb: 1', one.depth);
exp.measure('recursion depth in a worker, stackSizeMb: 8', eight.depth);
exp.measure('what the recursion threw inside the worker', four.error);
exp.measure("the same overflow left uncaught: the main thread's 'error' event, and the exit code", `${uncaught.error}; exit code ${uncaught.code}`);
exp.note(`Median of ${repeats} run(s) each. Recursion depth depends on the frame size of the function; compare them, not the numbers alone.`);

const near = (a: number, b: number) => Math.abs(a - b) <= 0.05 * b;
exp.claim("stackSizeMb: 4 changes nothing: it is the default, the same depth as no limit at all", near(four.depth, byDefault.depth), `${four.depth} against ${byDefault.depth}`);
exp.claim('stackSizeMb does set the depth: 1 MB allows far less, 8 MB far more', one.depth < byDefault.depth / 2 && eight.depth > byDefault.depth * 1.5, `1 MB: ${one.depth}, 4 MB: ${four.depth}, 8 MB: ${eight.depth}`);
exp.claim('a worker by default recurses deeper than the main thread', byDefault.depth > mainDepth * 1.5, `worker ${byDefault.depth}, main ${mainDepth}`);
exp.claim('an overflow is an ordinary RangeError inside the worker: it can be caught there', /^RangeError: Maximum call stack size exceeded/.test(four.error), four.error);
exp.claim(
  "uncaught, it reaches the main thread as an 'error' event with that RangeError and exit code 1: not ERR_WORKER_OUT_OF_MEMORY, and no termination for 'resource limits'",
  /^RangeError: Maximum call stack size exceeded/.test(uncaught.error) && uncaught.code === 1,
  `${uncaught.error}; exit code ${uncaught.code}`,
);
exp.done();
