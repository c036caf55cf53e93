// The reference solution for Q44, part 1: a spawner that starts one worker per job and never has
// more than `max` worker threads alive at once.
//
// The rules it keeps:
// - A slot is taken when a worker is created and given back only on the worker's 'exit' event:
//   that is when its thread has really ended. (Giving it back when the result arrives would let a
//   new worker start while the old thread is still shutting down: max + 1 threads.)
// - A job that finds every slot taken waits in a FIFO queue; it is never dropped.
// - A worker is terminated as soon as its job is settled: result, error, exit or timeout.
// - close() rejects the jobs still waiting or running and waits for every worker to exit.
import { Worker } from 'node:worker_threads';

export interface SpawnerOptions {
  /** Most worker threads alive at the same moment. */
  max: number;
  /** Milliseconds a job may run (from its worker's creation) before it is rejected and its worker stopped. */
  timeout?: number;
}

export interface Spawner {
  run(data: unknown): Promise<unknown>;
  /** Worker threads alive right now (created, and not yet exited). */
  readonly active: number;
  close(): Promise<void>;
}

interface Waiting {
  start: () => void;
  reject: (reason: Error) => void;
}

export function createBoundedSpawner(workerFile: string | URL, { max, timeout = 30_000 }: SpawnerOptions): Spawner {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a whole number of at least 1, got ${max}`);
  let active = 0;
  let closed = false;
  const waiting: Waiting[] = [];
  const workers = new Set<Worker>();

  /** Called once per worker, on 'exit': its slot goes to the job that has waited longest. */
  function release(): void {
    active--;
    const next = waiting.shift();
    if (next) next.start();
  }

  function start(data: unknown, resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
    active++;
    let worker: Worker;
    try {
      worker = new Worker(workerFile, { workerData: data });
    } catch (error) {
      // A bad file name or bad options: no thread was started, so no 'exit' will come.
      reject(error);
      release();
      return;
    }
    workers.add(worker);
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`Job timed out after ${timeout} ms; its worker was terminated`))), timeout);
    worker.once('message', (result) => settle(() => resolve(result)));
    // Stays attached for the worker's whole life: an 'error' with no listener would crash the process.
    worker.on('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => {
      workers.delete(worker);
      settle(() => reject(new Error(`Worker exited with code ${code} before it answered`)));
      release();
    });
  }

  return {
    get active() {
      return active;
    },
    run(data) {
      return new Promise((resolve, reject) => {
        if (closed) return reject(new Error('The spawner is closed'));
        if (active < max) return start(data, resolve, reject);
        waiting.push({ start: () => start(data, resolve, reject), reject });
      });
    },
    async close() {
      closed = true;
      for (const job of waiting.splice(0)) job.reject(new Error('The spawner was closed before this job started'));
      const exits = [...workers].map((w) => new Promise((r) => w.once('exit', r)));
      for (const w of workers) void w.terminate();
      await Promise.all(exits);
    },
  };
}
