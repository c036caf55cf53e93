// Where piscina 5, the library you would reach for, does not do what the capstone's checks ask,
// each next to the workbook pool doing the same thing. Found by running the capstone's checks
// against piscina behind a thin adapter (broken/piscina-adapter): npm run check -- capstone --broken piscina-adapter
import { Piscina, version } from 'piscina';
import { experiment } from '../../../tool/experiments/kit.ts';
import { workerEntryFor } from '../../../tool/runtime/ts-workers.ts';
import { WorkerPool } from '../../../solutions/capstone/pool.ts';
import { newStartLog, reply, startedTags, type Task } from '../fixtures/tasks.ts';

const exp = experiment(`Where piscina ${version} differs from the capstone's rules, next to the workbook pool`);
const taskFile = workerEntryFor(new URL('../fixtures/piscina-task.ts', import.meta.url))!;
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const settled = (p: Promise<unknown>) => p.then((v) => `resolved ${JSON.stringify(v)}`, (e: Error) => `rejected (${e.message})`);
type PTask = { value?: unknown; delayMs?: number; log?: Int32Array; tag?: number; bytes?: Uint8Array };
const piscina = (threads: number, more: Record<string, unknown> = {}) =>
  new Piscina<PTask, unknown>({ filename: taskFile, minThreads: threads, maxThreads: threads, ...more });
const workbook = (size: number, more: { maxQueue?: number } = {}) => new WorkerPool(workerFile, { size, ...more });
/** Lets a fresh pool's threads start, so that start-up does not blur what follows. */
const ready = async (run: () => Promise<unknown>) => void (await run());

// 1. Start order on one thread.
{
  const order = async (run: (tag: number, log: Int32Array) => Promise<unknown>) => {
    const log = newStartLog();
    await Promise.all(Array.from({ length: 12 }, (_, tag) => run(tag, log)));
    return startedTags(log).join(' ');
  };
  const p1 = piscina(1);
  await ready(() => p1.run({}));
  const p2 = piscina(1, { stricterFIFO: true });
  await ready(() => p2.run({}));
  const w = workbook(1);
  await ready(() => w.run(reply(0)));
  const piscinaOrder = await order((tag, log) => p1.run({ delayMs: 5, log, tag }));
  const strictOrder = await order((tag, log) => p2.run({ delayMs: 5, log, tag }));
  const ours = await order((tag, log) => w.run(reply(tag, { delayMs: 5, log, tag })));
  await Promise.all([p1.destroy(), p2.destroy(), w.close()]);
  exp.note('1. Twelve tasks submitted at once to one thread: the order they start in.');
  exp.measure('start order, piscina, default options', piscinaOrder);
  exp.measure('start order, piscina, stricterFIFO: true', strictOrder);
  exp.measure('start order, workbook pool', ours);
  exp.claim('the workbook pool starts them in the order they were submitted', ours === '0 1 2 3 4 5 6 7 8 9 10 11', ours);
}

// 2. maxQueue, for tasks that carry an AbortSignal.
{
  const refusals = async (run: (withSignal: boolean) => Promise<unknown>, withSignal: boolean) => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => settled(run(withSignal))));
    return outcomes.filter((o) => o.startsWith('rejected')).length;
  };
  const signal = (yes: boolean) => (yes ? { signal: new AbortController().signal } : {});
  const counts: Record<string, number> = {};
  for (const withSignal of [false, true]) {
    const p = piscina(1, { maxQueue: 2 });
    await ready(() => p.run({}));
    counts[`piscina ${withSignal}`] = await refusals((s) => p.run({ delayMs: 50 }, signal(s)), withSignal);
    await p.destroy();
    const w = workbook(1, { maxQueue: 2 });
    await ready(() => w.run(reply(0)));
    counts[`workbook ${withSignal}`] = await refusals((s) => w.run(reply(0, { delayMs: 50 }), signal(s)), withSignal);
    await w.close();
  }
  exp.note('2. One thread, maxQueue 2, six tasks at once (one runs, two may wait): how many are refused.');
  exp.measure('maxQueue 2, piscina, tasks without a signal', counts['piscina false']!, 'refused of 6');
  exp.measure('maxQueue 2, piscina, each task with an AbortSignal', counts['piscina true']!, 'refused of 6');
  exp.measure('maxQueue 2, workbook pool, each task with an AbortSignal', counts['workbook true']!, 'refused of 6');
  exp.claim('the workbook pool refuses 3 of the 6, signal or not', counts['workbook false'] === 3 && counts['workbook true'] === 3, `without: ${counts['workbook false']}; with: ${counts['workbook true']}`);
}

