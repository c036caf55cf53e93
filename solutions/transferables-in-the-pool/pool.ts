// Reference solution: a worker pool that moves ArrayBuffers to its workers without copying them.
// Read lessons/transferables-in-the-pool/README.md for the why of each rule.
//
//   new WorkerPool(workerFile, { size, maxQueue })
//   run(data, { transferList }): Promise<result>
//   close(): finish every queued and running task, then end the workers
//   destroy(): reject every task, end the workers now
// Carried forward from the earlier lessons: the constant-time queue, maxQueue and QueueFullError,
// close() and destroy() with PoolClosedError and PoolDestroyedError, task ids, crash recovery.
//
// The rules of this lesson, all in run() and takeOwnership():
// - The ArrayBuffers in transferList are taken from the caller when run() is called, not when a
//   worker gets round to the task: the caller's views are detached at once, queued or not, and
//   nothing the caller does afterwards can change what the task sends.
// - A buffer that cannot be moved is refused at once, before anything is taken, with an error that
//   says why: one already detached (on Node 20, posting it silently loses the message), Node's
//   shared pool behind small Buffers (Node 20 would silently copy the whole pool instead, Node 22+
//   throws), a SharedArrayBuffer (shared, never moved).
// - A task refused for any reason (queue full, pool closed, bad transferList) leaves the caller's
//   buffers as they were.
// - Whatever the worker transfers back arrives owned by the main thread; it is resolved as it is.
import { Worker, type TransferListItem } from 'node:worker_threads';
import * as workerThreads from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive, crashes or not. */
  size: number;
  /** How many tasks may wait for a worker; run() refuses more at once. Default: no limit. */
  maxQueue?: number;
}

export interface RunOptions {
  /** ArrayBuffers (or MessagePorts) to move to the worker instead of copying them. */
  transferList?: readonly TransferListItem[];
}

/** run() refused a task: every worker was busy and maxQueue tasks were already waiting. */
export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL';
  constructor(maxQueue: number, size: number) {
    const busy = size === 1 ? 'its worker is busy' : `all ${size} of its workers are busy`;
    const waiting = maxQueue === 0 ? 'no task may wait (maxQueue: 0)' : `${maxQueue} ${maxQueue === 1 ? 'task waits' : 'tasks wait'} already (maxQueue: ${maxQueue})`;
    super(`The pool is full: ${busy} and ${waiting}. The task was not queued, and its buffers are still yours; try again later.`);
    this.name = 'QueueFullError';
  }
}

/** run() refused a task because close() or destroy() has been called. */
export class PoolClosedError extends Error {
  readonly code = 'ERR_POOL_CLOSED';
  constructor(how: 'closing' | 'destroyed') {
    super(how === 'closing' ? 'The pool is closing: it takes no new tasks.' : 'The pool was destroyed: it takes no new tasks.');
    this.name = 'PoolClosedError';
  }
}

/** destroy() was called while this task was queued or running. */
export class PoolDestroyedError extends Error {
  readonly code = 'ERR_POOL_DESTROYED';
  constructor() {
    super('The pool was destroyed before this task finished.');
    this.name = 'PoolDestroyedError';
  }
}

