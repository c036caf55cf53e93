// Document 003, Q41, "Version A" and "Version B", used to measure: the time until
// cpuIntensiveWorker() / cpuIntensiveChild() resolve is the time to the first message. Translated
// to TypeScript with the file as a parameter (the document hard-codes './worker.js' and
// './child.js'); the bodies are the document's. Neither version ever ends what it starts: version A
// relies on the worker's thread ending by itself, version B never kills its child.
// Watch it fail: npm run check -- q41 --broken document-q41-versions
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';

// Version A: Worker Thread
function cpuIntensiveWorker(file: string | URL, data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: data });
    worker.on('message', resolve);
    worker.on('error', reject);
  });
}

// Version B: Child Process
function cpuIntensiveChild(file: string | URL, data: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = fork(file);
    child.send(data as object);
    child.on('message', resolve);
    child.on('error', reject);
  });
}

export async function measureWorkerStartup(file: string | URL): Promise<number> {
  const start = performance.now();
  await cpuIntensiveWorker(file, { value: 1 });
  return performance.now() - start;
}

export async function measureChildStartup(file: string | URL): Promise<number> {
  const start = performance.now();
  await cpuIntensiveChild(file, { value: 1 });
  return performance.now() - start;
}

export async function measureMemory({ workerFile, childFile, count }: { workerFile: string | URL; childFile: string | URL; count: number }): Promise<{ workerBytes: number; childBytes: number }> {
  const before = process.memoryUsage().rss;
  for (let i = 0; i < count; i++) await cpuIntensiveWorker(workerFile, { value: i });
  const workerBytes = (process.memoryUsage().rss - before) / count;
  let childBytes = 0;
  for (let i = 0; i < count; i++) childBytes += ((await cpuIntensiveChild(childFile, { value: i })) as { rss: number }).rss / count;
  return { workerBytes, childBytes };
}
