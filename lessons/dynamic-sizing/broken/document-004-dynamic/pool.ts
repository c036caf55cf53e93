// Document 004: "Pool Sizing Strategies, Strategy 3: Dynamic Sizing" (DynamicWorkerPool), on top of
// its "Complete Worker Pool Implementation", as runnable TypeScript. addWorker() and
// removeWorker() are empty, exactly as in the document.
//
// Adapted to the lesson's API, and nothing more:
//   - new WorkerPool(file, { minSize, maxSize }) is the document's
//     new DynamicWorkerPool(workerScript, minSize = 2, maxSize = 8); { size } means minSize = maxSize
//     = size. The document has no idle timeout: idleTimeout is ignored;
//   - run(data) calls the document's execute(data);
//   - the document posts the bare data and resolves with the bare reply; here it posts { id, data }
//     and resolves with reply.result (rejects with reply.error.message), without looking at the id;
//   - close() and destroy() call the document's terminate(). The document has no timeouts here:
//     `timeout` is ignored.
// Everything else is the document's, line for line.
import { Worker } from 'node:worker_threads';

type Task = { id: number; data: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void; timestamp: number };
type WorkerInfo = { id: number; worker: Worker; busy: boolean; currentTask: Task | null; tasksCompleted: number };
type Reply = { id?: number; result?: unknown; error?: { message: string } } | null;

// "Complete Worker Pool Implementation"
class DocumentWorkerPool {
  workerScript: string | URL;
  poolSize: number;
  workers: WorkerInfo[] = [];
  taskQueue: Task[] = [];
  nextTaskId = 0;
  stats = { tasksCompleted: 0, tasksErrored: 0, totalProcessingTime: 0 };

  constructor(workerScript: string | URL, poolSize = 4) {
    this.workerScript = workerScript;
    this.poolSize = poolSize;
    this.createPool();
  }

  createPool() {
    for (let i = 0; i < this.poolSize; i++) {
      const workerInfo: WorkerInfo = {
        id: i,
        worker: new Worker(this.workerScript),
        busy: false,
        currentTask: null,
        tasksCompleted: 0,
      };

      workerInfo.worker.on('message', (result) => {
        this.handleWorkerMessage(workerInfo, result);
      });

      workerInfo.worker.on('error', (err) => {
        this.handleWorkerError(workerInfo, err);
      });

      workerInfo.worker.on('exit', (code) => {
        if (code !== 0) {
          console.error(`Worker ${i} exited with code ${code}`);
        }
      });

      this.workers.push(workerInfo);
    }
  }

  async execute(data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const task = {
        id: this.nextTaskId++,
        data,
        resolve,
        reject,
        timestamp: Date.now(),
      };

      const availableWorker = this.workers.find((w) => !w.busy);

      if (availableWorker) {
        this.assignTask(availableWorker, task);
      } else {
        this.taskQueue.push(task);
      }
    });
  }

  assignTask(workerInfo: WorkerInfo, task: Task) {
    workerInfo.busy = true;
    workerInfo.currentTask = task;
    workerInfo.worker.postMessage({ id: task.id, data: task.data });
  }

  handleWorkerMessage(workerInfo: WorkerInfo, result: Reply) {
    const task = workerInfo.currentTask;

    if (task) {
      const processingTime = Date.now() - task.timestamp;

      this.stats.tasksCompleted++;
      this.stats.totalProcessingTime += processingTime;
      workerInfo.tasksCompleted++;

      if (result?.error) task.reject(new Error(result.error.message));
      else task.resolve(result?.result);
    }

    workerInfo.busy = false;
    workerInfo.currentTask = null;

    // Process next task
    if (this.taskQueue.length > 0) {
      const nextTask = this.taskQueue.shift()!;
      this.assignTask(workerInfo, nextTask);
    }
  }

  handleWorkerError(workerInfo: WorkerInfo, error: Error) {
    const task = workerInfo.currentTask;

    if (task) {
      this.stats.tasksErrored++;
      task.reject(error);
    }

    workerInfo.busy = false;
    workerInfo.currentTask = null;

    // Process next task
    if (this.taskQueue.length > 0) {
      const nextTask = this.taskQueue.shift()!;
      this.assignTask(workerInfo, nextTask);
    }
  }

  async terminate() {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

// "Strategy 3: Dynamic Sizing"
class DynamicWorkerPool extends DocumentWorkerPool {
  minSize: number;
  maxSize: number;

  constructor(workerScript: string | URL, minSize = 2, maxSize = 8) {
    super(workerScript, minSize);
    this.minSize = minSize;
    this.maxSize = maxSize;
  }

  async execute(data: unknown): Promise<unknown> {
    // If queue is building up, add workers
    if (this.taskQueue.length > this.poolSize * 2 && this.poolSize < this.maxSize) {
      this.addWorker();
    }

    return super.execute(data);
  }

  addWorker() {
    // Implementation to add worker dynamically
  }

  removeWorker() {
    // Implementation to remove idle worker
  }
}

export class WorkerPool extends DynamicWorkerPool {
  constructor(workerFile: string | URL, options: { size?: number; minSize?: number; maxSize?: number; idleTimeout?: number }) {
    super(workerFile, options.minSize ?? options.size ?? 2, options.maxSize ?? options.size ?? 8);
  }

  run(data: unknown, _options?: { timeout?: number }): Promise<unknown> {
    return this.execute(data);
  }

  close() {
    return this.terminate();
  }

  destroy() {
    return this.terminate();
  }
}