interface Task {
  id: number;
  /** The data to post: the caller's data, or, when it had a transferList, a clone that owns the moved buffers. */
  data: unknown;
  /** The buffers to move when the task is posted: the pool's own, never the caller's. */
  transfer: TransferListItem[];
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

interface Slot {
  worker: Worker;
  task: Task | undefined;
  /** Set by 'error': its 'exit' is on the way; it gets no more tasks. */
  dying: boolean;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

/** A FIFO queue with constant-time push and shift. */
class Queue<T> {
  #items: Array<T | undefined> = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }
  push(item: T): void {
    this.#items.push(item);
  }
  shift(): T | undefined {
    if (this.#head === this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
  drain(): T[] {
    const rest = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return rest;
  }
}

/** Node 21+ says which objects it refuses to transfer (its Buffer pool among them); Node 20 cannot. */
const isMarkedAsUntransferable = (workerThreads as { isMarkedAsUntransferable?: (value: unknown) => boolean })
  .isMarkedAsUntransferable;

/** True if `buffer` was transferred away: its memory is gone from this thread for good. */
function isDetached(buffer: ArrayBuffer): boolean {
  if ('detached' in buffer) return (buffer as ArrayBuffer & { detached: boolean }).detached; // Node 22+
  if (buffer.byteLength > 0) return false;
  try {
    new Uint8Array(buffer, 0, 0); // cannot be made on a detached buffer; works on an empty one
    return false;
  } catch {
    return true;
  }
}

const untransferable = (i: number, buffer: ArrayBuffer) =>
  new TypeError(
    `transferList[${i}] cannot be transferred: it is one of Node's shared Buffer pools (${buffer.byteLength} bytes), ` +
      `the memory behind small Buffers such as Buffer.from('abc') or Buffer.allocUnsafe(100), which other Buffers share. ` +
      `Copy the bytes into a buffer of their own first (new Uint8Array(buf), or Buffer.alloc instead of Buffer.allocUnsafe), and transfer that.`,
  );

/**
 * Takes the buffers in `transferList` from the caller now: returns data that owns them, and the
 * list to post it with. Throws, having taken nothing, if a buffer cannot be moved.
 */
function takeOwnership(data: unknown, transferList: readonly TransferListItem[]): { data: unknown; transfer: TransferListItem[] } {
  if (transferList.length === 0) return { data, transfer: [] };
  const sizes: number[] = [];
  transferList.forEach((item, i) => {
    if (typeof SharedArrayBuffer !== 'undefined' && item instanceof SharedArrayBuffer) {
      throw new TypeError(`transferList[${i}] is a SharedArrayBuffer: it is shared with the worker as it is, never transferred. Leave it out of transferList.`);
    }
    if (!(item instanceof ArrayBuffer)) return; // a MessagePort and the like: Node checks those itself
    if (isDetached(item)) {
      throw new TypeError(
        `transferList[${i}] is a detached ArrayBuffer: it was transferred before (to a worker, or by an earlier run()), so there is nothing left to send.`,
      );
    }
    if (isMarkedAsUntransferable?.(item)) throw untransferable(i, item);
    sizes[i] = item.byteLength;
  });
  // structuredClone with a transfer list moves each buffer's memory into the clone, on this thread,
  // without copying it: the caller's views are detached from here on. (Data that is not in the list
  // is copied, as postMessage would copy it.) The list travels inside the clone, so that it comes
  // out naming the moved buffers.
  const owned = structuredClone({ data, transfer: [...transferList] }, { transfer: [...transferList] });
  // Node 20 cannot tell us beforehand about its Buffer pool: it copies such a buffer silently instead
  // of moving it. A buffer that still has its bytes after the move was never moved.
  for (let i = 0; i < transferList.length; i++) {
    const item = transferList[i];
    if (item instanceof ArrayBuffer && sizes[i]! > 0 && item.byteLength > 0) throw untransferable(i, item);
  }
  return owned;
}

export class WorkerPool {
  #workerFile: string | URL;
  #size: number;
  #maxQueue: number;
  #slots = new Set<Slot>();
  #idle: Slot[] = [];
  #queue = new Queue<Task>();
  #nextId = 1;
  #closed = false;
  #destroyed = false;
  #terminating = false;
  #closing: Promise<void> | undefined;
  #whenDrained: (() => void) | undefined;

  constructor(workerFile: string | URL, options: PoolOptions) {
    const size = options?.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    const maxQueue = options.maxQueue ?? Infinity;
    if (maxQueue !== Infinity && !(Number.isInteger(maxQueue) && maxQueue >= 0)) {
      throw new RangeError(`maxQueue must be a whole number of 0 or more, or Infinity, not ${options.maxQueue}.`);
    }
    this.#workerFile = workerFile;
    this.#size = size;
    this.#maxQueue = maxQueue;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /**
   * Runs one task on the next free worker. The ArrayBuffers in `transferList` are taken now: the
   * caller's views on them are detached when run() returns, whether the task runs at once or waits.
   */
  run(data: unknown, options: RunOptions = {}): Promise<unknown> {
    // Every refusal comes before anything is taken: a refused caller keeps its buffers.
    if (this.#closed) return Promise.reject(new PoolClosedError(this.#destroyed ? 'destroyed' : 'closing'));
    if (this.#idle.length === 0 && this.#queue.length >= this.#maxQueue) {
      return Promise.reject(new QueueFullError(this.#maxQueue, this.#size));
    }
    let owned: { data: unknown; transfer: TransferListItem[] };
    try {
      owned = takeOwnership(data, options.transferList ?? []);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, data: owned.data, transfer: owned.transfer, resolve, reject });
      this.#dispatch();
    });
  }

  /** Takes no new tasks, finishes the queued and running ones, then ends every worker. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#closing = new Promise<void>((resolve) => {
      this.#whenDrained = resolve;
      this.#checkDrained();
    }).then(() => this.#terminateAll());
    return this.#closing;
  }

  /** Rejects every queued and running task and ends every worker now. */
  destroy(): Promise<void> {
    this.#closed = true;
    this.#destroyed = true;
    const destroyed = new PoolDestroyedError();
    for (const task of this.#queue.drain()) task.reject(destroyed);
    for (const slot of this.#slots) {
      const task = slot.task;
      slot.task = undefined;
      task?.reject(destroyed);
    }
    const ended = this.#terminateAll();
    this.#checkDrained();
    return ended;
  }

  #terminateAll(): Promise<void> {
    this.#terminating = true;
    this.#idle = [];
    return Promise.all([...this.#slots].map((slot) => slot.worker.terminate())).then(() => {});
  }

  /** While closing: once nothing is queued or running, close() can end the workers. */
  #checkDrained(): void {
    if (!this.#whenDrained || this.#queue.length > 0) return;
    for (const slot of this.#slots) if (slot.task) return;
    const resolve = this.#whenDrained;
    this.#whenDrained = undefined;
    resolve();
  }

  #spawn(): void {
    const worker = new Worker(this.#workerFile);
    const slot: Slot = { worker, task: undefined, dying: false };
    this.#slots.add(slot);
    this.#idle.push(slot);

    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      slot.task = undefined;
      if (reply.error) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result); // what the worker transferred back is ours now: no copy
      if (!slot.dying) this.#idle.push(slot);
      this.#dispatch();
      this.#checkDrained();
    });

    // An uncaught exception: reject the task with the worker's own error; 'exit' follows and
    // replaces the worker. The buffers the task carried died with the worker.
    worker.on('error', (error: unknown) => {
      slot.dying = true;
      this.#forget(slot);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(error instanceof Error ? error : new Error(String(error)));
    });

    worker.on('exit', (code: number) => {
      this.#slots.delete(slot);
      this.#forget(slot);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(new Error(`The worker exited with code ${code} while running this task; the buffers it was given are gone with it.`));
      // One death, one replacement: unless the pool is ending its workers, or closing with nothing left to run.
      if (!this.#terminating && (!this.#closed || this.#queue.length > 0)) this.#spawn();
      this.#dispatch();
      this.#checkDrained();
    });
  }

  #forget(slot: Slot): void {
    const at = this.#idle.indexOf(slot);
    if (at !== -1) this.#idle.splice(at, 1);
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const slot = this.#idle.pop()!;
      const task = this.#queue.shift()!;
      try {
        // The buffers in task.transfer are the pool's own since run(): moving them now is safe.
        slot.worker.postMessage({ id: task.id, data: task.data }, task.transfer);
      } catch (error) {
        // Data postMessage cannot clone (a detached view not in the transferList, a function...):
        // this task fails, the worker never saw it and stays free.
        this.#idle.push(slot);
        task.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      slot.task = task;
    }
  }
}
