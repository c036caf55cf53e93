// Checks for Q49: the document's AudioProcessor, made correct. process(samples) hands a
// Float32Array to one worker and resolves with the samples normalized (the loudest becomes 1 or -1).
// The worker is the learner's own audio-worker.ts, started by the AudioProcessor.
import { expect, onTestFinished, test } from 'vitest';
import { disposeAfter, eventually, lessonUnderTest, watchThreads, stillPending, within } from '../../tool/harness/index.ts';

const lesson = lessonUnderTest(import.meta.url);

interface Processor {
  process(samples: Float32Array): Promise<Float32Array>;
  close(): Promise<void>;
}
type ProcessorModule = { AudioProcessor: new () => Processor };

async function newProcessor(): Promise<Processor> {
  const { AudioProcessor } = await lesson.load<ProcessorModule>('audio-processor.ts');
  return disposeAfter(new AudioProcessor());
}

type Outcome = Awaited<ReturnType<typeof within<Float32Array>>>;
function attempt(processor: Processor, samples: Float32Array, ms = 5000): Promise<Outcome> {
  let call: Promise<Float32Array>;
  try {
    call = processor.process(samples); // called now, not in a later microtask
  } catch (error) {
    call = Promise.reject(error);
  }
  return within(ms, call);
}
const show = (o: Outcome): string =>
  !o.settled
    ? stillPending(o)
    : 'error' in o && o.error !== undefined
      ? `rejected: ${(o.error as Error).message}`
      : `resolved with ${o.value instanceof Float32Array ? `[${[...o.value].map((v) => +v.toFixed(4)).join(', ')}]` : String(o.value)}`;
/** What normalizing `values` must give, computed the way a Float32Array stores it. */
function normalized(values: number[]): string {
  const input = Float32Array.from(values);
  const max = input.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  return show({ settled: true, value: max === 0 ? input : Float32Array.from(input, (v) => v / max) });
}

test('process() scales the samples so that the loudest one becomes exactly 1 or -1', async () => {
  const processor = await newProcessor();
  const outcome = await attempt(processor, Float32Array.from([0.5, -0.25, 0.125, 0]));
  expect(show(outcome), 'process([0.5, -0.25, 0.125, 0])').toBe(normalized([0.5, -0.25, 0.125, 0]));
  const negative = await attempt(processor, Float32Array.from([0.1, -0.4, 0.2]));
  expect(show(negative), 'process([0.1, -0.4, 0.2])').toBe(normalized([0.1, -0.4, 0.2]));
  expect(negative.settled && 'value' in negative && negative.value instanceof Float32Array, 'the result is a Float32Array').toBe(true);
});

test('two process() calls at the same time each get their own result (and so do twenty)', async () => {
  const processor = await newProcessor();
  const [a, b] = await Promise.all([attempt(processor, Float32Array.from([0.5, -0.25])), attempt(processor, Float32Array.from([2, 4]))]);
  expect([show(a!), show(b!)], 'two calls made together').toEqual([normalized([0.5, -0.25]), normalized([2, 4])]);
  const inputs = Array.from({ length: 20 }, (_, i) => Array.from({ length: 50 + i }, (_, j) => Math.sin(i + j) * (i + 1)));
  const outcomes = await Promise.all(inputs.map((values) => attempt(processor, Float32Array.from(values), 8000)));
  const wrong = outcomes.flatMap((o, i) => (show(o) === normalized(inputs[i]!) ? [] : [`call ${i} ${show(o).slice(0, 60)}...`]));
  expect(wrong.slice(0, 3), `of 20 calls made together, those without their own result (${wrong.length})`).toEqual([]);
  const after = await attempt(processor, Float32Array.from([1, -3]));
  expect(show(after), 'a call made after all of them').toBe(normalized([1, -3]));
});

test('silence stays silence: all zeros in, all zeros out, no NaN', async () => {
  const processor = await newProcessor();
  const outcome = await attempt(processor, new Float32Array(8));
  expect(show(outcome), 'process() of 8 zeros').toBe('resolved with [0, 0, 0, 0, 0, 0, 0, 0]');
});

test("process() hands the samples over without copying: the caller's array is detached once process() returns", async () => {
  const processor = await newProcessor();
  const samples = new Float32Array(48_000).fill(0.25);
  const outcome = attempt(processor, samples);
  expect(samples.length, "length of the caller's Float32Array right after process() returned").toBe(0);
  const result = await outcome;
  expect(result.settled && 'value' in result ? result.value?.length : show(result), 'length of the result').toBe(48_000);
});

test('a hundred calls one after another add no listeners without limit (no MaxListenersExceededWarning)', async () => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  onTestFinished(() => void process.off('warning', onWarning));
  const processor = await newProcessor();
  for (let i = 0; i < 100; i++) {
    const outcome = await attempt(processor, Float32Array.from([i + 1, -(i + 1) / 2]));
    if (show(outcome) !== normalized([i + 1, -(i + 1) / 2])) {
      expect(show(outcome), `call ${i + 1} of 100`).toBe(normalized([i + 1, -(i + 1) / 2]));
    }
  }
  await new Promise((r) => setTimeout(r, 20)); // warnings are emitted on a later tick
  expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), 'warnings about listeners during 100 calls').toEqual([]);
});

test('close() ends the worker, rejects a call still running, and calls after it reject', async () => {
  const threads = watchThreads();
  const processor = await newProcessor();
  const done = await attempt(processor, Float32Array.from([1, 2]));
  expect(show(done), 'a first call').toBe(normalized([1, 2]));
  const running = attempt(processor, new Float32Array(2_000_000).fill(0.5), 5000);
  const closed = await within(3000, processor.close());
  expect(closed.settled, 'close() settled within 3 s').toBe(true);
  const runningOutcome = await running;
  expect(show(runningOutcome), 'the call still running when close() was called').toMatch(/^rejected/);
  const later = await attempt(processor, Float32Array.from([1]), 2000);
  expect(show(later), 'a call after close()').toMatch(/^rejected/);
  await eventually(() => threads.workersAlive === 0, 'the worker to exit after close()').catch(() => {});
  expect(threads.workersAlive, 'worker threads still running after close()').toBe(0);
  expect(threads.workersCreated, 'worker threads one AudioProcessor started').toBe(1);
});
