// Q44, part 1: a spawner that starts one worker per job and never has more than `max` worker
// threads alive at once. (The document's "Correct Implementation" caps a loop at 10 workers; here
// the cap belongs to a reusable helper that hands each job's result back to its caller.)
//
// createBoundedSpawner(workerFile, { max, timeout })
// - run(data): starts `new Worker(workerFile, { workerData: data })` and resolves with the first
//   message that worker posts. If `max` workers are alive already, the job waits (first come,
//   first served) until one has exited. A job is never dropped.
// - Once a job has its answer (or fails), terminate its worker: the workers in the checks keep
//   running after they answer, until someone stops them.
// - A worker that emits 'error' rejects its job with that error. A worker that exits before it
//   answers rejects its job with an error that names the exit code.
// - A job still unanswered `timeout` ms (default 30 000) after its worker started is rejected, and
//   its worker terminated.
// - `active`: the number of worker threads alive right now (started and not yet exited).
// - close(): rejects the jobs still waiting or running and resolves once every worker has exited.
//
// The trap: a worker's thread is alive until its 'exit' event, not until its result arrives.

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

export function createBoundedSpawner(workerFile: string | URL, options: SpawnerOptions): Spawner {
  // TODO: keep a count of live workers, a queue of waiting jobs and the set of workers
  // (import { Worker } from 'node:worker_threads').
  void workerFile;
  void options;
  return {
    get active(): number {
      throw new Error('Not implemented yet: active');
    },
    run(data: unknown): Promise<unknown> {
      void data;
      // TODO: start a worker if fewer than `max` are alive, else wait for one to exit.
      throw new Error('Not implemented yet: run()');
    },
    close(): Promise<void> {
      // TODO: reject waiting and running jobs, terminate every worker, wait for their 'exit'.
      throw new Error('Not implemented yet: close()');
    },
  };
}
