// Q45 reference solution: a pool that hands Uint8Arrays to its workers without copying them.
//
//   new WorkerPool(workerFile, { size })
//   run(data: Uint8Array): Promise<Uint8Array>
//   close(): Promise<void>
//
// run() takes ownership of `data` the moment it is called: a Uint8Array that owns its whole
// ArrayBuffer is moved (zero-copy) and the caller's view is detached at once, even if the task
// then waits in the queue. A view that shares its ArrayBuffer with other data (Node's small pooled
// Buffers, a subarray) cannot be moved without moving that other data too, so just its own bytes
// are copied. A view that is already detached is refused with a clear error.
import { Worker } from 'node:worker_threads';
import * as workerThreads from 'node:worker_threads';

interface Task {
  id: number;
  data: Uint8Array;
  resolve: (result: Uint8Array) => void;
  reject: (error: Error) => void;
}

type Reply = { id: number; result: Uint8Array } | { id: number; error: { message: string } };

/** Node 21+ can tell us which ArrayBuffers it refuses to transfer (its Buffer pool); Node 20 cannot. */
const isMarkedAsUntransferable = (workerThreads as { isMarkedAsUntransferable?: (value: object) => boolean }).isMarkedAsUntransferable;

/** True if `buffer` was transferred away (or otherwise detached): it can never be read again. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  if ('detached' in buffer) return (buffer as ArrayBuffer & { detached: boolean }).detached; // Node 22+
  if (buffer.byteLength > 0) return false;
  try {
    new Uint8Array(buffer, 0, 0); // a zero-length view of a detached buffer cannot be made
    return false;
  } catch {
    return true;
  }
}

/** True if moving `view.buffer` would move exactly the bytes of `view`, and Node allows it. */
function ownsWholeBuffer(view: Uint8Array): boolean {
  const buffer = view.buffer;
  if (!(buffer instanceof ArrayBuffer)) return false; // a SharedArrayBuffer is shared, not transferable
  if (view.byteOffset !== 0 || view.byteLength !== buffer.byteLength) return false; // a pooled Buffer, a subarray
  return !isMarkedAsUntransferable?.(buffer);
}

/** Takes ownership of `data`: moves it when it owns its buffer (detaching the caller's view), else copies its bytes. */
function takeOwnership(data: Uint8Array): Uint8Array {
  if (ownsWholeBuffer(data)) {
    // structuredClone with a transfer list moves the memory into a new view, on this thread, without copying.
    return structuredClone(data, { transfer: [data.buffer as ArrayBuffer] });
  }
  // Uint8Array.prototype.slice copies. (Buffer#slice does NOT: it is a view on the same memory.)
  return Uint8Array.prototype.slice.call(data);
}

export class WorkerPool {
  #file: string | URL;
  #size: number;
  #idle: Worker[] = [];
  #all = new Set<Worker>();
  #running = new Map<Worker, Task>();
  #queue: Task[] = [];
  #head = 0;
  #nextId = 1;
  #closed = false;

  constructor(workerFile: string | URL, options: { size: number }) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size must be a whole number of at least 1, got ${options.size}`);
    this.#file = workerFile;
    this.#size = options.size;
    for (let i = 0; i < options.size; i++) this.#start();
  }

  run(data: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new Error('The pool is closed'));
    if (!(data instanceof Uint8Array)) return Promise.reject(new TypeError('run() takes a Uint8Array'));
    if (isDetached(data.buffer)) {
      // On Node 20, posting it anyway "succeeds" and the message is silently dropped: the task would hang.
      return Promise.reject(new TypeError('run() was given a detached Uint8Array: its ArrayBuffer was already transferred, so there is nothing to send'));
    }
    const owned = takeOwnership(data);
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, data: owned, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const error = new Error('The pool was closed before this task finished');
    for (const task of this.#queue.splice(this.#head)) task.reject(error);
    this.#queue = [];
    this.#head = 0;
    for (const task of this.#running.values()) task.reject(error);
    this.#running.clear();
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #start(): void {
    const worker = new Worker(this.#file);
    this.#all.add(worker);
    this.#idle.push(worker);
    worker.on('message', (reply: Reply) => {
      const task = this.#running.get(worker);
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      this.#running.delete(worker);
      if ('error' in reply) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result);
      this.#idle.push(worker);
      this.#dispatch();
    });
    const lost = (error: Error) => {
      if (!this.#all.delete(worker)) return;
      this.#idle = this.#idle.filter((w) => w !== worker);
      const task = this.#running.get(worker);
      this.#running.delete(worker);
      task?.reject(error);
      if (!this.#closed && this.#all.size < this.#size) this.#start();
      this.#dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`The worker exited with code ${code} during the task`)));
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#head < this.#queue.length) {
      const task = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Task;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      const worker = this.#idle.pop()!;
      this.#running.set(worker, task);
      worker.postMessage({ id: task.id, data: task.data }, [task.data.buffer as ArrayBuffer]);
    }
  }
}
