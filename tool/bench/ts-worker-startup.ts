// Benchmark (not a test): how much does starting a .ts worker through the workbook's mechanism
// cost, against a plain .mjs worker? Median of 20 starts each, measured side by side.
// Run: npm run bench:ts-workers
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { nodeRunsTypeScript } from '../runtime/ts-workers.ts';
import { experiment, median, ms } from '../experiments/kit.ts';

const folder = mkdtempSync(join(tmpdir(), 'workbook-bench-'));
writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');
const body = "parentPort.postMessage({ ok: true, n: workerData * 2 });\n";
writeFileSync(join(folder, 'plain.mjs'), `import { parentPort, workerData } from 'node:worker_threads';\n${body}`);
writeFileSync(join(folder, 'typed.ts'), `import { parentPort, workerData } from 'node:worker_threads';\nconst n: number = workerData;\nparentPort!.postMessage({ ok: true, n: n * 2 });\n`);

function startToFirstMessage(file: string, Kind: typeof Worker = Worker): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const worker = new Kind(join(folder, file), { workerData: 1 });
    worker.once('message', () => {
      const elapsed = performance.now() - start;
      void worker.terminate().then(() => resolve(elapsed));
    });
    worker.once('error', reject);
  });
}

const exp = experiment('Start-up of a .ts worker through the workbook, against a plain .mjs worker');
exp.note('The workbook compiles a .ts worker once with esbuild and caches it by content hash.');
// The patched Worker extends Node's own; the latter starts a .ts file natively where Node can.
const NodeWorker = Object.getPrototypeOf(Worker) as typeof Worker;
const rounds = 20;
const plain: number[] = [];
const typed: number[] = [];
const firstTyped = await startToFirstMessage('typed.ts'); // includes the one-time compile
await startToFirstMessage('plain.mjs');
for (let i = 0; i < rounds; i++) {
  // Alternate, so that drift in machine load falls on both alike.
  plain.push(await startToFirstMessage('plain.mjs'));
  typed.push(await startToFirstMessage('typed.ts'));
}
const ratio = median(typed) / median(plain);
exp.measure('first .ts worker, compile included', firstTyped, 'ms');
exp.measure(`plain .mjs worker, start to first message, median of ${rounds}`, median(plain), 'ms');
exp.measure(`.ts worker, start to first message, median of ${rounds}`, median(typed), 'ms');
exp.claim('a .ts worker starts within 1.5x of a plain .mjs worker', ratio <= 1.5, `${ms(median(typed))} against ${ms(median(plain))}: ${ratio.toFixed(2)}x`);
if (nodeRunsTypeScript) {
  const native: number[] = [];
  const plainAgain: number[] = [];
  for (let i = 0; i < rounds; i++) {
    plainAgain.push(await startToFirstMessage('plain.mjs'));
    native.push(await startToFirstMessage('typed.ts', NodeWorker));
  }
  exp.measure(`.ts worker through Node's own type stripping, median of ${rounds}`, median(native), 'ms');
  exp.note(`Node's own stripping: ${(median(native) / median(plainAgain)).toFixed(2)}x a plain worker; the workbook's cache: ${ratio.toFixed(2)}x.`);
}
exp.done();
