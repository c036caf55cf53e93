// Document 003, Q49: what is in "Array transfer ~800ms" and "TypedArray transfer ~2ms"? The
// document's benchmark times four different things at once: creating the data, starting a
// worker, sending the data, and the worker's sum. Here each is timed on its own, and a third way
// is added: a Float64Array sent WITHOUT a transferList (copied). Is the speed-up from "typed
// array", or from "transfer"?
import { Worker } from 'node:worker_threads';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('Q49: creating, copying, transferring, starting a worker: which costs what?');
const size = quick ? 1_000_000 : 10_000_000;
const rounds = quick ? 3 : 5;
const probe = new URL('../fixtures/probe-worker.ts', import.meta.url);

type Reply = { arrivedAt: number; sum: number; sumMs: number };
const now = () => performance.timeOrigin + performance.now();

function startWorker(): Promise<{ worker: Worker; startMs: number }> {
  const start = performance.now();
  const worker = new Worker(probe);
  return new Promise((resolve, reject) => {
    worker.once('online', () => resolve({ worker, startMs: performance.now() - start }));
    worker.once('error', reject);
  });
}

/** Posts one message and times it: the postMessage call, until the worker had it, and the sum. */
async function send(worker: Worker, data: ArrayLike<number> | null, transfer?: ArrayBuffer): Promise<{ callMs: number; arrivedMs: number; sumMs: number; sum: number }> {
  const reply = new Promise<Reply>((resolve) => worker.once('message', resolve));
  const sentAt = now();
  if (transfer) worker.postMessage({ data, sum: true }, [transfer]);
  else worker.postMessage({ data, sum: true });
  const callMs = now() - sentAt;
  const r = await reply;
  return { callMs, arrivedMs: r.arrivedAt - sentAt, sumMs: r.sumMs, sum: r.sum };
}

function timed<T>(make: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = make();
  return { value, ms: performance.now() - start };
}
const fillTyped = () => {
  const typed = new Float64Array(size);
  for (let i = 0; i < size; i++) typed[i] = i;
  return typed;
};

await (await startWorker()).worker.terminate(); // compiles and caches the .ts worker, untimed
const samples: Record<string, number[]> = {};
const keep = (name: string, value: number) => (samples[name] ??= []).push(value);
const sums = new Set<number>();

for (let round = 0; round < rounds; round++) {
  const { worker, startMs } = await startWorker();
  keep('start', startMs);
  await new Promise((r) => setTimeout(r, 50));
  keep('empty', (await send(worker, null)).arrivedMs);

  const array = timed(() => Array.from({ length: size }, (_, i) => i));
  keep('createArray', array.ms);
  const arraySent = await send(worker, array.value);
  keep('arrayCall', arraySent.callMs);
  keep('arrayArrived', arraySent.arrivedMs);
  keep('arraySum', arraySent.sumMs);
  sums.add(arraySent.sum);

  const copied = timed(fillTyped);
  keep('createTyped', copied.ms);
  const copySent = await send(worker, copied.value);
  keep('copyCall', copySent.callMs);
  keep('copyArrived', copySent.arrivedMs);
  keep('typedSum', copySent.sumMs);
  sums.add(copySent.sum);

  const moved = fillTyped();
  const moveSent = await send(worker, moved, moved.buffer);
  keep('transferCall', moveSent.callMs);
  keep('transferArrived', moveSent.arrivedMs);
  sums.add(moveSent.sum);
  await worker.terminate();
}

const m = (name: string) => median(samples[name]!);
exp.measure(`elements (${quick ? 'quick mode; the document uses 10,000,000' : 'as in the document'})`, size.toLocaleString('en'));
exp.measure('create: Array.from({ length }, (_, i) => i)', m('createArray'), 'ms');
exp.measure('create: new Float64Array(length) and a fill loop', m('createTyped'), 'ms');
exp.measure("start a worker: new Worker() to 'online'", m('start'), 'ms');
exp.measure('an empty message: postMessage() until the worker has it', m('empty'), 'ms');
exp.measure('Array, copied (structured clone): the postMessage() call', m('arrayCall'), 'ms');
exp.measure('Array, copied: until the worker has it', m('arrayArrived'), 'ms');
exp.measure('Float64Array, copied (no transferList): the postMessage() call', m('copyCall'), 'ms');
exp.measure('Float64Array, copied: until the worker has it', m('copyArrived'), 'ms');
exp.measure('Float64Array, transferred: the postMessage() call', m('transferCall'), 'ms');
exp.measure('Float64Array, transferred: until the worker has it', m('transferArrived'), 'ms');
exp.measure('the sum in the worker: Array with reduce', m('arraySum'), 'ms');
exp.measure('the sum in the worker: Float64Array with a for loop', m('typedSum'), 'ms');
// The postMessage() call is short enough that one pause of the thread (a garbage collection, or
// another program taking the core) can make it many times longer, in any round and on any Node
// version; with 3 rounds, two such rounds decide the median. The fastest round shows what the call
// itself costs.
const fastest = (name: string) => Math.min(...samples[name]!);
exp.measure('Float64Array, copied: the postMessage() call, fastest round', fastest('copyCall'), 'ms');
exp.measure('Float64Array, transferred: the postMessage() call, fastest round', fastest('transferCall'), 'ms');
exp.note(`Medians of ${rounds} rounds, unless the fastest round is named; every round starts a fresh worker.`);

const typedEffect = m('arrayArrived') / m('copyArrived');
const transferEffect = fastest('copyCall') / fastest('transferCall');
const summaryRatio = m('arrayArrived') / m('transferArrived');
exp.claim('every way delivered the same numbers (the same sum)', sums.size === 1, `sums: ${[...sums].join(', ')}`);
exp.claim(
  'creating the Array with Array.from costs at least as much as sending it: the document times both as "transfer"',
  m('createArray') >= m('arrayArrived'),
  `create ${ms(m('createArray'), 0)}, send ${ms(m('arrayArrived'), 0)}`,
);
exp.claim(
  "'typed array' alone (both copied) makes sending at least 2x faster: a Float64Array is copied as one block of bytes, an Array element by element",
  typedEffect >= 2,
  `Array ${ms(m('arrayArrived'))} against Float64Array copied ${ms(m('copyArrived'))}: ${typedEffect.toFixed(1)}x`,
);
exp.claim(
  "'transfer' on top (both Float64Array) makes the sender's postMessage() call at least 3x cheaper: nothing is copied (fastest rounds)",
  transferEffect >= 3,
  `copied ${ms(fastest('copyCall'), 2)} against transferred ${ms(fastest('transferCall'), 3)}: ${transferEffect.toFixed(0)}x`,
);
exp.claim(
  'starting a worker costs more than transferring the data to one that is already running',
  m('start') > m('transferArrived'),
  `start-up ${ms(m('start'))}, transfer ${ms(m('transferArrived'), 2)}`,
);
exp.claim(
  "in the worker, summing the Float64Array with a for loop is faster than reduce over the Array (the document's 'Much faster for TypedArray')",
  m('typedSum') < m('arraySum'),
  `${ms(m('typedSum'))} against ${ms(m('arraySum'))}`,
);
exp.claim(
  "Array copied against Float64Array transferred, the summary's comparison: at least 5x",
  summaryRatio >= 5,
  `${summaryRatio.toFixed(0)}x; the summary says "100-400x". The transferred time is mostly message latency, so this ratio swings with the machine's load`,
);
exp.done();
