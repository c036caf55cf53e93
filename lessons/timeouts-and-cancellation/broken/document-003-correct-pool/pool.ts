// Document 003, Q43: the "Correct Worker Pool Implementation", as runnable TypeScript.
//
// Adapted to the lesson's API, and nothing more:
//   - constructor(workerPath, size) became constructor(workerFile, { size, taskTimeout });
//   - run(data, { timeout }) calls the document's execute(data, timeout). The document has no
//     pool-wide default; taskTimeout, when given, stands in for execute's default of 30000;
//   - the document posts the bare data and resolves with the bare reply; here processQueue posts
//     { id, data } (a counter for the id) and the 'message' handler resolves with reply.result
//     (rejects with reply.error.message), without looking at the id;
//   - close() and destroy() both call the document's terminate(). The document has no
//     AbortSignal: `signal` is ignored.
// Everything else is the document's, line for line: the timeout is set in execute() and cleared in
// processQueue() the moment the task leaves the queue.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';

interface Task {
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  timeoutId: NodeJS.Timeout | null;
}
type PoolWorker = Worker & { currentTask?: Task | null };
type Reply = { id?: number; result?: unknown; error?: { message: string } } | null;

export class WorkerPool extends EventEmitter {
  workerPath: string | URL;
  size: number;
  defaultTimeout: number;
  workers: PoolWorker[];
  freeWorkers: PoolWorker[];
  taskQueue: Task[];
  nextId = 1;

  constructor(workerPath: string | URL, { size = 4, taskTimeout }: { size: number; taskTimeout?: number }) {
    super();
    this.workerPath = workerPath;
    this.size = size;
    this.defaultTimeout = taskTimeout ?? 30000;
    this.workers = [];
    this.freeWorkers = [];
    this.taskQueue = [];

    for (let i = 0; i < size; i++) {
      this.createWorker();
    }
  }

  createWorker(): void {
    const worker: PoolWorker = new Worker(this.workerPath);

    worker.on('message', (result: Reply) => {
      const task = worker.currentTask;
      if (task) {
        if (result?.error) task.reject(new Error(result.error.message));
        else task.resolve(result?.result);
        worker.currentTask = null;
        this.freeWorkers.push(worker);
        this.processQueue();
      }
    });

    worker.on('error', (err) => {
      const task = worker.currentTask;
      if (task) {
        task.reject(err);
        worker.currentTask = null;
      }

      // Replace failed worker
      const index = this.workers.indexOf(worker);
      if (index !== -1) {
        this.workers.splice(index, 1);
        this.createWorker();
      }
    });

    worker.on('exit', (code) => {
      if (code !== 0) {
        console.error(`Worker stopped with exit code ${code}`);
      }

      const index = this.workers.indexOf(worker);
      if (index !== -1) {
        this.workers.splice(index, 1);
      }
    });

    this.workers.push(worker);
    this.freeWorkers.push(worker);
  }

  run(data: unknown, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    return this.execute(data, options.timeout ?? this.defaultTimeout);
  }

  async execute(data: unknown, timeout = 30000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const task: Task = {
        data,
        resolve,
        reject,
        timeoutId: null,
      };

      // Set timeout
      task.timeoutId = setTimeout(() => {
        const index = this.taskQueue.indexOf(task);
        if (index !== -1) {
          this.taskQueue.splice(index, 1);
          reject(new Error('Task timeout'));
        }
      }, timeout);

      this.taskQueue.push(task);
      this.processQueue();
    });
  }

  processQueue(): void {
    while (this.taskQueue.length > 0 && this.freeWorkers.length > 0) {
      const task = this.taskQueue.shift()!;
      const worker = this.freeWorkers.shift()!;

      clearTimeout(task.timeoutId ?? undefined);

      worker.currentTask = task;
      worker.postMessage({ id: this.nextId++, data: task.data });
    }
  }

  async terminate(): Promise<void> {
    const promises = this.workers.map((worker) => worker.terminate());
    await Promise.all(promises);
    this.workers = [];
    this.freeWorkers = [];
  }

  close(): Promise<void> {
    return this.terminate();
  }

  destroy(): Promise<void> {
    return this.terminate();
  }

  getStats(): { totalWorkers: number; freeWorkers: number; queuedTasks: number } {
    return {
      totalWorkers: this.workers.length,
      freeWorkers: this.freeWorkers.length,
      queuedTasks: this.taskQueue.length,
    };
  }
}
