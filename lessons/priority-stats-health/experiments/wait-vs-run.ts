// Document 004's getStats() reports avgProcessingTime, measured from execute() (the task's
// `timestamp`) to its answer. Is that how long tasks take to process? Batches of tasks that each
// run 20 ms, submitted at once to a pool of 2, with more and more of them waiting: what does the
// document report, and what does the solution report as run time and as wait?
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { WorkerPool as DocumentPool } from '../broken/document-004-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/priority-stats-health/pool.ts';
import { reply } from '../fixtures/log.ts';

const exp = experiment("What does document 004's avgProcessingTime measure when tasks queue?");
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const TASK_MS = 20;
const batches = quick ? [2, 8, 32] : [2, 8, 32, 128];
const rounds = quick ? 1 : 3;

// Document 004's pool prints a line on every exit (its destroy() included); keep it out of the way.
const quiet = async <T>(fn: () => Promise<T>): Promise<T> => {
  const original = console.error;
  console.error = () => {};
  try {
    return await fn();
  } finally {
    console.error = original;
  }
};

const rows: Array<{ n: number; doc: number; run: number; wait: number }> = [];
for (const n of batches) {
  const doc: number[] = [];
  const run: number[] = [];
  const wait: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const d = new DocumentPool(workerFile, { size: 2 });
    await Promise.all([d.run(reply('warm-up')), d.run(reply('warm-up'))]);
    const before = d.stats();
    await Promise.all(Array.from({ length: n }, (_, i) => d.run(reply(i, { delayMs: TASK_MS }))));
    const after = d.stats();
    // The batch alone: the document's running average, without the two warm-up tasks.
    doc.push((after.avgRunMs * after.completed - before.avgRunMs * before.completed) / (after.completed - before.completed));
    await quiet(() => d.destroy());

    const s = new SolutionPool(workerFile, { size: 2 });
    await Promise.all([s.run(reply('warm-up')), s.run(reply('warm-up'))]);
    const b = s.stats();
    await Promise.all(Array.from({ length: n }, (_, i) => s.run(reply(i, { delayMs: TASK_MS }))));
    const a = s.stats();
    run.push((a.avgRunMs * a.completed - b.avgRunMs * b.completed) / (a.completed - b.completed));
    wait.push((a.avgWaitMs * a.completed - b.avgWaitMs * b.completed) / (a.completed - b.completed));
    await s.destroy();
  }
  const row = { n, doc: median(doc), run: median(run), wait: median(wait) };
  rows.push(row);
  exp.measure(`${n} tasks at once: document 004's avgProcessingTime`, row.doc, 'ms');
  exp.measure(`${n} tasks at once: solution's avgRunMs`, row.run, 'ms');
  exp.measure(`${n} tasks at once: solution's avgWaitMs`, row.wait, 'ms');
}

const first = rows[0]!;
const last = rows.at(-1)!;
exp.claim(
  `document 004's "processing time" grows with the queue: ${last.n} tasks at once report several times what ${first.n} do, though every task runs ${TASK_MS} ms`,
  last.doc >= first.doc * 4,
  `${first.doc.toFixed(1)} ms -> ${last.doc.toFixed(1)} ms (${(last.doc / first.doc).toFixed(1)}x)`,
);
exp.claim(
  `the solution's avgRunMs stays near the real ${TASK_MS} ms whatever the queue (within 2x of the smallest batch)`,
  rows.every((r) => r.run >= TASK_MS * 0.9 && r.run <= first.run * 2),
  rows.map((r) => `${r.n}: ${r.run.toFixed(1)} ms`).join(', '),
);
exp.claim(
  "the queue shows up where it belongs, in the solution's avgWaitMs, and document 004's figure is about wait + run (within a factor of 2: the two pools ran one after the other)",
  last.wait >= last.run * 4 && Math.abs(last.doc - (last.wait + last.run)) <= 0.5 * Math.max(last.doc, last.wait + last.run),
  `${last.n} tasks: wait ${last.wait.toFixed(1)} ms + run ${last.run.toFixed(1)} ms vs the document's ${last.doc.toFixed(1)} ms`,
);
exp.done();
