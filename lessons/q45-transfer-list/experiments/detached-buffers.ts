// What happens when code posts a Uint8Array whose buffer was already transferred: a second
// postMessage of the same array, or a pool that transfers the same task's data twice?
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';
import type { Report } from '../fixtures/report-worker.ts';

const exp = experiment('Q45: what does postMessage do with a Uint8Array that was already transferred?');
const worker = new Worker(new URL('../fixtures/report-worker.ts', import.meta.url));
const arrived: string[] = [];
worker.on('message', (r: Report) => arrived.push(r.tag));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const attempt = (f: () => void) => {
  try {
    f();
    return 'returned normally';
  } catch (error) {
    return `threw ${(error as Error).name}: ${(error as Error).message}`;
  }
};

const data = new Uint8Array(1000).fill(1);
const first = attempt(() => worker.postMessage({ tag: 'first', data }, [data.buffer]));
exp.measure('first postMessage(msg, [data.buffer])', first);
exp.measure('data.length / data.byteLength after it', `${data.length} / ${data.byteLength}`);

const again = attempt(() => worker.postMessage({ tag: 'again', data }, [data.buffer]));
const copy = attempt(() => worker.postMessage({ tag: 'copy', data }));
const later = attempt(() => worker.postMessage({ tag: 'later', data: new Uint8Array(4) }));
await sleep(1000);
exp.measure('the same again: postMessage({ data }, [data.buffer])', again);
exp.measure('the same with no transferList: postMessage({ data })', copy);
exp.measure('messages the worker received within 1 s, in order', arrived.join(', '));

// How to tell a detached buffer from an empty one.
const empty = new Uint8Array(0);
const probe = (buffer: ArrayBufferLike) => attempt(() => new Uint8Array(buffer, 0, 0));
exp.measure('byteLength: detached / empty', `${data.buffer.byteLength} / ${empty.buffer.byteLength}`);
exp.measure('ArrayBuffer.prototype.detached: detached / empty', `${String((data.buffer as { detached?: boolean }).detached)} / ${String((empty.buffer as { detached?: boolean }).detached)}`);
exp.measure('new Uint8Array(buffer, 0, 0): detached', probe(data.buffer));
exp.measure('new Uint8Array(buffer, 0, 0): empty', probe(empty.buffer));
await worker.terminate();

const silent = again === 'returned normally' && !arrived.includes('again');
exp.claim(
  "posting a detached array again with its buffer in the transferList never delivers it: on the Node this runs on, one of two ways, Node 20's (postMessage returns normally and drops the message, so a task waiting for its reply hangs) or newer Node's (it throws DataCloneError)",
  silent || (/DataCloneError/.test(again) && !arrived.includes('again')),
  `on ${process.version}: ${again}; arrived: ${arrived.join(', ')}`,
);
exp.claim(
  'with no transferList, a detached array is refused with a DataCloneError that names the detached ArrayBuffer',
  /DataCloneError.*detached/.test(copy) && !arrived.includes('copy'),
  copy,
);
exp.claim(
  'the worker still gets the messages after those: only the detached ones are lost',
  arrived.includes('first') && arrived.includes('later'),
  `arrived: ${arrived.join(', ')}`,
);
exp.claim(
  'byteLength 0 does not tell detached from empty; a zero-length view does (it cannot be made on a detached buffer)',
  data.buffer.byteLength === 0 && empty.buffer.byteLength === 0 && /TypeError/.test(probe(data.buffer)) && probe(empty.buffer) === 'returned normally',
  `detached: ${probe(data.buffer)}; empty: ${probe(empty.buffer)}`,
);
exp.done();
