// Exercise: make a working pool survive its workers dying. Read lessons/crash-recovery/README.md first.
// Check your work with: npm run check -- crash-recovery
//
// What is here already works: a FIFO queue, task ids, an idle list, close(). Run the checks now and
// the ones about answers and close() pass. What is missing is everything that happens when a worker
// dies. Look for the TODOs in #spawn().
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

/** One worker and the task it holds, if any. */
interface Slot {
  worker: Worker;
  task: Task | undefined;
}

/*
 * The protocol between the pool and its workers:
 *   pool -> worker   { id: number, data: unknown }
 *   worker -> pool   { id, result: unknown }            the task succeeded
 *                    { id, error: { message: string } } the task failed, the worker lives on
 * A worker can also die, and then it sends nothing at all. It can:
 *   - throw an uncaught exception:  'error' (with the Error), then 'exit' with code 1
 *   - call process.exit(code):      only 'exit' with that code, 0 included
 *   - be ended by worker.terminate(): only 'exit' with code 1
 * ...while it holds a task, or while it sits idle.
 */
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

  /** Ends every worker; tasks still queued or running are rejected. */
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
    const slot: Slot = { worker, task: undefined };
    this.#slots.add(slot);
    this.#idle.push(slot);

    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      // Anything that is not the answer to the task this worker holds settles nothing.
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      slot.task = undefined;
      if (reply.error) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result);
      this.#idle.push(slot);
      this.#dispatch();
    });

    worker.on('error', (error: Error) => {
      // TODO: the worker threw an uncaught exception and is going down; 'exit' follows.
      //  - reject the task it holds (if any) with this error,
      //  - make sure no task is handed to this worker from now on.
      // Do not start a replacement here AND in 'exit': one death, one replacement.
      void error;
    });

    worker.on('exit', (code: number) => {
      // TODO: the worker is gone, whatever the code (0 too: it never answered its task).
      //  - forget it: out of the pool's workers and off the idle list,
      //  - reject the task it still holds (if any) with a message that names the exit code,
      //  - unless the pool is closed, start exactly one replacement and dispatch queued tasks to it.
      void code;
    });
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
