// Q46: runWorker(file, data, { timeout }) runs one job in a fresh worker and settles exactly once,
// whatever way the worker ends. (Document 003's "Robust Error Handling", made right.)
//
// - Start the worker with `new Worker(file, { workerData: data })`.
// - The first message the worker posts is the result: resolve with it.
// - 'error' (the worker threw, at start-up or later, or left a promise rejection unhandled, or its
//   file does not exist): reject with that very Error, so the caller sees the worker's message.
// - 'exit' before any result: reject with an Error that names the exit code. Code 0 included: a
//   worker that ends without answering has failed, and waiting for it would wait forever.
// - `timeout` ms (default 30 000) without an outcome: reject, and terminate the worker.
// - Once the promise is settled, the worker must not keep running: terminate it if it is still alive.
// - `new Worker()` can itself throw (for example a relative path without './'): reject with that.
//
// The checks use lessons/q46-worker-error-handling/fixtures/scenario-worker.ts, which fails in
// every way listed above, and count the threads left running.
export interface RunOptions {
  /** Milliseconds before the job is rejected and its worker terminated. Default 30 000. */
  timeout?: number;
}

export function runWorker(file: string | URL, data: unknown, options: RunOptions = {}): Promise<unknown> {
  void file;
  void data;
  void options;
  // TODO: return a Promise that settles once: on 'message', 'error', 'exit' or the timeout.
  throw new Error('Not implemented yet: runWorker()');
}
