// Document 002, section 4 ("Worker Pool Implementation (From Scratch)"), as TypeScript.
// Adapted only where the lesson's API needs it, the logic is the document's:
//   - constructor(workerPath, size) became constructor(workerFile, { size });
//   - runTask(data) is called run(data);
//   - the document has no way to shut the pool down; close() is added so the checks can.
import { Worker } from 'node:worker_threads';
import os from 'node:os';

type Task = { taskId: number; data: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };
type PoolWorker = Worker & { currentTask: Task | null };

export class WorkerPool {
  workerPath: string | URL;
  size: number;
  workers: PoolWorker[] = [];
  freeWorkers: PoolWorker[] = [];
  queue: Task[] = [];
  taskId = 0;

  constructor(workerPath: string | URL, { size = os.cpus().length }: { size: number }) {
    this.workerPath = workerPath;
    this.size = size;
    for (let i = 0; i < size; i++) {
      this.createWorker();
    }
  }

  createWorker() {
    const worker = new Worker(this.workerPath) as PoolWorker;

    worker.on('message', (msg) => {
      worker.currentTask!.resolve(msg.result);
      worker.currentTask = null;
      this.freeWorkers.push(worker);
      this.runNext();
    });

    worker.on('error', (err) => {
      worker.currentTask!.reject(err);
    });

    this.workers.push(worker);
    this.freeWorkers.push(worker);
  }

  run(data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const task = {
        taskId: ++this.taskId,
        data,
        resolve,
        reject,
      };

      this.queue.push(task);
      this.runNext();
    });
  }

  runNext() {
    if (this.queue.length === 0) return;
    if (this.freeWorkers.length === 0) return;

    const worker = this.freeWorkers.pop()!;
    const task = this.queue.shift()!;

    worker.currentTask = task;
    // The lesson's workers read { id, data }; the document sends { taskId, data }.
    worker.postMessage({
      id: task.taskId,
      taskId: task.taskId,
      data: task.data,
    });
  }

  async close() {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
