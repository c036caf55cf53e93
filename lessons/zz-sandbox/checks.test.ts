import { expect, test } from 'vitest';
import { lessonUnderTest } from '../../tool/harness/index.ts';
const lesson = lessonUnderTest(import.meta.url);
type M = { go(f: string): Promise<unknown>; boom(): Promise<void>; spin(): void };
test('a ts worker answers', async () => {
  const m = await lesson.load<M>('pool.ts');
  expect(await m.go(lesson.fixture('w.ts'))).toEqual({ id: 1, result: 42 });
});
test('an uncaught exception', async () => {
  const m = await lesson.load<M>('pool.ts');
  await m.boom();
});
test('passes', () => { expect(1, 'one is one').toBe(2); });
test.skipIf(!process.env.SPIN)('spins', async () => { const m = await lesson.load<M>('pool.ts'); m.spin(); });
