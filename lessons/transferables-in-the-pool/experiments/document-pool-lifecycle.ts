// Document 000's other claims, run: its worker's `throw err` ("letting the pool reject and
// respawn"), its backpressure test `queue.length >= maxQueue && idle.length === 0`, and close(),
// which waits for the pool to drain by polling every 10 ms.
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';
import { stopAll, trackedSince, trackingMark } from '../../../tool/runtime/tracking.ts';
import { WorkerPool as DocumentPool } from '../broken/document-000-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/transferables-in-the-pool/pool.ts';

const exp = experiment("Document 000's worker that throws, its backpressure test and its polling close(), run");
const documentWorker = new URL('../fixtures/document-000-worker.ts', import.meta.url);
const xorWorker = new URL('../fixtures/xor-worker.ts', import.meta.url);

interface Pool {
  run(data: unknown, options?: { transferList?: readonly ArrayBuffer[] }): Promise<unknown>;
  close(): Promise<void>;
}
type PoolClass = new (workerFile: string | URL, options: { size: number; maxQueue?: number }) => Pool;

const realSetTimeout = globalThis.setTimeout;
const sleep = (ms: number) => new Promise((r) => realSetTimeout(r, ms));
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (error: Error) => `rejected: ${error.message}`,
  );

// ── 1. The worker that throws ────────────────────────────────────────────────────────────────
// A task the transform cannot handle: document 000's worker reads buf.length of null, catches the
// TypeError and throws it again, so the whole worker dies. The XOR worker answers { id, error }.
const badTasks = quick ? 3 : 5;
async function workersAfterBadTasks(Pool: PoolClass, file: URL): Promise<{ started: number; alive: number; outcomes: string[] }> {
  const mark = trackingMark();
  const workers = () => trackedSince(mark).filter((t) => t.kind === 'worker thread');
  const pool = new Pool(file, { size: 2 });
  const outcomes: string[] = [];
  for (let i = 0; i < badTasks; i++) {
    outcomes.push(await outcome(pool.run(null)));
    await sleep(100); // let replacements start
  }
  await sleep(200);
  const result = { started: workers().length, alive: workers().filter((t) => t.alive).length, outcomes };
  await Promise.race([pool.close(), sleep(1000)]);
  await stopAll();
  return result;
}
const docThrowing = await workersAfterBadTasks(DocumentPool, documentWorker);
const solThrowing = await workersAfterBadTasks(SolutionPool, documentWorker);
const solReplying = await workersAfterBadTasks(SolutionPool, xorWorker);
const showWorkers = (r: { started: number; alive: number }) => `${r.started} started, ${r.alive} alive`;
exp.measure(`document 000's pool and worker, pool of 2, after ${badTasks} tasks the worker cannot handle`, showWorkers(docThrowing));
exp.measure("  what the first such task was rejected with", docThrowing.outcomes[0]!);
exp.measure("the solution's pool with document 000's worker, the same", showWorkers(solThrowing));
exp.measure('the solution with a worker that answers { id, error } instead of throwing', showWorkers(solReplying));

// What a throw costs: on a pool of 1, bad and good tasks in turn, one at a time.
const rounds = quick ? 3 : 15;
async function alternating(file: URL): Promise<number> {
  const pool = new SolutionPool(file, { size: 1 });
  await pool.run(Uint8Array.of(1), { transferList: [] }); // the first worker has started
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await outcome(pool.run(null));
    await pool.run(Uint8Array.of(1, 2, 3));
    times.push(performance.now() - start);
  }
  await pool.close();
  await stopAll();
  return median(times);
}
const withThrow = await alternating(documentWorker);
const withReply = await alternating(xorWorker);
exp.measure(`one failing task and one good task after it, worker throws (median of ${rounds})`, withThrow, 'ms');
exp.measure('the same, worker answers { id, error }', withReply, 'ms');

// ── 2. Backpressure: `queue.length >= maxQueue && idle.length === 0` ─────────────────────────
async function backpressure(Pool: PoolClass, file: URL) {
  const pool = new Pool(file, { size: 1, maxQueue: 2 });
  await sleep(100);
  const arrays = Array.from({ length: 5 }, (_, i) => new Uint8Array(1024).fill(i));
  const tasks = arrays.map((a) => outcome(pool.run(a, { transferList: [a.buffer] })));
  const lengthsRightAfter = arrays.map((a) => a.byteLength);
  const outcomes = (await Promise.all(tasks)).map((o) => (o === 'resolved' ? o : 'refused'));
  await pool.close();
  await stopAll();
  return { outcomes, lengthsRightAfter };
}
const docBackpressure = await backpressure(DocumentPool, documentWorker);
const solBackpressure = await backpressure(SolutionPool, xorWorker);
for (const [name, r] of [['document 000', docBackpressure], ['solution', solBackpressure]] as const) {
  exp.measure(`${name}, pool of 1, maxQueue 2, 5 tasks at once: outcomes`, r.outcomes.join(', '));
  exp.measure(`${name}, the five callers' byteLength right after run()`, r.lengthsRightAfter.join(', '));
}

