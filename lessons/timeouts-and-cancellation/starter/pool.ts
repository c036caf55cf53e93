// Your pool for this lesson: exercises/timeouts-and-cancellation/pool.ts
//
// It is the pool of the lessons so far: task ids, crash recovery (the task a dead worker held is
// rejected, exactly one replacement, started in 'exit'), maxQueue with its QueueFullError, a
// graceful close() and destroy(). One thing changed: the queue is a doubly-linked list, which can
// also remove a task from its middle in constant time (you will need that). What the pool lacks is
// everything about time and cancellation:
//
//   new WorkerPool(file, { size, taskTimeout })   taskTimeout: the default limit on RUNNING time, in ms
//   run(data, { timeout, signal, transferList })  timeout: this task's limit, overriding taskTimeout
//
// - A timeout limits how long a task may run: its clock starts when the pool hands the task to a
//   worker, never while the task waits in the queue. A task that runs past it rejects with an error named
//   'TimeoutError', and its worker is terminated (the 'exit' handler starts the replacement).
// - An aborted signal rejects its task with an error named 'AbortError' (keep signal.reason as its
//   `cause`): at once, starting nothing, if the signal is already aborted; by leaving the queue if
//   the task waits; by terminating its worker if the task runs. Aborting later does nothing.
// - Once a task has settled, the pool keeps no listener on its signal.
// - A timeout that is not a number of ms above 0 and at most 2 ** 31 - 1 (or Infinity) is refused
//   with a RangeError: the constructor throws, run() rejects.
//
// Until then, run() refuses every task that has a timeout or a signal, so that the checks fail
// fast instead of hanging. Remove that guard (TODO 0) when you start.
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
  // Links of the queue (a doubly-linked list, so that a task can leave it in constant time).
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
  /** Takes a task out of the queue, wherever it is. Does nothing if it is not queued. */
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

  constructor(workerFile: string | URL, options: PoolOptions) {
    const size = options?.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    // TODO 1: refuse a taskTimeout that is not a number of ms above 0 and at most 2 ** 31 - 1
    // (Infinity is fine) with a RangeError, before any worker starts. (Why the upper limit? Try
    // setTimeout(f, 2 ** 31) and watch when f runs.)
    this.#taskTimeout = options.taskTimeout ?? Infinity;
    const maxQueue = options.maxQueue ?? Infinity;
    if (maxQueue !== Infinity && !(Number.isInteger(maxQueue) && maxQueue >= 0)) {
      throw new RangeError(`maxQueue must be a whole number of at least 0, or Infinity, not ${typeof maxQueue === 'string' ? `'${maxQueue}'` : maxQueue}.`);
    }
    this.#workerFile = workerFile;
    this.#size = size;
    this.#maxQueue = maxQueue;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  run(data: unknown, options: RunOptions = {}): Promise<unknown> {
    if (this.#state !== 'open') return Promise.reject(new PoolClosedError(this.#state));
    // TODO 0: remove this guard once you start on timeouts and signals.
    if (options.timeout !== undefined || options.signal !== undefined || this.#taskTimeout !== Infinity) {
      return Promise.reject(new Error('Not implemented yet: timeouts and abort signals (see the TODOs in pool.ts).'));
    }
    const timeout = options.timeout ?? this.#taskTimeout;
    // TODO 2: refuse an invalid timeout (the same rule as taskTimeout) with a rejected RangeError.
    const signal = options.signal;
    // TODO 3: if the signal is already aborted, reject at once with an AbortError and start nothing.
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
      // TODO 4: listen for the signal's 'abort': it calls this.#stop(task, new AbortError(signal.reason)).
      // Many tasks may share one signal. (Node 20 warns once more than 10 listeners sit on one signal;
      // Node 24 no longer does, but the listeners pile up all the same.)
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
    // A worker the pool terminated itself (TODO 5) ends up here too, and is replaced like any other.
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
      // TODO 5: the task's timeout starts now. When it fires: this.#stop(task, new TimeoutError(task.timeout)).
      slot.worker.postMessage({ id: task.id, data: task.data }, task.transferList);
    }
    this.#finishClosing();
  }

  /**
   * Rejects a task that timed out or was aborted, with `reason`. A queued task just leaves the
   * queue. A running one takes its worker down with it: the worker is busy with work nobody waits
   * for any more, so terminate it (retire it first, so that it gets no other task).
   */
  #stop(task: Task, reason: Error): void {
    // TODO 6
    void task;
    void reason;
    throw new Error('Not implemented yet: #stop()');
  }

  /** Settles a task exactly once. */
  #settle(task: Task, result: unknown, error?: Error): void {
    if (task.settled) return;
    task.settled = true;
    // TODO 7: let go of what the task holds: its timer, and its listener on the signal.
    if (task.slot?.task === task) task.slot.task = undefined;
    if (error) task.reject(error);
    else task.resolve(result);
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
