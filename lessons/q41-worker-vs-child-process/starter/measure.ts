// Exercise: measure what a worker thread and a forked child process cost, on your machine, and
// leave neither running. Read lessons/q41-worker-vs-child-process/README.md first.
// Check your work with: npm run check -- q41
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';

/*
 * The checks hand you fixtures/ready.mjs, which runs as a worker thread or as a forked child.
 * As soon as it runs it posts its first message:
 *   { type: 'ready', pid: number, threadId: number, rss: number }
 * where rss is process.memoryUsage().rss of the process it runs in. It never ends by itself.
 *
 * Every function here settles only after everything it started has exited:
 *   - worker.terminate() returns a promise that settles once the thread has exited;
 *   - child.kill() only sends a signal: the child is gone when its 'exit' (or 'close') event fires.
 * A file that is missing, or that exits before its first message, must reject, not hang:
 *   - a worker emits 'error' for a missing file, but process.exit(0) in it raises only 'exit';
 *   - a child that cannot load its file prints to its stderr and exits: no 'error' event at all.
 */

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

/** Milliseconds from `new Worker(file)` to its first message. Settles after the worker has exited. */
export async function measureWorkerStartup(file: string | URL): Promise<number> {
  // TODO: note performance.now(), start the worker, wait for its first message (or its failure),
  // then terminate it and wait until it has exited. Reject if it errors or exits first.
  throw new Error('Not implemented yet: measureWorkerStartup().');
}

/** Milliseconds from `fork(file)` to its first message. Settles after the child has exited. */
export async function measureChildStartup(file: string | URL): Promise<number> {
  // TODO: the same with fork(). Tip: fork(path, [], { execArgv: [] }) keeps the test runner's
  // own Node flags out of the child, so that you measure a plain Node process.
  throw new Error('Not implemented yet: measureChildStartup().');
}

/**
 * Keeps `count` workers alive and reads how much this process's RSS grew per worker; then keeps
 * `count` children alive and reads each child's own RSS. Settles after all of them have exited.
 */
export async function measureMemory(options: MemoryOptions): Promise<MemoryPerUnit> {
  // TODO: process.memoryUsage().rss before and after starting the workers gives their cost.
  // A child's memory is not in our RSS at all: read the rss its 'ready' message reports.
  // If anything fails to start, end everything that did start before rejecting.
  throw new Error('Not implemented yet: measureMemory().');
}

// Keeps the imports in use until you write the functions.
export type { Worker };
export { fork };
