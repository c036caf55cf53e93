// Document 003, Q46: the question's runWorker, as runnable TypeScript. Adapted only where the
// lesson's exercise needs it: the worker file is a parameter (the document hard-codes
// './worker.js'), and the options argument (a timeout) is accepted and ignored, as the document
// has no timeout.
import { Worker } from 'node:worker_threads';

export function runWorker(file: string | URL, data: unknown, _options: { timeout?: number } = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: data });

    worker.on('message', resolve);
    worker.on('error', reject);
  });
}
