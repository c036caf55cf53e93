// Document 003, Q45: posting a 100 MB Buffer without a transferList. The document answers
// "D) Both B and C" (copied, doubling memory; slow), says "Memory usage: 200MB (original + copy)",
// and after a transfer "Buffer length after transfer: 0". This measures each of those.
// Memory is measured in a fresh process per run (RSS is the whole process, every thread).
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('Q45: what does posting a large Buffer cost, copied and transferred?');
const MB = 1024 * 1024;
const sizeMB = quick ? 32 : 100;
const memoryRuns = 3;
const timingRuns = quick ? 5 : 9;

// The document's program, measured: one process per run, plain JavaScript (no TypeScript loader).
// A third thread samples the process's RSS in a tight loop while the message is on its way, to catch the peak.
const child = `
const { Worker } = require('node:worker_threads');
const [mode, sizeMB] = [process.argv[1], Number(process.argv[2])];
const MB = 1024 * 1024;
const worker = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  let held;
  parentPort.on('message', ({ buffer }) => {
    held = buffer;
    parentPort.postMessage({ type: buffer.constructor.name, length: buffer.length });
  });\`, { eval: true });
// The sampler reads RSS in a tight loop while cells[0] is 1, and keeps the highest value in peak[0].
const cells = new Int32Array(new SharedArrayBuffer(4));
const peakCell = new Float64Array(new SharedArrayBuffer(8));
const sampler = new Worker(\`
  const { parentPort, workerData: { cells, peakCell } } = require('node:worker_threads');
  parentPort.on('message', () => {
    while (Atomics.load(cells, 0) === 1) peakCell[0] = Math.max(peakCell[0], process.memoryUsage.rss());
    parentPort.postMessage('stopped');
  });\`, { eval: true, workerData: { cells, peakCell } });
const online = (w) => new Promise((r) => w.once('online', r));
const next = (w) => new Promise((r) => w.once('message', r));
(async () => {
  await Promise.all([online(worker), online(sampler)]);
  await new Promise((r) => setTimeout(r, 100));
  const before = process.memoryUsage.rss();
  const largeBuffer = Buffer.allocUnsafe(sizeMB * MB);
  largeBuffer.fill(7); // allocUnsafe memory is not resident until written: write it, as real data would be
  const allocated = process.memoryUsage.rss();
  Atomics.store(cells, 0, 1);
  const stopped = next(sampler);
  sampler.postMessage('start');
  await new Promise((r) => setTimeout(r, 20));
  const reply = next(worker);
  const start = performance.now();
  if (mode === 'copy') worker.postMessage({ buffer: largeBuffer });
  else worker.postMessage({ buffer: largeBuffer }, [largeBuffer.buffer]);
  const callMs = performance.now() - start;
  const lengthAfter = largeBuffer.length;
  const received = await reply;
  const receivedMs = performance.now() - start;
  const after = process.memoryUsage.rss();
  Atomics.store(cells, 0, 0);
  await stopped;
  const peak = peakCell[0];
  console.log(JSON.stringify({ lengthAfter, received, callMs, receivedMs, allocatedMB: (allocated - before) / MB, afterMB: (after - before) / MB, peakMB: (peak - before) / MB }));
  await Promise.all([worker.terminate(), sampler.terminate()]);
})();
`;

interface ChildResult {
  lengthAfter: number;
  received: { type: string; length: number };
  callMs: number;
  receivedMs: number;
  allocatedMB: number;
  afterMB: number;
  peakMB: number;
}

function measureInChild(mode: 'copy' | 'transfer'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['-e', child, mode, String(sizeMB)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.stderr.on('data', (d: Buffer) => (out += d));
    proc.once('exit', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as ChildResult);
      } catch {
        reject(new Error(`child (${mode}) exited with ${code}: ${out}`));
      }
    });
  });
}

const memory: Record<'copy' | 'transfer', ChildResult[]> = { copy: [], transfer: [] };
for (let i = 0; i < memoryRuns; i++) {
  memory.copy.push(await measureInChild('copy'));
  memory.transfer.push(await measureInChild('transfer'));
}
const m = (mode: 'copy' | 'transfer', key: 'allocatedMB' | 'afterMB' | 'peakMB') => median(memory[mode].map((r) => r[key]));
// The sampler can miss the moment of the peak (on a busy machine it is not always running then),
// but it cannot see memory that was never there: the highest peak of the runs is the truest.
const highestPeak = (mode: 'copy' | 'transfer') => Math.max(...memory[mode].map((r) => r.peakMB));
const copy0 = memory.copy[0]!;
const transfer0 = memory.transfer[0]!;

