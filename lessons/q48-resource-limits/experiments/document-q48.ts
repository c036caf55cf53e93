// Q48: "What happens to this worker?" The document answers "Out of memory error" and explains
// "Workers share V8 heap limits with the main thread. A worker consuming excessive memory can
// crash the entire process." Run its code, bounded, and watch the whole process.
//
// Each case runs as its own (plain) Node process. Memory stays bounded: either a process-wide heap
// cap (--max-old-space-size=128, which also applies to workers) or the worker's resourceLimits,
// plus a wall-clock limit. The document's exact case, Node's default limits, takes
// gigabytes of memory before it ends: it runs only when asked for, with
// WORKBOOK_Q48_DEFAULT_HEAP=1 npm run experiment -- q48 document-q48
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { runScript, type ScriptRun } from '../fixtures/run-script.ts';

const exp = experiment('Q48: what happens to a worker that pushes 1e9 numbers into an array?');
const documentProgram = new URL('../fixtures/document-q48-program.mjs', import.meta.url);
const variants = new URL('../fixtures/q48-variants-program.mjs', import.meta.url);
const limitMs = 60_000;

const runCase = (file: URL, args: string[] = [], nodeFlags: string[] = []) => runScript(file, limitMs, { args, nodeFlags, keepChars: 6000 });

const [capped, limited, limitedNoListener] = await Promise.all([
  runCase(documentProgram, [], ['--max-old-space-size=128']),
  runCase(variants, ['--limit', '32', '--listen']),
  runCase(variants, ['--limit', '32']),
]);
// The 128 MB cases are the heaviest (a few hundred MB each): full runs only.
const [limited128, pieces128] = quick
  ? [undefined, undefined]
  : await Promise.all([runCase(variants, ['--limit', '128', '--listen']), runCase(variants, ['--limit', '128', '--listen', '--pieces'])]);
const defaultHeap = process.env.WORKBOOK_Q48_DEFAULT_HEAP === '1' ? await runCase(documentProgram) : undefined;

/** What the process as a whole did, and the lines that say why. */
function ending(r: ScriptRun): string {
  if (r.stoppedAtDeadline) return `still running after ${limitMs / 1000} s, stopped`;
  const how = r.signal ? `killed by ${r.signal}` : `exited with code ${r.exitCode}`;
  const why = r.output
    .split('\n')
    .filter((l) => /^(FATAL ERROR|#\s*Fatal)|^main:|Error \[|Unhandled 'error'/.test(l))
    .map((l) => l.replace(/^#\s*/, '').trim())
    .filter((l, i, all) => l && all.indexOf(l) === i)
    .slice(0, 4)
    .join(' / ');
  return `${how}, after ${(r.ms / 1000).toFixed(1)} s; ${why}`;
}
const processDied = (r: ScriptRun) => !r.stoppedAtDeadline && (r.signal !== null || (r.exitCode !== 0 && r.exitCode !== null));
const fatal = (r: ScriptRun) => /FATAL ERROR: Reached heap limit|Fatal JavaScript invalid size error|invalid array length/.test(r.output);
const workerError = (r: ScriptRun) => /'error' event: ERR_WORKER_OUT_OF_MEMORY/.test(r.output);
const mainLived = (r: ScriptRun) => /still running after the worker is gone/.test(r.output);

exp.measure('as written, process run with --max-old-space-size=128', ending(capped));
exp.measure("worker resourceLimits 32 MB, 'error' listener added", ending(limited));
exp.measure("worker resourceLimits 32 MB, no 'error' listener (as in the document)", ending(limitedNoListener));
if (limited128 && pieces128) {
  exp.measure("worker resourceLimits 128 MB, 'error' listener added", ending(limited128));
  exp.measure("worker resourceLimits 128 MB, 'error' listener, small arrays instead of one huge array", ending(pieces128));
} else exp.note('The 128 MB cases run in full mode only.');
if (defaultHeap) exp.measure("as written, Node's default limits", ending(defaultHeap));
else exp.note("As written with Node's default limits: not run (it takes gigabytes of memory). Set WORKBOOK_Q48_DEFAULT_HEAP=1 to run it.");

exp.claim(
  'as written (under a heap cap), the whole process dies of a V8 fatal error: no catchable error, no worker event, the main thread goes with it',
  processDied(capped) && fatal(capped) && capped.signal === 'SIGABRT',
  ending(capped),
);
exp.claim(
  "with a small resourceLimits and an 'error' listener, only the worker stops: 'error' with ERR_WORKER_OUT_OF_MEMORY, exit code 1, the main thread lives on",
  workerError(limited) && /'exit' event, code 1/.test(limited.output) && mainLived(limited) && limited.exitCode === 0,
  ending(limited),
);
exp.claim(
  "without an 'error' listener, as in the document, that same error is thrown in the main thread and ends the program (exit code 1)",
  limitedNoListener.exitCode === 1 && /Unhandled 'error' event/.test(limitedNoListener.output) && /ERR_WORKER_OUT_OF_MEMORY/.test(limitedNoListener.output),
  ending(limitedNoListener),
);
if (limited128 && pieces128) {
  exp.claim(
    "a resourceLimits of 128 MB does not save the document's loop: V8 aborts the whole process, and no 'error' reaches the main thread (the next case, the same limit with small arrays, differs only in how the heap grows)",
    processDied(limited128) && fatal(limited128) && !workerError(limited128),
    ending(limited128),
  );
  exp.claim(
    'the same 128 MB limit stops a worker that fills its heap in small pieces cleanly, with ERR_WORKER_OUT_OF_MEMORY',
    workerError(pieces128) && mainLived(pieces128),
    ending(pieces128),
  );
}
if (defaultHeap)
  exp.claim(
    "as written with Node's default limits, the whole process dies of a V8 fatal error too: the array outgrows V8's largest array before the heap limit",
    processDied(defaultHeap) && /Fatal JavaScript invalid size error|invalid array length/.test(defaultHeap.output) && !workerError(defaultHeap),
    ending(defaultHeap),
  );
exp.done();
