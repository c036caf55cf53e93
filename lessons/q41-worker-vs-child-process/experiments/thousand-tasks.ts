// Document 003, Q41: "When processing 1000 tasks, which is more efficient and why?", with version
// A (a new Worker per task) and version B (a new forked child per task), run as the document writes
// them, scaled down. Neither version ever ends what it starts. What is left running afterwards?
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { experiment, ms, quick } from '../../../tool/experiments/kit.ts';
import { availableParallelism, loadavg } from 'node:os';

const exp = experiment("Document 003's versions A and B, one task after another: how long, and what is left running?");
const tasks = quick ? 10 : 50;
const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url);
const started: { workers: Worker[]; children: ChildProcess[] } = { workers: [], children: [] };

// Version A: Worker Thread (the document's code, with the file as a parameter and the Worker kept
// in a list so that this experiment can count and end what the document leaves behind).
function cpuIntensiveWorker(file: URL, data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: data });
    started.workers.push(worker);
    worker.on('message', resolve);
    worker.on('error', reject);
  });
}

// Version B: Child Process. fork() as the document calls it, except execArgv: [] so that the
// children do not load this process's TypeScript loader.
function cpuIntensiveChild(file: URL, data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = fork(file, [], { execArgv: [] });
    started.children.push(child);
    child.send(data as object);
    child.on('message', resolve);
    child.on('error', reject);
  });
}

const alive = {
  workers: () => started.workers.filter((w) => w.threadId !== -1).length,
  children: () => started.children.filter((c) => c.exitCode === null && c.signalCode === null).length,
};
const settle = () => new Promise((r) => setTimeout(r, 500));
async function cleanUp(): Promise<void> {
  await Promise.all(started.workers.splice(0).map((w) => w.terminate()));
  await Promise.all(
    started.children.splice(0).map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => (c.once('exit', r), c.kill())) : undefined)),
  );
}
/** RSS in MB of a live process, from /proc (Linux); undefined elsewhere. */
function rssOf(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  } catch {
    return undefined;
  }
}

async function run(label: string, once: (i: number) => Promise<unknown>) {
  const start = performance.now();
  for (let i = 0; i < tasks; i++) await once(i);
  const elapsed = performance.now() - start;
  await settle();
  return { label, elapsed, workers: alive.workers(), children: alive.children() };
}

// A: with the worker.js the document implies (reads workerData, posts, has nothing left to do).
const a = await run('A', (i) => cpuIntensiveWorker(fixture('task-worker.mjs'), { value: i }));
await cleanUp();
// A again, with a worker written the way pool workers are written (it listens on parentPort).
const aListening = await run('A, listening worker', (i) => cpuIntensiveWorker(fixture('task-worker-listening.mjs'), { value: i }));
await cleanUp();
// B: child.js has to listen on process 'message' to receive child.send(data).
const b = await run('B', (i) => cpuIntensiveChild(fixture('task-child.mjs'), { value: i }));
const childRss = started.children.map((c) => rssOf(c.pid)).filter((v): v is number => v !== undefined);
await cleanUp();
// Neither: one worker, started once and reused for every task.
const reusedStart = performance.now();
const reused = new Worker(fixture('task-worker-listening.mjs'));
for (let i = 0; i < tasks; i++) {
  await new Promise((resolve) => {
    reused.once('message', resolve);
    reused.postMessage({ value: i });
  });
}
const reusedElapsed = performance.now() - reusedStart;
await reused.terminate();

exp.measure(`version A, ${tasks} tasks: time`, a.elapsed, 'ms');
exp.measure(`version A, ${tasks} tasks: worker threads still running afterwards`, a.workers);
exp.measure(`version A with a listening worker, ${tasks} tasks: worker threads still running afterwards`, aListening.workers);
exp.measure(`version B, ${tasks} tasks: time`, b.elapsed, 'ms');
exp.measure(`version B, ${tasks} tasks: child processes still running afterwards`, b.children);
if (childRss.length > 0) exp.measure('version B: RSS held by the children left running, in all', childRss.reduce((x, y) => x + y, 0), 'MB');
exp.measure(`one worker reused for all ${tasks} tasks (including its start): time`, reusedElapsed, 'ms');
const perChild = childRss.length > 0 ? childRss.reduce((x, y) => x + y, 0) / childRss.length : undefined;
if (perChild !== undefined) exp.note(`At the document's 1000 tasks, version B would leave 1000 processes holding about ${((perChild * 1000) / 1024).toFixed(0)} GB.`);
exp.note(
  `Version A took ${(a.elapsed / b.elapsed).toFixed(2)}x version B's time. Which one is faster depends on the Node version and the environment (see the startup experiment); what does not depend on them is what each leaves running.`,
);
exp.note('The experiment ended every thread and process left running before it exited.');

exp.note(`Load average over the last minute, at the end: ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores (timings are noisy on a busy machine).`);
exp.claim(`version B leaves every child it forked running: ${tasks} of ${tasks}`, b.children === tasks, `${b.children} child processes alive 500 ms after the last task resolved`);
exp.claim(
  "version A's threads end only because the worker file happens to have nothing left to do",
  a.workers === 0 && aListening.workers === tasks,
  `${a.workers} left with a worker that only reads workerData; ${aListening.workers} left with one that listens on parentPort`,
);
exp.claim(
  'the most efficient answer is neither: one reused worker beats a new worker per task by at least 3x',
  reusedElapsed * 3 <= a.elapsed,
  `${ms(reusedElapsed, 0)} against ${ms(a.elapsed, 0)}: ${(a.elapsed / reusedElapsed).toFixed(1)}x`,
);
exp.done();
