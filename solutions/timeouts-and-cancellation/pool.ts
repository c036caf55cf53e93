// Reference solution: a worker pool with per-task timeouts and AbortSignal cancellation, on top of
// crash recovery and graceful close. Read lessons/timeouts-and-cancellation/README.md for the why.
//
// The rules it keeps:
// - A timeout limits how long a task may RUN: the clock starts when the pool hands the task to a worker, not
//   when run() is called. Waiting in the queue never counts against it. (For a deadline that
//   covers waiting too, pass `signal: AbortSignal.timeout(ms)`.)
// - A task that runs past its timeout is rejected with a TimeoutError, and its worker is
//   terminated and replaced: the worker is stuck, and nobody waits for its answer any more.
// - An aborted signal rejects its task with an AbortError: a queued task leaves the queue at once
//   and never runs; a running task's worker is terminated and replaced; an already-aborted signal
//   rejects at once and starts nothing. Aborting after the task settled does nothing.
// - The pool listens to each signal once, however many tasks share it, and stops listening when
//   the last of them settles.
// - Carried forward: task ids, crash recovery (the task a dead worker held is rejected, exactly one
//   replacement, in 'exit'), maxQueue and its QueueFullError, close() (graceful) and destroy()
//   (reject everything, now), with their PoolClosedError and PoolDestroyedError. The queue is new:
//   a doubly-linked list instead of the queue lesson's ring buffer, because an aborted task must leave it
//   from the middle, in constant time.
import { Worker, type TransferListItem } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive. */
  size: number;
  /**
   * How many tasks may wait for a worker. run() refuses more with a QueueFullError.
   * Infinity (the default): no bound. 0: no waiting at all.
   */
  maxQueue?: number;
  /** The default timeout of every task, in ms of running time. Infinity (the default): none. */
  taskTimeout?: number;
}

export interface RunOptions {
  transferList?: readonly TransferListItem[];
  /** Aborting it cancels the task, queued or running. */
  signal?: AbortSignal;
  /** This task's limit on running time, in ms; overrides the pool's taskTimeout. */
  timeout?: number;
}

/** run() refused a task: every worker was busy and maxQueue tasks were already waiting. */
export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL';
  constructor(maxQueue: number, size: number) {
    const busy = size === 1 ? 'its worker is busy' : `all ${size} of its workers are busy`;
    const waiting = maxQueue === 0 ? 'no task may wait (maxQueue: 0)' : `${maxQueue} ${maxQueue === 1 ? 'task waits' : 'tasks wait'} already (maxQueue: ${maxQueue})`;
    super(`The pool is full: ${busy} and ${waiting}. The task was not queued; try again later.`);
    this.name = 'QueueFullError';
  }
}

/** run() refused a task because close() or destroy() has been called. */
export class PoolClosedError extends Error {
  readonly code = 'ERR_POOL_CLOSED';
  constructor(how: 'closing' | 'destroyed') {
    super(how === 'closing' ? 'The pool is closing: it takes no new tasks.' : 'The pool was destroyed: it takes no new tasks.');
    this.name = 'PoolClosedError';
  }
}

/** destroy() was called while this task was queued or running. */
export class PoolDestroyedError extends Error {
  readonly code = 'ERR_POOL_DESTROYED';
  constructor() {
    super('The pool was destroyed before this task finished.');
    this.name = 'PoolDestroyedError';
  }
}

/** A task ran longer than its timeout. Its worker was terminated and replaced. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`The task ran longer than its timeout of ${ms} ms, so its worker was stopped and replaced.`);
    this.name = 'TimeoutError';
  }
}

/** A task was cancelled through its AbortSignal. `cause` holds the signal's reason. */
export class AbortError extends Error {
  constructor(reason: unknown) {
    super('The task was aborted.', { cause: reason });
    this.name = 'AbortError';
  }
}

interface Task {
  id: number;
  data: unknown;
  transferList: readonly TransferListItem[] | undefined;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
  /** Limit on running time in ms; Infinity for none. */
  timeout: number;
  signal: AbortSignal | undefined;
  timer: NodeJS.Timeout | undefined;
  /** The worker running it, once it has left the queue. */
  slot: Slot | undefined;
  settled: boolean;
  // Links of the queue (a doubly-linked list, so that an aborted task leaves it in constant time).
  prev: Task | undefined;
  next: Task | undefined;
  queued: boolean;
}

/** One worker and what the pool knows about it. */
interface Slot {
  worker: Worker;
  task: Task | undefined;
  /** Set once the worker is on its way out (it threw, or the pool terminated it): no more tasks. */
  leaving: boolean;
}

type Reply = { id: number; result?: unknown; error?: { message: string } };

