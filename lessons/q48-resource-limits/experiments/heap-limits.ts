// The document explains Q48 with "Workers share V8 heap limits with the main thread", and lists
// resourceLimits { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, codeRangeSizeMb: 128,
// stackSizeMb: 4 } as "Node.js 13.2+" limits. What is a worker's default limit, is it shared with
// the main thread, and what do the limits cover?
import { experiment } from '../../../tool/experiments/kit.ts';
import { runScript } from '../fixtures/run-script.ts';

const exp = experiment("Q48: a worker's heap limit: its default, whether it is shared, and what it covers");
const program = new URL('../fixtures/heap-limit-program.mjs', import.meta.url);
type Stats = { heapLimitMb: number; usedMb: number; error?: string };
type Limits = { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number; codeRangeSizeMb: number; stackSizeMb: number };

async function report<T>(args: string[], nodeFlags: string[] = []): Promise<T> {
  const run = await runScript(program, 60_000, { args, nodeFlags });
  try {
    return JSON.parse(run.output.split('\n').at(-1)!) as T;
  } catch {
    throw new Error(`heap-limit-program ${args.join(' ')} printed: ${run.output}`);
  }
}
type LimitsReport = { mainHeapLimitMb: number; worker: Stats & { resourceLimits: Limits } };
// A heap's limit counts its young generation as well as its old one, and Node 24 gives the young
// generation a larger default size than Node 20 and 22. The run that holds 40 MB in four heaps at
// once pins it (semi-spaces of 16 MB, the default of Node 20 and 22), so that on every version one
// heap's limit is smaller than what the four hold together.
const holdFlags = ['--max-old-space-size=64', '--max-semi-space-size=16'];
const documentLimits = { maxOldGenerationSizeMb: 512, maxYoungGenerationSizeMb: 64, codeRangeSizeMb: 128, stackSizeMb: 4 };

const [defaults, small, documentValues, flagged, held, buffers] = await Promise.all([
  report<LimitsReport>(['limits']),
  report<LimitsReport>(['limits', JSON.stringify({ maxOldGenerationSizeMb: 16 })]),
  report<LimitsReport>(['limits', JSON.stringify(documentLimits)]),
  report<LimitsReport>(['limits', JSON.stringify({ maxOldGenerationSizeMb: 16 })], ['--max-old-space-size=128']),
  report<{ main: Stats; workers: Stats[] }>(['hold', '40'], holdFlags),
  report<{ worker: Stats & { buffersMb: number; arrayBuffersMb: number } }>(['buffers', '64']),
]);

const show = (l: Limits) => `old ${l.maxOldGenerationSizeMb}, young ${l.maxYoungGenerationSizeMb}, code range ${l.codeRangeSizeMb}, stack ${l.stackSizeMb}`;
exp.measure("main thread's heap limit (V8 default for this machine's memory)", defaults.mainHeapLimitMb, 'MB');
exp.measure("a worker's heap limit, no resourceLimits", defaults.worker.heapLimitMb, 'MB');
exp.measure("a worker's resourceLimits as it reports them, none given", show(defaults.worker.resourceLimits));
exp.measure("a worker's heap limit with maxOldGenerationSizeMb: 16", small.worker.heapLimitMb, 'MB');
exp.measure("a worker with the document's limits: resourceLimits inside it", show(documentValues.worker.resourceLimits));
exp.measure("a worker with the document's limits: its heap limit", documentValues.worker.heapLimitMb, 'MB');
exp.measure('with node --max-old-space-size=128: the main thread, and a worker given maxOldGenerationSizeMb: 16', `main ${flagged.mainHeapLimitMb} MB; worker ${flagged.worker.heapLimitMb} MB, while it reports maxOldGenerationSizeMb ${flagged.worker.resourceLimits.maxOldGenerationSizeMb}`);
const heldTotal = held.main.usedMb + held.workers.reduce((sum, w) => sum + w.usedMb, 0);
exp.measure(`with node ${holdFlags.join(' ')}: heap used by the main thread and 3 workers at once`, `${[held.main, ...held.workers].map((s) => `${s.usedMb} of ${s.heapLimitMb} MB`).join(', ')}: ${heldTotal} MB in all`);
exp.measure('a worker limited to 16 MB of old generation keeps 64 MB of Buffers', buffers.worker.error ?? `finished; it holds ${buffers.worker.arrayBuffersMb} MB of ArrayBuffer memory, heap used ${buffers.worker.usedMb} MB`);

exp.claim(
  "a worker's default heap limit is the same size as the main thread's, and it is its own, not a share of the main thread's",
  defaults.worker.heapLimitMb === defaults.mainHeapLimitMb && defaults.worker.resourceLimits.maxOldGenerationSizeMb > 1000,
  `main ${defaults.mainHeapLimitMb} MB, worker ${defaults.worker.heapLimitMb} MB (maxOldGenerationSizeMb ${defaults.worker.resourceLimits.maxOldGenerationSizeMb})`,
);
exp.claim(
  'heaps are not shared: under a 64 MB cap of old generation, the main thread and 3 workers hold 40 MB each at the same time, more than any one heap limit',
  [held.main, ...held.workers].every((s) => s.usedMb >= 35 && !s.error) && heldTotal > held.main.heapLimitMb,
  `${heldTotal} MB in all, each within its own ${held.main.heapLimitMb} MB limit`,
);
exp.claim(
  "resourceLimits.maxOldGenerationSizeMb sets that worker's own limit (16 MB of old generation, plus the young generation, gives a heap limit under a tenth of the default)",
  small.worker.heapLimitMb > 16 && small.worker.heapLimitMb < defaults.worker.heapLimitMb / 10,
  `${small.worker.heapLimitMb} MB against ${defaults.worker.heapLimitMb} MB by default; young generation ${small.worker.resourceLimits.maxYoungGenerationSizeMb} MB`,
);
exp.claim(
  "the document's four fields are real options and the worker runs under them; its stackSizeMb: 4 is already the default",
  JSON.stringify(documentValues.worker.resourceLimits) === JSON.stringify({ maxYoungGenerationSizeMb: 64, maxOldGenerationSizeMb: 512, codeRangeSizeMb: 128, stackSizeMb: 4 }) &&
    defaults.worker.resourceLimits.stackSizeMb === 4,
  `${show(documentValues.worker.resourceLimits)}; default stack ${defaults.worker.resourceLimits.stackSizeMb} MB`,
);
exp.claim(
  "node --max-old-space-size overrides a worker's maxOldGenerationSizeMb (nodejs/node#43991): the worker reports 16 but gets the flag's limit",
  flagged.worker.resourceLimits.maxOldGenerationSizeMb === 16 && flagged.worker.heapLimitMb === flagged.mainHeapLimitMb && flagged.worker.heapLimitMb > 100,
  `worker heap limit ${flagged.worker.heapLimitMb} MB = the main thread's ${flagged.mainHeapLimitMb} MB`,
);
exp.claim(
  'the limits cover the JavaScript heap only: Buffers (ArrayBuffer memory) are outside them',
  !buffers.worker.error && buffers.worker.buffersMb === 64 && buffers.worker.arrayBuffersMb >= 64,
  buffers.worker.error ?? `64 MB of Buffers in a worker whose heap limit is ${buffers.worker.heapLimitMb} MB`,
);
exp.done();
