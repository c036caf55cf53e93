// Reference solution: a fixed-size worker pool with a bounded queue. Read
// lessons/backpressure/README.md for the why of each rule.
//
// The rules it adds:
// - maxQueue bounds the tasks that WAIT for a worker, not the ones running: a pool of `size`
//   workers holds at most size + maxQueue tasks. Infinity (the default) means no bound; 0 means no
//   waiting at all: a task is accepted only when a worker is idle.
// - run() on a full pool returns a promise that is already rejected, with a QueueFullError
//   (code 'ERR_QUEUE_FULL'), so a caller can tell "too busy, try later" from a task that failed.
//   The refused task never reaches a worker.
// - An invalid maxQueue (negative, fractional, NaN, not a number) is refused by the constructor,
//   before any worker starts.
// Carried forward: the ring-buffer queue (queue-data-structure), task ids, crash recovery (the task a dead
// worker held is rejected, exactly one replacement, in 'exit'), close().
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive, crashes or not, until close(). */
  size: number;
  /**
   * How many tasks may wait for a worker. run() refuses more with a QueueFullError.
   * Infinity (the default): no bound. 0: no waiting at all.
   */
  maxQueue?: number;
}

/** run() refused a task: every worker was busy and maxQueue tasks were already waiting. */
export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL';
  constructor(maxQueue: number, size: number) {
    const busy = size === 1 ? 'its worker is busy' : `all ${size} of its workers are busy`;
    const waiting = maxQueue === 0 ? 'no task may wait (maxQueue: 0)' : `${maxQueue} ${maxQueue === 1 ? 'task waits' : 'tasks wait'} already (maxQueue: ${maxQueue})`;
    super(`The pool is full: ${busy} and ${waiting}. The task was not queued; try again later.`);
    this.name = 'QueueFullError';
  }
}

interface Task {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

/** One worker and what the pool knows about it. */
interface Slot {
  worker: Worker;
  /** The task this worker holds, if any. */
  task: Task | undefined;
  /** Set by 'error': the worker is going down, its 'exit' is on the way. It gets no more tasks. */
  dying: boolean;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

/** The queue lesson's queue (queue-data-structure): a ring buffer, constant-time at any length. */
class Queue<T> {
  #slots: Array<T | undefined> = new Array(16);
  #mask = 15;
  #head = 0;
  #length = 0;

  get length(): number {
    return this.#length;
  }
  push(item: T): void {
    if (this.#length === this.#slots.length) this.#resize(this.#slots.length * 2);
    this.#slots[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head];
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    if (this.#slots.length > 16 && this.#length <= this.#slots.length >>> 2) this.#resize(this.#slots.length >>> 1);
    return item;
  }
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#slots[(this.#head + i) & this.#mask] as T;
  }
  #resize(capacity: number): void {
    const next: Array<T | undefined> = new Array(capacity);
    for (let i = 0; i < this.#length; i++) next[i] = this.#slots[(this.#head + i) & this.#mask];
    this.#slots = next;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
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
  #closing: Promise<void> | undefined;

  constructor(workerFile: string | URL, options: PoolOptions) {
    const size = options?.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    const maxQueue = options.maxQueue ?? Infinity;
    if (maxQueue !== Infinity && !(Number.isInteger(maxQueue) && maxQueue >= 0)) {
      throw new RangeError(`maxQueue must be a whole number of at least 0, or Infinity, not ${typeof maxQueue === 'string' ? `'${maxQueue}'` : maxQueue}.`);
    }
    this.#workerFile = workerFile;
    this.#size = size;
    this.#maxQueue = maxQueue;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /**
   * Runs one task on the next free worker and resolves with its result. If every worker is busy and
   * maxQueue tasks already wait, the task is refused at once with a QueueFullError.
   */
  run(data: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('The pool is closed.'));
    // Tasks only wait when no worker is idle (dispatch() hands them out at once otherwise), so an
    // idle worker always means room, even with maxQueue 0.
    if (this.#idle.length === 0 && this.#queue.length >= this.#maxQueue) {
      return Promise.reject(new QueueFullError(this.#maxQueue, this.#size));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, data, resolve, reject });
      this.#dispatch();
    });
  }

  /** Ends every worker; tasks still queued or running are rejected. Starts no worker. */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    const closed = new Error('The pool was closed before this task finished.');
    for (let task = this.#queue.shift(); task; task = this.#queue.shift()) task.reject(closed);
    for (const slot of this.#slots) {
      const task = slot.task;
      slot.task = undefined;
      task?.reject(closed);
    }
    this.#idle = [];
    this.#closing = Promise.all([...this.#slots].map((slot) => slot.worker.terminate())).then(() => {});
    return this.#closing;
  }

  #spawn(): void {
    const worker = new Worker(this.#workerFile);
    const slot: Slot = { worker, task: undefined, dying: false };
    this.#slots.add(slot);
    this.#idle.push(slot);

    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      // Anything that is not the answer to the task this worker holds settles nothing.
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      slot.task = undefined;
      if (reply.error) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result);
      if (!slot.dying) this.#idle.push(slot);
      this.#dispatch();
    });

    // An uncaught exception: 'exit' follows. Reject the task with the worker's own error now, and
    // leave the replacement to 'exit', so that one death starts one replacement.
    worker.on('error', (error: unknown) => {
      slot.dying = true;
      this.#forget(slot);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(error instanceof Error ? error : new Error(String(error)));
    });

    // Every ending emits exactly one 'exit', whatever the code: 0 is not "finished the task".
    worker.on('exit', (code: number) => {
      this.#slots.delete(slot);
      this.#forget(slot);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(new Error(`The worker exited with code ${code} while running this task.`));
      if (this.#closed) return;
      this.#spawn();
      this.#dispatch();
    });
  }

  /** Takes a slot off the idle list, so that no task is ever handed to a dead worker. */
  #forget(slot: Slot): void {
    const at = this.#idle.indexOf(slot);
    if (at !== -1) this.#idle.splice(at, 1);
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const slot = this.#idle.pop()!;
      const task = this.#queue.shift()!;
      slot.task = task;
      slot.worker.postMessage({ id: task.id, data: task.data });
    }
  }
}
