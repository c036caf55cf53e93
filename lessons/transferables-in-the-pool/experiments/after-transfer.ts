// Document 000: "accessing buf after postMessage will throw/behave as neutered". Which is it? This
// transfers a Uint8Array and a Buffer away, then does to each what code commonly does to bytes,
// and prints what every operation gives.
import { createHash } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment("Document 000: does touching a transferred buffer 'throw' or 'behave as neutered'?");

/** Transfers `view`'s buffer away, as the pool's postMessage does, leaving `view` detached. */
function transferAway(view: Uint8Array): void {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(view, [view.buffer as ArrayBuffer]);
  port1.close();
  port2.close();
}

/** A description to print as it is (other strings are printed quoted: they are what the operation returned). */
class Plain {
  text: string;
  constructor(text: string) {
    this.text = text;
  }
}
type Result = { threw: true; text: string } | { threw: false; text: string };
function tryIt(f: () => unknown): Result {
  try {
    const value = f();
    const text =
      value instanceof Uint8Array
        ? `a view of ${value.length} bytes`
        : value instanceof Plain
          ? value.text
          : typeof value === 'string'
            ? JSON.stringify(value)
            : String(value);
    return { threw: false, text };
  } catch (error) {
    return { threw: true, text: `throws ${(error as Error).name}: ${(error as Error).message}` };
  }
}

const u8 = new Uint8Array(16).fill(7);
const buf = Buffer.alloc(16, 7); // Buffer.alloc owns its ArrayBuffer, so it can be transferred
const hashOfNothing = createHash('sha256').update(new Uint8Array(0)).digest('hex');
const hashBefore = createHash('sha256').update(u8).digest('hex');
transferAway(u8);
transferAway(buf);

const operations: Array<[string, (v: Uint8Array) => unknown]> = [
  ['length / byteLength', (v) => new Plain(`${v.length} / ${v.byteLength}`)],
  ['v[0] (was 7)', (v) => v[0]],
  ['v[0] = 1, then v[0]', (v) => ((v[0] = 1), v[0])],
  ['v.fill(1)', (v) => v.fill(1)],
  ['v.set([1, 2])', (v) => v.set([1, 2])],
  ['v.subarray(0, 4)', (v) => v.subarray(0, 4)],
  ['v.slice()', (v) => v.slice()],
  ['for (const b of v)', (v) => {
    let n = 0;
    for (const _ of v) n++;
    return n;
  }],
  ['v.indexOf(7)', (v) => v.indexOf(7)],
  ['v.toString()', (v) => v.toString()],
  ['new TextDecoder().decode(v)', (v) => new TextDecoder().decode(v)],
  ['sha256 of v', (v) => {
    const hex = createHash('sha256').update(v).digest('hex');
    return new Plain(hex === hashOfNothing ? 'the hash of zero bytes' : hex === hashBefore ? 'the hash of its 16 bytes' : hex);
  }],
  ['JSON.stringify(v)', (v) => JSON.stringify(v)],
  ['new Uint8Array(v.buffer)', (v) => new Uint8Array(v.buffer)],
  ['postMessage(v) again, no transferList', (v) => new MessageChannel().port1.postMessage(v)],
];

const table = new Map<string, { u8: Result; buf: Result }>();
for (const [name, op] of operations) {
  const row = { u8: tryIt(() => op(u8)), buf: tryIt(() => op(buf)) };
  table.set(name, row);
  const same = row.u8.text === row.buf.text;
  exp.measure(name, same ? row.u8.text : `Uint8Array: ${row.u8.text}; Buffer: ${row.buf.text}`);
}
exp.note('(Every row is the same for a Uint8Array and a Buffer unless it says otherwise.)');

const r = (name: string) => table.get(name)!;
exp.claim(
  "'neutered' holds for the shape: length and byteLength are 0, a read by index gives undefined, and a write by index is silently dropped; none of them throws",
  r('length / byteLength').u8.text === '0 / 0' && r('v[0] (was 7)').u8.text === 'undefined' && r('v[0] = 1, then v[0]').u8.text === 'undefined' && !r('v[0] = 1, then v[0]').buf.threw,
  `length/byteLength ${r('length / byteLength').u8.text}; v[0] ${r('v[0] (was 7)').u8.text}; after v[0] = 1: ${r('v[0] = 1, then v[0]').u8.text}`,
);
const throwing = ['v.fill(1)', 'v.set([1, 2])', 'v.subarray(0, 4)', 'v.slice()', 'for (const b of v)', 'new Uint8Array(v.buffer)'];
exp.claim(
  "'throw' holds for most methods: fill, set, subarray, slice, iterating and making a new view all throw a TypeError that names the detached ArrayBuffer",
  throwing.every((name) => r(name).u8.threw && r(name).buf.threw && /detached/.test(r(name).u8.text)),
  throwing.map((name) => `${name}: ${r(name).u8.threw ? 'throws' : r(name).u8.text}`).join('; '),
);
exp.claim(
  'and some common operations do neither: they quietly treat it as empty, giving a wrong answer with no error (text decoding gives "", the SHA-256 is the hash of zero bytes)',
  r('new TextDecoder().decode(v)').u8.text === '""' && r('sha256 of v').u8.text === 'the hash of zero bytes',
  `TextDecoder: ${r('new TextDecoder().decode(v)').u8.text}; sha256: ${r('sha256 of v').u8.text}; Buffer#toString: ${r('v.toString()').buf.text}; Buffer#indexOf(7): ${r('v.indexOf(7)').buf.text}`,
);
exp.claim(
  'the same method can throw on a Uint8Array and not on a Buffer: toString and indexOf throw on a Uint8Array, and on a Buffer return "" and -1',
  r('v.toString()').u8.threw && !r('v.toString()').buf.threw && r('v.indexOf(7)').u8.threw && r('v.indexOf(7)').buf.text === '-1',
  `toString: ${r('v.toString()').u8.text} / ${r('v.toString()').buf.text}; indexOf(7): ${r('v.indexOf(7)').u8.threw ? 'throws' : r('v.indexOf(7)').u8.text} / ${r('v.indexOf(7)').buf.text}`,
);
exp.done();
