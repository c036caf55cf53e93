// Document 003, Q50, the answer's "Solution: Worker Pool with Warm Workers": its WorkerPool class
// and its route, translated from express to node:http and to TypeScript, faithfully. The class is
// the document's, line for line; `worker.currentTask`, a property the document adds to each Worker,
// needs a type here (PoolWorker). Adapted to this exercise's interface, and nothing more: the route
// is /compute (GET or POST) and the task's data is { n } from the query instead of req.body; the
// worker file and size are parameters; maxQueue is ignored (the document's queue has no bound);
// /health, the 404 and close() are the workbook's. The document's pool has no way to end its
// workers, so close() stops listening and terminates every Worker in the pool's own `workers` list
// (without that, every check would fail on the workers left running, hiding the pool's other
// faults). express's res.json() becomes json() below.
// Watch it fail: npm run check -- q50 --broken document-q50-pool
import http from 'node:http';
import { Worker } from 'node:worker_threads';

export interface ServerOptions {
  workerFile: string | URL;
  size: number;
  maxQueue: number;
}

interface Task {
  data: unknown;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
}
type PoolWorker = Worker & { currentTask?: Task | null };

export class WorkerPool {
  workerPath: string | URL;
  workers: PoolWorker[];
  freeWorkers: PoolWorker[];
  taskQueue: Task[];

  constructor(workerPath: string | URL, size = 4) {
    this.workerPath = workerPath;
    this.workers = [];
    this.freeWorkers = [];
    this.taskQueue = [];

    // Pre-create workers
    for (let i = 0; i < size; i++) {
      this.createWorker();
    }
  }

  createWorker(): void {
    const worker: PoolWorker = new Worker(this.workerPath);

    worker.on('message', (result) => {
      if (worker.currentTask) {
        worker.currentTask.resolve(result);
        worker.currentTask = null;
        this.freeWorkers.push(worker);
        this.processQueue();
      }
    });

    worker.on('error', (err) => {
      if (worker.currentTask) {
        worker.currentTask.reject(err);
        worker.currentTask = null;
      }
      this.replaceWorker(worker);
    });

    this.workers.push(worker);
    this.freeWorkers.push(worker);
  }

  replaceWorker(oldWorker: PoolWorker): void {
    const index = this.workers.indexOf(oldWorker);
    if (index !== -1) {
      this.workers.splice(index, 1);
      oldWorker.terminate().catch(console.error);
      this.createWorker();
    }
  }

  execute(data: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const task = { data, resolve, reject };
      this.taskQueue.push(task);
      this.processQueue();
    });
  }

  processQueue(): void {
    while (this.taskQueue.length > 0 && this.freeWorkers.length > 0) {
      const task = this.taskQueue.shift()!;
      const worker = this.freeWorkers.shift()!;

      worker.currentTask = task;
      worker.postMessage(task.data);
    }
  }
}

/** express's res.status(status).json(body). */
function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function createServer({ workerFile, size }: ServerOptions): { server: http.Server; close(): Promise<void>; pool: WorkerPool } {
  const pool = new WorkerPool(workerFile, size);

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return json(res, 200, { ok: true }); // the workbook's

    if (url.pathname === '/compute') {
      // The document's handler.
      try {
        const result = await pool.execute({ n: Number(url.searchParams.get('n')) });
        json(res, 200, result);
      } catch (err) {
        json(res, 500, { error: (err as Error).message });
      }
      return;
    }

    json(res, 404, { error: 'Not Found' }); // what express answers for an unknown route
  });
  return {
    server,
    pool,
    close: async () => {
      const stopped = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      await Promise.all(pool.workers.map((worker) => worker.terminate())); // the workbook's
      await stopped;
    },
  };
}