/** A FIFO queue where push, shift and removing any task are all constant-time. */
class TaskQueue {
  #head: Task | undefined;
  #tail: Task | undefined;
  length = 0;

  push(task: Task): void {
    task.prev = this.#tail;
    task.next = undefined;
    if (this.#tail) this.#tail.next = task;
    else this.#head = task;
    this.#tail = task;
    task.queued = true;
    this.length++;
  }
  shift(): Task | undefined {
    const task = this.#head;
    if (task) this.remove(task);
    return task;
  }
  remove(task: Task): void {
    if (!task.queued) return;
    if (task.prev) task.prev.next = task.next;
    else this.#head = task.next;
    if (task.next) task.next.prev = task.prev;
    else this.#tail = task.prev;
    task.prev = task.next = undefined;
    task.queued = false;
    this.length--;
  }
}

/** The longest delay setTimeout honours; beyond it Node fires after 1 ms instead (with a warning). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const validTimeout = (ms: unknown): ms is number => typeof ms === 'number' && ms > 0 && (ms <= MAX_TIMER_MS || ms === Infinity);

export class WorkerPool {
  #workerFile: string | URL;
  #size: number;
  #maxQueue: number;
  #taskTimeout: number;
  #slots = new Set<Slot>();
  #idle: Slot[] = [];
  #queue = new TaskQueue();
  #nextId = 1;
  #state: 'open' | 'closing' | 'destroyed' = 'open';
  #closed: Promise<void> | undefined;
  #allExited: (() => void) | undefined;
  /** Each signal in use, with the tasks that share it and the one listener the pool added. */
  #signals = new Map<AbortSignal, { tasks: Set<Task>; onAbort: () => void }>();

