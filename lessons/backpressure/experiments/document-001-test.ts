// Document 001 ends with "Tiny tests (sanity)". Part 3 tests backpressure:
//
//   const pool3 = new WorkerPool(1, path.resolve(__dirname, 'worker.js'), { maxQueue: 0 });
//   await pool3.run(20); // one in-flight ok
//   await assert.rejects(() => pool3.run(20), /Backpressure/);
//   await pool3.close();
//
// Run it, as written, against document 001's own pool and against this lesson's solution. Then run
// it the way it was meant (the first task still running), and try two maxQueue values a program can
// easily end up with by mistake.
import assert from 'node:assert/strict';
import { experiment, stopAll } from '../../../tool/experiments/kit.ts';
import { WorkerPool as Document001Pool } from '../broken/document-001-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/backpressure/pool.ts';

const exp = experiment("Document 001's backpressure test: does it test backpressure?");
const worker = new URL('../fixtures/fib-worker.ts', import.meta.url);
type Pool = { run(data: unknown): Promise<unknown>; close(): Promise<void> };
type Make = (options: { size: number; maxQueue?: number }) => Pool;
const pools: Array<[string, Make]> = [
  ["document 001's pool", (o) => new Document001Pool(worker, o)],
  ['the solution', (o) => new SolutionPool(worker, o)],
];
const describe = (e: unknown) => (e instanceof Error ? `${e.name}${(e as { code?: string }).code ? ` [${(e as { code?: string }).code}]` : ''}: ${e.message.split('\n')[0]}` : String(e));

// 1. The test as the document wrote it. (The document's regex is /Backpressure/; the solution's
// refusal says "The pool is full", so for it the test looks for its code instead. It makes no
// difference: in both pools, the second run() is not refused at all.)
const asWritten: Record<string, string> = {};
for (const [name, make] of pools) {
  const pool3 = make({ size: 1, maxQueue: 0 });
  try {
    await pool3.run(20); // one in-flight ok
    await assert.rejects(() => pool3.run(20), name === 'the solution' ? { code: 'ERR_QUEUE_FULL' } : /Backpressure/);
    asWritten[name] = 'passed';
  } catch (e) {
    asWritten[name] = `failed: ${describe(e)}`;
  }
  await pool3.close();
  exp.measure(`the test as written, against ${name}`, asWritten[name]!);
}
exp.claim(
  "the document's test fails against the document's own pool: the second run() is accepted, not refused",
  /Missing expected rejection/.test(asWritten["document 001's pool"]!),
  asWritten["document 001's pool"]!,
);
exp.claim(
  'it fails the same way against a correct pool: the test is wrong, not the pool (the awaited task has finished, so the worker is idle again)',
  /Missing expected rejection/.test(asWritten['the solution']!),
  asWritten['the solution']!,
);

// 2. The test as it was meant: the first task is still running when the second arrives.
const asMeant: Record<string, string> = {};
for (const [name, make] of pools) {
  const pool3 = make({ size: 1, maxQueue: 0 });
  const first = pool3.run(30); // fib(30): still running when the next line runs
  try {
    await assert.rejects(() => pool3.run(20), name === 'the solution' ? { code: 'ERR_QUEUE_FULL' } : /Backpressure/);
    await first;
    // ...and once the first has finished, the pool takes a task again.
    await pool3.run(20);
    asMeant[name] = 'passed';
  } catch (e) {
    asMeant[name] = `failed: ${describe(e)}`;
  }
  await pool3.close();
  exp.measure(`the test with the first task still running, against ${name}`, asMeant[name]!);
}
exp.claim(
  'with the first task still running, the second is refused by both pools, and a third, sent after the first finished, is accepted',
  Object.values(asMeant).every((r) => r === 'passed'),
  Object.entries(asMeant).map(([n, r]) => `${n}: ${r}`).join('; '),
);

// 3. What the refusal looks like to the caller.
for (const [name, make] of pools) {
  const pool = make({ size: 1, maxQueue: 0 });
  const first = pool.run(25);
  const refusal = await pool.run(20).then(
    () => 'accepted',
    (e: unknown) => describe(e),
  );
  await first;
  await pool.close();
  exp.measure(`a refusal from ${name}`, refusal);
}

// 4. maxQueue values a program can end up with by mistake: NaN (`Number(process.env.MAX_QUEUE)` when
// the variable is not set) and -1. 50 tasks at once to a pool of 1.
const mistakes: Record<string, string> = {};
for (const [label, maxQueue] of [['NaN', Number.NaN], ['-1', -1]] as const) {
  for (const [name, make] of pools) {
    let result: string;
    try {
      const pool = make({ size: 1, maxQueue });
      const settled = await Promise.allSettled(Array.from({ length: 50 }, () => pool.run(15)));
      result = `${settled.filter((s) => s.status === 'fulfilled').length} of 50 accepted`;
      await pool.close();
    } catch (e) {
      result = `refused by the constructor: ${describe(e)}`;
    }
    mistakes[`${name} ${label}`] = result;
    exp.measure(`maxQueue ${label}, 50 tasks at once on a pool of 1, ${name}`, result);
  }
}
exp.claim(
  "with maxQueue NaN, document 001's pool has no limit at all: it accepts all 50",
  mistakes["document 001's pool NaN"] === '50 of 50 accepted',
  mistakes["document 001's pool NaN"]!,
);
exp.claim(
  "with maxQueue -1, document 001's pool silently behaves as if it were 0: it accepts 1",
  mistakes["document 001's pool -1"] === '1 of 50 accepted',
  mistakes["document 001's pool -1"]!,
);
exp.claim(
  'the solution refuses both values when the pool is created, before any task is lost or any worker starts',
  /^refused by the constructor: RangeError/.test(mistakes['the solution NaN']!) && /^refused by the constructor: RangeError/.test(mistakes['the solution -1']!),
  `${mistakes['the solution NaN']}; ${mistakes['the solution -1']}`,
);
await stopAll();
exp.done();
