// A tempting fix for Q43 that still has no queue: never take a worker off a list, just hand each
// task to the next worker in turn, busy or not. Nothing throws any more. What do the callers get?
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';
import { echo, type Answer } from '../fixtures/tasks.ts';
import { allSettledWithin, watch } from '../fixtures/observe.ts';

class RoundRobinPool {
  workers: Worker[] = [];
  next = 0;

  constructor(workerPath: string | URL, size: number) {
    for (let i = 0; i < size; i++) this.workers.push(new Worker(workerPath));
  }

  execute(data: unknown): Promise<unknown> {
    const worker = this.workers[this.next++ % this.workers.length]!;
    return new Promise((resolve) => {
      worker.once('message', resolve);
      worker.postMessage(data);
    });
  }
}

const exp = experiment('Without a queue, can a pool share busy workers instead? (round robin, 100 tasks, 4 workers)');
const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

const pool = new RoundRobinPool(new URL('../fixtures/task-worker.ts', import.meta.url), 4);
const tasks = Array.from({ length: 100 }, (_, i) => watch(pool.execute(echo(i, 5))));
await allSettledWithin(tasks, 20_000);

const resolved = tasks.filter((t) => t.state === 'resolved');
const own = tasks.filter((t, i) => t.state === 'resolved' && (t.value as Answer).value === i);
const distinctValues = new Set(resolved.map((t) => (t.value as Answer).value));
exp.measure('tasks resolved', resolved.length);
exp.measure('tasks that got their own result', own.length);
exp.measure('distinct results handed out', distinctValues.size);
exp.measure('task 5 sent the value 4 and got back', JSON.stringify((tasks[4]?.value as Answer | undefined)?.value));
exp.measure('warnings from Node', warnings.length);
exp.measure('the first warning', warnings[0] ?? 'none');

exp.claim('all 100 tasks resolve: nothing throws and nothing hangs', resolved.length === 100, `${resolved.length} resolved`);
exp.claim(
  "but only 4 get their own result: one answer fires every 'message' listener waiting on that worker",
  own.length === 4 && distinctValues.size === 4,
  `${own.length} own results; ${distinctValues.size} distinct results among 100 tasks`,
);
exp.claim(
  "Node warns about a listener leak once per worker: 25 'message' listeners pile up on each, over its limit of 10",
  warnings.length === 4 && warnings.every((w) => /MaxListenersExceededWarning/.test(w)),
  `${warnings.length} warnings: ${warnings[0] ?? 'none'}`,
);

await Promise.all(pool.workers.map((w) => w.terminate()));
exp.done();
