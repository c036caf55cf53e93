// A cap on live workers must give a slot back when the worker's thread has ended ('exit'), not when
// its result arrives: terminate() takes a moment. Two minimal spawners (max 3, 30 one-shot jobs)
// differ only in that; the workbook's thread tracking counts the threads really alive, sampled every
// millisecond and whenever a job settles.
import { Worker } from 'node:worker_threads';
import { experiment, median, quick } from '../../../tool/experiments/kit.ts';
import { stillRunning } from '../../../tool/runtime/tracking.ts';

const exp = experiment("Does a spawner that frees a slot when the result arrives stay within its cap?");
const jobWorker = new URL('../fixtures/job-worker.ts', import.meta.url);
const max = 3;
const jobs = quick ? 12 : 30;
const rounds = quick ? 1 : 5;
const aliveNow = () => stillRunning().filter((t) => t.kind === 'worker thread').length;

/** Runs `jobs` one-shot workers, at most `max` "active" at a time, freeing a slot on `freeOn`. */
async function spawnAll(freeOn: 'result' | 'exit'): Promise<number> {
  let active = 0;
  let most = 0;
  const waiting: Array<() => void> = [];
  const sample = () => (most = Math.max(most, aliveNow()));
  const sampler = setInterval(sample, 1);
  const free = () => {
    active--;
    waiting.shift()?.();
  };
  const run = (value: number) =>
    new Promise<unknown>((resolve) => {
      const start = () => {
        active++;
        const worker = new Worker(jobWorker, { workerData: { value } });
        worker.once('message', (result) => {
          void worker.terminate();
          if (freeOn === 'result') free();
          resolve(result);
          sample();
        });
        worker.once('exit', () => {
          if (freeOn === 'exit') free();
        });
      };
      if (active < max) start();
      else waiting.push(start);
    });
  await Promise.all(Array.from({ length: jobs }, (_, i) => run(i)));
  clearInterval(sampler);
  while (aliveNow() > 0) await new Promise((r) => setTimeout(r, 10));
  return most;
}

const onResult: number[] = [];
const onExit: number[] = [];
for (let i = 0; i < rounds; i++) {
  onResult.push(await spawnAll('result'));
  onExit.push(await spawnAll('exit'));
}
exp.measure(`slot freed when the result arrives: most threads alive at once, per round (max ${max})`, onResult.join(', '));
exp.measure(`slot freed on 'exit': most threads alive at once, per round (max ${max})`, onExit.join(', '));
exp.measure('medians', `${median(onResult)} against ${median(onExit)}`);
exp.claim(`freeing the slot on the result lets more than ${max} threads run at once`, onResult.some((m) => m > max), onResult.join(', '));
exp.claim(`freeing it on 'exit' never does`, onExit.every((m) => m <= max), onExit.join(', '));
exp.done();
