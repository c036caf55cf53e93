// `new Worker('x.ts')` behaves like a worker on a .js file, on every supported Node.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { projectRoot } from '../lessons.ts';
import '../runtime/register.ts';
import { Worker } from 'node:worker_threads';

const folder = mkdtempSync(join(tmpdir(), 'workbook-ts-worker-'));
writeFileSync(join(folder, 'package.json'), '{ "type": "module" }');

function firstEvent(worker: Worker): Promise<{ message?: unknown; error?: Error }> {
  return new Promise((resolve) => {
    worker.once('message', (message) => resolve({ message }));
    worker.once('error', (error) => resolve({ error }));
  }).finally(() => worker.terminate()) as Promise<{ message?: unknown; error?: Error }>;
}

test('a .ts worker with types and a relative .ts import runs, given a path or a URL', async () => {
  writeFileSync(join(folder, 'double.ts'), 'export const double = (n: number): number => n * 2;\n');
  writeFileSync(
    join(folder, 'worker.ts'),
    "import { parentPort, workerData } from 'node:worker_threads';\nimport { double } from './double.ts';\nconst n: number = workerData;\nparentPort!.postMessage({ doubled: double(n), url: import.meta.url });\n",
  );
  expect(await firstEvent(new Worker(join(folder, 'worker.ts'), { workerData: 21 }))).toEqual({
    message: { doubled: 42, url: new URL(`file://${join(folder, 'worker.ts')}`).href },
  });
  expect(await firstEvent(new Worker(new URL(`file://${join(folder, 'worker.ts')}`), { workerData: 1 }))).toMatchObject({ message: { doubled: 2 } });
});

test('editing a .ts worker (or a file it imports) takes effect on the next new Worker', async () => {
  writeFileSync(join(folder, 'answer.ts'), 'export const answer: number = 1;\n');
  writeFileSync(join(folder, 'edited.ts'), "import { parentPort } from 'node:worker_threads';\nimport { answer } from './answer.ts';\nparentPort!.postMessage(answer);\n");
  expect(await firstEvent(new Worker(join(folder, 'edited.ts')))).toEqual({ message: 1 });
  writeFileSync(join(folder, 'answer.ts'), 'export const answer: number = 2; // edited\n');
  expect(await firstEvent(new Worker(join(folder, 'edited.ts')))).toEqual({ message: 2 });
});

test("a .ts worker that does not compile emits 'error' with the compiler's message, as a .js one would", async () => {
  writeFileSync(join(folder, 'broken.ts'), "import { parentPort } from 'node:worker_threads';\nparentPort!.postMessage(1 +);\n");
  const { error } = await firstEvent(new Worker(join(folder, 'broken.ts')));
  expect(error).toBeInstanceOf(Error);
  expect(error?.name).toBe('SyntaxError');
});

test("a .ts worker file that does not exist emits 'error'", async () => {
  const { error } = await firstEvent(new Worker(join(folder, 'missing.ts')));
  expect(error).toBeInstanceOf(Error);
  expect(String(error?.message)).toMatch(/missing\.ts|Cannot find/);
});

test('a process started with a V8 flag (--max-old-space-size) can still start .ts workers', () => {
  writeFileSync(join(folder, 'flagged-worker.ts'), "import { parentPort } from 'node:worker_threads';\nparentPort!.postMessage('up');\n");
  writeFileSync(
    join(folder, 'flagged-main.ts'),
    "import { Worker } from 'node:worker_threads';\nconst w = new Worker(new URL('./flagged-worker.ts', import.meta.url));\nw.on('message', (m) => { console.log(m); void w.terminate(); });\n",
  );
  const run = spawnSync(
    process.execPath,
    ['--max-old-space-size=128', '--import', 'tsx', '--import', join(projectRoot, 'tool/runtime/register.ts'), join(folder, 'flagged-main.ts')],
    { cwd: projectRoot, encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.stderr).toBe('');
  expect(run.stdout.trim()).toBe('up');
});
