// Q43: build the pool the document meant to build, with a real task queue.
//
// Keep the document's API (the checks use exactly this):
//   new WorkerPool(workerPath, size)
//   pool.execute(data, timeout?)  -> Promise of the worker's answer
//   pool.terminate()              -> Promise that resolves once every worker has ended
//
// The workers speak the document's protocol: the pool posts `data` to a worker, and the worker
// posts back exactly one message, the result. There is no task id in the answer, so a worker must
// run one task at a time. A worker may also throw (Node then ends it) or call process.exit().
//
// Run the checks with: npm run check -- q43
import { Worker } from 'node:worker_threads';

export class WorkerPool {
  constructor(workerPath: string | URL, size: number) {
    // TODO: remember the worker file and the size, and start `size` workers.
    // TODO: keep a list of free workers and a FIFO queue of waiting tasks. Taking from the front
    //       of the queue should be constant-time: Array#shift copies the whole array each time.
    // TODO: listen to each worker's 'message', 'error' and 'exit' events (see below).
    void Worker;
    void workerPath;
    void size;
  }

  execute(data: unknown, timeout = 30_000): Promise<unknown> {
    // TODO: put the task in the queue, then hand queued tasks to free workers.
    //       A task that finds no free worker waits; it never fails just because the pool is busy.
    // TODO: on 'message', resolve the task that worker was running, mark the worker free, and
    //       hand it the next queued task.
    // TODO: on 'error' or 'exit' (with ANY exit code, 0 included), reject the task that worker
    //       was running, forget the worker, and start one replacement if a task is waiting.
    // TODO: the timeout counts from this call and covers waiting AND running. A task that times out
    //       while running is rejected, and its worker is terminated so that it cannot block later tasks.
    void data;
    void timeout;
    throw new Error('Not implemented yet: WorkerPool.execute');
  }

  async terminate(): Promise<void> {
    // TODO: reject every task that has not settled yet (queued or running), then terminate
    //       every worker and wait until they have all ended.
    throw new Error('Not implemented yet: WorkerPool.terminate');
  }
}
