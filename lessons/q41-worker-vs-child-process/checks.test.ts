// Checks for Q41: measuring a worker thread against a forked child process, leaving nothing running.
// Every worker and child runs fixtures/ready.mjs (or a file that is missing, or one that exits at once).
import { expect, test } from 'vitest';
import { lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';

interface MemoryPerUnit {
  workerBytes: number;
  childBytes: number;
}
interface MeasureModule {
  measureWorkerStartup(file: string | URL): Promise<number>;
  measureChildStartup(file: string | URL): Promise<number>;
  measureMemory(options: { workerFile: string | URL; childFile: string | URL; count: number }): Promise<MemoryPerUnit>;
}

const lesson = lessonUnderTest(import.meta.url);
const ready = lesson.fixture('ready.mjs');
const exitsAtOnce = lesson.fixture('exits-at-once.mjs');
const slowReady = lesson.fixture('ready-after-300ms.mjs');
const missing = lesson.fixture('there-is-no-such-file.mjs');
const load = () => lesson.load<MeasureModule>('measure.ts');

type Outcome = Awaited<ReturnType<typeof within>>;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const show = (o: Outcome): string =>
  !o.settled ? stillPending(o) : 'error' in o && o.error !== undefined ? `rejected: ${messageOf(o.error)}` : `resolved with ${JSON.stringify(o.value)}`;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const MB = 1024 * 1024;

/** Runs `measure` and reads how many of the threads or processes it started are alive when it settles. */
async function aliveWhenSettled<T>(measure: () => Promise<T>, ms: number) {
  const threads = watchThreads();
  const outcome = await within(ms, measure());
  // Nothing else runs between the promise settling and this line, so an exit that had not
  // happened yet when the function settled has not happened here either.
  return { outcome, workers: threads.workersAlive, processes: threads.processesAlive, started: threads.started.length };
}

test('measureWorkerStartup resolves with a time in ms, and the worker has exited by then', async () => {
  const { measureWorkerStartup } = await load();
  const { outcome, workers, started } = await aliveWhenSettled(() => measureWorkerStartup(ready), 5000);
  expect(show(outcome), 'measureWorkerStartup(ready.mjs)').toMatch(/^resolved/);
  expect(isTime(outcome.settled && 'value' in outcome && outcome.value), `a positive number of ms (${show(outcome)})`).toBe(true);
  expect(started, 'worker threads started').toBe(1);
  expect(workers, 'worker threads still running when it resolved').toBe(0);
});

test('measureChildStartup resolves with a time in ms, and the child process has exited by then', async () => {
  const { measureChildStartup } = await load();
  const { outcome, processes, started } = await aliveWhenSettled(() => measureChildStartup(ready), 8000);
  expect(show(outcome), 'measureChildStartup(ready.mjs)').toMatch(/^resolved/);
  expect(isTime(outcome.settled && 'value' in outcome && outcome.value), `a positive number of ms (${show(outcome)})`).toBe(true);
  expect(started, 'child processes started').toBe(1);
  expect(processes, 'child processes still running when it resolved').toBe(0);
});

test('start-up is timed to the first message: a file that takes 300 ms to get ready measures at least 300 ms, as a worker and as a child', async () => {
  const { measureWorkerStartup, measureChildStartup } = await load();
  const worker = await within(5000, measureWorkerStartup(slowReady));
  const child = await within(8000, measureChildStartup(slowReady));
  for (const [name, o] of [['measureWorkerStartup', worker], ['measureChildStartup', child]] as const) {
    expect(show(o), `${name}(ready-after-300ms.mjs)`).toMatch(/^resolved/);
    const value = (o as { value: unknown }).value;
    expect(isTime(value) && value >= 300, `${name}(ready-after-300ms.mjs) is at least 300 ms (${show(o)})`).toBe(true);
  }
});

test('a worker file that does not exist rejects measureWorkerStartup with an error, without hanging', async () => {
  const { measureWorkerStartup } = await load();
  const { outcome, workers } = await aliveWhenSettled(() => measureWorkerStartup(missing), 5000);
  expect(show(outcome), 'measureWorkerStartup(a missing file), 5 s later').toMatch(/^rejected: ./);
  expect(workers, 'worker threads still running when it rejected').toBe(0);
});

test('a worker that exits before its first message rejects measureWorkerStartup, without hanging', async () => {
  const { measureWorkerStartup } = await load();
  const { outcome, workers } = await aliveWhenSettled(() => measureWorkerStartup(exitsAtOnce), 5000);
  expect(show(outcome), 'measureWorkerStartup(a worker that calls process.exit(0) at once), 5 s later').toMatch(/^rejected: ./);
  expect(workers, 'worker threads still running when it rejected').toBe(0);
});

test('a child file that does not exist rejects measureChildStartup with an error that says so, without hanging', async () => {
  const { measureChildStartup } = await load();
  const { outcome, processes } = await aliveWhenSettled(() => measureChildStartup(missing), 6000);
  expect(show(outcome), 'measureChildStartup(a missing file), 6 s later').toMatch(/^rejected: ./);
  expect(show(outcome), 'the error names the file, the exit or the missing module').toMatch(/there-is-no-such-file|exit|cannot find|not found|no such/i);
  expect(processes, 'child processes still running when it rejected').toBe(0);
});

test('a child that exits before its first message rejects measureChildStartup, without hanging', async () => {
  const { measureChildStartup } = await load();
  const { outcome, processes } = await aliveWhenSettled(() => measureChildStartup(exitsAtOnce), 6000);
  expect(show(outcome), 'measureChildStartup(a child that calls process.exit(0) at once), 6 s later').toMatch(/^rejected: ./);
  expect(processes, 'child processes still running when it rejected').toBe(0);
});

test('measureMemory: a live worker costs this process some MB, a forked child is a whole process of its own that costs more', { timeout: 30_000 }, async () => {
  const { measureMemory } = await load();
  const { outcome, workers, processes } = await aliveWhenSettled(() => measureMemory({ workerFile: ready, childFile: ready, count: 4 }), 25_000);
  expect(show(outcome), 'measureMemory({ count: 4 })').toMatch(/^resolved/);
  const { workerBytes, childBytes } = (outcome as { value: MemoryPerUnit }).value;
  const shown = `workerBytes ${(workerBytes / MB).toFixed(1)} MB, childBytes ${(childBytes / MB).toFixed(1)} MB`;
  expect(isTime(workerBytes) && isTime(childBytes), `both positive numbers (${shown})`).toBe(true);
  // No Node process runs in less than 10 MB: a smaller figure is not the child's own RSS.
  expect(childBytes / MB, `childBytes in MB: a whole Node process (${shown})`).toBeGreaterThanOrEqual(10);
  expect(childBytes / workerBytes, `childBytes / workerBytes (${shown})`).toBeGreaterThanOrEqual(1.5);
  expect({ workers, processes }, 'still running when measureMemory resolved').toEqual({ workers: 0, processes: 0 });
});

test('measureMemory leaves nothing running, even when a child fails to start', { timeout: 20_000 }, async () => {
  const { measureMemory } = await load();
  const { outcome, workers, processes } = await aliveWhenSettled(() => measureMemory({ workerFile: ready, childFile: missing, count: 2 }), 10_000);
  expect(show(outcome), 'measureMemory with a missing child file').toMatch(/^rejected: ./);
  expect({ workers, processes }, 'still running when measureMemory rejected').toEqual({ workers: 0, processes: 0 });
});
