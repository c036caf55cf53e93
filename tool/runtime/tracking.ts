// Keeps a list of the worker threads and child processes that workbook code starts, so that the
// check harness can count them, report the ones left running, and stop them.
// Node 20's process.getActiveResourcesInfo() does not list Workers, hence this bookkeeping.
import { ChildProcess } from 'node:child_process';
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

export type Tracked =
  | { kind: 'worker thread'; name: string; createdIn: string; handle: Worker; alive: boolean }
  | { kind: 'child process'; name: string; createdIn: string; handle: ChildProcess; alive: boolean };

const all: Tracked[] = [];
let currentContext = 'outside any check';

/** Names the check that is running, so that a leak can be reported against it. */
export function setTrackingContext(name: string): void {
  currentContext = name;
}

export function describeFile(filename: unknown): string {
  let path = filename instanceof URL ? fileURLToPath(filename) : String(filename);
  if (path.startsWith('file:')) path = fileURLToPath(path);
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') ? path : rel;
}

/** esbuild and vitest start workers of their own; those are never the learner's to count or stop. */
export function isToolingFile(filename: unknown): boolean {
  const path = filename instanceof URL ? filename.pathname : String(filename);
  return path.includes(`${sep}node_modules${sep}`) && !path.includes(`${sep}.cache${sep}workbook-workers${sep}`);
}

export function trackWorker(worker: Worker, filename: unknown, options?: { eval?: boolean; name?: string }): void {
  const name = options?.eval ? `eval worker${options.name ? ` '${options.name}'` : ''}` : describeFile(filename);
  const entry: Tracked = { kind: 'worker thread', name, createdIn: currentContext, handle: worker, alive: true };
  all.push(entry);
  worker.once('exit', () => {
    entry.alive = false;
  });
}

let childProcessesTracked = false;
export function trackChildProcesses(): void {
  if (childProcessesTracked) return;
  childProcessesTracked = true;
  // spawn, fork, exec and execFile all end in ChildProcess.prototype.spawn.
  // `spawn` is on the prototype at run time but not in Node's type definitions.
  const prototype = ChildProcess.prototype as unknown as { spawn: (this: ChildProcess, options: object) => unknown };
  const originalSpawn = prototype.spawn;
  prototype.spawn = function (this: ChildProcess, options: object) {
    const result = originalSpawn.call(this, options);
    const args = (options as { args?: string[] }).args ?? [];
    const name = args.map((a) => (a.includes(sep) ? describeFile(a) : a)).join(' ');
    const entry: Tracked = { kind: 'child process', name: `${name} (pid ${this.pid})`, createdIn: currentContext, handle: this, alive: this.pid !== undefined };
    all.push(entry);
    this.once('exit', () => {
      entry.alive = false;
    });
    return result;
  };
}

export function trackedSince(mark: number): Tracked[] {
  return all.slice(mark);
}
export function trackingMark(): number {
  return all.length;
}
export function stillRunning(): Tracked[] {
  return all.filter((t) => t.alive);
}

/** Waits up to `ms` for tracked threads and processes to end by themselves. */
export async function settle(ms: number): Promise<Tracked[]> {
  const deadline = Date.now() + ms;
  while (stillRunning().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  return stillRunning();
}

/** Stops everything still running and returns what had to be stopped. */
export async function stopAll(): Promise<Tracked[]> {
  const left = stillRunning();
  await Promise.all(
    left.map(async (t) => {
      if (t.kind === 'worker thread') await t.handle.terminate().catch(() => {});
      else t.handle.kill('SIGKILL');
      t.alive = false;
    }),
  );
  return left;
}

export function describeLeft(left: Tracked[]): string {
  const groups = new Map<string, number>();
  for (const t of left) {
    const key = `${t.kind} ${t.name}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([key, n]) => (n > 1 ? `${n} x ${key}` : key)).join('; ');
}

export interface ThreadWatch {
  /** Worker threads started since the watch began. */
  readonly workersCreated: number;
  /** Worker threads started since the watch began and not yet exited. */
  readonly workersAlive: number;
  /** Child processes started since the watch began and not yet exited. */
  readonly processesAlive: number;
  readonly started: readonly Tracked[];
}

/** Counts the worker threads and child processes started from now on. */
export function watchThreads(): ThreadWatch {
  const mark = trackingMark();
  const since = () => trackedSince(mark);
  return {
    get workersCreated() {
      return since().filter((t) => t.kind === 'worker thread').length;
    },
    get workersAlive() {
      return since().filter((t) => t.kind === 'worker thread' && t.alive).length;
    },
    get processesAlive() {
      return since().filter((t) => t.kind === 'child process' && t.alive).length;
    },
    get started() {
      return since();
    },
  };
}
