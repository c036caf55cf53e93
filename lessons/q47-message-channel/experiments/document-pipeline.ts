// The document's WorkerPipeline: process() posts the input to the first stage and waits with
// lastWorker.once('message'). With several calls in flight, who gets which output? And what
// happens to the program when a stage throws, or when there is nothing left to do?
import { Pipeline as DocumentPipeline } from '../broken/document-pipeline/pipeline.ts';
import { Pipeline as ReferencePipeline } from '../../../solutions/q47-message-channel/pipeline.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { runScript } from '../fixtures/run-script.ts';

const exp = experiment("Q47's WorkerPipeline: do concurrent requests get their own results?");
const requests = 20;
const graceMs = quick ? 1500 : 4000;
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message.split('.')[0]}`));

// The document's stages, with the stage worker its code implies (fixtures/document-stage.ts):
// n + 1, then n * 2, then "#n". The right answer for n is "#" + (n + 1) * 2.
const stage = new URL('../fixtures/document-stage.ts', import.meta.url);
const documentPipeline = new DocumentPipeline([
  { workerPath: stage, config: { add: 1 } },
  { workerPath: stage, config: { multiply: 2 } },
  { workerPath: stage, config: { label: '#' } },
]);
const right = (n: number) => `#${(n + 1) * 2}`;

const oneAtATime = async (inputs: number[]) => {
  const results: unknown[] = [];
  for (const n of inputs) results.push(await documentPipeline.process(n));
  return results;
};
const before = await oneAtATime([100, 101, 102]);
const concurrent = await Promise.all(Array.from({ length: requests }, (_, n) => documentPipeline.process(n)));
const after = await oneAtATime([100, 101, 102]);
await documentPipeline.close();

const fixtures = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const reference = new ReferencePipeline([fixtures('add-one-stage.ts'), fixtures('double-stage.ts'), fixtures('label-stage.ts')]);
const referenceResults = await Promise.all(Array.from({ length: requests }, (_, n) => reference.process(n)));
await reference.close();

// The document's usage as a whole program: once as written, once with a stage that throws.
const program = new URL('../fixtures/document-pipeline-program.ts', import.meta.url);
const [usage, fails] = await Promise.all([
  runScript(program, 30_000, { args: ['usage'], after: { pattern: /nothing left to do/, ms: graceMs } }),
  runScript(program, 30_000, { args: ['fails'], after: { pattern: /nothing left to do/, ms: graceMs } }),
]);

const correct = concurrent.filter((r, n) => r === right(n)).length;
const distinct = [...new Set(concurrent.map((r) => JSON.stringify(r)))];
exp.measure(`${requests} concurrent process() calls: right results`, correct);
exp.measure(`${requests} concurrent process() calls: distinct results`, distinct.join(', '));
exp.measure('process(100), (101), (102) one after another, on a fresh pipeline', before.map((r) => JSON.stringify(r)).join(', '));
exp.measure('the same three, right after the concurrent calls', after.map((r) => JSON.stringify(r)).join(', '));
exp.measure('warnings Node printed', warnings.join('; ') || 'none');
exp.measure(`the reference pipeline, ${requests} concurrent calls: right results`, referenceResults.filter((r, n) => r === right(n)).length);
const ending = (r: Awaited<ReturnType<typeof runScript>>) =>
  r.stoppedAtDeadline ? `still running ${graceMs / 1000} s after its last line, stopped` : `exited with code ${r.exitCode}`;
const lastLines = (text: string) => text.split('\n').filter((l) => /result|caught|nothing left|Error|Emitted/.test(l)).slice(0, 3).join(' / ');
exp.measure("the document's usage as a program", `${ending(usage)}; printed: ${lastLines(usage.output)}`);
exp.measure('the same, a stage throws, process() in try/catch', `${ending(fails)}; printed: ${lastLines(fails.output)}`);

exp.claim(
  `with ${requests} calls in flight, every call resolves with the first output to leave the last stage`,
  distinct.length === 1 && correct === 1,
  `${correct} of ${requests} right; all resolved with ${distinct.join(', ')}`,
);
const rightAfter = [100, 101, 102].map(right).join(', ');
exp.claim('on a fresh pipeline, calls made one at a time each get their own result', before.join(', ') === rightAfter, before.join(', '));
exp.claim(
  "after the concurrent calls, even calls made one at a time get wrong results: the burst's leftover outputs",
  after.join(', ') !== rightAfter && concurrent.length === requests && after[0] === right(1),
  `got ${after.join(', ')} instead of ${rightAfter}; ${JSON.stringify(right(1))} is request 1's result from the burst`,
);
exp.claim('Node warns about the pile of once() listeners (11 or more on one Worker)', warnings.some((w) => /MaxListenersExceeded/.test(w)), warnings[0] ?? 'no warning');
exp.claim(`a pipeline that matches results by request id gets all ${requests} right`, referenceResults.every((r, n) => r === right(n)), `${referenceResults.filter((r, n) => r === right(n)).length} of ${requests}`);
exp.claim("the document's program never ends: nothing ever stops its workers", usage.stoppedAtDeadline && /result: "#16"/.test(usage.output), ending(usage));
// Node 20 ends its report of an unhandled 'error' event on a Worker with "Emitted 'error' event on
// Worker instance at:". Node 22 and later rebuild the worker's error with a read-only `stack`, so
// Node cannot add that line, and the report is the worker's error alone.
const major = Number(process.versions.node.split('.')[0]);
const namesTheEvent = major <= 20;
const trailer = /Emitted 'error' event on Worker instance/.test(fails.output);
exp.claim(
  "a stage that throws crashes the whole program, try/catch or not: nobody listens for the Worker's 'error'" +
    (namesTheEvent
      ? ` (Node ${major} says so: "Emitted 'error' event on Worker instance")`
      : ` (Node ${major} prints only the stage's error, without Node 20's "Emitted 'error' event on Worker instance")`),
  fails.exitCode === 1 && /Error: this stage cannot handle/.test(fails.output) && !/caught:/.test(fails.output) && trailer === namesTheEvent,
  `${ending(fails)}; ${trailer ? "Node: Emitted 'error' event on Worker instance" : `Node: ${fails.output.split('\n').find((l) => /Error/.test(l))?.trim() ?? 'no error printed'}`}`,
);
exp.done();
