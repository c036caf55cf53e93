// Watches, from the outside, every worker a pool starts from one file: when it was created, came
// online, was handed a task, answered and exited. Timeline experiments draw their pictures from it.
//
// Why this works: the pools import Worker from node:worker_threads. Swapping that export for a
// subclass (syncBuiltinESMExports carries the swap into every `import { Worker }`, as the workbook's
// runtime does to start .ts workers) shows their workers to us without changing a line of theirs.
// Workers started from any other file, esbuild's own for instance, are left out.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type { TransferListItem, Worker, WorkerOptions } from 'node:worker_threads';

/** One worker's life, times in performance.now() milliseconds. */
export interface WorkerLife {
  worker: Worker;
  createdAt: number;
  onlineAt?: number;
  exitedAt?: number;
  exitCode?: number;
  /** Every postMessage to the worker: what the pool handed it, and when. */
  posted: { at: number; data: unknown }[];
  /** Every message from the worker, timed before the pool's own listener runs. */
  answered: { at: number; data: unknown }[];
}

/**
 * Starts watching: returns a live array that gets one entry for each worker started from
 * `workerFile` from now on. Call it once, before the code under test creates its workers.
 */
export function watchWorkerLives(workerFile: URL): WorkerLife[] {
  const lives: WorkerLife[] = [];
  const workerThreads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
  workerThreads.Worker = class extends workerThreads.Worker {
    constructor(file: string | URL, options?: WorkerOptions) {
      super(file, options);
      if (String(file) !== String(workerFile)) return;
      const life: WorkerLife = { worker: this, createdAt: performance.now(), posted: [], answered: [] };
      lives.push(life);
      this.once('online', () => (life.onlineAt = performance.now()));
      this.once('exit', (code: number) => Object.assign(life, { exitedAt: performance.now(), exitCode: code }));
      // Added in the constructor, before anyone else can listen, so the time is taken first.
      this.on('message', (data: unknown) => life.answered.push({ at: performance.now(), data }));
      const post = this.postMessage.bind(this);
      this.postMessage = (data: unknown, transfer?: readonly TransferListItem[]) => {
        life.posted.push({ at: performance.now(), data });
        post(data, transfer);
      };
    }
  };
  syncBuiltinESMExports();
  return lives;
}
