// Measures what a worker thread and a forked child process cost to start and to keep alive, and
// leaves neither running: every function settles only after what it started has exited.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The first message of lessons/q41-worker-vs-child-process/fixtures/ready.mjs. */
export interface Ready {
  type: 'ready';
  pid: number;
  threadId: number;
  rss: number;
}

export interface MemoryOptions {
  workerFile: string | URL;
  childFile: string | URL;
  /** How many workers (then how many children) to keep alive at once. */
  count: number;
}

export interface MemoryPerUnit {
  /** How much this process's RSS grows per live worker thread, in bytes. */
  workerBytes: number;
  /** The RSS of one forked child process (its own process, not ours), in bytes. */
  childBytes: number;
}

const pathOf = (file: string | URL): string => (file instanceof URL ? fileURLToPath(file) : file);

/** Resolves with the worker's first message; rejects if it fails or exits before sending one. */
function firstWorkerMessage(worker: Worker, file: string | URL): Promise<unknown> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', (error) => reject(new Error(`worker ${pathOf(file)} failed before its first message: ${error.message}`)));
    // process.exit(0) in a worker raises no 'error' event: 'exit' is the only news of it.
    worker.once('exit', (code) => reject(new Error(`worker ${pathOf(file)} exited with code ${code} before its first message`)));
  });
}

interface Started {
  child: ChildProcess;
  /** Settles once the process has exited and its pipes have closed. */
  closed: Promise<void>;
  /** Resolves with the child's first message; rejects if it fails or exits before sending one. */
  first: Promise<unknown>;
}

function startChild(file: string | URL): Started {
  const path = pathOf(file);
  // execArgv: [] — a forked child inherits the parent's Node flags by default. Under tsx or a test
  // runner those load a TypeScript compiler into every child, which is not what we want to measure.
  // stderr is piped so that a child that fails to start can say why in our error.
  const child = fork(path, [], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const first = new Promise<unknown>((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', (error) => reject(new Error(`child ${path} could not start: ${error.message}`)));
    // A missing file, a syntax error, a throw at start-up: the child prints to stderr and exits
    // with a code; the ChildProcess raises no 'error' event for any of these.
    child.once('close', (code, signal) => {
      const why = stderr.split('\n').find((line) => /^\w*Error\b/.test(line));
      reject(new Error(`child ${path} exited (code ${code}${signal ? `, signal ${signal}` : ''}) before its first message${why ? `: ${why}` : ''}`));
    });
  });
  first.catch(() => {}); // handled by whoever awaits it; never an unhandled rejection
  return { child, closed, first };
}

/** Kills a child if it still runs and waits until it is gone. */
async function stopChild({ child, closed }: Started): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill();
  await closed;
}

/** Milliseconds from `new Worker(file)` to its first message. Settles after the worker has exited. */
export async function measureWorkerStartup(file: string | URL): Promise<number> {
  const start = performance.now();
  const worker = new Worker(file);
  try {
    await firstWorkerMessage(worker, file);
    return performance.now() - start;
  } finally {
    // terminate() settles once the thread has exited (at once if it already has).
    await worker.terminate();
  }
}

/** Milliseconds from `fork(file)` to its first message. Settles after the child has exited. */
export async function measureChildStartup(file: string | URL): Promise<number> {
  const start = performance.now();
  const started = startChild(file);
  try {
    await started.first;
    return performance.now() - start;
  } finally {
    // kill() only sends a signal: the process is gone when 'close' says so.
    await stopChild(started);
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Keeps `count` workers alive and reads how much this process's RSS grew per worker; then keeps
 * `count` children alive and reads each child's own RSS from its 'ready' message. Everything it
 * starts has exited when it settles, whether it resolves or rejects.
 */
export async function measureMemory({ workerFile, childFile, count }: MemoryOptions): Promise<MemoryPerUnit> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a whole number of at least 1, got ${count}`);
  const workers: Worker[] = [];
  const children: Started[] = [];
  try {
    await pause(50);
    const before = process.memoryUsage().rss;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(workerFile);
      workers.push(worker);
      await firstWorkerMessage(worker, workerFile);
    }
    await pause(50);
    const workerBytes = (process.memoryUsage().rss - before) / count;
    await Promise.all(workers.splice(0).map((w) => w.terminate()));

    const rss: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = startChild(childFile);
      children.push(started);
      const ready = (await started.first) as Ready;
      rss.push(ready.rss);
    }
    const childBytes = rss.reduce((a, b) => a + b, 0) / count;
    return { workerBytes, childBytes };
  } finally {
    await Promise.all([...workers.map((w) => w.terminate()), ...children.map(stopChild)]);
  }
}
