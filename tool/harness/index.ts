// What lesson checks use to reach the code under test, whichever folder the target switch
// points at, and to observe the threads and processes that code starts.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { onTestFinished } from 'vitest';
export { watchThreads, type ThreadWatch } from '../runtime/tracking.ts';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The folder holding one lesson's files under test: the target switch, resolved. */
export function targetDirFor(lessonId: string): string {
  if (process.env.WORKBOOK_LESSON_DIR) return resolve(process.env.WORKBOOK_LESSON_DIR);
  const root = resolve(projectRoot, process.env.WORKBOOK_TARGET ?? 'exercises');
  return join(root, lessonId);
}

export interface LessonUnderTest {
  id: string;
  /** Absolute path of a file under test, e.g. the learner's worker. */
  file(name: string): string;
  /** Absolute path of one of the lesson's own fixtures (lessons/<id>/fixtures). */
  fixture(name: string): string;
  /** Imports a module under test. A failure to load becomes a failed check that says why. */
  load<T>(name: string): Promise<T>;
}

/** Call as `const lesson = lessonUnderTest(import.meta.url)` from lessons/<id>/checks.test.ts. */
export function lessonUnderTest(checkFileUrl: string): LessonUnderTest {
  const lessonDir = dirname(fileURLToPath(checkFileUrl));
  const id = relative(join(projectRoot, 'lessons'), lessonDir).split(/[\\/]/)[0]!;
  const dir = targetDirFor(id);
  const cache = new Map<string, Promise<unknown>>();
  return {
    id,
    file: (name) => join(dir, name),
    fixture: (name) => join(projectRoot, 'lessons', id, 'fixtures', name),
    load<T>(name: string): Promise<T> {
      const path = join(dir, name);
      if (!cache.has(name)) {
        cache.set(
          name,
          existsSync(path)
            ? import(pathToFileURL(path).href).catch((error: Error) => {
                throw new Error(`Could not load ${relative(projectRoot, path)}: ${error.message}`);
              })
            : Promise.reject(new Error(`There is no file ${relative(projectRoot, path)}.`)),
        );
      }
      return cache.get(name) as Promise<T>;
    },
  };
}

const disposers: Array<() => unknown> = [];

/**
 * Shuts a pool down after the current check, whatever happened in it: `destroy()` if it has
 * one, else `close()`, else `terminate()`. Returns the pool for chaining.
 */
export function disposeAfter<T extends object>(pool: T): T {
  disposers.push(() => {
    const p = pool as Record<string, unknown>;
    for (const method of ['destroy', 'close', 'terminate']) {
      if (typeof p[method] === 'function') return (p[method] as () => unknown).call(pool);
    }
  });
  return pool;
}

/** Runs the registered shutdowns, each bounded so that a broken close() cannot hang the run. */
export async function runDisposers(boundMs = 2000): Promise<void> {
  const pending = disposers.splice(0);
  await Promise.all(
    pending.map((dispose) =>
      Promise.race([
        Promise.resolve().then(dispose).catch(() => {}),
        new Promise((r) => setTimeout(r, boundMs).unref()),
      ]),
    ),
  );
}

/** Resolves once `predicate` holds, or rejects after `ms` with `what` in the message. */
export async function eventually(predicate: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Waited ${ms} ms for ${what}; it did not happen.`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How a promise stood when a check stopped waiting for it. */
export type Settled<T = unknown> = { settled: true; value?: T; error?: unknown } | { settled: false; waitedMs: number };

/** Settles a promise or gives up after `ms`, telling which. Checks use it instead of hanging. */
export async function within<T>(ms: number, promise: Promise<T>): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ settled: false; waitedMs: number }>((r) => {
    timer = setTimeout(() => r({ settled: false, waitedMs: ms }), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ settled: true as const, value }),
        (error: unknown) => ({ settled: true as const, error }),
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Timers (setTimeout, setInterval) active in this process right now, for checks that a pool waits without polling or leaves none behind. */
export const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * "still pending after 2 s": a learner reading a failed check should know the check waited,
 * and how long, before deciding the task would never settle.
 */
export function stillPending(o: { waitedMs: number }): string {
  return `still pending after ${o.waitedMs >= 1000 ? `${+(o.waitedMs / 1000).toFixed(1)} s` : `${o.waitedMs} ms`}`;
}

export { onTestFinished };
