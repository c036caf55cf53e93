// The document: "Worker exceeding limits will be terminated automatically", and
//   worker.on('exit', (code) => { if (code === 1) console.error('Worker terminated due to resource limits') })
// What exit code does a worker stopped at its memory limit get, and does code 1 mean that?
// And does the main thread notice the worker's memory at all?
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment('Q48: exit code 1 and resource limits: what does the main thread see when a worker dies?');
type Seen = { exitCode: number | null; error?: string; code?: string; exitEvent: boolean; uncaught?: string };

function watch(source: string, options: { resourceLimits?: object; terminateAfterMs?: number; noErrorListener?: boolean } = {}): Promise<Seen> {
  return new Promise((resolve) => {
    const worker = new Worker(source, { eval: true, resourceLimits: options.resourceLimits });
    const seen: Seen = { exitCode: null, exitEvent: false };
    let onUncaught: ((e: Error & { code?: string }) => void) | undefined;
    if (options.noErrorListener) {
      // As in the document: no 'error' listener. Catch what would crash this process, to report it.
      onUncaught = (e) => {
        seen.uncaught = `${e.code ?? e.name}: ${e.message}`;
      };
      process.on('uncaughtException', onUncaught);
      setTimeout(() => {
        process.off('uncaughtException', onUncaught!);
        resolve(seen);
      }, 3000);
    } else {
      worker.on('error', (e: Error & { code?: string }) => {
        seen.error = `${e.name}: ${e.message}`;
        seen.code = e.code;
      });
    }
    worker.on('exit', (code) => {
      seen.exitCode = code;
      seen.exitEvent = true;
      if (!options.noErrorListener) resolve(seen);
    });
    // (A worker terminated before it is even 'online' exits with code 0: give it time to start.)
    if (options.terminateAfterMs !== undefined) worker.once('online', () => setTimeout(() => void worker.terminate(), options.terminateAfterMs));
  });
}

const outOfMemory = `const kept = []; while (true) kept.push(new Array(10000).fill(1));`;
const heapBefore = process.memoryUsage().heapUsed;
const cases: Array<[string, Seen]> = [
  ['ends normally', await watch(`1 + 1`)],
  ['throws an uncaught Error', await watch(`throw new Error('a bug')`)],
  ['overflows its stack, uncaught', await watch(`function f() { f(); } f();`)],
  ['calls process.exit(1)', await watch(`process.exit(1)`)],
  ['is stopped with worker.terminate() once running', await watch(`setInterval(() => {}, 1000)`, { terminateAfterMs: 100 })],
  ['reaches resourceLimits (32 MB old generation)', await watch(outOfMemory, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 } })],
];
const heapAfter = process.memoryUsage().heapUsed;
const unheard = await watch(outOfMemory, { resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 }, noErrorListener: true });

const show = (s: Seen) => `exit code ${s.exitCode}; 'error' event: ${s.error ? `${s.code ? `${s.code} ` : ''}${s.error}` : 'none'}`;
for (const [name, seen] of cases) exp.measure(`a worker that ${name}`, show(seen));
exp.measure("reaches its limit, no 'error' listener", `uncaught in the main thread: ${unheard.uncaught ?? 'nothing'}; 'exit' event ${unheard.exitEvent ? `fired (code ${unheard.exitCode})` : 'never fired (waited 3 s)'}`);
const growthMb = (heapAfter - heapBefore) / 1024 / 1024;
exp.measure("main thread's heap growth while those workers ran (one of them filled 32 MB and more)", growthMb, 'MB');

const byName = Object.fromEntries(cases) as Record<string, Seen>;
const oom = byName['reaches resourceLimits (32 MB old generation)']!;
exp.claim('a worker stopped at its memory limit exits with code 1 (the document is right about the code)', oom.exitCode === 1, show(oom));
exp.claim(
  "but code 1 does not mean 'resource limits': an uncaught error, a stack overflow, process.exit(1) and terminate() all give 1 too",
  ['throws an uncaught Error', 'overflows its stack, uncaught', 'calls process.exit(1)', 'is stopped with worker.terminate() once running'].every((n) => byName[n]!.exitCode === 1),
  cases.map(([n, s]) => `${n}: ${s.exitCode}`).join('; '),
);
exp.claim(
  "what does identify it is the 'error' event's code, ERR_WORKER_OUT_OF_MEMORY, which no other case has",
  oom.code === 'ERR_WORKER_OUT_OF_MEMORY' && /memory/i.test(oom.error ?? '') && cases.filter(([, s]) => s.code === 'ERR_WORKER_OUT_OF_MEMORY').length === 1,
  `${oom.code}: ${oom.error}`,
);
exp.claim(
  "with no 'error' listener, that error is thrown in the main thread (an uncaught exception), and 'exit' never fires on Node 20",
  /ERR_WORKER_OUT_OF_MEMORY/.test(unheard.uncaught ?? '') && !unheard.exitEvent,
  `uncaught: ${unheard.uncaught ?? 'nothing'}; exit event: ${unheard.exitEvent}`,
);
exp.claim(
  "the worker's memory is not the main thread's: the main heap grew by far less than the 32 MB the worker filled",
  growthMb < 16,
  `${growthMb.toFixed(1)} MB`,
);
exp.done();