// 3. maxQueue 0: is a refused task really refused?
{
  const scenario = async (run: (t: PTask & Task) => Promise<unknown>) => {
    const log = newStartLog();
    const a = settled(run({ ...reply('a', { delayMs: 200, log, tag: 0 }), value: 'a', delayMs: 200, log, tag: 0 }));
    const b = await settled(run({ ...reply('b', { delayMs: 200, log, tag: 1 }), value: 'b', delayMs: 200, log, tag: 1 }));
    await a;
    const c = await settled(run({ ...reply('c', { log, tag: 2 }), value: 'c', log, tag: 2 }));
    await sleep(100);
    return { b, c, started: startedTags(log).join(' ') };
  };
  const p = piscina(1, { maxQueue: 0 });
  await ready(() => p.run({}));
  const theirs = await scenario((t) => p.run(t));
  await p.destroy();
  const w = workbook(1, { maxQueue: 0 });
  await ready(() => w.run(reply(0)));
  const ours = await scenario((t) => w.run(t));
  await w.close();
  exp.note('3. One thread, maxQueue 0: task a (200 ms) runs; b (200 ms) is sent while a runs; c is sent once a is done. Tags: a 0, b 1, c 2.');
  exp.measure('maxQueue 0, piscina: b', theirs.b);
  exp.measure('maxQueue 0, piscina: c', theirs.c);
  exp.measure('maxQueue 0, piscina: tasks that started', theirs.started);
  exp.measure('maxQueue 0, workbook pool: b', ours.b);
  exp.measure('maxQueue 0, workbook pool: c', ours.c);
  exp.measure('maxQueue 0, workbook pool: tasks that started', ours.started);
  exp.claim('in the workbook pool the refused task never runs, and c finds the worker free', ours.started === '0 2' && ours.c === 'resolved "c"', `started: ${ours.started}; c ${ours.c}`);
}

// 4. close() while the workers' last tasks end at different times.
{
  const delays = [100, 300, 100];
  const p = piscina(2);
  await Promise.all([p.run({}), p.run({})]);
  const theirs = delays.map((delayMs, v) => settled(p.run({ value: v, delayMs })));
  await p.close();
  const w = workbook(2);
  await Promise.all([w.run(reply(0)), w.run(reply(0))]);
  const ours = delays.map((delayMs, v) => settled(w.run(reply(v, { delayMs }))));
  await w.close();
  exp.note('4. Two threads; tasks 0 (100 ms), 1 (300 ms) and 2 (100 ms, queued), then close(). What each task got:');
  exp.measure('close(), piscina: what the tasks got', (await Promise.all(theirs)).map((o, i) => `${i} ${o}`).join('; '));
  exp.measure('close(), workbook pool: what the tasks got', (await Promise.all(ours)).map((o, i) => `${i} ${o}`).join('; '));
  const ourCount = (await Promise.all(ours)).filter((o) => o.startsWith('resolved')).length;
  exp.claim("the workbook pool's close() lets every queued and running task finish before it resolves", ourCount === 3, `${ourCount} of 3 resolved`);
}

// 5. run() after destroy().
{
  const p = piscina(1);
  await p.destroy();
  const theirs = await settled(p.run({ value: 'late' }));
  const threadsAfter = p.threads.length;
  await p.destroy();
  const w = workbook(1);
  await w.destroy();
  const ours = await settled(w.run(reply('late')));
  exp.note('5. run() after destroy().');
  exp.measure('run() after destroy(), piscina', `${theirs}, ${threadsAfter} thread(s) running again`);
  exp.measure('run() after destroy(), workbook pool', ours);
  exp.claim('the workbook pool refuses tasks after destroy()', ours.startsWith('rejected'), ours);
}

// 6. transferList, when the task has to wait.
{
  const attachedAfterRun = async (run: (bytes: Uint8Array) => Promise<unknown>, busy: () => Promise<unknown>) => {
    const first = busy();
    const bytes = new Uint8Array(1000);
    const task = run(bytes);
    const left = bytes.byteLength;
    await Promise.all([first, task]);
    return left;
  };
  const p = piscina(1);
  await ready(() => p.run({}));
  const theirs = await attachedAfterRun((bytes) => p.run({ bytes }, { transferList: [bytes.buffer as ArrayBuffer] }), () => p.run({ delayMs: 100 }));
  await p.destroy();
  const w = workbook(1);
  await ready(() => w.run(reply(0)));
  const ours = await attachedAfterRun((bytes) => w.run({ do: 'bytes', bytes }, { transferList: [bytes.buffer as ArrayBuffer] }), () => w.run(reply(0, { delayMs: 100 })));
  await w.close();
  exp.note('6. One thread busy for 100 ms; a task with 1,000 bytes in its transferList waits behind it. Bytes the caller still holds right after run():');
  exp.measure('transferList while queued, piscina', theirs, 'bytes left');
  exp.measure('transferList while queued, workbook pool', ours, 'bytes left');
  exp.claim('the workbook pool takes the buffer at run(), waiting or not', ours === 0, `${ours} bytes left`);
}
exp.done();
