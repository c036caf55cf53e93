// Document 003, Q44, "Correct Implementation" (its main-thread half), as a reusable spawner.
// Adapted only where the lesson's exercise needs it:
// - The body of the document's setInterval callback became run(data): one call, one worker. Where
//   the document skips a tick ("Max workers reached, skipping"), run() rejects with that message.
// - The document's messageHandler prints the message; here it resolves run() with it.
// - MAX_WORKERS and the 5000 ms terminate timer became `max` and `timeout` (default 5000).
// - console.log lines left out; `active` reports the document's activeWorkers; close() added (the
//   document has none) to terminate the workers started.
// The document's worker ends itself with process.exit(0) after its work; the workers of the
// checks do not, as most real workers that serve messages do not.
import { Worker } from 'node:worker_threads';

export interface SpawnerOptions {
  max: number;
  timeout?: number;
}

export function createBoundedSpawner(workerFile: string | URL, { max, timeout = 5000 }: SpawnerOptions) {
  let activeWorkers = 0;
  const MAX_WORKERS = max;
  const workers = new Set<Worker>();

  return {
    get active() {
      return activeWorkers;
    },
    run(data: unknown): Promise<unknown> {
      return new Promise((resolve, reject) => {
        if (activeWorkers >= MAX_WORKERS) {
          reject(new Error('Max workers reached, skipping'));
          return;
        }

        activeWorkers++;
        const worker = new Worker(workerFile, { workerData: data });
        workers.add(worker);

        const messageHandler = (msg: unknown) => {
          resolve(msg);
        };

        const exitHandler = () => {
          activeWorkers--;
          workers.delete(worker);
        };

        worker.on('message', messageHandler);
        worker.once('exit', exitHandler);

        // Set timeout to terminate worker
        setTimeout(() => {
          worker.terminate().catch(console.error);
        }, timeout);
      });
    },
    // Added (see the top of the file).
    async close(): Promise<void> {
      await Promise.all([...workers].map((w) => w.terminate()));
    },
  };
}
