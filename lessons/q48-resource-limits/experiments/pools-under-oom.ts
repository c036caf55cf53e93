// Q48 has no pool, but it offers two ways to live with memory-hungry workers: exit code 1 plus
// resourceLimits, and a memory monitor. Put each in a small pool (broken/), next to the reference
// pool, and give each pool one task that runs out of memory and one ordinary task after it.
import { WorkerPool as ExitCodePool } from '../broken/document-exit-code-pool/pool.ts';
import { WorkerPool as MonitoredPool } from '../broken/document-monitored-pool/pool.ts';
import { WorkerPool as ReferencePool } from '../../../solutions/q48-resource-limits/pool.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import type { MemoryTask } from '../fixtures/memory-worker.ts';

const exp = experiment('Q48: which pool survives a worker that runs out of memory?');
const worker = new URL('../fixtures/memory-worker.ts', import.meta.url);
const resourceLimits = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 };
type Pool = { run(data: MemoryTask): Promise<unknown>; close(): Promise<void> };

const uncaught: string[] = [];
process.on('uncaughtException', (e: Error & { code?: string }) => uncaught.push(`${e.code ?? e.name}: ${e.message}`));
// The document's exit handler logs with console.error; keep its words, quietly.
const logged: string[] = [];
const consoleError = console.error;
console.error = (...args: unknown[]) => void logged.push(args.join(' '));

const settle = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      (v) => `resolved with ${JSON.stringify(v)}`,
      (e: Error & { code?: string }) => `rejected: ${e.message}${e.code ? ` (code ${e.code})` : ''}`,
    ),
    new Promise<string>((r) => setTimeout(() => r(`still pending after ${ms / 1000} s`), ms)),
  ]);

async function trial(name: string, pool: Pool) {
  uncaught.length = 0;
  logged.length = 0;
  const oom = await settle(pool.run({ kind: 'allocate' }), quick ? 2500 : 5000);
  const next = await settle(pool.run({ kind: 'echo', value: 'next' }), quick ? 1500 : 3000);
  await pool.close();
  exp.measure(`${name}: the task that runs out of memory`, oom);
  exp.measure(`${name}: the task after it (pool of 1)`, next);
  exp.measure(`${name}: uncaught exceptions in the main thread`, uncaught.length > 0 ? uncaught.join('; ') : 'none');
  if (logged.length > 0) exp.measure(`${name}: logged`, logged.join('; '));
  return { oom, next, uncaught: [...uncaught] };
}

const reference = await trial('reference pool', new ReferencePool(worker, { size: 1, resourceLimits }));
const exitCode = await trial("document's exit-code handler", new ExitCodePool(worker, { size: 1, resourceLimits }));
const monitor = await trial("document's memory monitor", new MonitoredPool(worker, { size: 1, resourceLimits }));
console.error = consoleError;

exp.claim(
  'the reference pool rejects the task with ERR_WORKER_OUT_OF_MEMORY, replaces the worker, and runs the next task',
  /code ERR_WORKER_OUT_OF_MEMORY/.test(reference.oom) && reference.next === 'resolved with "next"' && reference.uncaught.length === 0,
  `${reference.oom}; next: ${reference.next}`,
);
exp.claim(
  "with the document's exit-code handler and no 'error' listener, the error is uncaught (a real program crashes), the task never settles, and no worker replaces the lost one",
  exitCode.uncaught.some((u) => /ERR_WORKER_OUT_OF_MEMORY/.test(u)) && /still pending/.test(exitCode.oom) && /still pending/.test(exitCode.next),
  `uncaught: ${exitCode.uncaught[0] ?? 'none'}; task: ${exitCode.oom}; next: ${exitCode.next}`,
);
exp.claim(
  "with the document's memory monitor instead of limits, the worker runs under the default heap limit of gigabytes (the fixture refuses to fill it)",
  /heap limit is \d{4,} MB/.test(monitor.oom),
  monitor.oom,
);
exp.done();
