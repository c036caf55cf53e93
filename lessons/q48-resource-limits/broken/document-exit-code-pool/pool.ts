// Document 003, Q48, "Alternative: Use worker.resourceLimits": each worker is started with
// resourceLimits, and its 'exit' handler decides that exit code 1 means "Worker terminated due to
// resource limits". That is the document's code for one worker; Q48 has no pool, so it is placed
// in the smallest pool that can use it (a FIFO queue, task ids: the lesson why-pools' pool).
// Adapted:
//   - the limits are the pool's resourceLimits option, not the document's hard-coded ones
//     (512 MB of old generation would make every check allocate half a gigabyte);
//   - the document's exit handler only logs; here it also rejects the task that worker held, with
//     the document's words as the message, and starts a new worker in its place (what a pool
//     needs; without it the pool would shrink with every loss).
// Kept from the document: the exit-code test, and no 'error' listener.
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface PoolOptions {
  size: number;
  resourceLimits?: ResourceLimits;
}

interface Task {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
}

export class WorkerPool {
  private readonly workers = new Set<Worker>();
  private idle: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private nextId = 1;
  private closed = false;

  private readonly workerFile: string | URL;
  private readonly options: PoolOptions;

  constructor(workerFile: string | URL, options: PoolOptions) {
    this.workerFile = workerFile;
    this.options = options;
    for (let i = 0; i < options.size; i++) this.startWorker();
  }

  run(data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, data, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new Error('The pool was closed.');
    for (const task of this.queue.splice(0)) task.reject(error);
    for (const task of this.running.values()) task.reject(error);
    this.running.clear();
    await Promise.all([...this.workers].map((w) => w.terminate()));
  }

  private startWorker(): void {
    const worker = new Worker(this.workerFile, {
      resourceLimits: this.options.resourceLimits,
    });
    this.workers.add(worker);
    this.idle.push(worker);
    worker.on('message', (reply: { id?: number; result?: unknown; error?: { message: string } }) => {
      const task = this.running.get(worker);
      if (!task || reply?.id !== task.id) return;
      this.running.delete(worker);
      this.idle.push(worker);
      if (reply.error) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result);
      this.dispatch();
    });

    // Worker exceeding limits will be terminated automatically
    worker.on('exit', (code) => {
      if (code === 1) {
        console.error('Worker terminated due to resource limits');
      }
      // The pool's part: reject the lost task, replace the worker.
      const task = this.running.get(worker);
      this.running.delete(worker);
      task?.reject(new Error(code === 1 ? 'Worker terminated due to resource limits' : `Worker exited with code ${code}`));
      this.workers.delete(worker);
      this.idle = this.idle.filter((w) => w !== worker);
      if (!this.closed) {
        this.startWorker();
        this.dispatch();
      }
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.postMessage({ id: task.id, data: task.data });
    }
  }
}
