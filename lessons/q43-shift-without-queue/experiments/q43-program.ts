// What does the document's Q43 pool do to the program that uses it? Each scenario runs in its own
// Node process (see fixtures/q43-program.ts), and we watch whether that process exits, crashes or
// keeps running.
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { runScript } from '../fixtures/observe.ts';

const exp = experiment("Q43: does the program around the document's pool crash, hang, or carry on?");
// Starting Node can take seconds on a busy machine, so time is counted from the moment a program
// says it has nothing left to do: from then on, it has graceMs to exit by itself.
const graceMs = quick ? 3000 : 6000;
const limitMs = 45_000;
const program = new URL('../fixtures/q43-program.ts', import.meta.url);
const run = (scenario: string) => runScript(program, [scenario], { idleMarker: /nothing left to do/, graceMs, limitMs });
/** The line of the output that says what happened. */
const keyLine = (text: string) => text.split('\n').filter((l) => l.trim()).find((l) => /Error|caught|resolved|nothing/.test(l)) ?? '';

const [uncaught, caught, terminated, throwingTask] = await Promise.all([
  run('uncaught'),
  run('caught'),
  run('caught-and-terminated'),
  run('throwing-task'),
]);

const outcome = (r: typeof uncaught) =>
  r.stoppedAtDeadline
    ? /nothing left to do/.test(r.output)
      ? `still running ${graceMs / 1000} s after it had nothing left to do, stopped`
      : `still running after ${limitMs / 1000} s, stopped`
    : `exited with code ${r.exitCode}`;
exp.measure('await Promise.all(100 tasks), uncaught', `${outcome(uncaught)}; printed: ${keyLine(uncaught.output)}`);
exp.measure('the same in try/catch', `${outcome(caught)}; printed: ${caught.output.split('\n').join(' / ')}`);
exp.measure('the same, then the 4 workers terminated by hand', `${outcome(terminated)}; printed: ${terminated.output.split('\n').join(' / ')}`);
exp.measure('one task whose worker throws, in try/catch', `${outcome(throwingTask)}; printed: ${keyLine(throwingTask.output)}`);

exp.claim(
  "the document's usage (await Promise.all, uncaught) crashes the program with the TypeError, exit code 1",
  uncaught.exitCode === 1 && /TypeError: Cannot read properties of undefined \(reading 'once'\)/.test(uncaught.output),
  outcome(uncaught),
);
exp.claim(
  'caught, the error leaves 4 idle workers that keep the program from ever exiting: the only thing that "waits indefinitely"',
  caught.stoppedAtDeadline &&
    /caught: Cannot read properties of undefined/.test(caught.output) &&
    /nothing left to do/.test(caught.output) &&
    terminated.exitCode === 0,
  `${outcome(caught)}; with the workers terminated by hand: ${outcome(terminated)}`,
);
// Node 20 ends its report of an unhandled 'error' event on a Worker with "Emitted 'error' event on
// Worker instance at:". Node 22 and later rebuild the worker's error with a read-only `stack`, so
// Node cannot add that line, and the report is the worker's error alone.
const major = Number(process.versions.node.split('.')[0]);
const namesTheEvent = major <= 20;
const trailer = /Emitted 'error' event on Worker instance/.test(throwingTask.output);
exp.claim(
  "a task whose worker throws crashes the whole program, try/catch or not: the pool has no 'error' listener" +
    (namesTheEvent
      ? ` (Node ${major} says so: "Emitted 'error' event on Worker instance")`
      : ` (Node ${major} prints only the worker's error, without Node 20's "Emitted 'error' event on Worker instance")`),
  throwingTask.exitCode === 1 && /Error: a task failed/.test(throwingTask.output) && !/caught:/.test(throwingTask.output) && trailer === namesTheEvent,
  `${outcome(throwingTask)}; ${trailer ? "Node reports: Emitted 'error' event on Worker instance" : `Node reports: ${keyLine(throwingTask.output)}`}`,
);
exp.done();
