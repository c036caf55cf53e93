// Why does the document's Q43 pool pass a quick manual test? Because the bug needs more tasks in
// flight than workers. The same pool, used one task at a time, never fails; used 5 at a time, it
// fails on the 5th; and it recovers as soon as its workers are back.
import { WorkerPool } from '../broken/document-q43-pool/pool.ts';
import { experiment, quick } from '../../../tool/experiments/kit.ts';
import { echo, type Answer } from '../fixtures/tasks.ts';
import { allSettledWithin, errorText, show, watch } from '../fixtures/observe.ts';

const exp = experiment("Q43: does the document's pool fail after 4 tasks, or only with more than 4 at once?");
const pool = new WorkerPool(new URL('../fixtures/task-worker.ts', import.meta.url), 4);
const sequential = quick ? 20 : 200;

// 1. One after another: every call finds a free worker, because the previous task pushed it back.
const threadsInOrder: number[] = [];
let sequentialFailures = 0;
for (let i = 0; i < sequential; i++) {
  try {
    const answer = (await pool.execute(echo(i))) as Answer;
    if (answer.value !== i) sequentialFailures++;
    threadsInOrder.push(answer.threadId);
  } catch {
    sequentialFailures++;
  }
}
exp.measure(`${sequential} tasks awaited one after another: failures`, sequentialFailures);
exp.measure('threads that ran tasks 1-8, in order', threadsInOrder.slice(0, 8).join(', '));

// 2. Five at once.
const five = Array.from({ length: 5 }, (_, i) => watch(pool.execute(echo(i, 50))));
await allSettledWithin(five, 20_000);
five.forEach((t, i) => exp.measure(`5 at once, task ${i + 1}`, show(t)));

// 3. Later, one more: the workers are back on the list, so it runs.
const later = watch(pool.execute(echo('later')));
await allSettledWithin([later], 20_000);
exp.measure('one more task, after those 5 settled', show(later));

exp.claim(
  `used one task at a time, the pool never fails: ${sequential} of ${sequential} resolve`,
  sequentialFailures === 0,
  `${sequentialFailures} failures`,
);
exp.claim(
  'one task at a time, the pool hands tasks round the 4 workers in turn (the 5th runs where the 1st ran)',
  new Set(threadsInOrder.slice(0, 4)).size === 4 && threadsInOrder[4] === threadsInOrder[0],
  `threads: ${threadsInOrder.slice(0, 5).join(', ')}`,
);
exp.claim(
  '5 at once: the first 4 resolve and the 5th rejects with the TypeError',
  five.slice(0, 4).every((t) => t.state === 'resolved') && five[4]!.state === 'rejected' && /reading 'once'/.test(errorText(five[4]!.error)),
  five.map(show).join('; '),
);
exp.claim('the pool recovers: a task sent after the 4 workers are back resolves', later.state === 'resolved', show(later));

await Promise.all(pool.workers.map((w) => w.terminate()));
exp.done();
