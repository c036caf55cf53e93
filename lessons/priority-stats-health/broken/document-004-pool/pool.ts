// Document 004: its "Complete Worker Pool Implementation" (with getStats()), the execute() of
// "Feature 1: Task Priority" (PriorityWorkerPool), and "Feature 3: Health Monitoring", in one class,
// as runnable TypeScript.
//
// Adapted to the lesson's API, and nothing more:
//   - constructor(workerScript, poolSize) became constructor(workerFile, { size });
//   - run(data, { priority }) calls the document's execute(data, priority);
//   - the document posts the bare data and resolves with the bare reply; here it posts { id, data }
//     and resolves with reply.result (rejects with reply.error.message), without looking at the id;
//   - stats() returns the document's getStats() under this lesson's names: size = poolSize,
//     busy = busyWorkers, idle = availableWorkers, queued = queueLength, completed = tasksCompleted,
//     failed = tasksErrored, avgRunMs = avgProcessingTime (the document's only time figure). The
//     document has no cancellation and no wait time: cancelled is 0, avgWaitMs is absent;
//   - monitor(intervalMs, report) calls the document's startHealthMonitoring(intervalMs), which
//     prints instead of calling `report`, and returns its stopHealthMonitoring();
//   - close() is the document's shutdown() ("Best Practices, 3. Graceful Shutdown"); destroy() is
//     its terminate(). The document has no timeouts or AbortSignal here: `timeout` and `signal` are
//     ignored.
// Everything else is the document's, line for line.
import { Worker } from 'node:worker_threads';

type Task = {
  id: number;
  data: unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  priority: number;
  timestamp: number;
};
type WorkerInfo = { id: number; worker: Worker; busy: boolean; currentTask: Task | null; tasksCompleted: number };
type Reply = { id?: number; result?: unknown; error?: { message: string } } | null;

export class WorkerPool {
  workerScript: string | URL;
  poolSize: number;
  workers: WorkerInfo[] = [];
  taskQueue: Task[] = [];
  nextTaskId = 0;
  accepting = true;
  healthInterval: NodeJS.Timeout | undefined;
  stats_ = { tasksCompleted: 0, tasksErrored: 0, totalProcessingTime: 0 }; // the document's `this.stats`

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

  run(data: unknown, options: { priority?: number; timeout?: number; signal?: AbortSignal } = {}): Promise<unknown> {
    return this.execute(data, options.priority);
  }

  // Feature 1: Task Priority (PriorityWorkerPool.execute)
  execute(data: unknown, priority = 0): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.nextTaskId++,
        data,
        resolve,
        reject,
        priority,
        timestamp: Date.now(),
      };

      const availableWorker = this.workers.find((w) => !w.busy);

      if (availableWorker) {
        this.assignTask(availableWorker, task);
      } else {
        // Insert based on priority
        const insertIndex = this.taskQueue.findIndex((t) => t.priority < priority);

        if (insertIndex === -1) {
          this.taskQueue.push(task);
        } else {
          this.taskQueue.splice(insertIndex, 0, task);
        }
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

      this.stats_.tasksCompleted++;
      this.stats_.totalProcessingTime += processingTime;
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
      this.stats_.tasksErrored++;
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

  getStats() {
    return {
      poolSize: this.poolSize,
      busyWorkers: this.workers.filter((w) => w.busy).length,
      availableWorkers: this.workers.filter((w) => !w.busy).length,
      queueLength: this.taskQueue.length,
      tasksCompleted: this.stats_.tasksCompleted,
      tasksErrored: this.stats_.tasksErrored,
      avgProcessingTime: this.stats_.tasksCompleted > 0 ? this.stats_.totalProcessingTime / this.stats_.tasksCompleted : 0,
      workerStats: this.workers.map((w) => ({
        id: w.id,
        busy: w.busy,
        tasksCompleted: w.tasksCompleted,
      })),
    };
  }

  stats() {
    const s = this.getStats();
    return {
      size: s.poolSize,
      busy: s.busyWorkers,
      idle: s.availableWorkers,
      queued: s.queueLength,
      completed: s.tasksCompleted,
      failed: s.tasksErrored,
      cancelled: 0,
      avgRunMs: s.avgProcessingTime,
    };
  }

  // Feature 3: Health Monitoring
  startHealthMonitoring(interval = 5000) {
    this.healthInterval = setInterval(() => {
      const stats = this.getStats();

      console.log('Pool Health:');
      console.log(`  Workers: ${stats.busyWorkers}/${stats.poolSize} busy`);
      console.log(`  Queue: ${stats.queueLength} tasks waiting`);
      console.log(`  Completed: ${stats.tasksCompleted} tasks`);
      console.log(`  Avg time: ${stats.avgProcessingTime.toFixed(2)}ms`);

      // Alert if queue is growing
      if (stats.queueLength > stats.poolSize * 5) {
        console.warn('WARNING: Task queue is backing up!');
      }
    }, interval);
  }

  stopHealthMonitoring() {
    if (this.healthInterval) {
      clearInterval(this.healthInterval);
    }
  }

  monitor(intervalMs: number, report?: (stats: unknown) => void): () => void {
    void report; // the document prints; it has no callback
    this.startHealthMonitoring(intervalMs);
    return () => this.stopHealthMonitoring();
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
