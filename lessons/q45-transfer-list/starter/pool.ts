// Q45: a pool that hands Uint8Arrays to its workers without copying them.
//
// The API (the checks use exactly this):
//   new WorkerPool(workerFile, { size })     starts `size` workers
//   pool.run(data: Uint8Array)               -> Promise<Uint8Array>, the worker's result
//   pool.close()                             rejects the tasks not finished yet and ends every worker
//
// Why no `transferList` option? Because only the pool can get it right for every kind of view.
// run(data) takes ownership of `data` the moment it is called:
//   - a Uint8Array that owns its whole ArrayBuffer is MOVED, not copied, and the caller's view is
//     detached (byteLength 0) as soon as run() returns, even if the task then waits in the queue;
//   - a view that shares its ArrayBuffer with other data (a small Buffer from Node's Buffer pool,
//     a subarray) cannot be moved without moving that other data too: copy just its own bytes,
//     and leave the caller's view and its neighbours alone;
//   - a view that is already detached (its buffer was transferred before) is refused: run()
//     rejects with an error whose message says "detached". (On Node 20, posting it anyway
//     "succeeds" and the message is never delivered: the task would wait for ever.)
//   - an empty Uint8Array is a valid task: byteLength 0 does not mean detached.
//
// The protocol with the worker (lessons/q45-transfer-list/fixtures/plus-one-worker.ts):
//   pool -> worker: { id, data }          data transferred: postMessage(msg, [data.buffer])
//   worker -> pool: { id, result }        the result is transferred back the same way
//               or: { id, error: { message } }
//
// The queue and the workers are done for you below; the transfer is yours. Run the checks with:
//   npm run check -- q45
import { Worker } from 'node:worker_threads';

interface Task {
  id: number;
  data: Uint8Array;
  resolve: (result: Uint8Array) => void;
  reject: (error: Error) => void;
}

type Reply = { id: number; result: Uint8Array } | { id: number; error: { message: string } };

/** True if `buffer` was transferred away (detached). */
export function isDetached(buffer: ArrayBufferLike): boolean {
  // TODO: Node 22+ has `buffer.detached`. Node 20 does not: there, a detached ArrayBuffer has
  //       byteLength 0 (but so does an empty one!), and `new Uint8Array(buffer, 0, 0)` throws a
  //       TypeError for a detached buffer only.
  void buffer;
  throw new Error('Not implemented yet: isDetached');
}

/** Returns a Uint8Array the pool owns, with the bytes of `data`: moved if possible, else copied. */
function takeOwnership(data: Uint8Array): Uint8Array {
  // TODO: does `data` own its whole ArrayBuffer? (byteOffset 0, byteLength equal to its buffer's,
  //       and a real ArrayBuffer, not a SharedArrayBuffer.) Then move it without copying:
  //       structuredClone(data, { transfer: [data.buffer] }) returns a new view on the same memory
  //       and detaches `data`, right here on this thread.
  // TODO: otherwise copy just its bytes. Careful: Buffer#slice() does NOT copy (it is a view);
  //       Uint8Array.prototype.slice.call(data) or new Uint8Array(data) do.
  void data;
  throw new Error('Not implemented yet: takeOwnership');
}

export class WorkerPool {
  #idle: Worker[] = [];
  #all = new Set<Worker>();
  #running = new Map<Worker, Task>();
  #queue: Task[] = [];
  #nextId = 1;
  #closed = false;

  constructor(workerFile: string | URL, options: { size: number }) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size must be a whole number of at least 1, got ${options.size}`);
    for (let i = 0; i < options.size; i++) {
      const worker = new Worker(workerFile);
      this.#all.add(worker);
      this.#idle.push(worker);
      worker.on('message', (reply: Reply) => {
        const task = this.#running.get(worker);
        if (!task || reply?.id !== task.id) return;
        this.#running.delete(worker);
        if ('error' in reply) task.reject(new Error(reply.error.message));
        else task.resolve(reply.result);
        this.#idle.push(worker);
        this.#dispatch();
      });
      worker.on('error', (error) => {
        this.#running.get(worker)?.reject(error);
        this.#running.delete(worker);
      });
    }
  }

  run(data: Uint8Array): Promise<Uint8Array> {
    // TODO: refuse a closed pool, something that is not a Uint8Array, and a detached Uint8Array
    //       (reject with an Error whose message says "detached").
    // TODO: take ownership of `data` NOW (takeOwnership), before the task goes into the queue.
    // TODO: queue { id, data: owned, resolve, reject } and call this.#dispatch().
    void data;
    throw new Error('Not implemented yet: WorkerPool.run');
  }

  async close(): Promise<void> {
    this.#closed = true;
    const error = new Error('The pool was closed before this task finished');
    for (const task of this.#queue.splice(0)) task.reject(error);
    for (const task of this.#running.values()) task.reject(error);
    this.#running.clear();
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const task = this.#queue.shift()!; // fine for a lesson; see Q43 for why a long queue wants better
      const worker = this.#idle.pop()!;
      this.#running.set(worker, task);
      // TODO: post { id: task.id, data: task.data } to the worker, transferring task.data.buffer.
      void task;
      throw new Error('Not implemented yet: the postMessage in #dispatch');
    }
  }
}
