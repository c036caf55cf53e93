// What close() and destroy() look like from the outside, on the lesson's solution. A pool of 2 gets
// one long task (800 ms) and five short ones (50 ms each); then close() is called at once, and one
// more task is submitted after it. Then the same load again, with destroy() 250 ms in.
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { stopAll, trackedSince, trackingMark } from '../../../tool/runtime/tracking.ts';
import { WorkerPool } from '../../../solutions/graceful-close/pool.ts';
import type { Task } from '../fixtures/task-worker.ts';

const exp = experiment('close() and destroy(), task by task and worker by worker');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const now = () => performance.timeOrigin + performance.now();
const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 10) / 10);
void quick;

interface TaskRecord {
  task: string;
  worker?: number;
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
  outcome: 'ok' | 'error' | 'rejected' | 'lost';
}

async function picture(shutdown: 'close' | 'destroy') {
  const mark = trackingMark();
  const pool = new WorkerPool(workerFile, { size: 2 });
  const workers = trackedSince(mark).map((t) => t.handle as import('node:worker_threads').Worker);
  await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r))));
  const t0 = now();
  const exits = new Map<number, number>();
  for (const w of workers) {
    const id = w.threadId;
    w.once('exit', () => exits.set(id, now() - t0));
  }
  const tasks: TaskRecord[] = [];
  const settled: Array<Promise<unknown>> = [];
  const submit = (label: string, ms: number) => {
    const record: TaskRecord = { task: label, queuedAt: now() - t0, outcome: 'lost' };
    tasks.push(record);
    settled.push(
      pool.run({ do: 'timed', ms } satisfies Task).then(
        (r) => {
          const { thread, startedAt } = r as { thread: number; startedAt: number };
          Object.assign(record, { worker: thread, startedAt: startedAt - t0, endedAt: now() - t0, outcome: 'ok' });
        },
        (e: { code?: string }) => {
          Object.assign(record, { endedAt: now() - t0, outcome: e?.code === 'ERR_POOL_CLOSED' ? 'rejected' : 'error' });
        },
      ),
    );
  };
  submit('long', 800);
  for (let i = 1; i <= 5; i++) submit(`short ${i}`, 50);
  let shutDownAt = 0;
  let done: Promise<number>;
  if (shutdown === 'close') {
    shutDownAt = now() - t0;
    done = pool.close().then(() => now() - t0);
    submit('after close()', 50);
  } else {
    await new Promise((r) => setTimeout(r, 250));
    shutDownAt = now() - t0;
    done = pool.destroy().then(() => now() - t0);
  }
  const resolvedAt = await done;
  await Promise.all(settled);
  const timeline = {
    caption:
      shutdown === 'close'
        ? 'close() right after submitting: one 800 ms task, five of 50 ms, and one more after close()'
        : 'The same load, with destroy() 250 ms in',
    tasks: tasks.map((t) => ({ ...t, queuedAt: round(t.queuedAt)!, startedAt: round(t.startedAt), endedAt: round(t.endedAt) })),
    workers: workers.map((w) => ({ id: w.threadId, startedAt: 0, endedAt: round(exits.get(w.threadId)), exit: 'terminated' as const })),
  };
  await stopAll();
  return { tasks, exits, resolvedAt, shutDownAt, timeline };
}

const closing = await picture('close');
const destroying = await picture('destroy');
exp.measure('timeline: close()', JSON.stringify(closing.timeline), 'timeline');
exp.measure('timeline: destroy()', JSON.stringify(destroying.timeline), 'timeline');
const ms = (v: number | undefined) => (v === undefined ? 'never' : `${v.toFixed(0)} ms`);
for (const t of closing.tasks) exp.measure(`close(): task ${t.task}`, `${t.outcome}${t.endedAt === undefined ? '' : `, settled at ${ms(t.endedAt)}`}`);
for (const [id, at] of closing.exits) exp.measure(`close(): worker ${id} exited at`, at, 'ms');
exp.measure('close() resolved at', closing.resolvedAt, 'ms');
for (const t of destroying.tasks) exp.measure(`destroy() at ${ms(destroying.shutDownAt)}: task ${t.task}`, `${t.outcome}, settled at ${ms(t.endedAt)}`);
exp.measure('destroy() resolved at', destroying.resolvedAt, 'ms');

const longTask = closing.tasks.find((t) => t.task === 'long')!;
const exitTimes = [...closing.exits.values()].sort((a, b) => a - b);
exp.claim(
  'close() finishes every task submitted before it, and refuses the one submitted after it',
  closing.tasks.filter((t) => t.task !== 'after close()').every((t) => t.outcome === 'ok') &&
    closing.tasks.find((t) => t.task === 'after close()')!.outcome === 'rejected',
  closing.tasks.map((t) => `${t.task}: ${t.outcome}`).join(', '),
);
// Judged against the short tasks' own end, not the clock: under load 50 ms tasks can take far longer.
const lastShortEnd = Math.max(...closing.tasks.filter((t) => t.task.startsWith('short')).map((t) => t.endedAt!));
exp.claim(
  'the worker that runs out of work exits as soon as its last task ends (within 300 ms), before the 800 ms task ends; the other exits after it',
  exitTimes.length === 2 && exitTimes[0]! - lastShortEnd < 300 && exitTimes[0]! < longTask.endedAt! && exitTimes[1]! >= longTask.endedAt!,
  `the short tasks ended by ${ms(lastShortEnd)}; workers exited at ${exitTimes.map((t) => ms(t)).join(' and ')}; the long task ended at ${ms(longTask.endedAt)}`,
);
exp.claim(
  'close() resolves once the last worker has exited',
  closing.resolvedAt >= exitTimes[1]!,
  `last worker exited at ${ms(exitTimes[1])}, close() resolved at ${ms(closing.resolvedAt)}`,
);
exp.claim(
  'destroy() settles every task at once: the ones not finished by then are rejected before destroy() resolves',
  destroying.tasks.every((t) => t.outcome === 'ok' ? t.endedAt! <= destroying.shutDownAt + 5 : t.outcome === 'error' && t.endedAt! <= destroying.resolvedAt + 5),
  destroying.tasks.map((t) => `${t.task}: ${t.outcome} at ${ms(t.endedAt)}`).join(', ') + `; destroy() called at ${ms(destroying.shutDownAt)}, resolved at ${ms(destroying.resolvedAt)}`,
);
exp.done();
