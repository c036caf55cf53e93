// Document 003, Q48, "Monitor worker memory": createMonitoredWorker() asks each worker for its heap
// statistics every 5 seconds, and terminates a worker whose heap passes 500 MB. The document
// presents this first, with resourceLimits only as an "Alternative". createMonitoredWorker is the
// document's, as given (with types); the worker side (answering 'memory-check') is in the
// lesson's fixture, as the document's worker.js. Q48 has no pool, so the monitored workers are
// placed in the smallest pool that can use them (a FIFO queue, task ids: the lesson why-pools'
// pool). Adapted:
//   - the pool starts its workers with createMonitoredWorker(workerFile), as the document's
//     monitoring approach does: without resourceLimits (the pool's resourceLimits option is ignored);
//   - when a worker exits, the pool rejects the task it held and starts a new worker in its place
//     (what a pool needs; the document's exit handler only clears the interval).
import { Worker, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';

export interface PoolOptions {
  size: number;
  resourceLimits?: ResourceLimits;
}

// Monitor worker memory
function createMonitoredWorker(workerPath: string | URL, options: WorkerOptions = {}): Worker {
  const worker = new Worker(workerPath, options);

  const memoryCheckInterval = setInterval(() => {
    worker.postMessage({ type: 'memory-check' });
  }, 5000);

  worker.on('message', (msg: { type?: string; heapUsed: number }) => {
    if (msg.type === 'memory-stats') {
      const heapUsedMB = msg.heapUsed / 1024 / 1024;
      console.log(`Worker memory: ${heapUsedMB.toFixed(2)}MB`);

      // Kill worker if memory exceeds threshold
      if (heapUsedMB > 500) {
        console.error('Worker exceeded memory limit, terminating');
        clearInterval(memoryCheckInterval);
        void worker.terminate();
      }
    }
  });

  worker.on('exit', () => {
    clearInterval(memoryCheckInterval);
  });

  return worker;
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

  constructor(workerFile: string | URL, options: PoolOptions) {
    this.workerFile = workerFile;
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
    const worker = createMonitoredWorker(this.workerFile);
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
    worker.on('error', (error) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      task?.reject(error);
    });
    worker.on('exit', (code) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      task?.reject(new Error(`Worker exited with code ${code}`));
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
