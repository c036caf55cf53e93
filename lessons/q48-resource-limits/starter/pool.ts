// Exercise: a pool whose workers run under resourceLimits, and that survives a worker running out
// of memory. Read lessons/q48-resource-limits/README.md first. Check your work with:
//   npm run check -- q48
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers to run at all times. */
  size: number;
  /** Limits for every worker, replacements included. */
  resourceLimits?: ResourceLimits;
}

/*
 * The protocol between the pool and its workers (the same as in lesson why-pools):
 *   pool -> worker   { id: number, data: unknown }
 *   worker -> pool   { id, result: unknown }            the task succeeded
 *                    { id, error: { message: string } } the task failed
 * A worker may post other messages too; they must not settle any task.
 *
 * A worker that reaches its memory limit never answers: Node stops it. The Worker object then emits
 * 'error' (an Error whose code is 'ERR_WORKER_OUT_OF_MEMORY') and then 'exit'.
 */

export class WorkerPool {
  constructor(workerFile: string | URL, options: PoolOptions) {
    // TODO: start `size` workers, each with new Worker(workerFile, { resourceLimits }).
    // TODO: listen to 'message', 'error' and 'exit' on each of them.
    throw new Error('Not implemented yet: the WorkerPool constructor.');
  }

  /** Runs one task on the next free worker and resolves with its result. */
  run(data: unknown): Promise<unknown> {
    // TODO: queue the task with an id, and hand it to an idle worker.
    // TODO: when a worker dies, reject the task it held with the error Node gave, and start exactly
    //       one new worker (with the same limits) in its place.
    throw new Error('Not implemented yet: run().');
  }

  /** Ends every worker; tasks that have not finished are rejected. */
  async close(): Promise<void> {
    // TODO: reject queued and running tasks, then terminate every worker (and start no replacement).
    throw new Error('Not implemented yet: close().');
  }
}

// Keeps the imports in use until you write the pool.
export type { ResourceLimits, Worker };
