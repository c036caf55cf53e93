// The "Correct Worker Pool Implementation" from document 003, Q43, as runnable TypeScript. Only
// the types are new; the logic is the document's, line for line. The experiments correct-pool-*
// of this lesson show what still breaks: a running task never times out; a task whose worker exits
// is never settled and the worker is not replaced; after a worker throws, the queue stalls until the
// next execute(); a worker that exits while idle stays on the free list; terminate() settles nothing.
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';

interface Task {
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  timeoutId: NodeJS.Timeout | null;
}

// The document stores the running task on the Worker object itself.
type PoolWorker = Worker & { currentTask?: Task | null };

export class WorkerPool extends EventEmitter {
  workerPath: string | URL;
  size: number;
  workers: PoolWorker[];
  freeWorkers: PoolWorker[];
  taskQueue: Task[];

  constructor(workerPath: string | URL, size = 4) {
    super();
    this.workerPath = workerPath;
    this.size = size;
    this.workers = [];
    this.freeWorkers = [];
    this.taskQueue = [];

    for (let i = 0; i < size; i++) {
      this.createWorker();
    }
  }

  createWorker(): void {
    const worker: PoolWorker = new Worker(this.workerPath);

    worker.on('message', (result) => {
      const task = worker.currentTask;
      if (task) {
        task.resolve(result);
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
      worker.postMessage(task.data);
    }
  }

  async terminate(): Promise<void> {
    const promises = this.workers.map((worker) => worker.terminate());
    await Promise.all(promises);
    this.workers = [];
    this.freeWorkers = [];
  }

  getStats(): { totalWorkers: number; freeWorkers: number; queuedTasks: number } {
    return {
      totalWorkers: this.workers.length,
      freeWorkers: this.freeWorkers.length,
      queuedTasks: this.taskQueue.length,
    };
  }
}