  constructor(workerFile: string | URL, options: PoolOptions) {
    const size = options?.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    const taskTimeout = options.taskTimeout ?? Infinity;
    if (!validTimeout(taskTimeout)) throw new RangeError(`taskTimeout must be a number of ms above 0 and at most ${MAX_TIMER_MS} (or Infinity), not ${taskTimeout}.`);
    const maxQueue = options.maxQueue ?? Infinity;
    if (maxQueue !== Infinity && !(Number.isInteger(maxQueue) && maxQueue >= 0)) {
      throw new RangeError(`maxQueue must be a whole number of at least 0, or Infinity, not ${typeof maxQueue === 'string' ? `'${maxQueue}'` : maxQueue}.`);
    }
    this.#workerFile = workerFile;
    this.#size = size;
    this.#maxQueue = maxQueue;
    this.#taskTimeout = taskTimeout;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  run(data: unknown, options: RunOptions = {}): Promise<unknown> {
    if (this.#state !== 'open') return Promise.reject(new PoolClosedError(this.#state));
    const timeout = options.timeout ?? this.#taskTimeout;
    if (!validTimeout(timeout)) return Promise.reject(new RangeError(`timeout must be a number of ms above 0 and at most ${MAX_TIMER_MS} (or Infinity), not ${timeout}.`));
    const signal = options.signal;
    // Already aborted: reject at once, and start nothing.
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    // Backpressure: the limit counts tasks that would wait, not running ones.
    if (this.#idle.length === 0 && this.#queue.length >= this.#maxQueue) return Promise.reject(new QueueFullError(this.#maxQueue, this.#size));
    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.#nextId++,
        data,
        transferList: options.transferList,
        resolve,
        reject,
        timeout,
        signal,
        timer: undefined,
        slot: undefined,
        settled: false,
        prev: undefined,
        next: undefined,
        queued: false,
      };
      if (signal) this.#watch(task, signal);
      this.#queue.push(task);
      this.#dispatch();
    });
  }

  /** Refuses new tasks, finishes the queued and running ones, then ends every worker. */
  close(): Promise<void> {
    if (!this.#closed) {
      if (this.#state === 'open') this.#state = 'closing';
      this.#closed = new Promise<void>((resolve) => (this.#allExited = resolve));
      this.#finishClosing();
    }
    return this.#closed;
  }

  /** Rejects every task not yet settled and ends every worker, now. */
  destroy(): Promise<void> {
    if (this.#state === 'destroyed' && this.#closed) return this.#closed;
    this.#state = 'destroyed';
    const destroyed = new PoolDestroyedError();
    for (let task = this.#queue.shift(); task; task = this.#queue.shift()) this.#settle(task, undefined, destroyed);
    for (const slot of this.#slots) if (slot.task) this.#settle(slot.task, undefined, destroyed);
    this.#idle = [];
    const exited = Promise.all([...this.#slots].map((slot) => slot.worker.terminate())).then(() => {});
    this.#closed ??= exited;
    void exited.then(() => this.#allExited?.());
    return exited;
  }

  #spawn(): void {
    const worker = new Worker(this.#workerFile);
    const slot: Slot = { worker, task: undefined, leaving: false };
    this.#slots.add(slot);
    this.#idle.push(slot);

    worker.on('message', (reply: Reply) => {
      const task = slot.task;
      // Anything that is not the answer to the task this worker holds settles nothing.
      if (!task || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
      slot.task = undefined;
      if (reply.error) this.#settle(task, undefined, new Error(reply.error.message));
      else this.#settle(task, reply.result);
      if (!slot.leaving) this.#idle.push(slot);
      this.#dispatch();
    });

    // An uncaught exception: reject the task with the worker's own error; 'exit' follows.
    worker.on('error', (error: unknown) => {
      this.#retire(slot);
      if (slot.task) this.#settle(slot.task, undefined, error instanceof Error ? error : new Error(String(error)));
    });

    // Every ending, whatever the code, comes through here once: the one place that replaces.
    worker.on('exit', (code: number) => {
      this.#slots.delete(slot);
      this.#retire(slot);
      if (slot.task) this.#settle(slot.task, undefined, new Error(`The worker exited with code ${code} while running this task.`));
      // While closing, a replacement is only needed if queued tasks still wait for a worker.
      const needed = this.#state === 'open' || (this.#state === 'closing' && this.#queue.length > 0);
      if (needed) this.#spawn();
      this.#dispatch();
    });
  }

  #dispatch(): void {
    if (this.#state === 'destroyed') return;
    while (this.#idle.length > 0 && this.#queue.length > 0) {
      const slot = this.#idle.pop()!;
      const task = this.#queue.shift()!;
      slot.task = task;
      task.slot = slot;
      // The timeout limits running time: its clock starts now, as the worker takes the task (a worker
      // still starting up gets it at once, so its start-up counts too).
      if (task.timeout !== Infinity) task.timer = setTimeout(() => this.#stop(task, new TimeoutError(task.timeout)), task.timeout);
      slot.worker.postMessage({ id: task.id, data: task.data }, task.transferList);
    }
    this.#finishClosing();
  }

  /** Rejects a task that timed out or was aborted. A running one takes its worker down with it. */
  #stop(task: Task, reason: Error): void {
    if (task.settled) return;
    this.#queue.remove(task);
    const slot = task.slot;
    if (slot && slot.task === task) {
      // The worker is busy with work nobody wants: terminate it. Its 'exit' starts the replacement.
      slot.task = undefined;
      this.#retire(slot);
      void slot.worker.terminate();
    }
    this.#settle(task, undefined, reason);
    this.#finishClosing();
  }

  /** Settles a task exactly once, and lets go of its timer and its signal. */
  #settle(task: Task, result: unknown, error?: Error): void {
    if (task.settled) return;
    task.settled = true;
    clearTimeout(task.timer);
    if (task.signal) this.#unwatch(task, task.signal);
    if (task.slot?.task === task) task.slot.task = undefined;
    if (error) task.reject(error);
    else task.resolve(result);
  }

  /** One listener per signal, however many tasks share it. */
  #watch(task: Task, signal: AbortSignal): void {
    let entry = this.#signals.get(signal);
    if (!entry) {
      const tasks = new Set<Task>();
      const onAbort = () => {
        for (const t of [...tasks]) this.#stop(t, new AbortError(signal.reason));
      };
      entry = { tasks, onAbort };
      this.#signals.set(signal, entry);
      signal.addEventListener('abort', onAbort, { once: true });
    }
    entry.tasks.add(task);
  }

  #unwatch(task: Task, signal: AbortSignal): void {
    const entry = this.#signals.get(signal);
    if (!entry) return;
    entry.tasks.delete(task);
    if (entry.tasks.size === 0) {
      signal.removeEventListener('abort', entry.onAbort);
      this.#signals.delete(signal);
    }
  }

  /** Marks a worker as leaving and takes it off the idle list: it gets no more tasks. */
  #retire(slot: Slot): void {
    slot.leaving = true;
    const at = this.#idle.indexOf(slot);
    if (at !== -1) this.#idle.splice(at, 1);
  }

  /** Once closing and nothing is left to run, ends the workers and resolves close(). */
  #finishClosing(): void {
    if (this.#state !== 'closing' || !this.#allExited || this.#queue.length > 0) return;
    for (const slot of this.#slots) if (slot.task) return;
    const done = this.#allExited;
    this.#allExited = undefined;
    this.#idle = [];
    void Promise.all([...this.#slots].map((slot) => slot.worker.terminate())).then(() => done());
  }
}
