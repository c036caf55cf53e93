// Eight requests to a server whose pool has 2 workers, drawn request by request. The first one's
// task throws after 150 ms (its worker dies), the second keeps a worker busy for 300 ms; once both
// are running, six more come at once, 80 ms each. The same requests to the document's pool server
// and to the solution (maxQueue 2).
// Who runs what, who waits, who is refused, and what becomes of the replacement worker?
import type { AddressInfo } from 'node:net';
import { createServer as documentServer } from '../broken/document-q50-pool/server.ts';
import { createServer as solutionServer } from '../../../solutions/q50-startup-cost-and-http/server.ts';
import { request } from '../fixtures/http-client.ts';
import { experiment, stopAll, watchWorkerLives, type WorkerLife, type TimelineSpan, within } from '../../../tool/experiments/kit.ts';

const exp = experiment('A saturated pool behind an HTTP server: a failing task, a queue, and what happens to the rest');
const workerFile = new URL('../fixtures/compute-worker.ts', import.meta.url);
const SIZE = 2;
const MAX_QUEUE = 2;
// Each request's n is different, so that the task the server posts tells which request it is.
// A negative n spins |n| ms and then throws.
const requests = [-150, 300, 81, 82, 83, 84, 85, 86];

const lives = watchWorkerLives(workerFile);

// queuedAt: when the server received the request; endedAt: when it had sent its answer.
interface Span extends TimelineSpan {
  status?: number | string;
  /** When the server posted it to a worker (startedAt is later if that worker was not online yet). */
  handedAt?: number;
}
type App = { server: import('node:http').Server; close(): Promise<void> };

async function picture(make: () => App) {
  const first = lives.length;
  const mine = () => lives.slice(first);
  const app = make();
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = app.server.address() as AddressInfo;
  // A request for each worker first, so that both are up and have loaded their code.
  await Promise.all([request(port, '/compute?n=1'), request(port, '/compute?n=2')]);
  const t0 = performance.now();
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  // The server's view: when each request arrived (this listener runs before the server's own
  // handler) and when the server had sent its answer.
  const arrivedAt = new Map<number, number>();
  const answeredAt = new Map<number, number>();
  app.server.prependListener('request', (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const n = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('n'));
    arrivedAt.set(n, performance.now());
    res.once('finish', () => answeredAt.set(n, performance.now()));
  });
  const postOf = (n: number) => {
    const row = mine().findIndex((l) => l.posted.some((p) => (p.data as { n?: number }).n === n));
    return row === -1 ? undefined : { row, life: mine()[row]!, at: mine()[row]!.posted.find((p) => (p.data as { n?: number }).n === n)!.at };
  };
  const send = async (n: number, i: number) => {
    const reply = await request(port, `/compute?n=${n}`, { timeoutMs: 10_000 });
    const span: Span = { task: `${i + 1}`, queuedAt: at(arrivedAt.get(n) ?? Number.NaN), endedAt: at(answeredAt.get(n) ?? performance.now()), outcome: 'lost', status: reply.status };
    span.outcome = reply.status === 200 ? 'ok' : reply.status === 500 ? 'crash' : reply.status === 503 ? 'rejected' : 'lost';
    // A 503 is decided in the very tick the request arrives (run() refuses it at once): it never
    // waits in the pool, whatever the time the network then takes to carry the answer.
    if (reply.status === 503) span.endedAt = span.queuedAt;
    const post = postOf(n);
    if (post) {
      // A task posted to a worker still starting waits in its port until the worker is online.
      Object.assign(span, { worker: post.row + 1, handedAt: at(post.at), startedAt: at(Math.max(post.at, post.life.onlineAt ?? post.at)) });
    }
    return span;
  };
  // Requests 1 and 2 go first: the others are sent once both are on a worker, whatever order
  // the server would have taken eight requests arriving together in.
  const firstTwo = [send(requests[0]!, 0), send(requests[1]!, 1)];
  const deadline = performance.now() + 10_000;
  while (!(postOf(requests[0]!) && postOf(requests[1]!)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  const spans = await Promise.all([...firstTwo, ...requests.slice(2).map((n, i) => send(n, i + 2))]);
  const closingAt = performance.now();
  await within(5_000, app.close());
  await stopAll();

  const crashed = (l: WorkerLife) => l.exitedAt !== undefined && l.exitedAt < closingAt;
  // The k-th worker started after the first SIZE replaces the k-th one that crashed.
  const deaths = mine().filter(crashed).sort((a, b) => a.exitedAt! - b.exitedAt!);
  const workers = mine().map((l, i) => ({
    id: i + 1,
    startedAt: Math.max(0, at(l.createdAt)),
    endedAt: l.exitedAt === undefined ? undefined : at(l.exitedAt),
    exit: crashed(l) ? ('crash' as const) : ('terminated' as const),
    replaces: i >= SIZE && deaths[i - SIZE] ? mine().indexOf(deaths[i - SIZE]!) + 1 : undefined,
  }));
  // What the claims look at. Request 2's answer: the first message from its worker after it was handed over.
  const long = postOf(requests[1]!)!;
  const replacement = mine()[SIZE];
  const replacementFirstTask = Math.min(...spans.filter((s) => s.worker === SIZE + 1).map((s) => s.handedAt!));
  // Most requests waiting for a worker at once, on the server: from arrival until handed over.
  const waits = spans.filter((s) => s.handedAt !== undefined).map((s) => [s.queuedAt, s.handedAt!] as const);
  const mostWaiting = Math.max(0, ...waits.map(([a]) => waits.filter(([b, e]) => b <= a && e > a).length));
  return {
    spans,
    workers,
    mostWaiting,
    replacementFirstTask,
    longAnsweredAt: at(long.life.answered.find((a) => a.at > long.at)?.at ?? Number.NaN),
    replacementStartedAt: replacement && at(replacement.createdAt),
    // A request that reaches the server after the replacement started makes any pool look at its queue.
    laterArrival: Math.min(...spans.map((s) => s.queuedAt).filter((t) => replacement && t > at(replacement.createdAt))),
  };
}

const document = await picture(() => documentServer({ workerFile, size: SIZE, maxQueue: MAX_QUEUE }));
const solution = await picture(() => solutionServer({ workerFile, size: SIZE, maxQueue: MAX_QUEUE }));
const tidy = (run: typeof document) => ({ tasks: run.spans.map(({ status, handedAt, ...span }) => span), workers: run.workers });
const load = `Request 1 fails after ${-requests[0]!} ms, request 2 takes ${requests[1]} ms; then 6 more at once, 80 ms each`;
exp.measure('timeline: the document', JSON.stringify({ caption: `The document's pool of ${SIZE} (no bound on its queue). ${load}`, ...tidy(document) }), 'timeline');
exp.measure('timeline: the solution', JSON.stringify({ caption: `The solution, a pool of ${SIZE} with maxQueue ${MAX_QUEUE}. ${load}`, ...tidy(solution) }), 'timeline');

const statuses = (run: typeof document) => run.spans.map((s) => `${s.task}: ${s.status}`).join(', ');
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : 'never');
for (const [name, run] of [["document's pool", document], ['solution', solution]] as const) {
  exp.measure(`${name}: answers`, statuses(run));
  exp.measure(`${name}: workers started (${SIZE} at first)`, run.workers.length);
  exp.measure(`${name}: most requests waiting for a worker at once`, run.mostWaiting);
  exp.measure(`${name}: the replacement started at`, ms(run.replacementStartedAt ?? Number.NaN));
  exp.measure(`${name}: the replacement was handed its first request at`, ms(run.replacementFirstTask));
  exp.measure(`${name}: request 2's answer reached the server at`, ms(run.longAnsweredAt));
}

