import { chai, expect, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';
import type { CountInput } from './fixtures/count-stage.ts';
import { runScript } from './fixtures/run-script.ts';

const lesson = lessonUnderTest(import.meta.url);
// Show observed values in full in a failure, not cut at 40 characters.
chai.config.truncateThreshold = 0;

interface Pipeline {
  process(input: unknown): Promise<unknown>;
  close(): Promise<void>;
}
type PipelineModule = { Pipeline: new (stageFiles: (string | URL)[]) => Pipeline };

/** How long a request that should settle gets. Requests take milliseconds; this is for a loaded machine. */
const SETTLE_MS = 5000;

async function pipeline(...stages: string[]): Promise<Pipeline> {
  const { Pipeline } = await lesson.load<PipelineModule>('pipeline.ts');
  return disposeAfter(new Pipeline(stages.map((s) => lesson.fixture(s))));
}

type Outcome = Awaited<ReturnType<typeof within>>;
const outcome = (r: Outcome) =>
  !r.settled
    ? stillPending(r)
    : 'error' in r && r.error !== undefined
      ? `rejected: ${(r.error as Error)?.message ?? String(r.error)}`
      : `resolved with ${JSON.stringify(r.value)}`;

const THREE_STAGES = ['add-one-stage.ts', 'double-stage.ts', 'label-stage.ts'];
const expected = (n: number) => `resolved with ${JSON.stringify(`#${(n + 1) * 2}`)}`;

test('20 concurrent requests through 3 stages each get their own result', async () => {
  const p = await pipeline(...THREE_STAGES);
  // The stages delay each request by a different amount: later requests overtake earlier ones.
  const got = (await Promise.all(Array.from({ length: 20 }, (_, n) => within(SETTLE_MS, p.process(n))))).map(outcome);
  const wrong = got.flatMap((o, n) => (o === expected(n) ? [] : [`request ${n} ${o}, expected ${expected(n)}`]));
  expect(wrong.slice(0, 4), `requests that did not get their own result (${wrong.length} of 20)`).toEqual([]);
});

test('after a burst of concurrent requests, requests sent one at a time still get their own results', async () => {
  const p = await pipeline(...THREE_STAGES);
  await within(SETTLE_MS, Promise.all(Array.from({ length: 10 }, (_, n) => p.process(n))));
  const got: string[] = [];
  for (const n of [50, 51, 52]) got.push(outcome(await within(SETTLE_MS, p.process(n))));
  expect(got, 'results of process(50), process(51), process(52), one after another').toEqual([expected(50), expected(51), expected(52)]);
});

test('a stage that throws for one input rejects that request only; the others succeed', async () => {
  const p = await pipeline('add-one-stage.ts', 'unlucky-stage.ts', 'double-stage.ts');
  // add-one turns 12 into 13, which the middle stage refuses.
  const got = (await Promise.all(Array.from({ length: 20 }, (_, n) => within(SETTLE_MS, p.process(n))))).map(outcome);
  expect(got[12], 'request 12 (13 after the first stage)').toBe('rejected: this stage refuses 13');
  const others = got.flatMap((o, n) => (n === 12 || o === `resolved with ${(n + 1) * 2}` ? [] : [`request ${n} ${o}`]));
  expect(others.slice(0, 4), `other requests that did not succeed (${others.length} of 19)`).toEqual([]);
  expect(outcome(await within(SETTLE_MS, p.process(100))), 'a request after the failure').toBe('resolved with 202');
});

test('a stage whose worker dies rejects the requests in flight instead of leaving them pending', async () => {
  const p = await pipeline('crash-stage.ts', 'label-stage.ts');
  const crashed = within(SETTLE_MS, p.process('crash'));
  const got = outcome(await crashed);
  expect(got, "the request whose stage died (the harness also fails this check if the death crashed the program)").toMatch(/^rejected: /);
});

test('requests flow from stage to stage while the main thread is busy: the stages talk directly', async () => {
  const p = await pipeline('count-stage.ts', 'count-stage.ts', 'count-stage.ts');
  await within(SETTLE_MS, p.process({ counter: new Int32Array(new SharedArrayBuffer(4)), holdMs: 0 } satisfies CountInput));
  const counter = new Int32Array(new SharedArrayBuffer(4));
  const request = within(SETTLE_MS * 2, p.process({ counter, holdMs: 300 } satisfies CountInput));
  // Wait (without blocking) until the first stage has the request; it holds it for 300 ms.
  await eventually(() => Atomics.load(counter, 0) >= 1, 'the first stage to receive the request', SETTLE_MS).catch(() => {});
  expect(Atomics.load(counter, 0), 'stages that had seen the request').toBeGreaterThanOrEqual(1);
  // Now block this thread. Stages that pass the request on directly reach all 3 meanwhile; a
  // pipeline that relays every hop through this thread cannot move it until the block ends.
  const deadline = Date.now() + 3000;
  let seen = Atomics.load(counter, 0);
  while (seen < 3 && Date.now() < deadline) {
    Atomics.wait(counter, 0, seen, deadline - Date.now());
    seen = Atomics.load(counter, 0);
  }
  expect(seen, 'stages the request reached during 3 s in which the main thread was blocked').toBe(3);
  expect(outcome(await request), 'the request').toMatch(/^resolved/);
});

test('close() ends every worker the pipeline started and settles requests in flight', async () => {
  const threads = watchThreads();
  const p = await pipeline(...THREE_STAGES);
  await within(SETTLE_MS, Promise.all([1, 2, 3].map((n) => p.process(n))));
  const inFlight = within(SETTLE_MS, p.process(10));
  const closed = await within(3000, p.close());
  expect(closed.settled, 'close() settled within 3 s').toBe(true);
  expect(outcome(await inFlight), 'a request sent just before close()').not.toMatch(/^still pending/);
  await eventually(() => threads.workersAlive === 0, 'every worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'workers still running after close()').toBe(0);
  expect(threads.workersCreated, 'workers started for 3 stages').toBe(3);
});

test('a program that closes its pipeline exits by itself', async () => {
  const run = await runScript(new URL('./fixtures/closing-program.ts', import.meta.url), 15_000, {
    args: [lesson.file('pipeline.ts')],
    after: { pattern: /^closed$/m, ms: 3000 },
  });
  const what = run.stoppedAtDeadline
    ? `still running ${/^closed$/m.test(run.output) ? '3 s after close() resolved' : 'after 15 s'} (and stopped); it printed: ${run.output || 'nothing'}`
    : `exited with code ${run.exitCode}; it printed: ${run.output || 'nothing'}`;
  expect(run.output, 'the program printed "closed" after close() resolved').toMatch(/^closed$/m);
  expect(what, 'the program').toMatch(/^exited with code 0/);
}, 20_000);
