// Document 000's pool and the lesson's solution, side by side, on the four things a transferring
// pool meets: a task that waits in the queue, a buffer reused for the next chunk, a buffer that was
// already transferred, and a small Buffer from Node's shared pool. Each pool runs with its own
// worker: document 000's worker.js (fixtures/document-000-worker.ts) and the checks' XOR worker
// (fixtures/xor-worker.ts). Both XOR every byte with 0xFF in place and transfer the view back, so a
// result, XORed again, shows what the worker was sent.
import { MessageChannel, type TransferListItem } from 'node:worker_threads';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { stopAll } from '../../../tool/runtime/tracking.ts';
import { WorkerPool as DocumentPool } from '../broken/document-000-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/transferables-in-the-pool/pool.ts';

const exp = experiment("What does document 000's pool do with queued, reused, detached and pooled buffers?");
/** How long a task gets before it counts as never settling. They need a few milliseconds. */
const patienceMs = quick ? 1000 : 2000;
/** How long close() gets. A healthy close() takes milliseconds. */
const closePatienceMs = quick ? 500 : 1000;

interface Pool {
  run(data: unknown, options?: { transferList?: readonly TransferListItem[] }): Promise<unknown>;
  close(): Promise<void>;
}
type PoolClass = new (workerFile: string | URL, options: { size: number }) => Pool;
const pools: Array<[string, PoolClass, URL]> = [
  ['document 000', DocumentPool, new URL('../fixtures/document-000-worker.ts', import.meta.url)],
  ['solution', SolutionPool, new URL('../fixtures/xor-worker.ts', import.meta.url)],
];

// Exceptions nobody caught (a real program would end on the first); counted per scenario.
let uncaught: string[] = [];
process.on('uncaughtException', (error) => uncaught.push(`${error.name}: ${error.message}`));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
interface Outcome {
  text: string;
  value?: unknown;
}
/** 'resolved', 'rejected: <error>' or 'never settled' (within the patience). */
function settle(promise: Promise<unknown>, ms = patienceMs): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.then(
      (value) => ({ text: 'resolved', value }),
      (error: Error) => ({ text: `rejected: ${error?.name}: ${error?.message}` }),
    ),
    new Promise<Outcome>((r) => (timer = setTimeout(() => r({ text: 'never settled' }), ms))),
  ]).finally(() => clearTimeout(timer));
}
const submit = (pool: Pool, bytes: Uint8Array, ms?: number) => settle(pool.run(bytes, { transferList: [bytes.buffer as ArrayBuffer] }), ms);
/** What the worker was sent: the result XORed back. */
const sent = (o: Outcome) => (o.value instanceof Uint8Array ? Uint8Array.from(o.value, (b) => b ^ 0xff) : undefined);
const attempt = (f: () => unknown) => {
  try {
    f();
    return 'worked';
  } catch (error) {
    return `threw ${(error as Error).name}`;
  }
};
function detach(view: Uint8Array): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(view, [view.buffer as ArrayBuffer]);
  port1.close();
  port2.close();
}
/** Ends a pool whatever state it is in, without waiting on a close() that may never return. */
async function end(pool: Pool): Promise<boolean> {
  const closed = (await settle(pool.close(), closePatienceMs)).text !== 'never settled';
  await stopAll();
  return closed;
}

interface Results {
  queued: { lengthAfterRun: number; fill: string; sent: string };
  reuse: { sets: string[]; tasks: string[]; uncaught: string[]; closed: boolean };
  detached: { task: string; next: string; closed: boolean; uncaught: string[] };
  pooled: { task: string; arrived: string; neighbourInResult: boolean; callerAfter: string; neighbours: string; next: string };
}
const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('latin1') : '');

