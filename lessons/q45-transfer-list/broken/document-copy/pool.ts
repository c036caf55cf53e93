// Document 003, Q45, the question's code: `worker.postMessage({ buffer: largeBuffer })` with no
// transferList, inside the exercise's pool. Adapted: the document posts one Buffer to one worker;
// here the same call posts each task's data, as { id, data }, from a pool with a queue (the pool
// mechanics are the reference solution's). Nothing is handed over: the data is copied by
// structured clone, and with it the WHOLE ArrayBuffer behind the view.
// See it fail: npm run check -- q45 --broken document-copy
import { Worker } from 'node:worker_threads';

interface Task {
  id: number;
  data: Uint8Array;
  resolve: (result: Uint8Array) => void;
  reject: (error: Error) => void;
}

type Reply = { id: number; result: Uint8Array } | { id: number; error: { message: string } };

export class WorkerPool {
  #file: string | URL;
  #size: number;
  #idle: Worker[] = [];
  #all = new Set<Worker>();
  #running = new Map<Worker, Task>();
  #queue: Task[] = [];
  #head = 0;
  #nextId = 1;
  #closed = false;

  constructor(workerFile: string | URL, options: { size: number }) {
    if (!Number.isInteger(options.size) || options.size < 1) throw new RangeError(`size must be a whole number of at least 1, got ${options.size}`);
    this.#file = workerFile;
    this.#size = options.size;
    for (let i = 0; i < options.size; i++) this.#start();
  }

  run(data: Uint8Array): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new Error('The pool is closed'));
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, data, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const error = new Error('The pool was closed before this task finished');
    for (const task of this.#queue.splice(this.#head)) task.reject(error);
    this.#queue = [];
    this.#head = 0;
    for (const task of this.#running.values()) task.reject(error);
    this.#running.clear();
    const workers = [...this.#all];
    this.#all.clear();
    this.#idle = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #start(): void {
    const worker = new Worker(this.#file);
    this.#all.add(worker);
    this.#idle.push(worker);
    worker.on('message', (reply: Reply) => {
      const task = this.#running.get(worker);
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      this.#running.delete(worker);
      if ('error' in reply) task.reject(new Error(reply.error.message));
      else task.resolve(reply.result);
      this.#idle.push(worker);
      this.#dispatch();
    });
    const lost = (error: Error) => {
      if (!this.#all.delete(worker)) return;
      this.#idle = this.#idle.filter((w) => w !== worker);
      const task = this.#running.get(worker);
      this.#running.delete(worker);
      task?.reject(error);
      if (!this.#closed && this.#all.size < this.#size) this.#start();
      this.#dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`The worker exited with code ${code} during the task`)));
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#head < this.#queue.length) {
      const task = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Task;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      const worker = this.#idle.pop()!;
      this.#running.set(worker, task);
      // The document's question: worker.postMessage({ buffer: largeBuffer }), no transferList.
      worker.postMessage({ id: task.id, data: task.data });
    }
  }
}
