// What does a round trip through the pool cost, copied both ways or transferred both ways, for 1, 16
// and 64 MB? And how much ArrayBuffer memory does the main thread hold afterwards?
// (Q45 measures one postMessage of 100 MB, outside any pool; this is the pool's run() there and back.)
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';
import { WorkerPool } from '../../../solutions/transferables-in-the-pool/pool.ts';
import type { EchoTask } from '../fixtures/echo-worker.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/**
 * Collects garbage until the ArrayBuffer count stops falling. V8 frees ArrayBuffer memory in the background,
 * and under load it can lag: a baseline read too early still counts an earlier run's garbage, which is freed
 * later and hides one copy from the growth measured against it.
 */
async function collect(): Promise<void> {
  let last = Infinity;
  for (let i = 0; i < 20; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
    const now = process.memoryUsage().arrayBuffers;
    if (i >= 1 && now >= last) return;
    last = now;
  }
}

const exp = experiment('What does a round trip through the pool cost, copied or transferred, and what memory does it hold?');
const MB = 1024 * 1024;
const sizesMB = quick ? [1, 16] : [1, 16, 64];
const runs = quick ? 7 : 9;

// One worker that does nothing but send the bytes back: only moving the data is measured.
const pool = new WorkerPool(new URL('../fixtures/echo-worker.ts', import.meta.url), { size: 1 });
type Mode = 'copy' | 'transfer';

async function roundTrip(sizeMB: number, mode: Mode): Promise<{ call: number; total: number }> {
  const bytes = new Uint8Array(sizeMB * MB).fill(7);
  gc(); // every run starts from the same heap: no collection of earlier runs' garbage inside the timing
  const data: EchoTask = { bytes, back: mode };
  const start = performance.now();
  const task = mode === 'copy' ? pool.run(data) : pool.run(data, { transferList: [bytes.buffer] });
  const call = performance.now() - start; // the main thread is blocked this long inside run()
  const result = (await task) as Uint8Array;
  const total = performance.now() - start;
  if (result.length !== sizeMB * MB || result[0] !== 7) throw new Error(`wrong result: ${result.length} bytes`);
  return { call, total };
}

/** Main-thread ArrayBuffer memory after one round trip, while the caller still holds its input and the result. */
async function memoryAfter(sizeMB: number, mode: Mode): Promise<{ afterRun: number; afterResult: number }> {
  await collect();
  const base = process.memoryUsage().arrayBuffers;
  const bytes = new Uint8Array(sizeMB * MB).fill(7);
  const task = mode === 'copy' ? pool.run({ bytes, back: mode }) : pool.run({ bytes, back: mode }, { transferList: [bytes.buffer] });
  const afterRun = process.memoryUsage().arrayBuffers - base;
  const result = (await task) as Uint8Array;
  await collect();
  const afterResult = process.memoryUsage().arrayBuffers - base;
  if (bytes.byteLength < 0 || result.length !== sizeMB * MB) throw new Error('wrong result'); // keeps both alive until here
  return { afterRun: afterRun / MB, afterResult: afterResult / MB };
}

await roundTrip(1, 'copy'); // warm up the worker and both code paths
await roundTrip(1, 'transfer');

const table: Array<{ sizeMB: number; copy: { call: number; total: number }; transfer: { call: number; total: number } }> = [];
for (const sizeMB of sizesMB) {
  const samples: Record<Mode, { call: number[]; total: number[] }> = { copy: { call: [], total: [] }, transfer: { call: [], total: [] } };
  for (let i = 0; i < runs; i++) {
    for (const mode of ['copy', 'transfer'] as const) {
      const r = await roundTrip(sizeMB, mode);
      samples[mode].call.push(r.call);
      samples[mode].total.push(r.total);
    }
  }
  const row = {
    sizeMB,
    copy: { call: median(samples.copy.call), total: median(samples.copy.total) },
    transfer: { call: median(samples.transfer.call), total: median(samples.transfer.total) },
  };
  table.push(row);
  exp.measure(`${sizeMB} MB, copied both ways: round trip (inside run(): ${ms(row.copy.call, 2)})`, row.copy.total, 'ms');
  exp.measure(`${sizeMB} MB, transferred both ways: round trip (inside run(): ${ms(row.transfer.call, 2)})`, row.transfer.total, 'ms');
}
exp.note(`Medians of ${runs} round trips each, one worker that sends the bytes straight back.${quick ? ' Quick mode: small sizes; the full run adds 64 MB.' : ''}`);

const memSizeMB = sizesMB[sizesMB.length - 1]!;
const memory = { copy: await memoryAfter(memSizeMB, 'copy'), transfer: await memoryAfter(memSizeMB, 'transfer') };
exp.measure(`${memSizeMB} MB copied: main-thread arrayBuffers growth once run() returned`, memory.copy.afterRun, 'MB');
exp.measure(`${memSizeMB} MB copied: ... once the result is back (input still held)`, memory.copy.afterResult, 'MB');
exp.measure(`${memSizeMB} MB transferred: main-thread arrayBuffers growth once run() returned`, memory.transfer.afterRun, 'MB');
exp.measure(`${memSizeMB} MB transferred: ... once the result is back (input detached)`, memory.transfer.afterResult, 'MB');
exp.note('process.memoryUsage().arrayBuffers counts memory where it was allocated: a transferred buffer stays on the main thread\'s count while the worker holds it (see Q45).');

await pool.close();

const largest = table[table.length - 1]!;
const smallest = table[0]!;
exp.claim(
  `at ${largest.sizeMB} MB, transferring both ways makes the round trip at least 3x faster than copying both ways`,
  largest.copy.total >= 3 * largest.transfer.total,
  `${ms(largest.copy.total)} copied against ${ms(largest.transfer.total, 2)} transferred (${(largest.copy.total / largest.transfer.total).toFixed(0)}x)`,
);
exp.claim(
  'inside run(), the main thread is blocked while copying, longer the larger the data; taking the buffer instead (structuredClone with a transfer list) costs under a fifth of that at the largest size, because nothing is copied',
  largest.copy.call >= 2 * smallest.copy.call && largest.transfer.call * 5 <= largest.copy.call,
  `inside run(), copied: ${table.map((r) => `${r.sizeMB} MB ${ms(r.copy.call, 2)}`).join(', ')}; transferred: ${table.map((r) => `${r.sizeMB} MB ${ms(r.transfer.call, 3)}`).join(', ')}`,
);
exp.claim(
  'copied, the main thread ends up holding two copies (the input, and the result copied back): arrayBuffers grows by at least 1.8x the size',
  memory.copy.afterResult >= 1.8 * memSizeMB,
  `${memory.copy.afterResult.toFixed(1)} MB for ${memSizeMB} MB`,
);
exp.claim(
  'transferred, it holds one: the input is detached, and the result is the same memory, back (under 1.2x the size)',
  memory.transfer.afterResult < 1.2 * memSizeMB,
  `${memory.transfer.afterResult.toFixed(1)} MB for ${memSizeMB} MB`,
);
exp.done();
