// An HTTP server that keeps CPU work off its event loop: a fixed pool of warm workers, a bounded
// queue (503 when full), a 500 for a task that fails or whose worker dies, and a close() that stops
// listening and ends every worker.
import http from 'node:http';
import { Worker } from 'node:worker_threads';

export interface ServerOptions {
  /** The worker every task runs on (protocol below). */
  workerFile: string | URL;
  /** How many workers to start, once. */
  size: number;
  /** How many tasks may wait for a worker; one more is answered 503. */
  maxQueue: number;
}

export interface ComputeServer {
  /** Not listening yet: call server.listen(). */
  server: http.Server;
  /** Stops listening, ends every worker, and settles once they have exited. */
  close(): Promise<void>;
}

/*
 * The protocol (document 003's): the pool posts a task's data, { n }; the worker posts back one
 * message, the result. A failing task throws in the worker, which then emits 'error' and exits.
 */

interface Task {
  data: unknown;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}

/** Rejected when the queue is full: the server answers it with 503. */
class QueueFullError extends Error {}

class Pool {
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Task>();
  /** The error a worker emitted just before it exits, if any. */
  private readonly failures = new Map<Worker, Error>();
  private readonly queue: Task[] = [];
  private readonly all = new Set<Worker>();
  private closing = false;
  private readonly file: string | URL;
  private readonly maxQueue: number;

  constructor(file: string | URL, size: number, maxQueue: number) {
    this.file = file;
    this.maxQueue = maxQueue;
    for (let i = 0; i < size; i++) this.start();
  }

  run(data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closing) return reject(new Error('the server is shutting down'));
      if (this.idle.length === 0 && this.queue.length >= this.maxQueue)
        return reject(new QueueFullError(`every worker is busy and ${this.queue.length} tasks are waiting: try again later`));
      this.queue.push({ data, resolve, reject });
      this.dispatch();
    });
  }

  /** Rejects queued tasks, ends every worker (running tasks are rejected as they exit). */
  async destroy(): Promise<void> {
    this.closing = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the server is shutting down'));
    await Promise.all([...this.all].map((worker) => worker.terminate()));
  }

  private start(): void {
    const worker = new Worker(this.file);
    this.all.add(worker);
    this.idle.push(worker);
    worker.on('message', (result: unknown) => {
      const task = this.running.get(worker);
      if (!task) return; // a message nobody asked for settles nothing
      this.running.delete(worker);
      this.idle.push(worker);
      task.resolve(result);
      this.dispatch();
    });
    // 'error' is always followed by 'exit': keep the error, and do all the work in one place.
    worker.on('error', (error) => this.failures.set(worker, error));
    worker.on('exit', (code) => {
      this.all.delete(worker);
      const idleAt = this.idle.indexOf(worker);
      if (idleAt !== -1) this.idle.splice(idleAt, 1);
      const task = this.running.get(worker);
      this.running.delete(worker);
      const error = this.failures.get(worker);
      this.failures.delete(worker);
      if (task) {
        task.reject(
          this.closing ? new Error('the server is shutting down') : (error ?? new Error(`the worker exited with code ${code} in the middle of the task`)),
        );
      }
      if (!this.closing) {
        this.start();
        this.dispatch();
      }
    });
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const task = this.queue.shift()!;
      this.running.set(worker, task);
      worker.postMessage(task.data);
    }
  }
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body ?? null);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

export function createServer({ workerFile, size, maxQueue }: ServerOptions): ComputeServer {
  const pool = new Pool(workerFile, size, maxQueue);

  const server = http.createServer((req, res) => {
    req.resume(); // the body is not used; let it flow so the request completes
    const url = new URL(req.url ?? '/', 'http://localhost');

    if (url.pathname === '/health' && req.method === 'GET') return send(res, 200, { ok: true });

    if (url.pathname === '/compute' && (req.method === 'GET' || req.method === 'POST')) {
      const raw = url.searchParams.get('n');
      const n = Number(raw);
      if (raw === null || raw.trim() === '' || !Number.isFinite(n)) return send(res, 400, { error: 'n must be a number, as in /compute?n=10' });
      pool.run({ n }).then(
        (result) => send(res, 200, result),
        (error: Error) => send(res, error instanceof QueueFullError ? 503 : 500, { error: error.message }),
      );
      return;
    }

    send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  });

  return {
    server,
    async close() {
      const stopped = new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
      // Ending the workers answers every request still waiting, so their connections can close.
      await pool.destroy();
      server.closeIdleConnections();
      await stopped;
    },
  };
}
