// When does a task's buffer leave the caller? Drawn worker by worker. A pool of 2 gets 8 tasks at
// once, each carrying its own 4-byte array in its transfer list and holding a worker for 40 ms, so
// 2 run at once and 6 wait. Right after the 8 run() calls, the caller writes 0xEE into every array
// it can still write to, as code reusing its buffers would. Then we look at what each worker got.
// The same load on document 000's pool and on the lesson's solution, both with the checks' XOR
// worker (it XORs in place and transfers the view back, so a result XORed again is what was sent).
import type { TransferListItem } from 'node:worker_threads';
import { WorkerPool as DocumentPool } from '../broken/document-000-pool/pool.ts';
import { WorkerPool as SolutionPool } from '../../../solutions/transferables-in-the-pool/pool.ts';
import { experiment, stopAll, watchWorkerLives, type TimelineSpan, within } from '../../../tool/experiments/kit.ts';

const exp = experiment('A pool of 2, eight transferring tasks: whose buffers could the caller still write to while they waited?');
const workerFile = new URL('../fixtures/xor-worker.ts', import.meta.url);
const TASKS = 8;
const TASK_MS = 40;
const WRITTEN = 0xee;

const lives = watchWorkerLives(workerFile);

type Span = TimelineSpan;
interface Pool {
  run(data: unknown, options?: { transferList?: readonly TransferListItem[] }): Promise<unknown>;
  close(): Promise<void>;
}

async function picture(make: () => Pool) {
  const first = lives.length;
  const mine = () => lives.slice(first);
  const pool = make();
  // Both workers up and their code loaded, so the picture starts with two idle workers.
  await Promise.all([0, 1].map(() => pool.run(Uint8Array.of(0))));
  const t0 = performance.now();
  const at = (ms: number) => Math.round((ms - t0) * 10) / 10;
  const spans: Span[] = [];
  const arrays: Uint8Array[] = [];
  const settled: Array<Promise<unknown>> = [];
  /** Per task: did the caller still hold its array right after run() returned? */
  const heldAfterRun: boolean[] = [];
  for (let i = 1; i <= TASKS; i++) {
    const bytes = new Uint8Array(4).fill(i);
    const tag = `task ${i}`;
    const span: Span = { task: String(i), queuedAt: at(performance.now()), outcome: 'lost' };
    spans.push(span);
    arrays.push(bytes);
    // The tag is ignored by the worker; it lets us find this task among what the pool posted.
    const task = pool.run({ bytes, delayMs: TASK_MS, tag }, { transferList: [bytes.buffer as ArrayBuffer] });
    heldAfterRun.push(bytes.byteLength > 0);
    const done = (outcome: Span['outcome'], value?: unknown) => {
      span.endedAt = at(performance.now());
      span.outcome = outcome;
      const row = mine().findIndex((l) => l.posted.some((p) => (p.data as { data?: { tag?: string } }).data?.tag === tag));
      const posted = mine()[row]?.posted.find((p) => (p.data as { data?: { tag?: string } }).data?.tag === tag);
      if (posted) Object.assign(span, { worker: row + 1, startedAt: at(posted.at) });
      return value instanceof Uint8Array ? Array.from(value, (b) => b ^ 0xff) : undefined;
    };
    settled.push(task.then((value) => done('ok', value), () => done('error')));
  }
  // The caller moves on and writes into every array it still can.
  const written = arrays.map((bytes) => {
    try {
      bytes.fill(WRITTEN);
      return bytes.byteLength > 0;
    } catch {
      return false; // detached: fill throws a TypeError
    }
  });
  const received = (await within(20_000, Promise.all(settled))) ?? [];
  await within(2_000, pool.close());
  await stopAll();
  /** Per task: the worker received the caller's later write, not the bytes it had at run(). */
  const overwritten = spans.map((_, i) => Array.isArray(received[i]) && (received[i] as number[]).every((b) => b === WRITTEN));
  const intact = spans.map((_, i) => Array.isArray(received[i]) && (received[i] as number[]).every((b) => b === i + 1));
  // A ✎ on a bar: the worker got bytes the caller wrote after run() returned.
  const drawn = spans.map((s, i) => ({ ...s, task: overwritten[i] ? `${s.task} ✎` : s.task }));
  const workers = mine().map((l, i) => ({ id: i + 1, startedAt: Math.max(0, at(l.createdAt)), endedAt: l.exitedAt === undefined ? undefined : at(l.exitedAt), exit: 'terminated' as const }));
  const startOrder = [...spans].filter((s) => s.startedAt !== undefined).sort((a, b) => a.startedAt! - b.startedAt!).map((s) => s.task);
  return { spans, drawn, workers, heldAfterRun, written, overwritten, intact, startOrder };
}

const document = await picture(() => new DocumentPool(workerFile, { size: 2 }));
const solution = await picture(() => new SolutionPool(workerFile, { size: 2 }));
const caption = (who: string) =>
  `${who}, a pool of 2: tasks 1 to 8 sent at once, each transferring its own array; then the caller writes into every array it still can (✎: the worker got that write, not the task's bytes)`;
exp.measure('timeline: document 000', JSON.stringify({ caption: caption("Document 000's pool"), tasks: document.drawn, workers: document.workers }), 'timeline');
exp.measure('timeline: the solution', JSON.stringify({ caption: caption('The solution'), tasks: solution.drawn, workers: solution.workers }), 'timeline');

const list = (flags: boolean[]) => flags.flatMap((f, i) => (f ? [i + 1] : [])).join(', ') || 'none';
for (const [name, run] of [['document 000', document], ['solution', solution]] as const) {
  exp.measure(`${name}: tasks whose array the caller still held after run()`, list(run.heldAfterRun));
  exp.measure(`${name}: tasks whose array the caller wrote into afterwards`, list(run.written));
  exp.measure(`${name}: tasks whose worker got the caller's later write`, list(run.overwritten));
  exp.measure(`${name}: order the tasks started in`, run.startOrder.join(', '));
}

/** True where tasks 1 and 2 are false and tasks 3 to 8 true. */
const firstTwo = (flags: boolean[]) => flags.map((f, i) => (i < 2 ? !f : f));
exp.claim(
  "document 000: the two tasks that found a worker idle took their arrays at run(); tasks 3 to 8 waited and left them with the caller, and each of their workers got the caller's later write instead of the task's bytes",
  document.heldAfterRun.every((held, i) => held === i >= 2) && firstTwo(document.overwritten).every(Boolean) && !!document.intact[0] && !!document.intact[1] && document.spans.every((s) => s.outcome === 'ok'),
  `held after run(): ${list(document.heldAfterRun)}; the worker got the later write: ${list(document.overwritten)}`,
);
exp.claim(
  'the solution takes every array at run(), queued or not: the caller can write into none of them, and every worker gets the bytes its task had at run()',
  solution.heldAfterRun.every((held) => !held) && solution.written.every((w) => !w) && solution.intact.every(Boolean) && solution.spans.every((s) => s.outcome === 'ok'),
  `held after run(): ${list(solution.heldAfterRun)}; written into: ${list(solution.written)}; intact: ${list(solution.intact)}`,
);
exp.claim(
  'both pools start the tasks in the order they were sent, on their two workers, and every task is answered',
  [document, solution].every((run) => run.startOrder.join() === '1,2,3,4,5,6,7,8' && run.workers.length === 2 && run.spans.every((s) => s.worker !== undefined)),
  `document 000: ${document.startOrder.join(', ')}; solution: ${solution.startOrder.join(', ')}`,
);
exp.done();
