// The pool from document 003, Q43, as runnable TypeScript. Only the types are new; the logic is
// the document's, line for line. It has no task queue: execute() takes a worker off the free list
// with shift(), and once the 4 workers are out, shift() returns undefined.
import { Worker } from 'node:worker_threads';

export class WorkerPool {
  workers: Worker[];

  constructor(workerPath: string | URL, size: number) {
    this.workers = [];
    for (let i = 0; i < size; i++) {
      this.workers.push(new Worker(workerPath));
    }
  }

  async execute(data: unknown): Promise<unknown> {
    // The document's code assumes shift() always finds a worker. TypeScript knows better: the type
    // of this.workers.shift() is `Worker | undefined`, and only this cast makes the code compile.
    const worker = this.workers.shift() as Worker;

    return new Promise((resolve, reject) => {
      worker.once('message', (result) => {
        this.workers.push(worker);
        resolve(result);
      });

      worker.postMessage(data);
    });
  }
}
