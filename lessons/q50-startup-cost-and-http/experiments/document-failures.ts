// Document 003, Q50: what happens to a request whose worker fails, in the document's two servers?
// Its WorkerPool listens for 'message' and 'error' but not 'exit'; its worker-per-request handler
// listens for 'message' only. Each scenario runs the document's code (broken/, translated to
// node:http) on 127.0.0.1 and sends it a few requests, each with a deadline.
import type { AddressInfo } from 'node:net';
import { createServer as noPoolServer } from '../broken/document-q50-no-pool/server.ts';
import { createServer as documentPoolServer } from '../broken/document-q50-pool/server.ts';
import { now, request, show } from '../fixtures/http-client.ts';
import { stillRunning } from '../../../tool/runtime/tracking.ts';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment("What happens to a request whose worker throws or exits, in document 003's Q50 servers?");
const computeWorker = new URL('../fixtures/compute-worker.ts', import.meta.url);
const exitingWorker = new URL('../fixtures/exiting-worker.ts', import.meta.url);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// In a real program an uncaught exception ends the process. Here we count them and carry on.
const crashes: string[] = [];
const onCrash = (error: Error) => crashes.push(`${error.name}: ${error.message}`);
process.on('uncaughtException', onCrash);

async function listen<T extends { server: import('node:http').Server }>(app: T): Promise<T & { port: number }> {
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', () => resolve()));
  return { ...app, port: (app.server.address() as AddressInfo).port };
}

// 1. The pool, size 1: a worker exits in the middle of a task (no 'error' event, only 'exit').
{
  const app = await listen(documentPoolServer({ workerFile: exitingWorker, size: 1, maxQueue: 0 }));
  await request(app.port, '/compute?n=1');
  const exited = await request(app.port, '/compute?n=-50', { timeoutMs: 3000 });
  const next = await request(app.port, '/compute?n=2', { timeoutMs: 3000 });
  const alive = app.pool.workers.filter((w) => w.threadId !== -1).length;
  exp.measure('pool: the request whose worker exited, 3 s later', show(exited));
  exp.measure('pool: the next request, 3 s later', show(next));
  exp.measure("pool: live workers left in the pool's list of 1", alive);
  exp.claim(
    "with no 'exit' listener, a worker that exits mid-task leaves its request unanswered and the pool one worker short, for good",
    exited.status === 'no answer' && next.status === 'no answer' && alive === 0,
    `${show(exited)}; then ${show(next)}; ${alive} live workers`,
  );
  await app.close();
}

// 2. The pool, size 1: a task throws while another request waits in the queue behind it.
{
  const app = await listen(documentPoolServer({ workerFile: computeWorker, size: 1, maxQueue: 0 }));
  await request(app.port, '/compute?n=1');
  // The failing task runs for a whole second before it throws, so that the request behind it is
  // surely queued by then, even on a machine so busy that a request takes long to arrive.
  const failing = request(app.port, '/compute?n=-1000', { timeoutMs: 6000 });
  await pause(50);
  const behind = request(app.port, '/compute?n=3', { timeoutMs: 6000 });
  const failed = await failing;
  await pause(1500);
  const stillWaiting = await Promise.race([behind.then(() => false), pause(0).then(() => true)]);
  const anotherSent = now();
  const another = await request(app.port, '/compute?n=4', { timeoutMs: 3000 });
  const queued = await behind;
  exp.measure('pool: the task that threw', show(failed));
  exp.measure('pool: the request queued behind it, 1.5 s after the failure', stillWaiting ? 'still waiting' : 'answered');
  exp.measure('pool: the queued request once another request arrived', `${show(queued)} (the other request: ${show(another)})`);
  exp.claim(
    "after a worker error, the replacement worker is never handed the queue: a request queued behind the failure waits until some other request comes in",
    failed.status === 500 && stillWaiting && queued.status === 200 && queued.at > anotherSent,
    `the failure got ${failed.status}; the queued request was ${stillWaiting ? 'still waiting' : 'answered'} 1.5 s later, and was answered ${queued.at > anotherSent ? 'only after' : 'before'} another request arrived`,
  );
  await app.close();
}

// 3. A new worker per request: a task that throws, and a worker that exits.
{
  const app = await listen(noPoolServer({ workerFile: computeWorker, size: 1, maxQueue: 0 }));
  const before = crashes.length;
  const threw = await request(app.port, '/compute?n=-20', { timeoutMs: 2000 });
  const crash = crashes.slice(before)[0];
  // This process tracks the threads it starts (tool/runtime/register.ts, loaded by npm run experiment).
  const threads = stillRunning().filter((t) => t.kind === 'worker thread').length;
  exp.measure('no pool: the request whose worker threw, 2 s later', show(threw));
  exp.measure('no pool: uncaught exception in the server', crash ?? 'none');
  exp.measure('no pool: worker threads still running afterwards', threads);
  exp.claim(
    "with no 'error' listener, a worker that throws crashes the whole server (an uncaught 'error' event), and its request is never answered",
    threw.status === 'no answer' && crash !== undefined && threads === 0,
    `the request: ${show(threw)}; the server process: ${crash ?? 'no crash'}; no worker leaked (${threads} running): the one that threw has exited`,
  );
  await app.close();
}
{
  const app = await listen(noPoolServer({ workerFile: exitingWorker, size: 1, maxQueue: 0 }));
  const before = crashes.length;
  const exited = await request(app.port, '/compute?n=-20', { timeoutMs: 2000 });
  const later = await request(app.port, '/compute?n=5', { timeoutMs: 2000 });
  exp.measure('no pool: the request whose worker exited, 2 s later', show(exited));
  exp.claim(
    'a worker that exits leaves its request hanging without a crash; the thread itself is gone, so nothing leaks but the open connection',
    exited.status === 'no answer' && crashes.length === before && later.status === 200,
    `${show(exited)}; the next request: ${show(later)}`,
  );
  await app.close();
}

process.off('uncaughtException', onCrash);
exp.done();
