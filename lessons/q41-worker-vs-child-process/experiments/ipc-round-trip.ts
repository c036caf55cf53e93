// Document 003, Q41, option D: "Worker threads - faster IPC". The document's answer is B instead;
// is D wrong? A round trip to a live worker (postMessage, structured clone inside one process)
// against a round trip to a live child (child.send, JSON over a pipe between two processes).
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';
import { availableParallelism, loadavg } from 'node:os';

const exp = experiment('How long does one message take to a live worker and back, against a live child process?');
const ready = new URL('../fixtures/ready.mjs', import.meta.url);
const rounds = quick ? 50 : 500;
const bigRounds = quick ? 5 : 30;
const small = { n: 1 };
const big = { rows: Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `row ${i}`, score: i / 7 })) };
const binary = new Uint8Array(256 * 1024).fill(7);
const binaryRounds = quick ? 3 : 10;

const worker = new Worker(ready);
await new Promise((resolve) => worker.once('message', resolve));
const child = fork(ready, [], { execArgv: [] });
await new Promise((resolve) => child.once('message', resolve));

async function roundTrips(send: (m: unknown) => void, once: (f: (m: unknown) => void) => void, message: unknown, n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await new Promise((resolve) => {
      once(resolve);
      send(message);
    });
    times.push(performance.now() - start);
  }
  return median(times);
}
const toWorker = (message: unknown, n: number) =>
  roundTrips((m) => worker.postMessage(m), (f) => worker.once('message', f), message, n);
const toChild = (message: unknown, n: number) =>
  roundTrips((m) => child.send(m as object), (f) => child.once('message', f), message, n);

await toWorker(small, 10);
await toChild(small, 10);
const workerSmall = await toWorker(small, rounds);
const childSmall = await toChild(small, rounds);
const workerBig = await toWorker(big, bigRounds);
const childBig = await toChild(big, bigRounds);
const workerBinary = await toWorker(binary, binaryRounds);
const childBinary = await toChild(binary, binaryRounds);
await worker.terminate();
await new Promise((resolve) => (child.once('exit', resolve), child.kill()));

const bigSize = (JSON.stringify(big).length / 1024 / 1024).toFixed(1);
exp.measure('small message, worker round trip', workerSmall, 'ms');
exp.measure('small message, child round trip', childSmall, 'ms');
exp.measure(`${bigSize} MB of objects (as JSON), worker round trip`, workerBig, 'ms');
exp.measure(`${bigSize} MB of objects (as JSON), child round trip`, childBig, 'ms');
exp.measure('256 KB Uint8Array, worker round trip', workerBinary, 'ms');
exp.measure('256 KB Uint8Array, child round trip', childBinary, 'ms');
exp.note(`Medians of ${rounds} small, ${bigRounds} object and ${binaryRounds} binary round trips to one live worker and one live child.`);
exp.note("child.send() serializes as JSON by default: a Uint8Array becomes an object with one key per byte. fork(file, { serialization: 'advanced' }) uses V8's serializer instead.");

exp.note(`Load average over the last minute, at the end: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (timings are noisy on a busy machine).`);
exp.claim('a small message goes to a worker and back faster than to a child and back', workerSmall < childSmall, `${ms(workerSmall, 3)} against ${ms(childSmall, 3)}: ${(childSmall / workerSmall).toFixed(1)}x`);
exp.claim('binary data goes to a worker and back at least 10x faster than to a child and back', workerBinary * 10 <= childBinary, `${ms(workerBinary)} against ${ms(childBinary)}: ${(childBinary / workerBinary).toFixed(0)}x`);
exp.claim(
  'but for a large batch of plain objects a worker is not even 2x faster than a child',
  childBig < 2 * workerBig,
  `worker ${ms(workerBig)}, child ${ms(childBig)}: structured clone is not much faster than JSON for plain objects, if at all`,
);
exp.done();
