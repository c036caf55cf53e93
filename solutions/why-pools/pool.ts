// A fixed-size worker pool: N workers started once and reused, a FIFO queue, and task ids.
import { Worker } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers to start; they live until close(). */
  size: number;
}

interface Task {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

/** A FIFO queue with O(1) push and shift (Array#shift is O(n) once the array is long). */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Drop the consumed prefix now and then, so the array does not grow forever.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  drain(): T[] {
    const rest = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return rest;
  }
}

export class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly queue = new Queue<Task>();
  /** The task each busy worker holds. A worker's reply may only settle its own task. */
  private readonly running = new Map<Worker, Task>();
  private readonly workers: Worker[] = [];
  private nextId = 1;
  private closed = false;

  constructor(workerFile: string | URL, options: PoolOptions) {
    const { size } = options;
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`Pool size must be a whole number of at least 1; got ${size}.`);
    }
    for (let i = 0; i < size; i++) {
      const worker = new Worker(workerFile);
      worker.on('message', (message: unknown) => this.onMessage(worker, message));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  run(data: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, data, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('The pool was closed before this task finished.');
    for (const task of this.queue.drain()) task.reject(error);
    for (const task of this.running.values()) task.reject(error);
    this.running.clear();
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.postMessage({ id: task.id, data: task.data });
    }
  }

  private onMessage(worker: Worker, message: unknown): void {
    const task = this.running.get(worker);
    const reply = message as Reply | null;
    // Anything that is not the answer to this worker's own task is ignored.
    if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
    this.running.delete(worker);
    this.idle.push(worker);
    if (reply.error) task.reject(new Error(reply.error.message));
    else task.resolve(reply.result);
    this.dispatch();
  }
}
