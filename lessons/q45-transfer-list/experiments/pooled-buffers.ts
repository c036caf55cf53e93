// Document 003, Q45 says a transferList makes a Buffer transfer "zero-copy". For small Buffers Node
// hands out slices of one shared ArrayBuffer (its Buffer pool). What happens when you put
// `buf.buffer` of such a Buffer in a transferList, or post it without one?
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';
import type { Report } from '../fixtures/report-worker.ts';

const exp = experiment("Q45: what does a transferList do with Node's small pooled Buffers?");
const worker = new Worker(new URL('../fixtures/report-worker.ts', import.meta.url));
const reports: Report[] = [];
worker.on('message', (r: Report) => reports.push(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function reportFor(tag: string): Promise<Report | undefined> {
  for (let i = 0; i < 200 && !reports.some((r) => r.tag === tag); i++) await sleep(10);
  return reports.find((r) => r.tag === tag);
}
const describe = (r: Report | undefined) =>
  r ? `a ${r.type} of ${r.length} bytes at offset ${r.byteOffset} of an ArrayBuffer of ${r.bufferBytes} bytes${r.markerFound ? ', the neighbour\'s PIN included' : ''}` : 'nothing arrived';
const attempt = (f: () => void) => {
  try {
    f();
    return 'returned normally';
  } catch (error) {
    return `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
};

const marker = 'PIN 4711';
const neighbour = Buffer.from(`someone else's data: ${marker}`);
const small = Buffer.from('abc');
const unsafe = Buffer.allocUnsafe(100);
exp.measure('Buffer.poolSize', Buffer.poolSize, 'bytes');
exp.measure("Buffer.from('abc'): byteOffset / byteLength of its .buffer", `${small.byteOffset} / ${small.buffer.byteLength}`);
exp.measure("Buffer.from('abc') shares its ArrayBuffer with an unrelated Buffer made just before", String(small.buffer === neighbour.buffer));
exp.measure('Buffer.allocUnsafe(100): byteOffset / byteLength of its .buffer', `${unsafe.byteOffset} / ${unsafe.buffer.byteLength}`);
for (const [name, own] of [
  ['Buffer.alloc(100)', Buffer.alloc(100)],
  ['Buffer.allocUnsafeSlow(100)', Buffer.allocUnsafeSlow(100)],
  [`Buffer.allocUnsafe(${Buffer.poolSize})`, Buffer.allocUnsafe(Buffer.poolSize)],
] as const) {
  exp.measure(`${name}: byteLength of its .buffer (its own, not the pool)`, own.buffer.byteLength, 'bytes');
}

// 1. Posted with no transferList.
const copied = attempt(() => worker.postMessage({ tag: 'copy', data: small, marker }));
const copyReport = await reportFor('copy');
exp.measure("postMessage({ data: Buffer.from('abc') }) with no transferList", copied);
exp.measure('  the worker received', describe(copyReport));

// 2. Its .buffer in the transferList, as the document does with largeBuffer.buffer.
const transferred = attempt(() => worker.postMessage({ tag: 'transfer', data: small, marker }, [small.buffer]));
const transferReport = await reportFor('transfer');
exp.measure("postMessage({ data: Buffer.from('abc') }, [buf.buffer])", transferred);
exp.measure('  the worker received', describe(transferReport));
exp.measure("  the sender's Buffer afterwards", `length ${small.length}, reads '${small.toString()}'`);
exp.measure("  the neighbour's Buffer afterwards", `reads '${neighbour.toString()}'`);

const unsafeTransferred = attempt(() => worker.postMessage({ tag: 'unsafe', data: unsafe, marker }, [unsafe.buffer]));
exp.measure('postMessage({ data: Buffer.allocUnsafe(100) }, [buf.buffer])', unsafeTransferred);
exp.measure('  the worker received', describe(await reportFor('unsafe')));

// 3. A Buffer with its own ArrayBuffer transfers as the document expects.
const own = Buffer.alloc(100, 1);
const ownTransferred = attempt(() => worker.postMessage({ tag: 'own', data: own }, [own.buffer]));
const ownReport = await reportFor('own');
exp.measure('postMessage({ data: Buffer.alloc(100) }, [buf.buffer])', ownTransferred);
exp.measure('  the worker received', describe(ownReport));
exp.measure("  the sender's Buffer afterwards: length", own.length);

await worker.terminate();

exp.claim(
  "small Buffers are slices of one shared ArrayBuffer (Buffer.poolSize bytes) that also holds other Buffers' data",
  small.buffer === neighbour.buffer && small.buffer.byteLength === Buffer.poolSize && small.byteOffset > 0,
  `Buffer.from('abc') is ${small.length} bytes at offset ${small.byteOffset} of ${small.buffer.byteLength}, next to the neighbour`,
);
exp.claim(
  "posted without a transferList, a small Buffer takes the whole pool with it, its neighbour's bytes included",
  copyReport !== undefined && copyReport.bufferBytes === Buffer.poolSize && copyReport.markerFound,
  describe(copyReport),
);
const node20Way = transferred === 'returned normally' && small.length === 3 && transferReport?.bufferBytes === Buffer.poolSize && transferReport.markerFound;
const laterWay = /DataCloneError/.test(transferred) && small.length === 3;
exp.claim(
  "with its .buffer in the transferList, a small Buffer is never transferred: on the Node this runs on, one of two ways, Node 20's (it silently copies the whole pool) or newer Node's (it throws DataCloneError)",
  node20Way || laterWay,
  `on ${process.version}: ${transferred}; ${node20Way ? describe(transferReport) : 'nothing was sent'}; the sender's Buffer still reads '${small.toString()}'`,
);
exp.claim(
  'a Buffer with its own ArrayBuffer (Buffer.alloc) transfers as the document expects: the worker gets just its bytes, the sender is left with length 0',
  ownTransferred === 'returned normally' && own.length === 0 && ownReport?.bufferBytes === 100,
  `${describe(ownReport)}; sender's length ${own.length}`,
);
exp.done();
