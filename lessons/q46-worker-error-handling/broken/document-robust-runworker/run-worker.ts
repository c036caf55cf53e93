// Document 003, Q46: "Robust Error Handling", the main-thread function, as runnable TypeScript.
// Adapted only where the lesson's exercise needs it: the worker file is a parameter (the document
// hard-codes './worker.js'), and the timeout comes as { timeout } instead of a second argument.
// The document's 'online' handler prints "Worker started successfully"; it is kept, but silent.
// (The document's "Updated main thread handler", for workers that post { error: true }, is tried
// in experiments/worker-side-try-catch.ts; the workers of the checks throw instead.)
import { Worker } from 'node:worker_threads';

export function runWorker(file: string | URL, data: unknown, { timeout = 30000 }: { timeout?: number } = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let worker: Worker | undefined;
    let finished = false;

    const cleanup = () => {
      if (worker && !finished) {
        worker.terminate().catch(console.error);
      }
    };

    const timeoutId = setTimeout(() => {
      if (!finished) {
        finished = true;
        cleanup();
        reject(new Error('Worker timeout'));
      }
    }, timeout);

    try {
      worker = new Worker(file, {
        workerData: data,
        // Catch initialization errors
        eval: false, // Disable eval for security
      });

      worker.on('message', (result) => {
        if (!finished) {
          finished = true;
          clearTimeout(timeoutId);
          resolve(result);
        }
      });

      worker.on('error', (err) => {
        if (!finished) {
          finished = true;
          clearTimeout(timeoutId);
          cleanup();
          reject(err);
        }
      });

      worker.on('exit', (code) => {
        if (!finished && code !== 0) {
          finished = true;
          clearTimeout(timeoutId);
          reject(new Error(`Worker exited with code ${code}`));
        }
      });

      worker.on('online', () => {
        // console.log('Worker started successfully');
      });
    } catch (err) {
      // Catch synchronous errors during Worker creation
      finished = true;
      clearTimeout(timeoutId);
      reject(err);
    }
  });
}
