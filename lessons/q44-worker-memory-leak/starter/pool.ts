// Q44, part 2: the document's "Better: Use a pool", made correct. Its workers can hold several
// tasks at once (like the document's, which sends each task to a random worker), so the pool must
// make sure that a reply only ever settles the task it answers.
//
// Protocol (see lessons/q44-worker-memory-leak/fixtures/task-worker.ts):
//   the pool posts { id, data } to a worker;
//   the worker answers { id, result } or { id, error: { message } }, in whatever order its tasks finish.
//
// new WorkerPool(workerPath, size): starts `size` workers.
// execute(data, timeout = 30000): resolves with `result`, rejects with new Error(error.message), or
//   rejects once `timeout` ms have passed. A reply that comes after its task timed out must not
//   settle any other task.
// terminate(): rejects every task not yet settled and resolves once every worker has exited.
//
// The checks count the 'message' listeners on your workers: over 200 tasks, some of which time
// out, they must not grow.
export class WorkerPool {
  constructor(workerPath: string | URL, size: number) {
    // TODO: start `size` workers; give each one 'message' listener, once, here.
    void workerPath;
    void size;
  }

  execute(data: unknown, timeout = 30_000): Promise<unknown> {
    // TODO: give the task an id, remember it (a Map from id to task), start its timer, post { id, data }.
    void data;
    void timeout;
    throw new Error('Not implemented yet: execute()');
  }

  terminate(): Promise<void> {
    // TODO: reject the tasks still pending, then terminate every worker.
    throw new Error('Not implemented yet: terminate()');
  }
}
