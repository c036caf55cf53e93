// Both documents' pools settle a task with the first message its worker posts. What happens when
// a worker posts a progress note, a null, or an answer carrying another task's id?
import { WorkerPool as Document002Pool } from '../broken/document-002-pool/pool.ts';
import { WorkerPool as Document004Pool } from '../broken/document-004-pool/pool.ts';
import { WorkerPool as ReferencePool } from '../../../solutions/why-pools/pool.ts';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment('What do the pools do with messages they did not ask for?');
const worker = new URL('../fixtures/chatty-worker.ts', import.meta.url);
const crashes: string[] = [];
process.on('uncaughtException', (e) => crashes.push(`${e.name}: ${e.message}`));

type Pool = { run(data: unknown): Promise<unknown>; close(): Promise<void> };
const settleWithin = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then((v) => `resolved ${JSON.stringify(v)}`, (e: Error) => `rejected ${e.message}`),
    new Promise<string>((r) => setTimeout(() => r('still pending'), ms)),
  ]);

async function trial(name: string, make: () => Pool) {
  crashes.length = 0;
  const pool = make();
  const outcomes = await Promise.all(Array.from({ length: 10 }, (_, value) => settleWithin(pool.run({ value }), 2000)));
  await pool.close();
  const right = outcomes.filter((o, v) => o === `resolved ${v * 2}`).length;
  const pending = outcomes.filter((o) => o === 'still pending').length;
  exp.note(`${name}: ${right} of 10 right; ${pending} still pending after 2 s; uncaught exceptions: ${crashes.length}`);
  exp.note(`    task 0: ${outcomes[0]}, task 1: ${outcomes[1]}${crashes[0] ? `; first exception: ${crashes[0]}` : ''}`);
  return { right, pending, crashes: crashes.length };
}

const doc002 = await trial('document 002', () => new Document002Pool(worker, { size: 2 }));
const doc004 = await trial('document 004', () => new Document004Pool(worker, { size: 2 }));
const reference = await trial('reference pool', () => new ReferencePool(worker, { size: 2 }));

exp.claim("document 002's pool hands out wrong results when a worker talks out of turn", doc002.right < 10, `${doc002.right} of 10 right, ${doc002.crashes} uncaught exceptions`);
exp.claim("document 004's pool hands out wrong results when a worker talks out of turn", doc004.right < 10, `${doc004.right} of 10 right`);
exp.claim('a pool that checks the id against the task that worker holds gets all 10 right', reference.right === 10 && reference.crashes === 0, `${reference.right} of 10 right`);
exp.done();
