// Reference solution: a fixed-size worker pool that survives its workers dying.
// Read lessons/crash-recovery/README.md for the why of each rule.
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive, crashes or not, until close(). */
  size: number;
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

/** A FIFO queue with constant-time push and shift (Array#shift copies the whole array). */
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
    // Drop the consumed front now and then, so the array does not grow forever.
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }
  /** Removes and returns everything still queued. */
  drain(): T[] {
    const rest = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return rest;
  }
}

export class WorkerPool {
  #workerFile: string | URL;
  #size: number;
  #slots = new Set<Slot>();
  #idle: Slot[] = [];
  #queue = new Queue<Task>();
  #nextId = 1;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(workerFile: string | URL, options: PoolOptions) {
    const size = options?.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    this.#workerFile = workerFile;
    this.#size = size;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /** Runs one task on the next free worker and resolves with its result. */
  run(data: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('The pool is closed.'));
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
    for (const task of this.#queue.drain()) task.reject(closed);
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

    // An uncaught exception: the worker is already on its way out and 'exit' follows. Reject its
    // task with the worker's own error now, and leave the replacement to 'exit', so that one death
    // starts one replacement.
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
