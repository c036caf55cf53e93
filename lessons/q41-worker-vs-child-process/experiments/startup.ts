// Document 003, Q41: "Faster startup (~2ms vs ~30ms)", "Worker Thread: ~2-5ms startup",
// "Child Process: ~30-50ms startup". Measured here on this machine, each start ended before the next.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { measureChildStartup, measureWorkerStartup } from '../../../solutions/q41-worker-vs-child-process/measure.ts';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';
import { availableParallelism, loadavg } from 'node:os';

const ready = new URL('../fixtures/ready.mjs', import.meta.url);
const exp = experiment("How long does a worker thread take to start, against a forked child process?");
const rounds = quick ? 5 : 25;

/** The document's own benchmarkWorker(): new Worker() to its 'online' event. */
async function toOnline(): Promise<number> {
  const start = performance.now();
  const worker = new Worker(ready);
  await new Promise((resolve) => worker.once('online', resolve));
  const elapsed = performance.now() - start;
  await worker.terminate();
  return elapsed;
}

/** fork() to the first message, then kill() and wait for the exit. */
async function forkTimed(options: { execArgv?: string[]; env?: NodeJS.ProcessEnv }): Promise<number> {
  const start = performance.now();
  const child = fork(ready, [], options);
  await new Promise((resolve) => child.once('message', resolve));
  const elapsed = performance.now() - start;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill();
  await gone;
  return elapsed;
}
/** fork() as the document writes it: the child inherits this process's Node flags (here: tsx). */
const forkInheritingFlags = () => forkTimed({});
// NODE_EXTRA_CA_CERTS makes Node 20 read and parse a certificate bundle at every process start.
// Some machines set it for every program; a worker does not pay for it, a child does.
const extraCerts = process.env.NODE_EXTRA_CA_CERTS;
const { NODE_EXTRA_CA_CERTS: _dropped, ...envWithoutCerts } = process.env;
const forkWithoutCerts = () => forkTimed({ execArgv: [], env: envWithoutCerts });

// One untimed round of each first (disk caches, the first Worker's own set-up).
await toOnline();
await measureWorkerStartup(ready);
await measureChildStartup(ready);
await forkInheritingFlags();
if (extraCerts) await forkWithoutCerts();

const online: number[] = [];
const worker: number[] = [];
const child: number[] = [];
const inheriting: number[] = [];
const withoutCerts: number[] = [];
for (let i = 0; i < rounds; i++) {
  online.push(await toOnline());
  worker.push(await measureWorkerStartup(ready));
  child.push(await measureChildStartup(ready));
  inheriting.push(await forkInheritingFlags());
  if (extraCerts) withoutCerts.push(await forkWithoutCerts());
}

// The document's benchmarkWorker() on a file that does not exist: does 'online' still come?
const missing = new Worker(new URL('../fixtures/there-is-no-such-file.mjs', import.meta.url));
const events: string[] = [];
missing.on('error', () => events.push('error'));
await new Promise<void>((resolve) => {
  missing.once('online', () => events.push('online'));
  missing.once('exit', () => resolve());
});

const w = median(worker);
const c = median(child);
exp.measure("worker: new Worker() to 'online' (the document's benchmark)", median(online), 'ms');
exp.measure('worker: new Worker() to its first message', w, 'ms');
exp.measure('child: fork() of plain node to its first message', c, 'ms');
if (extraCerts) exp.measure('child: the same, without the NODE_EXTRA_CA_CERTS this environment sets', median(withoutCerts), 'ms');
exp.measure(`child: fork() inheriting this process's flags (${process.execArgv.join(' ')}) to its first message`, median(inheriting), 'ms');
exp.note(`Medians of ${rounds} starts each; every worker and child was ended before the next started.`);
exp.note(`Document 003: worker "~2ms" / "~2-5ms", child "~30ms" / "~30-50ms". Measured: worker ${(w / 2).toFixed(0)}x the document's 2 ms, child ${(c / 30).toFixed(1)}x its 30 ms.`);
exp.measure('events of a worker whose file does not exist, in order', events.join(', '));

exp.note(`Load average over the last minute, at the end: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (timings are noisy on a busy machine).`);
// The fair comparison: a child that starts like a worker, with no per-process extras.
const plainChild = extraCerts ? median(withoutCerts) : c;
if (extraCerts)
  exp.note(
    `This environment sets NODE_EXTRA_CA_CERTS (${extraCerts}), a certificate bundle that a new Node process may read as it starts; a worker never does. ` +
      (c > 1.3 * plainChild
        ? `Here it made every child ${ms(c - plainChild, 0)} slower: Node ${process.version} reads it eagerly.`
        : `Here it made no clear difference (${ms(c)} with it, ${ms(plainChild)} without).`),
  );
exp.claim(
  "a child does not start ~15x slower than a worker, as the document's '~2ms vs ~30ms' says: a plain child starts within 5x of a worker (quiet, they are close; a busy machine slows a new process more than a new thread)",
  plainChild < 5 * w,
  `plain child ${ms(plainChild)} against worker ${ms(w)}: ${(plainChild / w).toFixed(1)}x`,
);
exp.claim(
  'a worker thread is not free to start: more than 3 ms to its first message',
  w > 3,
  `${ms(w)}; the document's ~2-5 ms range ${w <= 5 ? 'contains' : 'does not contain'} it on this machine`,
);
exp.claim(
  "a child that inherits a TypeScript loader from its parent's flags starts slower than a plain one",
  median(inheriting) > c,
  `${ms(median(inheriting))} against ${ms(c)}: pass execArgv: [] to fork() to start a plain Node`,
);
exp.claim(
  "'online' is no sign that the worker's file loaded: it fires even for a file that does not exist",
  events[0] === 'online' && events.includes('error'),
  `events, in order: ${events.join(', ')}; the document's benchmarkWorker() would report a start-up time for it`,
);
exp.done();
