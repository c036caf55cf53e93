// Document 004: its "Complete Worker Pool Implementation" with the execute() of "Feature 2: Task
// Timeout" (the document's "// ... rest of execute logic" is the complete pool's own execute
// body: take a free worker, else queue), and close() from "Best Practices, 3. Graceful Shutdown".
//
// Adapted to the lesson's API, and nothing more:
//   - constructor(workerScript, poolSize) became constructor(workerFile, { size, taskTimeout });
//   - run(data, { timeout }) calls the document's execute(data, timeout). The document has no
//     pool-wide default; taskTimeout, when given, stands in for execute's default of 30000;
//   - the document posts the bare data and resolves with the bare reply; here it posts { id, data }
//     and resolves with reply.result (rejects with reply.error.message), without looking at the id;
//   - close() is the document's shutdown() (poll every 100 ms until no worker is busy, then
//     terminate); destroy() is its terminate(). The document has no AbortSignal: `signal` is ignored.
// The timeout logic is the document's, line for line, including `task` being used inside the timer
// callback before the `const task` line (fine at run time: the callback runs later).
import { Worker } from 'node:worker_threads';

type Task = { id: number; data: unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void; timestamp: number };
type WorkerInfo = { id: number; worker: Worker; busy: boolean; currentTask: Task | null; tasksCompleted: number };
type Reply = { id?: number; result?: unknown; error?: { message: string } } | null;

export class WorkerPool {
  workerScript: string | URL;
  poolSize: number;
  defaultTimeout: number;
  workers: WorkerInfo[] = [];
  taskQueue: Task[] = [];
  nextTaskId = 0;
  accepting = true;
  stats = { tasksCompleted: 0, tasksErrored: 0, totalProcessingTime: 0 };

  constructor(workerScript: string | URL, { size = 4, taskTimeout }: { size: number; taskTimeout?: number }) {
    this.workerScript = workerScript;
    this.poolSize = size;
    this.defaultTimeout = taskTimeout ?? 30000;
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

  run(data: unknown, options: { timeout?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    return this.execute(data, options.timeout ?? this.defaultTimeout);
  }

  execute(data: unknown, timeout = 30000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timeoutId = setTimeout(() => {
        reject(new Error('Task timeout'));
        // Remove from queue if still queued
        const index = this.taskQueue.findIndex((t) => t.id === task.id);
        if (index !== -1) {
          this.taskQueue.splice(index, 1);
        }
      }, timeout);

      const task: Task = {
        id: this.nextTaskId++,
        data,
        resolve: (result) => {
          clearTimeout(timeoutId);
          resolve(result);
        },
        reject: (err) => {
          clearTimeout(timeoutId);
          reject(err);
        },
        timestamp: Date.now(),
      };

      // ... rest of execute logic (the complete pool's execute):
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

  // "Best Practices, 3. Graceful Shutdown"
  async shutdown() {
    // Stop accepting new tasks
    this.accepting = false;

    // Wait for current tasks to complete
    while (this.workers.some((w) => w.busy)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // Terminate workers
    await this.terminate();
  }

  close() {
    return this.shutdown();
  }

  destroy() {
    return this.terminate();
  }
}