for (const [name, run] of [["the document's pool", document], ['the solution', solution]] as const) {
  exp.claim(
    `${name}: the request whose task threw gets a 500, one replacement starts, and every other request it accepted gets its 200`,
    run.spans[0]!.status === 500 && run.workers.length === SIZE + 1 && run.spans.slice(1).every((s) => s.status === 200 || s.status === 503),
    `${statuses(run)}; ${run.workers.length} workers started in all`,
  );
}
exp.claim(
  "the document's pool refuses nothing and lets requests pile up (4 or more waiting at once); its replacement sits idle with requests queued, until request 2's answer (or a request arriving later) makes the pool look at its queue",
  document.spans.every((s) => s.status !== 503) &&
    document.mostWaiting >= 4 &&
    document.replacementFirstTask >= Math.min(document.longAnsweredAt, document.laterArrival),
  `at most ${document.mostWaiting} waiting; replacement started at ${ms(document.replacementStartedAt!)}, handed its first request at ${ms(document.replacementFirstTask)}; request 2's answer came at ${ms(document.longAnsweredAt)}, the first request after the replacement started: ${ms(document.laterArrival)}`,
);
exp.claim(
  `the solution never lets more than ${MAX_QUEUE} requests wait and refuses the rest with a 503; it hands a queued request to the replacement before request 2's answer comes`,
  solution.spans.some((s) => s.status === 503) && solution.mostWaiting <= MAX_QUEUE && solution.replacementFirstTask < solution.longAnsweredAt,
  `${solution.spans.filter((s) => s.status === 503).length} refused, at most ${solution.mostWaiting} waiting; replacement handed its first request at ${ms(solution.replacementFirstTask)}, request 2's answer came at ${ms(solution.longAnsweredAt)}`,
);
exp.done();
