// Exercise: a fixed-size worker pool. Read lessons/why-pools/README.md first.
// Check your work with: npm run check -- why-pools
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers to start; they live until close(). */
  size: number;
}

/*
 * The protocol between the pool and its workers:
 *   pool -> worker   { id: number, data: unknown }
 *   worker -> pool   { id, result: unknown }            the task succeeded
 *                    { id, error: { message: string } } the task failed
 * A worker may also post messages that are none of these. They must not settle any task.
 */

export class WorkerPool {
  constructor(workerFile: string | URL, options: PoolOptions) {
    // TODO: refuse a size that is not a whole number of at least 1, with a clear message.
    // TODO: start `size` workers once, with `new Worker(workerFile)`, and listen to their messages.
    throw new Error('Not implemented yet: the WorkerPool constructor.');
  }

  /** Runs one task on the next free worker and resolves with its result. */
  run(data: unknown): Promise<unknown> {
    // TODO: give the task an id and put it at the back of the queue, then dispatch.
    // TODO: a worker's reply settles the task that worker holds, and only if the id matches.
    throw new Error('Not implemented yet: run().');
  }

  /** Ends every worker; tasks that have not finished are rejected. */
  async close(): Promise<void> {
    // TODO: reject queued and running tasks, then terminate every worker.
    throw new Error('Not implemented yet: close().');
  }
}

// Keeps the import in use until you write the pool.
export type { Worker };
