// The reference solution for Q46: run one job in a fresh worker, and settle exactly once, whatever
// way the worker ends.
//
// The rules it keeps:
// - The first message is the result. 'error' rejects with the worker's own Error (its message
//   intact). 'exit' before a result rejects, whatever the code: an exit with code 0 and no message
//   is a failure too, not a reason to wait.
// - Listeners are attached right after `new Worker()`, in the same synchronous run: the worker's
//   code cannot run, let alone fail, before the main thread returns to its event loop.
// - A timeout rejects and terminates the worker. So does any other outcome: once the promise is
//   settled, the worker is stopped, so no thread outlives its job.
// - `new Worker()` itself can throw (a relative path without './', bad options): that rejects too.
import { Worker } from 'node:worker_threads';

export interface RunOptions {
  /** Milliseconds before the job is rejected and its worker terminated. Default 30 000. */
  timeout?: number;
}

export function runWorker(file: string | URL, data: unknown, { timeout = 30_000 }: RunOptions = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(file, { workerData: data });
    } catch (error) {
      reject(error);
      return;
    }
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
      void worker.terminate(); // does nothing if the worker has already exited
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`Worker timed out after ${timeout} ms and was terminated`))), timeout);
    worker.once('message', (result) => settle(() => resolve(result)));
    // Stays attached until the worker is gone: an 'error' with no listener crashes the main thread.
    worker.on('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`Worker exited with code ${code} without posting a result`))),
    );
  });
}
