// Exercise: give the pool a bounded queue. Read lessons/backpressure/README.md first.
// Check your work with: npm run check -- backpressure
//
// This is the pool so far: the queue lesson's ring buffer (queue-data-structure), task ids, crash
// recovery (the task a dead worker held is rejected, exactly one replacement) and close(). It takes
// every task it is given, however many already wait. Your job, in three TODOs below:
//   1. the constructor: read options.maxQueue (Infinity when left out) and refuse an invalid one;
//   2. run(): refuse a task, at once, when every worker is busy and maxQueue tasks already wait;
//   3. refuse it with a QueueFullError, so a caller can tell "too busy" from "the task failed".
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
  /** What callers test: `error.code === 'ERR_QUEUE_FULL'` (the way Node's own errors carry a code). */
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
  /** How many tasks may wait for a worker. */
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
    // TODO 1: read options.maxQueue: Infinity when it is left out. Refuse (throw, before any worker
    // starts) anything that is not a whole number of at least 0 or Infinity: -1, 1.5, NaN, '10'.
    // NaN matters: `maxQueue: Number(process.env.MAX_QUEUE)` is NaN when the variable is unset.
    this.#workerFile = workerFile;
    this.#size = size;
    this.#maxQueue = Infinity;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /**
   * Runs one task on the next free worker and resolves with its result. If every worker is busy and
   * maxQueue tasks already wait, the task is refused at once with a QueueFullError.
   */
  run(data: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('The pool is closed.'));
    // TODO 2 and 3: if every worker is busy and this.#maxQueue tasks already wait, return a promise
    // that is already rejected with a QueueFullError; the task must not be queued. maxQueue counts
    // waiting tasks only: a pool of `size` workers holds size + maxQueue tasks in all. With maxQueue 0
    // a task is accepted only when a worker is idle. (Which fields tell you "every worker is busy"
    // and "how many wait"?)
    void QueueFullError;
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
