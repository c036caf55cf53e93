// Q47's first snippet posts 'Hello from main' on port1 before the worker has even received port2.
// Is that message lost or queued? And does the program ever end?
// Every variant runs as its own Node process; one that is still running a few seconds after its
// last expected line is stopped and reported as "still running".
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { runScript, type ScriptRun } from '../fixtures/run-script.ts';

const exp = experiment("Q47's first snippet: is a message sent before the worker listens lost, and does the program end?");
const graceMs = quick ? 1500 : 4000;
const limitMs = 30_000;
const document = new URL('../fixtures/document-first-snippet.ts', import.meta.url);
const endings = new URL('../fixtures/first-snippet-endings.mjs', import.meta.url);
const reply = /Main received: Hello from worker/;

const run = (file: URL, args: string[] = []) => runScript(file, limitMs, { args, after: { pattern: reply, ms: graceMs } });
const [asWritten, late, closePort, terminate] = await Promise.all([
  run(document),
  run(endings, ['late']),
  run(endings, ['close-port']),
  run(endings, ['terminate']),
]);

const printed = (r: ScriptRun) => r.output.split('\n').filter(Boolean).join(' / ') || 'nothing';
const ending = (r: ScriptRun) =>
  r.stoppedAtDeadline ? `still running ${graceMs / 1000} s after the reply, stopped` : `exited by itself with code ${r.exitCode}`;
const delivered = (r: ScriptRun) => /Worker received: Hello from main/.test(r.output) && reply.test(r.output);

exp.measure("the document's snippet, as written", `${ending(asWritten)}; printed: ${printed(asWritten)}`);
exp.measure('main posts before handing port2 over, and the worker listens 500 ms late', `${ending(late)}; printed: ${printed(late)}`);
exp.measure('after the reply, main calls port1.close()', `${ending(closePort)}; printed: ${printed(closePort)}`);
exp.measure('after the reply, main calls worker.terminate()', `${ending(terminate)}; printed: ${printed(terminate)}`);

exp.claim(
  "'Hello from main', posted before the worker has port2, is queued on the port and delivered, not lost",
  delivered(asWritten),
  printed(asWritten),
);
exp.claim(
  'it is still delivered when it was posted before the port was handed over, and the worker attaches its listener 500 ms late',
  delivered(late),
  printed(late),
);
exp.claim(
  "the document's program never ends by itself: a port with a 'message' listener, and a worker listening on parentPort, keep it alive",
  asWritten.stoppedAtDeadline,
  ending(asWritten),
);
exp.claim(
  "closing port1 closes both ends of the channel, and still the program does not end: the worker's parentPort listener keeps it alive",
  closePort.stoppedAtDeadline && /main: port1 closed/.test(closePort.output) && /worker: its port closed/.test(closePort.output),
  `${ending(closePort)}; printed: ${printed(closePort)}`,
);
exp.claim(
  'terminating the worker ends the program, and closes port1 with it: a port closes when its other end does',
  terminate.exitCode === 0 && /main: port1 closed/.test(terminate.output),
  `${ending(terminate)}; printed: ${printed(terminate)}`,
);
exp.done();
