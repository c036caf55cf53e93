// Not a document's pool: the capstone's API as a thin adapter over piscina 5, configured as well
// as piscina allows (stricterFIFO, a priority queue). It shows that the checks test behaviour, not
// internals: it passes every check whose behaviour piscina has, and fails four, each a real
// difference in piscina (see the note in lesson.json and the lesson's README):
// - with maxQueue 0, a task run() refused still runs once the worker is free;
// - a task that carries an AbortSignal bypasses piscina's task queue (it goes to an internal
//   "skip queue"), so maxQueue and priority do not apply to it (piscina issues #899 and #1029);
// - piscina moves a transferList when a worker takes the task, not when run() is called, so a task
//   that has to wait leaves the caller's buffer attached meanwhile;
// - close() resolves as soon as one worker runs out of work, ending a task still running on another.
// What the adapter adds on top of piscina: typed errors, a per-task timeout that counts running
// time only (the adapter worker reports each start), stats() from its own counts, and refusing
// new tasks after close() and destroy() (piscina, by design, takes them and starts new threads).
import { Piscina } from 'piscina';
import type { TransferListItem } from 'node:worker_threads';
import { workerEntryFor } from '../../../../tool/runtime/ts-workers.ts';

export interface PoolOptions {
  size: number;
  maxQueue?: number;
  taskTimeout?: number;
}
export interface RunOptions {
  transferList?: readonly TransferListItem[];
  signal?: AbortSignal;
  priority?: number;
  timeout?: number;
}

export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL';
  constructor(cause: unknown) {
    super('The queue is full.', { cause });
    this.name = 'QueueFullError';
  }
}
export class TimeoutError extends Error {
  readonly code = 'ERR_TASK_TIMEOUT';
  constructor(ms: number) {
    super(`The task ran longer than its timeout of ${ms} ms.`);
    this.name = 'TimeoutError';
  }
}

type QueuedTask = Parameters<NonNullable<InstanceType<typeof Piscina>['options']['taskQueue']>['push']>[0];
const priorityOf = (task: QueuedTask): number =>
  ((task as unknown as Record<symbol, { priority?: number } | undefined>)[Piscina.queueOptionsSymbol]?.priority) ?? 0;

/** piscina's TaskQueue interface: higher priority first, FIFO among equals. */
class PriorityQueue {
  #tasks: QueuedTask[] = [];
  get size(): number {
    return this.#tasks.length;
  }
  push(task: QueuedTask): void {
    const p = priorityOf(task);
    let at = this.#tasks.length;
    while (at > 0 && priorityOf(this.#tasks[at - 1]!) < p) at--;
    this.#tasks.splice(at, 0, task);
  }
  /** piscina puts back a task it took but could not hand out: at the front of its priority. */
  unshift(task: QueuedTask): void {
    const p = priorityOf(task);
    let at = 0;
    while (at < this.#tasks.length && priorityOf(this.#tasks[at]!) > p) at++;
    this.#tasks.splice(at, 0, task);
  }
  shift(): QueuedTask | null {
    return this.#tasks.shift() ?? null;
  }
  remove(task: QueuedTask): void {
    const at = this.#tasks.indexOf(task);
    if (at !== -1) this.#tasks.splice(at, 1);
  }
}

let pools = 0;

export class WorkerPool {
  #piscina: Piscina;
  #taskTimeout: number;
  #starts: BroadcastChannel;
  #nextKey = 1;
  /** Tasks not yet settled: whether they started, and how to time them out. */
  #tasks = new Map<number, { started: boolean; timeout: number; controller?: AbortController; timer?: NodeJS.Timeout }>();
  #completed = 0;
  #failed = 0;
  /** piscina takes new tasks after close() and destroy() by design; this API refuses them. */
  #closed = false;

  constructor(workerFile: string | URL, options: PoolOptions) {
    const { size, maxQueue = Infinity, taskTimeout = Infinity } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    const startsChannel = `workbook-capstone-piscina-adapter-${process.pid}-${++pools}`;
    this.#starts = new BroadcastChannel(startsChannel);
    (this.#starts as unknown as { unref(): void }).unref();
    this.#starts.onmessage = (event) => this.#started((event as MessageEvent<number>).data);
    this.#taskTimeout = taskTimeout;
    this.#piscina = new Piscina({
      // piscina's worker loads its file with import(): give it compiled JavaScript on every Node.
      filename: workerEntryFor(new URL('../../fixtures/piscina-adapter-worker.ts', import.meta.url))!,
      workerData: { protocolWorker: workerEntryFor(workerFile) ?? String(workerFile), startsChannel },
      minThreads: size,
      maxThreads: size,
      idleTimeout: Infinity,
      maxQueue,
      // Without it, piscina 5 starts queued tasks out of order (see the lesson's README).
      stricterFIFO: true,
      taskQueue: new PriorityQueue(),
      // Keeps piscina's threads responsive while idle, so that a protocol worker's death is seen.
      atomics: 'disabled',
    });
    // piscina reports some failures as 'error' events on the pool; the tasks are rejected anyway.
    this.#piscina.on('error', () => {});
  }

  run(data: unknown, options: RunOptions = {}): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('The pool is closed; it takes no new tasks.'));
    const { transferList, signal, priority = 0, timeout = this.#taskTimeout } = options;
    const key = this.#nextKey++;
    // piscina terminates a running task's thread only through an AbortSignal: one per task that
    // may need stopping (a timeout, or the caller's signal).
    let controller: AbortController | undefined;
    if (signal || timeout !== Infinity) {
      controller = new AbortController();
      if (signal?.aborted) controller.abort(signal.reason);
      else signal?.addEventListener('abort', () => controller!.abort(signal.reason), { once: true });
    }
    const task = { key, data, transferList, [Piscina.queueOptionsSymbol]: { priority } };
    this.#tasks.set(key, { started: false, timeout, controller });
    return this.#piscina.run(task, { transferList: transferList as never, signal: controller?.signal }).then(
      (result) => {
        this.#done(key);
        this.#completed++;
        return result;
      },
      (error: Error & { cause?: unknown }) => {
        this.#done(key);
        if (/queue is at limit|No task queue available/.test(error?.message)) throw new QueueFullError(error);
        this.#failed++;
        if (error?.name === 'AbortError' && error.cause instanceof TimeoutError) throw error.cause;
        throw error;
      },
    );
  }

  close(): Promise<void> {
    this.#closed = true;
    return this.#piscina.close().finally(() => this.#starts.close());
  }

  destroy(): Promise<void> {
    this.#closed = true;
    return this.#piscina.destroy().finally(() => this.#starts.close());
  }

  stats(): { queued: number; busy: number; completed: number; failed: number } {
    let busy = 0;
    for (const t of this.#tasks.values()) if (t.started) busy++;
    return { queued: this.#tasks.size - busy, busy, completed: this.#completed, failed: this.#failed };
  }

  #started(key: number): void {
    const task = this.#tasks.get(key);
    if (!task || task.started) return;
    task.started = true;
    if (task.controller && task.timeout !== Infinity) {
      const { controller, timeout } = task;
      task.timer = setTimeout(() => controller.abort(new TimeoutError(timeout)), timeout);
    }
  }

  /** Forgets a settled task. */
  #done(key: number): void {
    clearTimeout(this.#tasks.get(key)?.timer);
    this.#tasks.delete(key);
  }
}
