// Reference solution: a worker pool that shuts down two ways. Read lessons/graceful-close/README.md
// for the why of each rule.
//
// close(), graceful:
// - refuses new work at once: run() rejects with a PoolClosedError (code 'ERR_POOL_CLOSED');
// - lets every task already accepted finish, queued ones included;
// - ends each worker as soon as it has nothing left to do, and resolves once every worker has
//   exited. No timer, no polling: the pool already hears about every finished task and every
//   exited worker, and that is when it checks whether it is done;
// - a worker that dies during close() still settles its task (rejected, as always); it is replaced
//   only if tasks still wait for a worker, so that they can finish;
// - called twice, it returns the same promise.
// destroy(), now:
// - rejects every queued and running task at once with a PoolDestroyedError
//   (code 'ERR_POOL_DESTROYED'), terminates every worker, and resolves once they have exited;
// - wins over a close() in progress, and settles that close() too.
// Carried forward: the queue lesson's ring buffer, backpressure's maxQueue and QueueFullError, task
// ids, crash recovery (the task a dead worker held is rejected, exactly one replacement, in 'exit').
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive, crashes or not, until it shuts down. */
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
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

/** One worker and what the pool knows about it. */
interface Slot {
  worker: Worker;
  /** The task this worker holds, if any. */
  task: Task | undefined;
  /** The worker is on its way out (it threw, or the pool ended it): it gets no more tasks. */
  leaving: boolean;
  /** The pool ended it with terminate(): its exit is no crash, and nobody replaces it. */
  ended: boolean;
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
  /** 'open' until close() or destroy(); then no new task is accepted. */
  #state: 'open' | 'closing' | 'destroyed' = 'open';
  /** What close() and destroy() return: resolves once every worker has exited. */
  #shutDown: Promise<void> | undefined;
  #markShutDown: () => void = () => {};

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
   * Runs one task on the next free worker and resolves with its result. Refused at once with a
   * QueueFullError when the pool is full, and with a PoolClosedError once it is shutting down.
   */
  run(data: unknown): Promise<unknown> {
    if (this.#state !== 'open') return Promise.reject(new PoolClosedError(this.#state));
    if (this.#idle.length === 0 && this.#queue.length >= this.#maxQueue) {
      return Promise.reject(new QueueFullError(this.#maxQueue, this.#size));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, data, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Graceful shutdown: takes no new task, lets every accepted task finish, then ends the workers.
   * Resolves once every worker has exited. Calling it again returns the same promise.
   */
  close(): Promise<void> {
    if (this.#state === 'open') {
      this.#state = 'closing';
      this.#shutDown = new Promise((resolve) => (this.#markShutDown = resolve));
      this.#retireIdleWorkers();
      this.#settleIfDone();
    }
    return this.#shutDown!;
  }

  /**
   * Immediate shutdown: rejects every queued and running task with a PoolDestroyedError and
   * terminates every worker now. Resolves once every worker has exited. Wins over a close() in
   * progress, whose promise resolves at the same moment.
   */
  destroy(): Promise<void> {
    if (this.#state === 'destroyed') return this.#shutDown!;
    this.#state = 'destroyed';
    this.#shutDown ??= new Promise((resolve) => (this.#markShutDown = resolve));
    const destroyed = new PoolDestroyedError();
    for (let task = this.#queue.shift(); task; task = this.#queue.shift()) task.reject(destroyed);
    for (const slot of this.#slots) {
      const task = slot.task;
      slot.task = undefined;
      task?.reject(destroyed);
      this.#end(slot);
    }
    this.#settleIfDone();
    return this.#shutDown;
  }

  #spawn(): void {
    const worker = new Worker(this.#workerFile);
    const slot: Slot = { worker, task: undefined, leaving: false, ended: false };
    this.#slots.add(slot);
    this.#idle.push(slot);

    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      // Anything that is not the answer to the task this worker holds settles nothing.
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      slot.task = undefined;
      if (reply.error) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result);
      if (!slot.leaving) this.#idle.push(slot);
      this.#dispatch();
      if (this.#state === 'closing') this.#retireIdleWorkers();
    });

    // An uncaught exception: 'exit' follows. Reject the task with the worker's own error now, and
    // leave the rest to 'exit', so that one death starts at most one replacement.
    worker.on('error', (error: unknown) => {
      slot.leaving = true;
      this.#forget(slot);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(error instanceof Error ? error : new Error(String(error)));
    });

    // Every ending emits exactly one 'exit', whatever the code: 0 is not "finished the task". This
    // is also how the pool learns that a worker it ended itself has gone.
    worker.on('exit', (code: number) => {
      this.#slots.delete(slot);
      this.#forget(slot);
      const task = slot.task;
      slot.task = undefined;
      task?.reject(new Error(`The worker exited with code ${code} while running this task.`));
      // A worker that died on its own is replaced while the pool is open, and while it is closing
      // only if tasks still wait for a worker (they were accepted, so they must run). A worker the
      // pool ended itself is not replaced, and nothing is once the pool is destroyed.
      const needed = this.#state === 'open' || (this.#state === 'closing' && this.#queue.length > 0);
      if (!slot.ended && needed) {
        this.#spawn();
        this.#dispatch();
      }
      if (this.#state === 'closing') this.#retireIdleWorkers();
      this.#settleIfDone();
    });
  }

  /** While closing, a worker with nothing to do and nothing left in the queue can go now. */
  #retireIdleWorkers(): void {
    if (this.#queue.length > 0) return;
    for (const slot of [...this.#idle]) this.#end(slot);
  }

  /** Ends one worker on the pool's own initiative. Its 'exit' does the bookkeeping. */
  #end(slot: Slot): void {
    if (slot.ended) return;
    slot.ended = true;
    slot.leaving = true;
    this.#forget(slot);
    void slot.worker.terminate();
  }

  /** Once shutting down and every worker has exited, close() and destroy() resolve. */
  #settleIfDone(): void {
    if (this.#state !== 'open' && this.#slots.size === 0) this.#markShutDown();
  }

  /** Takes a slot off the idle list, so that no task is ever handed to a worker that is going. */
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
