// Document 004, "Complete Worker Pool Implementation", as TypeScript.
// Adapted only where the lesson's API needs it, the logic is the document's:
//   - constructor(workerScript, poolSize) became constructor(workerFile, { size });
//   - execute(data) is called run(data), terminate() is also reachable as close();
//   - the document posts the bare data and resolves with the bare reply; here it posts
//     { id, data } and resolves with reply.result, still without looking at the reply's id.
import { Worker } from 'node:worker_threads';

type Task = { id: number; data: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void; timestamp: number };
type WorkerInfo = { id: number; worker: Worker; busy: boolean; currentTask: Task | null; tasksCompleted: number };

export class WorkerPool {
  workerScript: string | URL;
  poolSize: number;
  workers: WorkerInfo[] = [];
  taskQueue: Task[] = [];
  nextTaskId = 0;
  stats = { tasksCompleted: 0, tasksErrored: 0, totalProcessingTime: 0 };

  constructor(workerScript: string | URL, { size = 4 }: { size: number }) {
    this.workerScript = workerScript;
    this.poolSize = size;
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

  async run(data: unknown): Promise<unknown> {
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

  handleWorkerMessage(workerInfo: WorkerInfo, result: { result?: unknown } | null) {
    const task = workerInfo.currentTask;

    if (task) {
      const processingTime = Date.now() - task.timestamp;

      this.stats.tasksCompleted++;
      this.stats.totalProcessingTime += processingTime;
      workerInfo.tasksCompleted++;

      task.resolve(result?.result);
    }

    workerInfo.busy = false;
    workerInfo.currentTask = null;

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

    if (this.taskQueue.length > 0) {
      const nextTask = this.taskQueue.shift()!;
      this.assignTask(workerInfo, nextTask);
    }
  }

  async terminate() {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  close() {
    return this.terminate();
  }
}
