// A fixed-size pool whose workers run under resourceLimits. A worker that runs out of memory is
// stopped by Node; its task is rejected with Node's error (code ERR_WORKER_OUT_OF_MEMORY), and the
// pool starts exactly one new worker in its place, with the same limits.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers to run at all times. */
  size: number;
  /** Limits for every worker, replacements included. */
  resourceLimits?: ResourceLimits;
}

interface Task {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

type Reply = { id?: unknown; result?: unknown; error?: { message?: string } };

export class WorkerPool {
  private readonly workerFile: string | URL;
  private readonly resourceLimits: ResourceLimits | undefined;
  private readonly workers = new Set<Worker>();
  private idle: Worker[] = [];
  private queue: Task[] = [];
  private queueHead = 0;
  /** The task each busy worker holds. */
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;
  private closed = false;

  constructor(workerFile: string | URL, options: PoolOptions) {
    const { size } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Pool size must be a whole number of at least 1; got ${size}.`);
    this.workerFile = workerFile;
    this.resourceLimits = options.resourceLimits;
    for (let i = 0; i < size; i++) this.startWorker();
  }

  run(data: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The pool is closed.'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, data, resolve, reject });
      this.dispatch();
    });
  }

  /** Rejects the tasks that have not finished and ends every worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('The pool was closed before this task finished.');
    for (const task of this.queue.slice(this.queueHead)) task.reject(error);
    this.queue = [];
    this.queueHead = 0;
    for (const task of this.running.values()) task.reject(error);
    this.running.clear();
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }

  private startWorker(): void {
    const worker = new Worker(this.workerFile, { resourceLimits: this.resourceLimits });
    this.workers.add(worker);
    this.idle.push(worker);
    worker.on('message', (message: unknown) => this.onMessage(worker, message));
    // 'error' comes first, with the reason: for a worker stopped at its memory limit, an Error whose
    // code is ERR_WORKER_OUT_OF_MEMORY. Reject the task with it, as it is.
    worker.on('error', (error) => this.failTask(worker, error));
    // 'exit' always follows. Only now is the old thread gone: start its replacement here, so the
    // pool never runs more than `size` workers.
    worker.on('exit', (code) => {
      this.failTask(worker, new Error(`The worker stopped (exit code ${code}) before finishing this task.`));
      this.workers.delete(worker);
      this.idle = this.idle.filter((w) => w !== worker);
      if (this.closed) return;
      this.startWorker();
      this.dispatch();
    });
  }

  private failTask(worker: Worker, error: Error): void {
    const task = this.running.get(worker);
    if (!task) return;
    this.running.delete(worker);
    task.reject(error);
  }

  private onMessage(worker: Worker, message: unknown): void {
    const task = this.running.get(worker);
    if (!task || typeof message !== 'object' || message === null) return;
    const reply = message as Reply;
    if (reply.id !== task.id) return; // not an answer to the task this worker holds
    this.running.delete(worker);
    this.idle.push(worker);
    if (reply.error !== undefined) task.reject(new Error(reply.error.message ?? 'The task failed.'));
    else task.resolve(reply.result);
    this.dispatch();
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queueHead < this.queue.length) {
      const worker = this.idle.shift()!;
      const task = this.queue[this.queueHead++]!;
      this.running.set(worker, task);
      worker.postMessage({ id: task.id, data: task.data });
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
  }
}
