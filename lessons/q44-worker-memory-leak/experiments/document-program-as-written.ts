// Document 003's Q44 program never imports parentPort in its worker branch. What does it do when
// you run it as written? (It runs in a separate process, stopped after a deadline if need be.)
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { runScript } from '../fixtures/run-script.ts';

const exp = experiment("What does document 003's Q44 program do when run exactly as written?");
const deadlineMs = 20_000; // generous: on a busy machine, Node itself can take seconds to start
const runs = quick ? 1 : 3;
const results = [];
for (let i = 0; i < runs; i++) results.push(await runScript(new URL('../fixtures/document-q44-program.ts', import.meta.url), deadlineMs));

const first = results[0]!;
const errorLine = first.output.split('\n').find((line) => /Error/.test(line)) ?? '(no error printed)';
exp.measure('exit codes', results.map((r) => (r.stoppedAtDeadline ? `still running after ${deadlineMs} ms` : String(r.exitCode))).join(', '));
exp.measure('median time from starting node to its exit (Node and TypeScript start-up included)', median(results.map((r) => r.elapsedMs)), 'ms');
exp.note(`first error line printed: ${errorLine.trim()}`);
exp.note(`'Emitted 'error' event on Worker instance' in the output: ${/Emitted 'error' event on Worker instance/.test(first.output)}`);

exp.claim(
  'the whole program (main thread included) ends with exit code 1, long before the deadline',
  results.every((r) => r.exitCode === 1),
  results.map((r) => `exit code ${r.exitCode} after ${Math.round(r.elapsedMs)} ms`).join('; '),
);
// Node 20 ends its report of an unhandled 'error' event on a Worker with "Emitted 'error' event on
// Worker instance at:". Node 22 and later rebuild the worker's error with a read-only `stack`, so
// Node cannot add that line, and the report is the worker's error alone.
const major = Number(process.versions.node.split('.')[0]);
const namesTheEvent = major <= 20;
exp.claim(
  "the cause is the first worker's ReferenceError, re-thrown in the main thread as an unhandled 'error' event" +
    (namesTheEvent
      ? ` (Node ${major} says so: "Emitted 'error' event on Worker instance")`
      : ` (Node ${major} prints only the worker's error, without Node 20's "Emitted 'error' event on Worker instance")`),
  results.every(
    (r) => /ReferenceError.*parentPort is not defined/.test(r.output) && /Emitted 'error' event on Worker instance/.test(r.output) === namesTheEvent,
  ),
  errorLine.trim(),
);
exp.claim(
  "no worker ever gets to post 'Worker started'",
  results.every((r) => !/Worker started/.test(r.output)),
  `'Worker started' printed in ${results.filter((r) => /Worker started/.test(r.output)).length} of ${runs} runs`,
);
exp.note('So the program as written has no time to leak anything: it crashes at the first worker. The document\'s answer and');
exp.note('its "~30MB per second" describe a program that imports parentPort; experiment leaky-loop-memory measures that one.');
exp.done();
