// Document 001's WorkerPool ("13) Worker Threads for CPU-Bound Tasks + Queue"), as runnable TypeScript.
//
// Adapted to the lesson, and nothing more:
// - The document's constructor is (size, workerFile, opts); here it is (workerFile, { size, maxQueue })
//   like every pool in the workbook. path.resolve() is applied only to a string, since a URL is allowed.
// - Protocol: the document posts `data` and resolves with the worker's whole reply. Here _assign posts
//   { id, data }, and the 'message' handler resolves with reply.result, or rejects with
//   new Error(reply.error.message) when the reply carries an error. Like the document, it never
//   compares ids: whatever a worker says settles the task that worker holds.
// - The document sets `w.currentTask` on the Worker object; here the same field sits on a typed
//   PoolWorker (a Worker with that one extra property). _closing is declared up front.
//
// Identical to the document, line for line: the 'error' and 'exit' handlers, _replace(), _spawn(),
// _drain(), the idle list, the queue (Array#shift), the backpressure test in run() and close().
import { Worker } from 'node:worker_threads';
import path from 'node:path';

interface Job {
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  id?: number;
}
type PoolWorker = Worker & { currentTask: Job | null };
type Reply = { id: number; result?: unknown; error?: { message: string } };

/**
 * Simple worker pool with FIFO task queue and crash recovery.
 */
export class WorkerPool {
  size: number;
  workerFile: string | URL;
  maxQueue: number;
  idle: PoolWorker[];
  queue: Job[];
  all: Set<PoolWorker>;
  _closing = false;
  _nextId = 1;

  constructor(workerFile: string | URL, opts: { size: number; maxQueue?: number }) {
    const size = opts.size;
    if (!Number.isInteger(size) || size < 1) {
      throw new Error(`Invalid pool size: ${size}`);
    }
    this.size = size;
    this.workerFile = typeof workerFile === 'string' ? path.resolve(workerFile) : workerFile;
    this.maxQueue = opts.maxQueue ?? Infinity;

    this.idle = [];
    this.queue = [];
    this.all = new Set();

    for (let i = 0; i < size; i++) this._spawn();
  }

  _spawn() {
    const w = new Worker(this.workerFile) as PoolWorker;
    this.all.add(w);
    w.currentTask = null;

    w.on('message', (reply: Reply) => {
      // Normal completion
      if (w.currentTask) {
        if (reply.error) w.currentTask.reject(new Error(reply.error.message));
        else w.currentTask.resolve(reply.result);
        w.currentTask = null;
      }
      this.idle.push(w);
      this._drain();
    });

    w.on('error', (err) => {
      // Worker internal error; reject task and replace worker
      if (w.currentTask) {
        w.currentTask.reject(err);
        w.currentTask = null;
      }
      this._replace(w);
    });

    w.on('exit', (code) => {
      // Non-zero exit → treat like crash; zero exit means graceful termination
      if (code !== 0 && w.currentTask) {
        w.currentTask.reject(new Error(`Worker exited with code ${code}`));
        w.currentTask = null;
      }
      this.all.delete(w);
      // If this wasn't an intentional shutdown, respawn to keep pool size
      if (!this._closing && code !== 0) this._spawn();
    });

    this.idle.push(w);
  }

  _replace(w: PoolWorker) {
    try {
      void w.terminate();
    } catch {}
    this.all.delete(w);
    // Always respawn to maintain pool size unless closing
    if (!this._closing) this._spawn();
    this._drain();
  }

  _assign(w: PoolWorker, job: Job) {
    w.currentTask = job;
    job.id = this._nextId++;
    w.postMessage({ id: job.id, data: job.data });
  }

  _drain() {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!;
      const job = this.queue.shift()!;
      this._assign(w, job);
    }
  }

  /**
   * Enqueue a task; resolves with worker result.
   */
  run(data: unknown): Promise<unknown> {
    if (this._closing) return Promise.reject(new Error('Pool is closing'));
    if (this.queue.length >= this.maxQueue && this.idle.length === 0) {
      return Promise.reject(new Error('Backpressure: task queue is full'));
    }

    return new Promise((resolve, reject) => {
      const job: Job = { data, resolve, reject };
      const w = this.idle.shift();
      if (w) {
        this._assign(w, job);
      } else {
        this.queue.push(job);
      }
    });
  }

  /**
   * Gracefully stop: no new tasks accepted, terminate all workers after queue drains.
   */
  async close() {
    this._closing = true;
    if (this.queue.length > 0) {
      // Wait for queued tasks to finish using a micro-promise loop
      await new Promise<void>((r) => {
        const check = () => {
          if (this.queue.length === 0 && [...this.all].every((w) => !w.currentTask)) return r();
          setTimeout(check, 10);
        };
        check();
      });
    }
    await Promise.allSettled([...this.all].map((w) => w.terminate()));
    this.all.clear();
    this.idle = [];
  }
}