async function runScenarios(Pool: PoolClass, file: URL): Promise<Results> {
  // 1. A task that waits in the queue behind a busy worker, and a caller that writes to its array after run().
  let pool = new Pool(file, { size: 1 });
  let busy = settle(pool.run(new Uint8Array(1 << 22)));
  const b = Uint8Array.of(1, 2, 3, 4);
  const queuedTask = submit(pool, b);
  const lengthAfterRun = b.byteLength;
  const fill = attempt(() => b.fill(0x42));
  await busy;
  const queued = { lengthAfterRun, fill, sent: [...(sent(await queuedTask) ?? [])].join(', ') || (await queuedTask).text };
  await end(pool);

  // 2. One buffer reused for each chunk, as a read loop does: fill it, run(), next chunk.
  uncaught = [];
  pool = new Pool(file, { size: 1 });
  const bigFirst = new Uint8Array(1 << 22);
  busy = submit(pool, bigFirst);
  const buf = new Uint8Array(4);
  const sets: string[] = [];
  const chunks: Array<Promise<Outcome>> = [];
  for (const chunk of ['AAAA', 'BBBB', 'CCCC']) {
    sets.push(attempt(() => buf.set(Buffer.from(chunk))));
    chunks.push(submit(pool, buf));
  }
  await busy;
  // A rejection shown up to its error's first clause: 'rejected: TypeError: transferList[0] is a detached ArrayBuffer'.
  const tasks = (await Promise.all(chunks)).map((o) => (o.value instanceof Uint8Array ? `sent ${text(sent(o))}` : o.text.split(':').slice(0, 3).join(':')));
  const reuse = { sets, tasks, uncaught, closed: await end(pool) };

  // 3. An array whose buffer was already transferred, sent to a free worker.
  uncaught = [];
  pool = new Pool(file, { size: 1 });
  const gone = Uint8Array.of(1, 2, 3);
  detach(gone);
  const detachedTask = (await submit(pool, gone)).text;
  const next = await submit(pool, Uint8Array.of(9));
  const detached = { task: detachedTask, next: next.text, closed: await end(pool), uncaught };

  // 4. A small Buffer out of Node's shared pool, between two neighbours in the same slab.
  uncaught = [];
  pool = new Pool(file, { size: 1 });
  let left = Buffer.from('left neighbour: PIN 4711');
  let target = Buffer.from('abc');
  let right = Buffer.from('right neighbour');
  while (left.buffer !== target.buffer || right.buffer !== target.buffer) {
    [left, target, right] = [Buffer.from('left neighbour: PIN 4711'), Buffer.from('abc'), Buffer.from('right neighbour')];
  }
  const pooledTask = submit(pool, target);
  const callerRightAfter = `length ${target.length}`;
  const outcome = await pooledTask;
  const result = outcome.value;
  const pooled = {
    task: outcome.text,
    arrived:
      result instanceof Uint8Array ? `a view of ${result.length} bytes at offset ${result.byteOffset} of an ArrayBuffer of ${result.buffer.byteLength} bytes` : 'nothing',
    neighbourInResult: result instanceof Uint8Array && Buffer.from(result.buffer).includes('PIN 4711'),
    callerAfter: `${callerRightAfter} right after run(), reads '${target.toString()}'`,
    neighbours: `'${left.toString()}', '${right.toString()}'`,
    next: (await submit(pool, Uint8Array.of(9))).text,
  };
  await end(pool);
  return { queued, reuse, detached, pooled };
}

const results = new Map<string, Results>();
for (const [name, Pool, file] of pools) results.set(name, await runScenarios(Pool, file));
const doc = results.get('document 000')!;
const sol = results.get('solution')!;

exp.note(`Pools of 1. A task that has not settled after ${patienceMs / 1000} s, or close() after ${closePatienceMs / 1000} s, counts as never settling.`);
for (const [name, r] of results) {
  exp.note('');
  exp.note(`${name}:`);
  exp.measure(`${name}, queued task: caller's byteLength right after run()`, r.queued.lengthAfterRun);
  exp.measure(`${name}, queued task: caller's fill(0x42) after run()`, r.queued.fill);
  exp.measure(`${name}, queued task: the worker was sent (the caller passed 1, 2, 3, 4)`, r.queued.sent);
  exp.measure(`${name}, one buffer reused for chunks AAAA, BBBB, CCCC: buf.set(chunk) before each run()`, r.reuse.sets.join(', '));
  exp.measure(`${name}, reused buffer: the three tasks`, r.reuse.tasks.join('; '));
  exp.measure(`${name}, reused buffer: uncaught exceptions`, r.reuse.uncaught.join('; ') || 'none');
  exp.measure(`${name}, reused buffer: close() returned`, String(r.reuse.closed));
  exp.measure(`${name}, already-detached array: the task`, r.detached.task);
  exp.measure(`${name}, already-detached array: the next task`, r.detached.next);
  exp.measure(`${name}, already-detached array: close() returned`, String(r.detached.closed));
  exp.measure(`${name}, Buffer.from('abc') with its .buffer in the transferList: the task`, r.pooled.task);
  exp.measure(`${name}, Buffer.from('abc'): what came back`, r.pooled.arrived + (r.pooled.neighbourInResult ? ", the neighbour's PIN in it" : ''));
  exp.measure(`${name}, Buffer.from('abc'): the caller's Buffer`, r.pooled.callerAfter);
  exp.measure(`${name}, Buffer.from('abc'): its neighbours afterwards`, r.pooled.neighbours);
  exp.measure(`${name}, Buffer.from('abc'): the next task`, r.pooled.next);
}
exp.note('');

