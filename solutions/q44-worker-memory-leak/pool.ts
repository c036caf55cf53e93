// The reference solution for Q44, part 2: a pool whose workers may hold several tasks at once and
// where a reply can only ever settle the task it answers.
//
// The rules it keeps:
// - Every task gets an id; the worker answers { id, result } or { id, error }. A reply settles the
//   task with that id, if that task is still waiting for that worker, and nothing else.
// - One 'message' listener per worker, attached once when the worker starts. No per-task listener
//   means no listener to forget: a task that times out is removed from a Map, that is all.
// - A reply for a task that has timed out (or an unknown id) is ignored.
// - A worker that fails or exits rejects the tasks it held and is replaced.
// - terminate() rejects every task not yet settled and waits for every worker to exit.
import { Worker } from 'node:worker_threads';

interface Task {
  id: number;
  worker: Worker;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
  timer: NodeJS.Timeout;
}
interface Reply {
  id: number;
  result?: unknown;
  error?: { message: string };
}

export class WorkerPool {
  private readonly workerPath: string | URL;
  private readonly workers: Worker[] = [];
  /** Tasks not yet settled, by id. */
  private readonly tasks = new Map<number, Task>();
  /** How many unsettled tasks each worker holds. */
  private readonly load = new Map<Worker, number>();
  private nextId = 0;
  private closed = false;

  constructor(workerPath: string | URL, size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be a whole number of at least 1, got ${size}`);
    this.workerPath = workerPath;
    for (let i = 0; i < size; i++) this.workers.push(this.startWorker());
  }

  execute(data: unknown, timeout = 30_000): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The pool is terminated'));
    // The least busy worker: tasks spread evenly instead of at random.
    const worker = this.workers.reduce((a, b) => ((this.load.get(b) ?? 0) < (this.load.get(a) ?? 0) ? b : a));
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, () => reject(new Error(`Task timed out after ${timeout} ms`))), timeout);
      this.tasks.set(id, { id, worker, resolve, reject, timer });
      this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
      worker.postMessage({ id, data });
    });
  }

  async terminate(): Promise<void> {
    this.closed = true;
    for (const id of [...this.tasks.keys()]) this.settle(id, (task) => task.reject(new Error('The pool was terminated')));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private startWorker(): Worker {
    const worker = new Worker(this.workerPath);
    this.load.set(worker, 0);
    worker.on('message', (reply: Reply) => {
      const task = this.tasks.get(reply?.id);
      if (!task || task.worker !== worker) return; // timed out, or not ours: ignore it
      this.settle(task.id, () => (reply.error ? task.reject(new Error(reply.error.message)) : task.resolve(reply.result)));
    });
    worker.on('error', (error) => this.lose(worker, error));
    worker.on('exit', (code) => this.lose(worker, new Error(`Worker exited with code ${code}`)));
    return worker;
  }

  /** Removes a task from the books, stops its timer, then settles it. Does nothing the second time. */
  private settle(id: number, outcome: (task: Task) => void): void {
    const task = this.tasks.get(id);
    if (!task) return;
    this.tasks.delete(id);
    clearTimeout(task.timer);
    this.load.set(task.worker, (this.load.get(task.worker) ?? 1) - 1);
    outcome(task);
  }

  /** A worker failed or ended: reject what it held and, unless terminating, put a new one in its place. */
  private lose(worker: Worker, error: Error): void {
    for (const task of [...this.tasks.values()]) if (task.worker === worker) this.settle(task.id, (t) => t.reject(error));
    const index = this.workers.indexOf(worker);
    if (index === -1) return; // already replaced ('error' is followed by 'exit')
    this.load.delete(worker);
    if (this.closed) return;
    this.workers[index] = this.startWorker();
  }
}
