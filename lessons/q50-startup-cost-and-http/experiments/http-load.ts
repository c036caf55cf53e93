// Document 003, Q50: "What's the performance problem?" of a server that starts a new Worker for
// every request. Both servers under the same bounded load, on this machine only (127.0.0.1): the
// document's worker-per-request server, and the workbook's pool server (solutions/). Each task keeps
// a CPU busy for 5 ms. Meanwhile /health is asked every 50 ms: how long does the event loop take?
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { createServer as documentServer } from '../broken/document-q50-no-pool/server.ts';
import { createServer as poolServer } from '../../../solutions/q50-startup-cost-and-http/server.ts';
import { request, type Reply } from '../fixtures/http-client.ts';
import { experiment, median, ms, quick } from '../../../tool/experiments/kit.ts';

const exp = experiment('A worker per request against a pool, behind the same HTTP server, under the same load');
const workerFile = new URL('../fixtures/compute-worker.ts', import.meta.url);
const total = quick ? 40 : 400;
const concurrency = 8;
const size = availableParallelism();

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]!;

async function load(create: typeof poolServer) {
  const app = create({ workerFile, size, maxQueue: 1000 });
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = app.server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency + 1 });
  await request(port, '/compute?n=1', { agent }); // warm: the first .ts worker is compiled once

  const latencies: number[] = [];
  const failures: Reply[] = [];
  let next = 0;
  const start = performance.now();
  const client = async () => {
    while (next < total) {
      next++;
      const sent = performance.now();
      const reply = await request(port, '/compute?n=5', { agent, timeoutMs: 30_000 });
      if (reply.status === 200) latencies.push(performance.now() - sent);
      else failures.push(reply);
    }
  };
  const health: number[] = [];
  let loading = true;
  const prober = (async () => {
    while (loading) {
      const sent = performance.now();
      await request(port, '/health', { method: 'GET', agent, timeoutMs: 10_000 });
      health.push(performance.now() - sent);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.all(Array.from({ length: concurrency }, client));
  const elapsed = performance.now() - start;
  loading = false;
  await prober;
  agent.destroy();
  await app.close();
  return { perSecond: (latencies.length / elapsed) * 1000, p50: median(latencies), p95: percentile(latencies, 0.95), health: median(health), healthMax: Math.max(...health), failures: failures.length };
}

const perRequest = await load(documentServer);
const pooled = await load(poolServer);

for (const [name, r] of [['a new worker per request (document 003)', perRequest], [`a pool of ${size} (solutions/)`, pooled]] as const) {
  exp.measure(`${name}: requests per second`, r.perSecond, '/s');
  exp.measure(`${name}: latency, median / 95th percentile`, `${ms(r.p50)} / ${ms(r.p95)}`);
  exp.measure(`${name}: /health under load, median / worst`, `${ms(r.health)} / ${ms(r.healthMax)}`);
  if (r.failures > 0) exp.measure(`${name}: requests that failed`, r.failures);
}
exp.note(`${total} requests of 5 ms CPU work each, ${concurrency} at a time, from this same process, on ${size} cores; load average ${loadavg()[0]!.toFixed(1)} at the end.`);
exp.note(`Document 003 speaks of "high-frequency requests (e.g., 1000/sec)". The worker-per-request server managed ${perRequest.perSecond.toFixed(0)}/s here.`);

exp.claim(
  'the pool server answers at least 3x as many requests per second',
  pooled.perSecond >= 3 * perRequest.perSecond,
  `${pooled.perSecond.toFixed(0)}/s against ${perRequest.perSecond.toFixed(0)}/s: ${(pooled.perSecond / perRequest.perSecond).toFixed(1)}x`,
);
exp.claim('every request got its 200 from both servers', perRequest.failures + pooled.failures === 0, `${perRequest.failures} and ${pooled.failures} failed`);
exp.done();
