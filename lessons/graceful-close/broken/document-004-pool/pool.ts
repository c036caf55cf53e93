// Document 004's WorkerPool ("Complete Worker Pool Implementation"), with the shutdown() of its
// "Best Practices: 3. Graceful Shutdown", as runnable TypeScript.
//
// Adapted to the lesson, and nothing more:
// - The document's constructor is (workerScript, poolSize = 4); here it is (workerFile, { size })
//   like every pool in the workbook. Its execute(data) is named run(data) here, and its
//   shutdown() is named close(), the names the checks call.
// - Protocol: the document posts `task.data` and resolves with the worker's whole reply. Here
//   assignTask posts { id, data }, and the 'message' handler resolves with reply.result, or rejects
//   with new Error(reply.error.message) when the reply carries an error. Like the document, it never
//   compares ids: whatever a worker says settles the task that worker holds.
// - Fields are typed; `accepting`, which only shutdown() mentions, is declared.
// - getStats() is left out: nothing here reads it.
//
// Identical to the document: createPool() and its 'message', 'error' and 'exit' handlers,
// execute()/run(), assignTask(), handleWorkerMessage(), handleWorkerError(), terminate(), and
// shutdown()/close(), polling every 100 ms. The document has no destroy(): neither does this pool.
import { Worker } from 'node:worker_threads';

interface Task {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  timestamp: number;
}

interface WorkerInfo {
  id: number;
  worker: Worker;
  busy: boolean;
  currentTask: Task | null;
  tasksCompleted: number;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

export class WorkerPool {
  workerScript: string | URL;
  poolSize: number;
  workers: WorkerInfo[];
  taskQueue: Task[];
  nextTaskId: number;
  stats: { tasksCompleted: number; tasksErrored: number; totalProcessingTime: number };
  accepting: boolean | undefined;

  constructor(workerFile: string | URL, options: { size: number }) {
    this.workerScript = workerFile;
    this.poolSize = options.size ?? 4;
    this.workers = [];
    this.taskQueue = [];
    this.nextTaskId = 0;
    this.stats = {
      tasksCompleted: 0,
      tasksErrored: 0,
      totalProcessingTime: 0,
    };

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

      workerInfo.worker.on('message', (result: Reply) => {
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
      const task: Task = {
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

      if (result.error) task.reject(new Error(result.error.message));
      else task.resolve(result.result);
    }

    workerInfo.busy = false;
    workerInfo.currentTask = null;

    // Process next task
    if (this.taskQueue.length > 0) {
      const nextTask = this.taskQueue.shift()!;
      this.assignTask(workerInfo, nextTask);
    }
  }

  handleWorkerError(workerInfo: WorkerInfo, error: unknown) {
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

  // "3. Graceful Shutdown"
  async close() {
    // Stop accepting new tasks
    this.accepting = false;

    // Wait for current tasks to complete
    while (this.workers.some((w) => w.busy)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Terminate workers
    await this.terminate();
  }
}
