// Document 000's Pool ("7) Worker Pool with Transferable Buffers"), as runnable TypeScript.
//
// Adapted to the lesson, and nothing more:
// - The document's class is `Pool` with constructor (size, { worker, maxQueue }); here it is
//   `WorkerPool` with (workerFile, { size, maxQueue }) like every pool in the workbook.
// - The document's run(buf) accepts only a Uint8Array, posts { id, buf } with buf.buffer in the
//   transfer list and resolves with the reply's `buf`. Here run(data) accepts any data, posts
//   { id, data } without a transfer list, resolves with reply.result, and rejects with
//   new Error(reply.error.message) when the reply carries an error. (Transferring buffers has a
//   lesson of its own; none of it touches closing.) Like the document, a reply whose id is not
//   the in-flight job's is ignored.
// - Fields are typed.
//
// Identical to the document, line for line: the 'error' and 'exit' handlers, _replace(), _spawn(),
// _drain(), the idle list, the in-flight map, the queue (Array#shift), the backpressure test in run()
// and close().
//
// The document has no destroy(): neither does this pool, so the checks that call it fail with
// "destroy is not a function", which is the truth about the document's pool.
import { Worker } from 'node:worker_threads';

interface Job {
  id: number;
  data?: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}
type Reply = { id: number; result?: unknown; error?: { message: string } };

export class WorkerPool {
  size: number;
  maxQueue: number;
  workerPath: string | URL;
  all: Set<Worker>;
  idle: Worker[];
  queue: Job[];
  inflight: Map<Worker, Job>;
  _nextId: number;
  _closing: boolean;

  constructor(workerFile: string | URL, opts: { size: number; maxQueue?: number }) {
    const size = opts.size;
    if (!Number.isInteger(size) || size < 1) throw new Error('Invalid pool size');
    this.size = size;
    this.maxQueue = opts.maxQueue ?? Infinity;
    this.workerPath = workerFile;

    this.all = new Set();
    this.idle = [];
    this.queue = [];
    this.inflight = new Map();

    this._nextId = 1;
    this._closing = false;

    for (let i = 0; i < size; i++) this._spawn();
  }

  _spawn() {
    const w = new Worker(this.workerPath);
    this.all.add(w);

    w.on('message', (msg: Reply) => {
      const job = this.inflight.get(w);
      if (!job || job.id !== msg.id) {
        // Unknown or stale job; just ignore
        return;
      }
      this.inflight.delete(w);
      this.idle.push(w);
      this._drain();
      if (msg.error) job.reject(new Error(msg.error.message));
      else job.resolve(msg.result);
    });

    w.on('error', (err) => {
      const job = this.inflight.get(w);
      if (job) {
        this.inflight.delete(w);
        job.reject(err);
      }
      this._replace(w);
    });

    w.on('exit', (code) => {
      const job = this.inflight.get(w);
      if (job) {
        this.inflight.delete(w);
        job.reject(new Error(`Worker exited ${code}`));
      }
      this.all.delete(w);
      if (!this._closing) this._spawn(); // keep pool size
    });

    this.idle.push(w);
  }

  _replace(w: Worker) {
    try {
      void w.terminate();
    } catch {}
    this.all.delete(w);
    if (!this._closing) this._spawn();
    this._drain();
  }

  _assign(w: Worker, job: Job) {
    this.inflight.set(w, job);
    w.postMessage({ id: job.id, data: job.data });
    // Remove local ref to make it obvious we shouldn't use it
    delete job.data;
  }

  _drain() {
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift();
      const job = this.queue.shift()!;
      if (!w) break;
      this._assign(w, job);
    }
  }

  /**
   * Submit a task. Returns a Promise of the worker's result.
   */
  run(data: unknown): Promise<unknown> {
    if (this._closing) return Promise.reject(new Error('Pool is closing'));
    if (this.queue.length >= this.maxQueue && this.idle.length === 0) {
      return Promise.reject(new Error('Backpressure: queue is full'));
    }

    const id = this._nextId++;
    return new Promise((resolve, reject) => {
      const job: Job = { id, resolve, reject, data };
      const w = this.idle.shift();
      if (w) {
        this._assign(w, job);
      } else {
        this.queue.push(job);
      }
    });
  }

  async close() {
    this._closing = true;
    // Wait until queue is empty and no inflight jobs
    await new Promise<void>((r) => {
      const check = () => {
        if (this.queue.length === 0 && this.inflight.size === 0) return r();
        setTimeout(check, 10);
      };
      check();
    });
    await Promise.allSettled([...this.all].map((w) => w.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }

  get pending() {
    return this.queue.length;
  }
  get active() {
    return this.inflight.size;
  }
}
