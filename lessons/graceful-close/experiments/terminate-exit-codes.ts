// The crash-recovery lesson found that a worker ended by terminate() exits with code 1, like one that
// crashed. Is that always so? A pool that closes calls terminate() on workers in every state,
// including workers it has only just started (a replacement, say). Each case is tried 5 times.
import { Worker } from 'node:worker_threads';
import { experiment } from '../../../tool/experiments/kit.ts';

const exp = experiment('What exit code does a worker report when the pool terminates it?');
const workerFile = new URL('../fixtures/task-worker.ts', import.meta.url);
const ROUNDS = 5;

const online = (w: Worker) => new Promise((r) => w.once('online', r));
const exited = (w: Worker) => new Promise<number>((r) => w.once('exit', r));

const cases: Array<[string, (w: Worker) => Promise<void>]> = [
  ['terminate() right after new Worker(), before it is online', async () => {}],
  ['terminate() once it is online, idle', async (w) => void (await online(w))],
  [
    'terminate() while it runs a task (a timer pending)',
    async (w) => {
      await online(w);
      w.postMessage({ id: 1, data: { do: 'reply', value: 1, delayMs: 5000 } });
      await new Promise((r) => setTimeout(r, 50));
    },
  ],
  [
    'terminate() while it spins in a synchronous loop',
    async (w) => {
      await online(w);
      w.postMessage({ id: 1, data: { do: 'spin', value: 1, ms: 5000 } });
      await new Promise((r) => setTimeout(r, 50));
    },
  ],
];
const codes = new Map<string, number[]>();
for (const [name, prepare] of cases) {
  const seen: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const w = new Worker(workerFile);
    const exit = exited(w);
    await prepare(w);
    await w.terminate();
    seen.push(await exit);
  }
  codes.set(name, seen);
  exp.measure(name, `exit codes ${seen.join(', ')}`);
}
// For comparison: the worker ends itself with process.exit(0) in the middle of a task.
{
  const seen: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const w = new Worker(workerFile);
    const exit = exited(w);
    w.postMessage({ id: 1, data: { do: 'exit', code: 0 } });
    seen.push(await exit);
  }
  codes.set('exit0', seen);
  exp.measure('the worker calls process.exit(0) in the middle of a task', `exit codes ${seen.join(', ')}`);
}
const all = (name: string, code: number) => codes.get(name)!.every((c) => c === code);
exp.claim(
  'a worker terminated before it is online exits with code 0, the code of a clean exit',
  all(cases[0]![0], 0),
  `exit codes ${codes.get(cases[0]![0])!.join(', ')}`,
);
exp.claim(
  'a worker terminated once it is online exits with code 1, idle, waiting or busy',
  cases.slice(1).every(([name]) => all(name, 1)),
  cases.slice(1).map(([name]) => `${codes.get(name)!.join(', ')}`).join(' | '),
);
exp.claim(
  'so the exit code cannot tell a pool whether it ended the worker itself: code 0 also comes from a worker that quit mid-task',
  all(cases[0]![0], 0) && all('exit0', 0),
  `terminate() before online: ${codes.get(cases[0]![0])!.join(', ')}; process.exit(0) mid-task: ${codes.get('exit0')!.join(', ')}`,
);
exp.done();
