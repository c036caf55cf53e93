// Checks for Q50: a worker pool behind a node:http server. Every check starts the server under test
// on 127.0.0.1, port 0, and sends it a bounded number of real requests, each with its own deadline.
// The workers are fixtures/compute-worker.ts (a negative n throws) and fixtures/exiting-worker.ts
// (a negative n calls process.exit(1)); both keep the CPU busy for |n| ms first.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from 'vitest';
import { disposeAfter, lessonUnderTest, watchThreads, within } from '../../tool/harness/index.ts';
import { now, request, show, type Reply } from './fixtures/http-client.ts';

interface ComputeServer {
  server: http.Server;
  close(): Promise<void>;
}
type ServerModule = { createServer(options: { workerFile: string | URL; size: number; maxQueue: number }): ComputeServer };

const lesson = lessonUnderTest(import.meta.url);
const computeWorker = lesson.fixture('compute-worker.ts');
const exitingWorker = lesson.fixture('exiting-worker.ts');

interface Running {
  port: number;
  app: ComputeServer;
}

async function start(options: { workerFile?: string; size: number; maxQueue: number }): Promise<Running> {
  const { createServer } = await lesson.load<ServerModule>('server.ts');
  const app = createServer({ workerFile: options.workerFile ?? computeWorker, ...options });
  const { server } = app;
  // After the check, whatever happened: the learner's close(), then make sure the socket is shut.
  disposeAfter({
    close: async () => {
      await within(2000, Promise.resolve().then(() => app.close()));
      server.closeAllConnections?.();
      if (server.listening) server.close();
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, app };
}

const errorText = (r: Reply) => (r.status !== 'no answer' && typeof r.body === 'object' && r.body !== null ? (r.body as { error?: unknown }).error : undefined);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("GET and POST /compute?n=… answer 200 with the worker's result as JSON", async () => {
  const { port } = await start({ size: 2, maxQueue: 10 });
  const post = await request(port, '/compute?n=3');
  const get = await request(port, '/compute?n=4', { method: 'GET' });
  expect(show(post), 'POST /compute?n=3').toMatch(/^200 \{.*"n":3/);
  expect(show(get), 'GET /compute?n=4').toMatch(/^200 \{.*"n":4/);
});

test('a pool of 2 starts at most 2 workers for 10 requests', async () => {
  const threads = watchThreads();
  const { port } = await start({ size: 2, maxQueue: 10 });
  const replies: Reply[] = [];
  for (let i = 0; i < 10; i++) replies.push(await request(port, `/compute?n=${i}`));
  expect(replies.map(show).filter((r) => !r.startsWith('200')), 'requests not answered 200').toEqual([]);
  expect(threads.workersCreated, 'worker threads started for 10 requests, one after another').toBeLessThanOrEqual(2);
});

test('/health answers while every worker is busy with long tasks', { timeout: 15_000 }, async () => {
  const { port } = await start({ size: 2, maxQueue: 10 });
  await request(port, '/compute?n=1'); // the pool is up
  // Two long tasks keep both workers busy for 1.5 s; a third waits in the queue.
  const long = [1, 2, 3].map(() => request(port, '/compute?n=1500', { timeoutMs: 10_000 }));
  await pause(300);
  const asked = now();
  const health = await request(port, '/health', { method: 'GET', timeoutMs: 5000 });
  const done = await Promise.all(long);
  const firstLong = Math.min(...done.map((r) => r.at));
  expect(show(health), 'GET /health while the pool was saturated').toMatch(/^200/);
  expect(done.map(show).filter((r) => !r.startsWith('200')), 'long tasks not answered 200').toEqual([]);
  expect(
    health.at < firstLong,
    `counting from when /health was asked: it answered after ${(health.at - asked).toFixed(0)} ms, the first 1.5 s task after ${(firstLong - asked).toFixed(0)} ms`,
  ).toBe(true);
});

test('a task that throws gets a 500 with a JSON error, and the request queued behind it gets 200', async () => {
  const { port } = await start({ size: 1, maxQueue: 10 });
  await request(port, '/compute?n=1'); // the pool is up
  // n = -300: the worker works for 300 ms, then throws. The second request arrives meanwhile and waits.
  const failing = request(port, '/compute?n=-300');
  await pause(100);
  const behind = request(port, '/compute?n=5');
  const [failed, queued] = await Promise.all([failing, behind]);
  expect(show(failed), 'the task that threw').toMatch(/^500 /);
  expect(typeof errorText(failed), `its body has an "error" message (${show(failed)})`).toBe('string');
  expect(show(queued), 'the request queued behind it').toMatch(/^200 \{.*"n":5/);
  expect(show(await request(port, '/compute?n=6')), 'the next request').toMatch(/^200 \{.*"n":6/);
});

test('a worker that exits in the middle of a task gets that request a 500, and later requests get 200', async () => {
  const { port } = await start({ workerFile: exitingWorker, size: 1, maxQueue: 10 });
  await request(port, '/compute?n=1'); // the pool is up
  const exited = await request(port, '/compute?n=-100');
  expect(show(exited), 'the request whose worker called process.exit(1)').toMatch(/^500 /);
  expect(typeof errorText(exited), `its body has an "error" message (${show(exited)})`).toBe('string');
  const later = [await request(port, '/compute?n=7'), await request(port, '/compute?n=8')];
  expect(later.map(show), 'the two requests after it').toEqual([expect.stringMatching(/^200 \{.*"n":7/), expect.stringMatching(/^200 \{.*"n":8/)]);
});

test('with size 1 and maxQueue 2, a flood of 10 requests gets some 503s, and every request gets an answer', { timeout: 15_000 }, async () => {
  const { port } = await start({ size: 1, maxQueue: 2 });
  await request(port, '/compute?n=1'); // the pool is up
  const replies = await Promise.all(Array.from({ length: 10 }, () => request(port, '/compute?n=300', { timeoutMs: 8000 })));
  const statuses = replies.map((r) => r.status);
  const count = (s: number | string) => statuses.filter((x) => x === s).length;
  expect(replies.filter((r) => r.status === 'no answer').map(show), 'requests that got no answer').toEqual([]);
  expect(count(503), `503 answers (all statuses: ${statuses.join(', ')})`).toBeGreaterThanOrEqual(1);
  expect(count(200), `200 answers: 1 running + 2 queued at least (all statuses: ${statuses.join(', ')})`).toBeGreaterThanOrEqual(3);
  expect(count(200) + count(503), `answers that were 200 or 503 (all statuses: ${statuses.join(', ')})`).toBe(10);
  const rejected = replies.find((r) => r.status === 503);
  if (rejected) expect(typeof errorText(rejected), `a 503 body has an "error" message (${show(rejected)})`).toBe('string');
});

test('a request without a numeric n gets a 400 with a JSON error', async () => {
  const { port } = await start({ size: 1, maxQueue: 10 });
  for (const path of ['/compute', '/compute?n=abc']) {
    const reply = await request(port, path);
    expect(show(reply), `POST ${path}`).toMatch(/^400 /);
    expect(typeof errorText(reply), `its body has an "error" message (${show(reply)})`).toBe('string');
  }
});

test('close() ends every worker thread and the server stops listening', async () => {
  const threads = watchThreads();
  const { port, app } = await start({ size: 2, maxQueue: 10 });
  await Promise.all([request(port, '/compute?n=20'), request(port, '/compute?n=20')]);
  const closed = await within(5000, Promise.resolve().then(() => app.close()));
  expect(closed.settled ? ('error' in closed && closed.error ? `threw: ${(closed.error as Error).message}` : 'finished') : 'still running after 5 s', 'close()').toBe('finished');
  expect(threads.workersAlive, 'worker threads still running when close() resolved').toBe(0);
  expect(app.server.listening, 'server.listening after close()').toBe(false);
  const after = await request(port, '/health', { method: 'GET', timeoutMs: 2000 });
  expect(after.status, `a request after close() (${show(after)})`).toBe('no answer');
});
