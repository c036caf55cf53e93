// Document 003's Q46 "Robust Error Handling": what does its runWorker do on each way a worker can
// end? The reference solution runs the same scenarios as the control. Threads are counted with the
// workbook's thread tracking (loaded with its TypeScript support).
import { runWorker as documentRobust } from '../broken/document-robust-runworker/run-worker.ts';
import { runWorker as documentQuestion } from '../broken/document-q46-runworker/run-worker.ts';
import { runWorker as reference } from '../../../solutions/q46-worker-error-handling/run-worker.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { stopAll, trackedSince, trackingMark } from '../../../tool/runtime/tracking.ts';
import type { Scenario } from '../fixtures/scenario-worker.ts';

const exp = experiment('What does the document\'s "Robust Error Handling" runWorker do when a worker fails?');
type RunWorker = (file: string | URL, data: unknown, options?: { timeout?: number }) => Promise<unknown>;
const scenarioWorker = new URL('../fixtures/scenario-worker.ts', import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exitTimeout = quick ? 1500 : 3000;

interface Outcome {
  text: string;
  afterMs: number;
  /** Worker threads this call started that were still running 500 ms after it settled (or after its deadline). */
  threadsLeft: number;
}

async function attempt(run: RunWorker, file: string | URL, data: unknown, timeout: number): Promise<Outcome> {
  const deadlineMs = timeout + 500;
  const started = performance.now();
  const mark = trackingMark();
  let text: Promise<string>;
  try {
    text = run(file, data, { timeout }).then(
      (v) => `resolved with ${JSON.stringify(v)}`,
      (e: Error & { code?: string }) => `rejected: ${e.code ? `${e.code} ` : ''}${e.message}`,
    );
  } catch (e) {
    text = Promise.resolve(`threw synchronously: ${(e as Error).message}`);
  }
  // Each runWorker creates its Worker synchronously, so these are exactly the threads of this call.
  const mine = trackedSince(mark);
  const settled = await Promise.race([text, sleep(deadlineMs).then(() => `still pending ${deadlineMs} ms after the call`)]);
  const afterMs = performance.now() - started;
  for (let waited = 0; waited < 500 && mine.some((t) => t.alive); waited += 10) await sleep(10);
  return { text: settled, afterMs, threadsLeft: mine.filter((t) => t.alive).length };
}

// Shorter timeouts where the worker does end, so that a version that waits for its timeout shows it.
const cases: Array<[string, string | URL, unknown, number]> = [
  ['a worker that never answers (timeout 300 ms)', scenarioWorker, { kind: 'hang' } satisfies Scenario, 300],
  ['a worker stuck computing (timeout 300 ms)', scenarioWorker, { kind: 'busy' } satisfies Scenario, 300],
  [`a worker that exits with code 0 without a result (timeout ${exitTimeout} ms)`, scenarioWorker, { kind: 'exit', code: 0 } satisfies Scenario, exitTimeout],
  [`a worker that exits with code 3 without a result (timeout ${exitTimeout} ms)`, scenarioWorker, { kind: 'exit', code: 3 } satisfies Scenario, exitTimeout],
  ['a worker that throws at start-up', scenarioWorker, { kind: 'throw-at-start', message: 'Invalid value' } satisfies Scenario, exitTimeout],
  ['a worker that throws later, in a timer', scenarioWorker, { kind: 'throw-in-timer', message: 'thrown from a timer' } satisfies Scenario, exitTimeout],
  ['a worker that answers, then keeps running', scenarioWorker, { kind: 'answer-and-stay', value: 42 } satisfies Scenario, exitTimeout],
  ['a worker file that does not exist', new URL('../fixtures/no-such-worker.js', import.meta.url), {}, exitTimeout],
  ["a relative path without './' ('worker.js')", 'worker.js', {}, exitTimeout],
];
const versions = [
  ["document's robust runWorker", documentRobust],
  ["the question's runWorker (no timeout: watched as long)", documentQuestion],
  ['reference', reference],
] as const;

// One case at a time, its three versions side by side; then whatever they left running is stopped.
const results: Record<string, Outcome[]> = {};
for (const [label, file, data, timeout] of cases) {
  results[label] = await Promise.all(versions.map(([, run]) => attempt(run, file, data, timeout)));
  await stopAll();
  versions.forEach(([name], v) => {
    const o = results[label]![v]!;
    const when = o.text.startsWith('still pending') ? '' : ` after ${Math.round(o.afterMs)} ms`;
    exp.measure(`${label} | ${name}`, `${o.text}${when}; its thread still running 0.5 s later: ${o.threadsLeft ? 'yes' : 'no'}`);
  });
}
const pick = (i: number) => (label: string) => results[cases.find(([l]) => l.startsWith(label))![0]]![i]!;
const [robust, question, ref] = [pick(0), pick(1), pick(2)];

exp.claim(
  "robust runWorker: the timeout rejects, but the worker is not terminated: cleanup() checks !finished after finished was set to true",
  /rejected: Worker timeout/.test(robust('a worker that never answers').text) && robust('a worker that never answers').threadsLeft === 1 &&
    robust('a worker stuck computing').threadsLeft === 1,
  `never answers: ${robust('a worker that never answers').threadsLeft} thread left; stuck computing: ${robust('a worker stuck computing').threadsLeft} thread left`,
);
const exit0 = robust('a worker that exits with code 0');
exp.claim(
  "robust runWorker: a worker that exits with code 0 without answering leaves the promise pending until the timeout, which then blames a 'timeout'",
  /rejected: Worker timeout/.test(exit0.text) && exit0.afterMs >= exitTimeout * 0.9,
  `${exit0.text} after ${Math.round(exit0.afterMs)} ms (timeout ${exitTimeout} ms); the reference: ${ref('a worker that exits with code 0').text} after ${Math.round(ref('a worker that exits with code 0').afterMs)} ms`,
);
exp.claim(
  "the question's runWorker: a worker that exits without answering, with code 0 or 3, leaves its promise pending forever (no 'error' event is emitted)",
  /still pending/.test(question('a worker that exits with code 0').text) && /still pending/.test(question('a worker that exits with code 3').text),
  `code 0: ${question('a worker that exits with code 0').text}; code 3: ${question('a worker that exits with code 3').text}`,
);
exp.claim(
  'both document versions reject with the original message when the worker throws, at start-up or later',
  [robust, question].every((f) => f('a worker that throws at start-up').text === 'rejected: Invalid value' && f('a worker that throws later').text === 'rejected: thrown from a timer'),
  `${robust('a worker that throws at start-up').text}; ${robust('a worker that throws later').text}`,
);
exp.claim(
  "the try/catch around new Worker() catches only what the constructor throws: a bad path ('worker.js'), not a missing file or a failing worker",
  /ERR_WORKER_PATH/.test(robust("a relative path without './'").text) && /rejected: .*no-such-worker/.test(robust('a worker file that does not exist').text),
  `${robust("a relative path without './'").text.slice(0, 60)}…; missing file: ${robust('a worker file that does not exist').text.slice(0, 70)}…`,
);
exp.claim(
  "none of the document's versions stops a worker that keeps running after its answer",
  robust('a worker that answers, then keeps running').threadsLeft === 1 && question('a worker that answers, then keeps running').threadsLeft === 1,
  `threads left: ${robust('a worker that answers, then keeps running').threadsLeft} (robust), ${question('a worker that answers, then keeps running').threadsLeft} (question)`,
);
exp.claim(
  'reference: every case settles, exits settle on the exit itself (the error names the code), and no thread is left',
  cases.every(([label]) => results[label]![2]!.threadsLeft === 0 && !/pending/.test(results[label]![2]!.text)) &&
    /code 0/.test(ref('a worker that exits with code 0').text),
  cases.map(([label]) => results[label]![2]!.text.slice(0, 40)).join(' | '),
);
exp.note("The document's `eval: false` is Node's default: it catches nothing and changes nothing (the experiment runs with it).");
exp.done();