exp.claim(
  "document 000: a queued task's array stays the caller's until a worker is free (full length after run()), and what the caller writes into it meanwhile is what the worker gets",
  doc.queued.lengthAfterRun === 4 && doc.queued.fill === 'worked' && doc.queued.sent === '66, 66, 66, 66',
  `byteLength ${doc.queued.lengthAfterRun} after run(); fill(0x42) ${doc.queued.fill}; the worker was sent ${doc.queued.sent}`,
);
const reuseNode20 = doc.reuse.tasks[0] === 'sent CCCC' && doc.reuse.tasks.slice(1).every((t) => t === 'never settled');
const reuseLater = doc.reuse.tasks.every((t) => t === 'never settled') && doc.reuse.uncaught.some((u) => u.startsWith('DataCloneError'));
exp.claim(
  "document 000: a buffer reused for each chunk never sends the right chunks, and close() never returns; on the Node this runs on, one of two ways: Node 20's (the first queued task sends the LAST chunk, the others' messages are silently dropped and they never settle) or newer Node's (DataCloneError thrown out of the pool's 'message' handler, uncaught, and then no task settles)",
  (reuseNode20 || reuseLater) && !doc.reuse.closed,
  `${process.version}: ${doc.reuse.tasks.join('; ')}; uncaught: ${doc.reuse.uncaught.join('; ') || 'none'}; close() returned: ${doc.reuse.closed}`,
);
exp.claim(
  "document 000: an array that was already transferred is never refused clearly, and it costs the pool its worker for good: the next task and close() never settle; on the Node this runs on, one of two ways: Node 20's (the task itself never settles) or newer Node's (it rejects with a DataCloneError that does not say 'detached')",
  doc.detached.next === 'never settled' && !doc.detached.closed && (doc.detached.task === 'never settled' || (/DataCloneError/.test(doc.detached.task) && !/detached/i.test(doc.detached.task))),
  `${process.version}: the task ${doc.detached.task}; the next ${doc.detached.next}; close() returned: ${doc.detached.closed}`,
);
const pooledNode20 = doc.pooled.task === 'resolved' && doc.pooled.neighbourInResult && doc.pooled.callerAfter.startsWith('length 3');
const pooledLater = /DataCloneError/.test(doc.pooled.task) && doc.pooled.next === 'never settled';
exp.claim(
  "document 000: a small pooled Buffer is never transferred; on the Node this runs on, one of two ways: Node 20's (the whole slab is copied to the worker, neighbours' bytes included, and the caller's Buffer is not detached) or newer Node's (postMessage throws DataCloneError after the worker was marked busy, and the worker is lost)",
  pooledNode20 || pooledLater,
  `${process.version}: ${doc.pooled.task}; came back: ${doc.pooled.arrived}${doc.pooled.neighbourInResult ? " with the neighbour's PIN" : ''}; caller: ${doc.pooled.callerAfter}; next task: ${doc.pooled.next}`,
);
exp.claim(
  "the solution: the queued task's array is detached when run() returns, fill() on it throws, and the worker gets 1, 2, 3, 4",
  sol.queued.lengthAfterRun === 0 && sol.queued.fill === 'threw TypeError' && sol.queued.sent === '1, 2, 3, 4',
  `byteLength ${sol.queued.lengthAfterRun}; fill(0x42) ${sol.queued.fill}; the worker was sent ${sol.queued.sent}`,
);
exp.claim(
  "the solution: reusing the buffer fails loudly in the caller's own code (set() throws TypeError on the taken buffer), the first chunk is sent, the later run() calls are refused as detached, and close() returns",
  sol.reuse.sets.join() === 'worked,threw TypeError,threw TypeError' &&
    sol.reuse.tasks[0] === 'sent AAAA' &&
    sol.reuse.tasks.slice(1).every((t) => /^rejected: .*detached/.test(t)) &&
    sol.reuse.uncaught.length === 0 &&
    sol.reuse.closed,
  `set(): ${sol.reuse.sets.join(', ')}; tasks: ${sol.reuse.tasks.join('; ')}`,
);
exp.claim(
  "the solution: an already-detached array is refused at once with an error that says 'detached', the next task runs, close() returns",
  /^rejected: .*detached/.test(sol.detached.task) && sol.detached.next === 'resolved' && sol.detached.closed,
  `${sol.detached.task}; next: ${sol.detached.next}`,
);
exp.claim(
  "the solution: a small pooled Buffer is refused at once with an error that names Node's Buffer pool; the caller's Buffer and its neighbours are untouched, the next task runs",
  /^rejected: .*pool/i.test(sol.pooled.task) && sol.pooled.callerAfter === "length 3 right after run(), reads 'abc'" && sol.pooled.neighbours === "'left neighbour: PIN 4711', 'right neighbour'" && sol.pooled.next === 'resolved',
  `${sol.pooled.task.slice(0, 120)}...; caller: ${sol.pooled.callerAfter}; neighbours: ${sol.pooled.neighbours}`,
);
exp.done();
// Document 000's close() keeps polling for a task that never settles, and its timer keeps the process alive.
process.exit();
