// Document 003, Q41: "~4MB memory per thread" against "~30MB memory per process", and "Lower
// memory overhead". A worker lives inside this process, so its cost is how much this process's RSS
// grows; a child is a process of its own, so its cost is its own RSS, which ours does not include.
import { fork } from 'node:child_process';
import { measureMemory } from '../../../solutions/q41-worker-vs-child-process/measure.ts';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';

const ready = new URL('../fixtures/ready.mjs', import.meta.url);
const exp = experiment('How much memory does a live worker thread cost, against a forked child process?');
const count = quick ? 4 : 8;
const rounds = quick ? 2 : 5;
const MB = 1024 * 1024;

const workers: number[] = [];
const children: number[] = [];
for (let round = 0; round < rounds; round++) {
  const { workerBytes, childBytes } = await measureMemory({ workerFile: ready, childFile: ready, count });
  workers.push(workerBytes / MB);
  children.push(childBytes / MB);
}

// What the children cost *this* process: next to nothing. Reading our own RSS misses them.
const before = process.memoryUsage().rss;
const alive = [];
for (let i = 0; i < count; i++) {
  const child = fork(ready, [], { execArgv: [], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
  alive.push(child);
  await new Promise((resolve) => child.once('message', resolve));
}
const parentGrowth = (process.memoryUsage().rss - before) / count / MB;
await Promise.all(alive.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill()))));

const w = median(workers);
const c = median(children);
exp.measure(`this process's RSS growth per live worker (${count} alive)`, w, 'MB');
exp.measure(`RSS of one forked child, its own process (${count} alive)`, c, 'MB');
exp.measure(`this process's RSS growth per live child (${count} alive)`, parentGrowth, 'MB');
exp.note(`Medians of ${rounds} rounds. RSS is memory resident in RAM; MB here is 1024 x 1024 bytes.`);
exp.note(`Document 003: "~4MB memory per thread", "~30MB per process". Measured: ${(w / 4).toFixed(1)}x and ${(c / 30).toFixed(1)}x those.`);

exp.claim('a forked child costs more memory than a worker thread: at least 1.5x', c >= 1.5 * w, `${c.toFixed(1)} MB against ${w.toFixed(1)} MB: ${(c / w).toFixed(1)}x`);
exp.claim('a worker thread is not free: each live worker adds at least 1 MB to this process', w >= 1, `${w.toFixed(1)} MB per worker`);
exp.claim(
  "a child's memory does not show in its parent's RSS: the parent grows far less than the child's own RSS",
  parentGrowth < c / 4,
  `the parent grew ${parentGrowth.toFixed(1)} MB per child; each child holds ${c.toFixed(1)} MB of its own`,
);
exp.done();
