// The reference solution for Q43: a worker pool with a real task queue.
//
// The rules it keeps:
// - A task that finds no free worker waits in a FIFO queue; it is never dropped and never shares
//   a busy worker (workers answer with no task id, so one worker runs one task at a time).
// - A worker that fails ('error') or ends ('exit', with any code) rejects the task it held and
//   leaves the pool; one new worker takes its place as soon as a task is waiting for it.
// - A timeout counts from execute() and covers waiting and running. A task that times out while
//   running is rejected and its worker is terminated, so the pool gets a fresh one.
// - terminate() rejects every task not yet settled and ends every worker.
import { Worker } from 'node:worker_threads';

interface Task {
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  timer?: NodeJS.Timeout;
  /** The worker running it, once it has left the queue. */
  worker?: Worker;
  settled: boolean;
}

/** A first-in, first-out queue where taking from the front is constant-time (unlike Array#shift). */
class TaskQueue {
  private items: Array<Task | undefined> = [];
  private head = 0;

  push(task: Task): void {
    this.items.push(task);
  }

  /** The oldest task still waiting, left in place, or undefined. Drops tasks that timed out while waiting. */
  peek(): Task | undefined {
    while (this.head < this.items.length) {
      const task = this.items[this.head];
      if (task && !task.settled) return task;
      this.dropHead();
    }
    return undefined;
  }

  /** Removes and returns the oldest task still waiting. */
  take(): Task | undefined {
    const task = this.peek();
    if (task) this.dropHead();
    return task;
  }

  private dropHead(): void {
    this.items[this.head++] = undefined;
    // Now and then, give back the space in front of the head (amortised constant time).
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }

  /** Removes and returns every task still in the queue. */
  takeAll(): Task[] {
    const rest = this.items.slice(this.head).filter((t): t is Task => t !== undefined && !t.settled);
    this.items = [];
    this.head = 0;
    return rest;
  }
}

export class WorkerPool {
  private readonly workerPath: string | URL;
  private readonly size: number;
  /** Every worker that has not exited yet, busy or free. */
  private readonly workers = new Set<Worker>();
  private readonly free: Worker[] = [];
  /** The task each busy worker is running. */
  private readonly running = new Map<Worker, Task>();
  private readonly queue = new TaskQueue();
  private terminated = false;

  constructor(workerPath: string | URL, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a whole number of at least 1, got ${size}`);
    this.workerPath = workerPath;
    this.size = size;
    for (let i = 0; i < size; i++) this.free.push(this.startWorker());
  }

  execute(data: unknown, timeout = 30_000): Promise<unknown> {
    if (this.terminated) return Promise.reject(new Error('The pool is terminated'));
    return new Promise((resolve, reject) => {
      const task: Task = { data, resolve, reject, settled: false };
      if (Number.isFinite(timeout)) {
        task.timer = setTimeout(() => this.timedOut(task, timeout), timeout);
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    const stopped = new Error('The pool was terminated before this task finished');
    for (const task of this.queue.takeAll()) this.settle(task, () => task.reject(stopped));
    for (const task of this.running.values()) this.settle(task, () => task.reject(stopped));
    this.running.clear();
    this.free.length = 0;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  /**
   * Hands queued tasks to free workers. When a task waits, no worker is free and the pool is below
   * its size (a worker has exited), it starts a replacement. Replacing only when there is work
   * means that a worker file that crashes on start cannot make the pool respawn it forever.
   */
  private dispatch(): void {
    while (!this.terminated && this.queue.peek()) {
      const worker = this.free.pop() ?? (this.workers.size < this.size ? this.startWorker() : undefined);
      if (!worker) return;
      const task = this.queue.take()!;
      task.worker = worker;
      this.running.set(worker, task);
      worker.postMessage(task.data);
    }
  }

  private startWorker(): Worker {
    const worker = new Worker(this.workerPath);
    this.workers.add(worker);

    worker.on('message', (result: unknown) => {
      const task = this.running.get(worker);
      if (!task) return; // a worker that was told to stop, or a stray message: nobody is waiting for it
      this.running.delete(worker);
      this.settle(task, () => task.resolve(result));
      this.free.push(worker);
      this.dispatch();
    });

    // An uncaught exception in the worker. Node then ends the worker, and 'exit' follows.
    worker.on('error', (error: Error) => {
      this.failRunningTask(worker, error);
    });

    // Every way a worker can end comes through here: an error, process.exit() with any code,
    // terminate(), a resource limit. Only after 'exit' is the thread really gone, so only then
    // does the pool count it out and let dispatch() start a replacement.
    worker.on('exit', (code: number) => {
      this.failRunningTask(worker, new Error(`The worker stopped (exit code ${code}) before it answered`));
      this.workers.delete(worker);
      const index = this.free.indexOf(worker);
      if (index !== -1) this.free.splice(index, 1);
      this.dispatch();
    });

    return worker;
  }

  private failRunningTask(worker: Worker, error: unknown): void {
    const task = this.running.get(worker);
    if (!task) return;
    this.running.delete(worker);
    this.settle(task, () => task.reject(error));
  }

  private timedOut(task: Task, timeout: number): void {
    if (task.settled) return;
    this.settle(task, () => task.reject(new Error(`The task timed out after ${timeout} ms`)));
    const worker = task.worker;
    if (worker) {
      // The worker is still busy with a task nobody waits for. Retire it: it stays counted in
      // this.workers until it has exited, so the pool never runs more than `size` threads.
      this.running.delete(worker);
      void worker.terminate();
    }
    // A task that timed out while queued is skipped by the queue when its turn comes.
  }

  private settle(task: Task, how: () => void): void {
    if (task.settled) return;
    task.settled = true;
    clearTimeout(task.timer);
    how();
  }
}