// ── 3. close() while a task runs for 300 ms ──────────────────────────────────────────────────
async function closeWhileRunning(Pool: PoolClass): Promise<{ timers: number; afterTaskMs: number; task: string }> {
  const pool = new Pool(xorWorker, { size: 1 });
  await sleep(100);
  const bytes = new Uint8Array(16);
  let taskSettledAt = 0;
  const task = outcome(pool.run({ bytes, delayMs: 300 }, { transferList: [bytes.buffer] })).finally(() => (taskSettledAt = performance.now()));
  await sleep(20);
  let timers = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    timers++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  await pool.close();
  const closedAt = performance.now();
  globalThis.setTimeout = realSetTimeout;
  const result = { timers, afterTaskMs: closedAt - taskSettledAt, task: await task };
  await stopAll();
  return result;
}
const docClose = await closeWhileRunning(DocumentPool);
const solClose = await closeWhileRunning(SolutionPool);
for (const [name, r] of [['document 000', docClose], ['solution', solClose]] as const) {
  exp.measure(`${name}: close() called while a task runs for 300 ms; timers the pool set while close() waited`, r.timers);
  exp.measure(`${name}: close() returned after the task settled (ending the worker included)`, r.afterTaskMs, 'ms');
}

exp.claim(
  "document 000's worker: any exception in the transform kills the whole worker ('throw err'); the task is rejected, and because 'error' and 'exit' both start a replacement, every such task leaves the pool one worker larger",
  docThrowing.alive === 2 + badTasks && docThrowing.started === 2 + 2 * badTasks && docThrowing.outcomes.every((o) => o.startsWith('rejected')),
  `after ${badTasks} failing tasks on a pool of 2: ${showWorkers(docThrowing)}`,
);
exp.claim(
  'on a pool that replaces once per death, the throwing worker costs one new worker per failing task; a worker that answers { id, error } costs none',
  solThrowing.alive === 2 && solThrowing.started === 2 + badTasks && solReplying.started === 2 && solReplying.outcomes.every((o) => o.startsWith('rejected')),
  `throwing: ${showWorkers(solThrowing)}; answering: ${showWorkers(solReplying)}`,
);
exp.claim(
  'and a new worker is slow: with a throwing worker, a failing task and the good task after it take at least 5x as long as with an error answer (the good task waits for the replacement to start)',
  withThrow >= 5 * withReply,
  `${ms(withThrow)} against ${ms(withReply, 2)} (${(withThrow / withReply).toFixed(0)}x)`,
);
const expectedBackpressure = 'resolved,resolved,resolved,refused,refused';
exp.claim(
  "document 000's backpressure test is right: on a pool of 1 with maxQueue 2, one task runs, two wait, the rest are refused, and a refused caller keeps its array",
  docBackpressure.outcomes.join() === expectedBackpressure && docBackpressure.lengthsRightAfter[3] === 1024 && docBackpressure.lengthsRightAfter[4] === 1024,
  `${docBackpressure.outcomes.join(', ')}; byteLengths right after run(): ${docBackpressure.lengthsRightAfter.join(', ')}`,
);
exp.claim(
  'but while they wait, document 000 leaves the two queued arrays with the caller (full length); the solution takes them at once, and refuses the same tasks',
  docBackpressure.lengthsRightAfter.join() === '0,1024,1024,1024,1024' &&
    solBackpressure.outcomes.join() === expectedBackpressure &&
    solBackpressure.lengthsRightAfter.join() === '0,0,0,1024,1024',
  `document 000: ${docBackpressure.lengthsRightAfter.join(', ')}; solution: ${solBackpressure.lengthsRightAfter.join(', ')}`,
);
exp.claim(
  "document 000's close() works by polling: it sets a timer every 10 ms for as long as a task runs; the solution's close() is told by the last task's answer and sets none",
  docClose.timers >= 10 && solClose.timers === 0 && docClose.task === 'resolved' && solClose.task === 'resolved',
  `timers while close() waited: ${docClose.timers} against ${solClose.timers}`,
);
exp.done();
