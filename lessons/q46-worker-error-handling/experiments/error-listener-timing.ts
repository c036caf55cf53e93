// Document 003's Q46 says a worker that throws at start-up "may crash before the 'error' listener
// is attached", and that the main thread crashes. Each case below runs in its own Node process:
// the document's worker with value 0 (it throws on its first line), with the 'error' listener
// attached at different moments, or never.
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { runScript, type ScriptRun } from '../fixtures/run-script.ts';

const exp = experiment("When does a worker's start-up error crash the main thread?");
const program = new URL('../fixtures/listener-timing-program.ts', import.meta.url);
const runs = quick ? 1 : 3;
const cases = [
  ['document', "the document's runWorker (listeners attached right after new Worker())"],
  ['microtask', "'error' listener attached after `await null`"],
  ['on-exit', "'error' listener attached in the worker's 'exit' handler, after the error arrived"],
  ['none', "no 'error' listener at all"],
] as const;

const survived = (r: ScriptRun) => r.exitCode === 0 && /main thread still running after the worker ended/.test(r.output);
// Node 20 ends its report of an unhandled 'error' event on a Worker with "Emitted 'error' event on
// Worker instance at:". Node 22 and later rebuild the worker's error with a read-only `stack`, so
// Node cannot add that line, and the report is the worker's error alone.
const major = Number(process.versions.node.split('.')[0]);
const namesTheEvent = major <= 20;
const crashedWith = (r: ScriptRun) =>
  r.exitCode === 1 && /Error: Invalid value/.test(r.output) && /Emitted 'error' event on Worker instance/.test(r.output) === namesTheEvent;
const summary = (r: ScriptRun) =>
  r.stoppedAtDeadline
    ? 'still running at the deadline'
    : survived(r)
      ? `main thread survived (exit code 0); it printed: ${r.output.split('\n').filter((l) => !/still running/.test(l)).join(' / ')}`
      : `main process crashed, exit code ${r.exitCode}: ${r.output.split('\n').find((l) => /^\w*Error/.test(l)) ?? r.output.split('\n')[0]}`;

// The cases run side by side (each in its own process), `runs` times over.
const results = new Map<string, ScriptRun[]>(cases.map(([name]) => [name, []]));
for (let i = 0; i < runs; i++) {
  const round = await Promise.all(cases.map(([name]) => runScript(program, 15_000, [name])));
  round.forEach((r, k) => results.get(cases[k]![0])!.push(r));
}
for (const [name, label] of cases) {
  const rs = results.get(name)!;
  exp.measure(label, `${summary(rs[0]!)}${runs > 1 ? ` (the same in ${rs.filter((r) => summary(r) === summary(rs[0]!)).length} of ${runs} runs)` : ''}`);
}
const all = (name: string, f: (r: ScriptRun) => boolean) => results.get(name)!.every(f);

exp.claim(
  "the document's runWorker catches the start-up error: its promise rejects with 'Invalid value' and the main thread carries on",
  all('document', (r) => survived(r) && /rejected: Invalid value/.test(r.output)),
  summary(results.get('document')![0]!),
);
exp.claim(
  "a listener attached after `await null` is still in time: a worker's 'error' reaches the main thread only through its event loop, which has not turned yet",
  all('microtask', (r) => survived(r) && /caught by the 'error' listener: Invalid value/.test(r.output)),
  summary(results.get('microtask')![0]!),
);
exp.claim(
  "with no 'error' listener when the error arrives (none at all, or one attached too late), the worker's error crashes the main process with exit code 1" +
    (namesTheEvent
      ? ` (Node ${major} says so: "Emitted 'error' event on Worker instance")`
      : ` (Node ${major} prints only the worker's error, without Node 20's "Emitted 'error' event on Worker instance")`),
  all('none', crashedWith) && all('on-exit', crashedWith),
  `${summary(results.get('none')![0]!)} | ${summary(results.get('on-exit')![0]!)}`,
);
exp.done();
