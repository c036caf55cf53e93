// Document 003, Q41, on worker threads: "Share memory (via SharedArrayBuffer)" and "Same V8
// instance"; on child processes: "Separate V8 instances". What does a worker actually share with
// the thread that started it?
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment('What does a worker thread share with its parent, and what does a child process share?');
const ready = new URL('../fixtures/ready.mjs', import.meta.url);
const MB = 1024 * 1024;

/** Runs `code` in a new worker (CommonJS, workerData as given) and resolves with its one reply. */
async function inWorker<T>(code: string, workerData?: unknown): Promise<T> {
  const worker = new Worker(code, { eval: true, workerData });
  try {
    return await new Promise<T>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

// 1. One process: a worker runs in this process, a child in a process of its own.
const worker = await inWorker<{ pid: number; threadId: number }>(
  `const { parentPort, threadId } = require('node:worker_threads'); parentPort.postMessage({ pid: process.pid, threadId });`,
);
const child = fork(ready, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
const childReady = await new Promise<{ pid: number }>((resolve) => child.once('message', resolve));
exp.measure('pid of this process / of a worker / of a forked child', `${process.pid} / ${worker.pid} / ${childReady.pid}`);
exp.claim('a worker runs inside this process; a child is another process', worker.pid === process.pid && childReady.pid !== process.pid, `worker pid ${worker.pid}, threadId ${worker.threadId}; child pid ${childReady.pid}`);

// 2. Not the same V8 instance: a worker has its own isolate, so its own globals...
(globalThis as Record<string, unknown>).q41Marker = 'set by the main thread';
const seen = await inWorker<string>(`require('node:worker_threads').parentPort.postMessage(typeof globalThis.q41Marker);`);
exp.claim("a global set in the main thread does not exist in a worker: it is not the same V8 instance", seen === 'undefined', `typeof globalThis.q41Marker in the worker: '${seen}'`);

// ...and its own heap: what it allocates does not appear in the main thread's heap.
const mainHeapBefore = process.memoryUsage().heapUsed;
const workerHeap = await inWorker<{ before: number; after: number }>(
  `const { parentPort } = require('node:worker_threads');
   const before = process.memoryUsage().heapUsed;
   globalThis.keep = Array.from({ length: 2_000_000 }, (_, i) => ({ i }));
   parentPort.postMessage({ before, after: process.memoryUsage().heapUsed });`,
);
const mainGrowth = (process.memoryUsage().heapUsed - mainHeapBefore) / MB;
const workerGrowth = (workerHeap.after - workerHeap.before) / MB;
exp.measure("heap the worker filled, by its own process.memoryUsage().heapUsed", workerGrowth, 'MB');
exp.measure("main thread's heapUsed growth meanwhile", mainGrowth, 'MB');
exp.claim("a worker's allocations land in its own heap, not the main thread's", workerGrowth > 20 && mainGrowth < workerGrowth / 4, `worker +${workerGrowth.toFixed(0)} MB, main thread +${mainGrowth.toFixed(1)} MB`);

// 3. Messages are copies, not shared memory.
const echo = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', ({ object, bytes, shared }) => {
     object.count += 1;
     new Uint8Array(bytes)[0] = 99;
     Atomics.store(new Int32Array(shared), 0, 42);
     parentPort.postMessage(object.count);
   });`,
  { eval: true },
);
const object = { count: 1 };
const bytes = new ArrayBuffer(8);
const shared = new SharedArrayBuffer(8);
const workerCount = await new Promise<number>((resolve) => {
  echo.once('message', resolve);
  echo.postMessage({ object, bytes, shared });
});
await echo.terminate();
exp.measure('object.count in the worker / in the main thread, after the worker incremented it', `${workerCount} / ${object.count}`);
exp.measure('first byte of a posted ArrayBuffer in the main thread, after the worker wrote 99', new Uint8Array(bytes)[0]!);
exp.measure('first Int32 of a posted SharedArrayBuffer in the main thread, after the worker stored 42', Atomics.load(new Int32Array(shared), 0));
exp.claim('an object or ArrayBuffer posted to a worker is a copy: the worker changing it changes nothing here', object.count === 1 && new Uint8Array(bytes)[0] === 0, `object.count ${object.count}, byte ${new Uint8Array(bytes)[0]}`);
exp.claim('a SharedArrayBuffer is the one thing shared: the worker wrote into our memory', Atomics.load(new Int32Array(shared), 0) === 42, `read ${Atomics.load(new Int32Array(shared), 0)}`);

// 4. A child process cannot share memory at all: IPC serializes, and a SharedArrayBuffer arrives empty.
const childGot = await new Promise<unknown>((resolve) => {
  child.once('message', resolve);
  child.send({ shared: new SharedArrayBuffer(8) });
});
const childGone = new Promise((resolve) => child.once('exit', resolve));
child.kill();
await childGone;
exp.measure('a SharedArrayBuffer sent to a child, as the child echoed it back', JSON.stringify(childGot));
exp.claim('a child receives a serialized copy: no SharedArrayBuffer crosses a process boundary', JSON.stringify(childGot) === '{"type":"echo","data":{"shared":{}}}', `the child echoed ${JSON.stringify(childGot)}`);
exp.done();
