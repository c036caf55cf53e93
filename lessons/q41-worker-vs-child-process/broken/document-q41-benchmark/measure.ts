// Document 003, Q41, "Benchmark": benchmarkWorker() and benchmarkChild(), translated to TypeScript
// with the file to start as a parameter (the document hard-codes './worker.js' and './child.js').
// Everything else is the document's: Date.now(), the 'online' event, child.kill() without waiting.
// The document gives memory figures ('~4MB memory per thread', '~30MB per process') but no code
// that measures memory, so measureMemory() has nothing to run.
// Watch it fail: npm run check -- q41 --broken document-q41-benchmark
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';

// Worker Thread: ~2-5ms startup, ~4MB memory per thread
export async function measureWorkerStartup(file: string | URL): Promise<number> {
  const start = Date.now();
  const worker = new Worker(file);
  await new Promise((resolve) => worker.on('online', resolve));
  await worker.terminate();
  return Date.now() - start;
}

// Child Process: ~30-50ms startup, ~30MB memory per process
export async function measureChildStartup(file: string | URL): Promise<number> {
  const start = Date.now();
  const child = fork(file);
  await new Promise((resolve) => child.on('message', resolve));
  child.kill();
  return Date.now() - start;
}

export async function measureMemory(_options: { workerFile: string | URL; childFile: string | URL; count: number }): Promise<{ workerBytes: number; childBytes: number }> {
  throw new Error("Document 003 states '~4MB memory per thread' and '~30MB per process' but shows no code that measures memory.");
}
