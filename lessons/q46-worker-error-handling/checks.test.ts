// Checks for Q46: runWorker(file, data, { timeout }) settles exactly once, with the worker's own
// error, whatever way the worker ends, and leaves no thread behind. The workers are
// fixtures/document-worker.ts (the document's) and fixtures/scenario-worker.ts (every other way).
import { expect, test } from 'vitest';
import { eventually, lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';
import type { Scenario } from './fixtures/scenario-worker.ts';

type RunWorker = (file: string | URL, data: unknown, options?: { timeout?: number }) => Promise<unknown>;
const lesson = lessonUnderTest(import.meta.url);

/** How runWorker() ended within `ms`: "resolved with 42", "rejected: boom", "still pending", "threw synchronously: ...". */
async function attempt(ms: number, file: string, data: unknown, options?: { timeout?: number }): Promise<string> {
  const { runWorker } = await lesson.load<{ runWorker: RunWorker }>('run-worker.ts');
  let promise: Promise<unknown>;
  try {
    promise = runWorker(file, data, options);
  } catch (error) {
    return `threw synchronously: ${error instanceof Error ? error.message : String(error)}`;
  }
  const o = await within(ms, promise);
  if (!o.settled) return stillPending(o);
  if ('error' in o && o.error !== undefined) return `rejected: ${o.error instanceof Error ? o.error.message : `a non-Error ${JSON.stringify(o.error)}`}`;
  return `resolved with ${JSON.stringify(o.value)}`;
}
const scenario = (s: Scenario, ms = 6000, options?: { timeout?: number }) => attempt(ms, lesson.fixture('scenario-worker.ts'), s, options);

test('a worker that posts its result resolves with that result', async () => {
  expect(await attempt(6000, lesson.fixture('document-worker.ts'), { value: 21 }), "the document's worker with value 21").toBe('resolved with 42');
  expect(await scenario({ kind: 'answer', value: { ok: true }, delayMs: 50 }), 'a worker that answers after 50 ms').toBe('resolved with {"ok":true}');
});

test('a worker that throws at start-up rejects with its own error message', async () => {
  expect(await attempt(6000, lesson.fixture('document-worker.ts'), { value: 0 }), "the document's worker with value 0").toBe('rejected: Invalid value');
  expect(await scenario({ kind: 'throw-at-start', message: 'thrown before anything else ran' }), 'a worker that throws on its first line').toBe(
    'rejected: thrown before anything else ran',
  );
});

test('a worker that throws later, in a timer, rejects with its own error message', async () => {
  expect(await scenario({ kind: 'throw-in-timer', message: 'thrown from a timer', delayMs: 50 }), 'the job').toBe('rejected: thrown from a timer');
});

test('a worker that throws inside a message handler rejects with its own error message', async () => {
  expect(await scenario({ kind: 'throw-in-message-handler', message: 'thrown from a message handler' }), 'the job').toBe(
    'rejected: thrown from a message handler',
  );
});

test('a worker that leaves a promise rejection unhandled rejects with its own error message', async () => {
  expect(await scenario({ kind: 'unhandled-rejection', message: 'a rejection nobody handled', delayMs: 20 }), 'the job').toBe(
    'rejected: a rejection nobody handled',
  );
});

test('a worker that calls process.exit(3) without a result rejects with an error naming exit code 3', async () => {
  const outcome = await scenario({ kind: 'exit', code: 3, delayMs: 20 });
  expect(outcome, 'the job').toMatch(/^rejected: .*\b3\b/);
});

test('a worker that exits with code 0 without a result rejects instead of waiting', async () => {
  // The timeout is far away: the exit itself must settle the job.
  const outcome = await scenario({ kind: 'exit', code: 0, delayMs: 20 }, 6000, { timeout: 30_000 });
  expect(outcome, 'the job, 6 s after it started; its worker exits with code 0 at once (timeout: 30 s)').toMatch(/^rejected/);
});

test('a worker file that does not exist rejects with an error naming the file', async () => {
  const outcome = await attempt(6000, lesson.fixture('no-such-worker.js'), {});
  expect(outcome, 'the job').toMatch(/^rejected: .*no-such-worker\.js/);
});

test('a worker path that Node refuses rejects the promise instead of throwing', async () => {
  // A relative path must start with './': new Worker() throws before any thread starts.
  const outcome = await attempt(6000, 'no-such-worker.js', {});
  expect(outcome, "runWorker('no-such-worker.js', ...)").toMatch(/^rejected: /);
});

test('a worker that never answers is rejected at the timeout, and its thread is stopped', async () => {
  const threads = watchThreads();
  const outcome = await scenario({ kind: 'hang' }, 5000, { timeout: 300 });
  expect(outcome, 'a job whose worker never answers, timeout 300 ms').toMatch(/^rejected/);
  await eventually(() => threads.workersAlive === 0, 'the worker to be stopped', 2000).catch(() => {});
  expect(threads.workersAlive, 'worker threads alive after the job timed out').toBe(0);
});

test('a worker stuck in a computation is rejected at the timeout, and its thread is stopped', async () => {
  const threads = watchThreads();
  const outcome = await scenario({ kind: 'busy' }, 5000, { timeout: 300 });
  expect(outcome, 'a job whose worker computes forever, timeout 300 ms').toMatch(/^rejected/);
  await eventually(() => threads.workersAlive === 0, 'the worker to be stopped', 2000).catch(() => {});
  expect(threads.workersAlive, 'worker threads alive after the job timed out').toBe(0);
});

test('a worker that keeps running after its answer is stopped once the answer has arrived', async () => {
  const threads = watchThreads();
  expect(await scenario({ kind: 'answer-and-stay', value: 'done' }), 'the job').toBe('resolved with "done"');
  await eventually(() => threads.workersAlive === 0, 'the worker to be stopped', 2000).catch(() => {});
  expect(threads.workersAlive, 'worker threads alive 2 s after the job resolved').toBe(0);
});