exp.measure(`size of the Buffer (${quick ? 'quick mode; the document uses 100 MB' : 'as in the document'})`, sizeMB, 'MB');
exp.measure("copied: largeBuffer.length right after postMessage (the document's first program prints it)", String(copy0.lengthAfter));
exp.measure("transferred: largeBuffer.length right after postMessage (the document: 'Buffer length after transfer: 0')", String(transfer0.lengthAfter));
exp.measure('what the worker received, in both cases', `${copy0.received.type} of ${copy0.received.length} bytes / ${transfer0.received.type} of ${transfer0.received.length} bytes`);
exp.measure('RSS growth once the Buffer is allocated and written', m('copy', 'allocatedMB'), 'MB');
exp.measure('copied: RSS growth once the worker holds its copy', m('copy', 'afterMB'), 'MB');
exp.measure('copied: peak RSS growth while posting (the highest of the runs)', highestPeak('copy'), 'MB');
exp.measure('transferred: RSS growth once the worker holds it', m('transfer', 'afterMB'), 'MB');
exp.measure('transferred: peak RSS growth while posting', m('transfer', 'peakMB'), 'MB');
exp.note(`Memory: medians of ${memoryRuns} fresh processes per way (the copied peak: the highest of them). The document: "Memory usage: 200MB (original + copy)" for 100 MB.`);

// Time: a worker that is already running, posted the same size again and again.
const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', ({ buffer }) => parentPort.postMessage(buffer.length));`,
  { eval: true },
);
await new Promise((r) => worker.once('online', r));
const timing = { copyCall: [] as number[], copyTotal: [] as number[], transferCall: [] as number[], transferTotal: [] as number[] };
for (let i = 0; i < timingRuns; i++) {
  for (const mode of ['copy', 'transfer'] as const) {
    const largeBuffer = Buffer.alloc(sizeMB * MB, 7);
    const reply = new Promise((r) => worker.once('message', r));
    const start = performance.now();
    if (mode === 'copy') worker.postMessage({ buffer: largeBuffer });
    else worker.postMessage({ buffer: largeBuffer }, [largeBuffer.buffer]);
    const call = performance.now() - start;
    await reply;
    const total = performance.now() - start;
    timing[`${mode}Call`].push(call);
    timing[`${mode}Total`].push(total);
  }
}
await worker.terminate();
const copyCall = median(timing.copyCall);
const copyTotal = median(timing.copyTotal);
const transferCall = median(timing.transferCall);
const transferTotal = median(timing.transferTotal);
exp.measure(`copied: postMessage() call, main thread blocked (median of ${timingRuns})`, copyCall, 'ms');
exp.measure('copied: from postMessage() until the worker has it', copyTotal, 'ms');
exp.measure('transferred: postMessage() call', transferCall, 'ms');
exp.measure('transferred: from postMessage() until the worker has it', transferTotal, 'ms');

exp.claim(
  "'Buffer length after transfer: 0' holds: a Buffer is a Uint8Array view, and a view of a detached ArrayBuffer has length 0",
  transfer0.lengthAfter === 0 && copy0.lengthAfter === sizeMB * MB,
  `after transferring: ${transfer0.lengthAfter}; after copying: ${copy0.lengthAfter}`,
);
exp.claim(
  'the worker receives a plain Uint8Array, not a Buffer, either way',
  copy0.received.type === 'Uint8Array' && transfer0.received.type === 'Uint8Array',
  `${copy0.received.type} / ${transfer0.received.type}`,
);
exp.claim(
  'B holds: copying leaves two full copies alive (RSS grows by at least 1.7x the size)',
  m('copy', 'afterMB') >= 1.7 * sizeMB,
  `${m('copy', 'afterMB').toFixed(0)} MB for a ${sizeMB} MB Buffer; the document's "200MB" for 100 MB is ${m('copy', 'afterMB') >= 1.7 * sizeMB && m('copy', 'afterMB') <= 2.3 * sizeMB ? 'right' : 'off'} for the steady state`,
);
exp.claim(
  'and while posting it is worse than the document says: at the peak more than two copies are alive (original, serialized message, the worker\'s copy)',
  highestPeak('copy') >= 2.3 * sizeMB,
  `peak ${highestPeak('copy').toFixed(0)} MB for a ${sizeMB} MB Buffer`,
);
exp.claim(
  'transferring adds no copy: RSS grows by the Buffer once (under 1.5x its size; a copy would make it 2x)',
  m('transfer', 'peakMB') < 1.5 * sizeMB,
  `peak ${m('transfer', 'peakMB').toFixed(0)} MB for a ${sizeMB} MB Buffer`,
);
// The claim compares the fastest run of each: on a busy machine a pause (another process, a
// garbage collection) can land inside any one run, and it only ever adds time.
const fastest = (values: number[]) => Math.min(...values);
exp.claim(
  'C holds: copying is at least 5x slower than transferring, and the main thread itself is blocked inside postMessage() while it serializes',
  fastest(timing.copyTotal) >= 5 * fastest(timing.transferTotal) && fastest(timing.copyCall) >= 5 * fastest(timing.transferCall),
  `fastest of ${timingRuns} runs, until the worker has it: ${ms(fastest(timing.copyTotal))} against ${ms(fastest(timing.transferTotal))} (${(fastest(timing.copyTotal) / fastest(timing.transferTotal)).toFixed(0)}x); the call itself: ${ms(fastest(timing.copyCall))} against ${ms(fastest(timing.transferCall), 2)}`,
);
exp.done();
