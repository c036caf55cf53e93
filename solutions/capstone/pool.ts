// Reference solution of the capstone: the production track's pool, assembled and made fast.
// Read lessons/capstone/README.md for the why of each rule and of each speed trick.
//
//   new WorkerPool(workerFile, { size, maxQueue, taskTimeout, resourceLimits })
//   run(data, { transferList, signal, priority, timeout }): Promise<result>
//   close()    graceful: refuse new tasks, finish the queued and running ones, then end every worker
//   destroy()  reject every task not yet settled, end every worker, now
//   stats()    a snapshot of what the pool is doing and has done; monitor() reports it on a timer
//
// Protocol with the worker (as in every lesson): the pool posts { id, data }; the worker answers
// { id, result } or { id, error: { message } }. One message each way per task.
//
// The rules it keeps, lesson by lesson:
// - queue: FIFO within a priority, higher priority first; every queue operation is constant-time
//   (one intrusive doubly-linked list per priority level: no Array#shift, no per-task node).
// - backpressure: at most `maxQueue` tasks WAIT (running ones do not count); one more is refused at
//   once with a QueueFullError (code 'ERR_QUEUE_FULL'). maxQueue 0: run only if a worker is free.
// - close() finishes queued and running tasks without polling; destroy() rejects everything now.
// - timeouts limit RUNNING time (the clock starts when a worker takes the task); a task that runs
//   past it is rejected with a TimeoutError and its worker is terminated and replaced.
// - an AbortSignal cancels a queued task (it leaves the queue, never runs) or a running one (its
//   worker is terminated and replaced); an already-aborted signal rejects at once. AbortError.
// - stats(): counts and times that mean what they say (queue wait apart from run time);
//   monitor() hands them to a callback on an unref'd timer and prints nothing itself.
// - crash recovery: the task a dead worker held is rejected, exactly one replacement, in 'exit'.
// - transferList: ownership moves at run(), even when the task has to wait in the queue; a buffer
//   that cannot be moved (detached, shared, Node's Buffer pool) is refused at once, taking nothing.
import * as workerThreads from 'node:worker_threads';
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive. */
  size: number;
  /** How many tasks may wait for a worker (running tasks do not count). Default: Infinity. */
  maxQueue?: number;
  /** Default limit on each task's running time, in ms. Default: Infinity (none). */
  taskTimeout?: number;
  /** Passed to every worker (heap limits; see the resource-limits lesson). */
  resourceLimits?: ResourceLimits;
}

export interface RunOptions {
  /** Moved to the worker, not copied. The caller loses them when run() is called. */
  transferList?: readonly TransferListItem[];
  /** Aborting it cancels the task, queued or running. */
  signal?: AbortSignal;
  /** Higher runs first; FIFO among equals. Default 0. */
  priority?: number;
  /** This task's limit on running time, in ms; overrides the pool's taskTimeout. */
  timeout?: number;
}

export interface PoolStats {
  /** Workers alive now (started and not yet exited). */
  size: number;
  /** Workers running a task. */
  busy: number;
  /** Workers ready for a task. */
  idle: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks that resolved. */
  completed: number;
  /** Tasks that started and then failed: an error answer, a crash, a timeout, an abort while running. */
  failed: number;
  /** Tasks rejected before they started: aborted, or dropped by destroy(). (Refusals are not counted.) */
  cancelled: number;
  /** Mean time from a worker taking a task until it settled, over the tasks that started and settled. */
  avgRunMs: number;
  /** Mean time from run() until a worker took the task, over the tasks that started. */
  avgWaitMs: number;
}

/** run() was refused because maxQueue tasks are already waiting. */
export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL';
  constructor(maxQueue: number) {
    super(
      maxQueue === 0
        ? 'Every worker is busy and maxQueue is 0, so no task may wait: this one was not queued. Try again later.'
        : `Every worker is busy and ${maxQueue} task(s) already wait (maxQueue ${maxQueue}): this one was not queued. Try again later.`,
    );
    this.name = 'QueueFullError';
  }
}

/** run() refused a task because close() or destroy() has been called (graceful-close). */
export class PoolClosedError extends Error {
  readonly code = 'ERR_POOL_CLOSED';
  constructor(how: 'closing' | 'destroyed') {
    super(how === 'closing' ? 'The pool is closing: it takes no new tasks.' : 'The pool was destroyed: it takes no new tasks.');
    this.name = 'PoolClosedError';
  }
}

/** destroy() was called while this task was queued or running (graceful-close). */
export class PoolDestroyedError extends Error {
  readonly code = 'ERR_POOL_DESTROYED';
  constructor() {
    super('The pool was destroyed before this task finished.');
    this.name = 'PoolDestroyedError';
  }
}

/** A task ran longer than its timeout. Its worker was terminated and replaced. */
export class TimeoutError extends Error {
  readonly code = 'ERR_TASK_TIMEOUT';
  constructor(ms: number) {
    super(`The task ran longer than its timeout of ${ms} ms, so its worker was stopped and replaced.`);
    this.name = 'TimeoutError';
  }
}

/** A task was cancelled through its AbortSignal. `cause` holds the signal's reason. */
export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(reason: unknown) {
    super('The task was aborted.', { cause: reason });
    this.name = 'AbortError';
  }
}

/** The longest delay setTimeout honours; beyond it Node fires after 1 ms instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const validTimeout = (ms: unknown): ms is number => typeof ms === 'number' && ms > 0 && (ms <= MAX_TIMER_MS || ms === Infinity);

const OPEN = 0;
const CLOSING = 1;
const DESTROYED = 2;

/** One task. It is also its own node in the queue (prev/next): queueing allocates nothing more. */
class Task {
  id: number;
  data: unknown;
  transferList: readonly TransferListItem[] | undefined;
  priority: number;
  /** This task's own timeout, or undefined for the pool's taskTimeout. */
  timeout: number | undefined;
  signal: AbortSignal | undefined;
  resolve: (value: unknown) => void = noop;
  reject: (reason: Error) => void = noop;
  timer: NodeJS.Timeout | undefined = undefined;
  /** The worker running it, once it left the queue. */
  slot: Slot | undefined = undefined;
  /** The priority level whose list holds it, while queued. */
  level: Level | undefined = undefined;
  prev: Task | undefined = undefined;
  next: Task | undefined = undefined;
  settled = false;
  queuedAt: number;
  /**
   * Set when a worker takes the task. Starting undefined (not 0) keeps the field a plain slot: a
   * waiting task then carries no boxed number for it, which is less for the GC to copy in a deep queue.
   */
  startedAt: number | undefined = undefined;

  constructor(id: number, data: unknown, transferList: readonly TransferListItem[] | undefined, priority: number, timeout: number | undefined, signal: AbortSignal | undefined, now: number) {
    this.id = id;
    this.data = data;
    this.transferList = transferList;
    this.priority = priority;
    this.timeout = timeout;
    this.signal = signal;
    this.queuedAt = now;
  }
}

function noop(): void {}

// new Promise() calls its executor synchronously: a shared executor that files resolve and reject
// on the task being created saves one closure per task.
let creating: Task | undefined;
function executor(resolve: (value: unknown) => void, reject: (reason: Error) => void): void {
  creating!.resolve = resolve;
  creating!.reject = reject;
}

/** The tasks of one priority, in submission order. */
class Level {
  priority: number;
  head: Task | undefined = undefined;
  tail: Task | undefined = undefined;
  constructor(priority: number) {
    this.priority = priority;
  }
}

/**
 * The queue: one FIFO list per priority level, levels kept in descending order, empty levels
 * dropped. push, shift and remove are constant-time; only the first task at a NEW priority level
 * pays for finding its place among the (few) levels in use.
 */
class TaskQueue {
  length = 0;
  /** Non-empty levels, highest priority first. */
  #levels: Level[] = [];
  #last: Level | undefined = undefined;

  push(task: Task): void {
    let level = this.#last;
    if (level === undefined || level.priority !== task.priority) level = this.#levelFor(task.priority);
    else if (level.head === undefined) this.#insert(level); // the last level used, emptied since: reuse it
    task.level = level;
    task.prev = level.tail;
    task.next = undefined;
    if (level.tail === undefined) level.head = task;
    else level.tail.next = task;
    level.tail = task;
    this.length++;
  }

  shift(): Task | undefined {
    const level = this.#levels[0];
    if (level === undefined) return undefined;
    const task = level.head!;
    this.remove(task);
    return task;
  }

  remove(task: Task): void {
    const level = task.level;
    if (level === undefined) return;
    if (task.prev === undefined) level.head = task.next;
    else task.prev.next = task.next;
    if (task.next === undefined) level.tail = task.prev;
    else task.next.prev = task.prev;
    task.prev = task.next = task.level = undefined;
    this.length--;
    if (level.head === undefined) this.#levels.splice(this.#levels.indexOf(level), 1);
  }

  /** The non-empty level for `priority`, or a new one put in its place. */
  #levelFor(priority: number): Level {
    for (const level of this.#levels) if (level.priority === priority) return (this.#last = level);
    const level = new Level(priority);
    this.#insert(level);
    return (this.#last = level);
  }

  #insert(level: Level): void {
    const levels = this.#levels;
    let at = 0;
    while (at < levels.length && levels[at]!.priority > level.priority) at++;
    levels.splice(at, 0, level);
  }
}

/** One worker and what the pool knows about it. */
class Slot {
  worker: Worker;
  task: Task | undefined = undefined;
  /** Set once the worker is on its way out (it threw, timed out, was aborted): no more tasks. */
  leaving = false;
  constructor(worker: Worker) {
    this.worker = worker;
  }
}

type Reply = { id?: unknown; result?: unknown; error?: { message?: unknown } };

/** Node 21+ says which objects it refuses to transfer (its Buffer pool among them); Node 20 cannot. */
const isMarkedAsUntransferable = (workerThreads as { isMarkedAsUntransferable?: (value: unknown) => boolean }).isMarkedAsUntransferable;

/** True if `buffer` was transferred away: its memory is gone from this thread for good. */
function isDetached(buffer: ArrayBuffer): boolean {
  if ('detached' in buffer) return (buffer as ArrayBuffer & { detached: boolean }).detached; // Node 22+
  if (buffer.byteLength > 0) return false;
  try {
    new Uint8Array(buffer, 0, 0); // cannot be made on a detached buffer; works on an empty one
    return false;
  } catch {
    return true;
  }
}

const untransferable = (i: number) =>
  new TypeError(
    `transferList[${i}] cannot be transferred: it is one of Node's shared Buffer pools, the memory behind small Buffers ` +
      `(Buffer.from('abc'), Buffer.allocUnsafe(100)) that other Buffers share. Copy the bytes into a buffer of their own first.`,
  );

/**
 * Takes the transferables from the caller now (transferables-in-the-pool): returns data that owns them and the list
 * to post it with. structuredClone with a transfer list moves each buffer's memory into the clone,
 * without copying it, so the caller's views are detached when run() returns, whether the task runs
 * at once or waits. Throws, having taken nothing, if something cannot be moved.
 */
function takeOwnership(data: unknown, transferList: readonly TransferListItem[]): { data: unknown; transferList: TransferListItem[] } {
  const sizes: number[] = [];
  transferList.forEach((item, i) => {
    if (item instanceof SharedArrayBuffer) throw new TypeError(`transferList[${i}] is a SharedArrayBuffer: it is shared as it is, never transferred. Leave it out of transferList.`);
    if (!(item instanceof ArrayBuffer)) return; // a MessagePort and the like: Node checks those itself
    // On Node 20, posting a detached buffer silently loses the whole message: the task would hang.
    if (isDetached(item)) throw new TypeError(`transferList[${i}] is a detached ArrayBuffer: it was transferred before, so there is nothing left to send.`);
    if (isMarkedAsUntransferable?.(item)) throw untransferable(i);
    sizes[i] = item.byteLength;
  });
  const owned = structuredClone({ data, transferList: [...transferList] }, { transfer: [...transferList] as Transferable[] });
  // Node 20 cannot tell beforehand about its Buffer pool: it copies such a buffer instead of moving it.
  transferList.forEach((item, i) => {
    if (item instanceof ArrayBuffer && sizes[i]! > 0 && item.byteLength > 0) throw untransferable(i);
  });
  return owned;
}

export class WorkerPool {
  #workerFile: string | URL;
  #maxQueue: number;
  #taskTimeout: number;
  #resourceLimits: ResourceLimits | undefined;
  #slots = new Set<Slot>();
  /** Free workers, used as a stack: the most recently freed (warmest) goes first. */
  #idle: Slot[] = [];
  #queue = new TaskQueue();
  #nextId = 1;
  #state = OPEN;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  /** Each signal in use, with the tasks that share it and the one listener the pool added. */
  #signals = new Map<AbortSignal, { tasks: Set<Task>; onAbort: () => void }>();
  #monitors = new Set<NodeJS.Timeout>();
  // Counts for stats(), kept as plain numbers: no allocation per task.
  #busy = 0;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #started = 0;
  #waitMs = 0;
  #ran = 0;
  #runMs = 0;
  /** One timer callback for every task, not a closure per task. */
  #onTimeout = (task: Task): void => this.#stop(task, new TimeoutError(task.timeout ?? this.#taskTimeout));

  constructor(workerFile: string | URL, options: PoolOptions) {
    const size = options?.size;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`The pool size must be a whole number of at least 1, not ${size}.`);
    const maxQueue = options.maxQueue ?? Infinity;
    if (!(maxQueue === Infinity || (Number.isInteger(maxQueue) && maxQueue >= 0))) {
      throw new RangeError(`maxQueue must be a whole number of at least 0 (or Infinity), not ${maxQueue}.`);
    }
    const taskTimeout = options.taskTimeout ?? Infinity;
    if (!validTimeout(taskTimeout)) throw new RangeError(`taskTimeout must be a number of ms above 0 and at most ${MAX_TIMER_MS} (or Infinity), not ${taskTimeout}.`);
    this.#workerFile = workerFile;
    this.#maxQueue = maxQueue;
    this.#taskTimeout = taskTimeout;
    this.#resourceLimits = options.resourceLimits;
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /** Runs one task on the next free worker; resolves with the worker's result. */
  run(data: unknown, options?: RunOptions): Promise<unknown> {
    // Every refusal comes before anything is taken: a refused caller keeps its buffers.
    if (this.#state !== OPEN) return Promise.reject(new PoolClosedError(this.#state === CLOSING ? 'closing' : 'destroyed'));
    let transferList: readonly TransferListItem[] | undefined;
    let signal: AbortSignal | undefined;
    let priority = 0;
    let timeout: number | undefined;
    if (options !== undefined) {
      ({ transferList, signal } = options);
      if (options.priority !== undefined) {
        priority = options.priority;
        if (typeof priority !== 'number' || !Number.isFinite(priority)) return Promise.reject(new RangeError(`priority must be a finite number, not ${priority}.`));
      }
      if (options.timeout !== undefined) {
        timeout = options.timeout;
        if (!validTimeout(timeout)) return Promise.reject(new RangeError(`timeout must be a number of ms above 0 and at most ${MAX_TIMER_MS} (or Infinity), not ${timeout}.`));
      }
      // Already aborted: reject at once, and start nothing.
      if (signal?.aborted) {
        this.#cancelled++;
        return Promise.reject(new AbortError(signal.reason));
      }
    }
    const idle = this.#idle.length > 0;
    if (!idle && this.#queue.length >= this.#maxQueue) return Promise.reject(new QueueFullError(this.#maxQueue));
    if (transferList !== undefined && transferList.length > 0) {
      try {
        ({ data, transferList } = takeOwnership(data, transferList));
      } catch (error) {
        return Promise.reject(error);
      }
    }

    const now = performance.now();
    const task = new Task(this.#nextId++, data, transferList, priority, timeout, signal, now);
    creating = task;
    const promise = new Promise(executor);
    creating = undefined;
    if (idle) this.#start(this.#idle.pop()!, task, now);
    else this.#queue.push(task);
    if (signal !== undefined && !task.settled) this.#watch(task, signal);
    return promise;
  }

  /** Refuses new tasks, finishes the queued and running ones, then ends every worker. */
  close(): Promise<void> {
    this.#stopMonitors();
    if (this.#closed === undefined) {
      if (this.#state === OPEN) this.#state = CLOSING;
      this.#closed = new Promise<void>((resolve) => (this.#resolveClosed = resolve));
      this.#finishClosing();
    }
    return this.#closed;
  }

  /** Rejects every task not yet settled and ends every worker, now. */
  destroy(): Promise<void> {
    this.#stopMonitors();
    this.#state = DESTROYED;
    const destroyed = new PoolDestroyedError();
    for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift()) this.#settle(task, undefined, destroyed);
    for (const slot of this.#slots) if (slot.task !== undefined) this.#settle(slot.task, undefined, destroyed);
    this.#idle.length = 0;
    const exited = Promise.all([...this.#slots].map((slot) => slot.worker.terminate())).then(noop);
    this.#closed ??= exited;
    void exited.then(() => this.#resolveClosed?.());
    return exited;
  }

  /** A snapshot of the pool now. */
  stats(): PoolStats {
    return {
      size: this.#slots.size,
      busy: this.#busy,
      idle: this.#idle.length,
      queued: this.#queue.length,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      avgRunMs: this.#ran > 0 ? this.#runMs / this.#ran : 0,
      avgWaitMs: this.#started > 0 ? this.#waitMs / this.#started : 0,
    };
  }

  /**
   * Calls `report` with the stats every `intervalMs` and prints nothing itself (priority-stats-health). Returns a
   * function that stops it; close() and destroy() stop it too. Its timer never keeps a process alive.
   */
  monitor(intervalMs: number, report: (stats: PoolStats) => void): () => void {
    if (typeof intervalMs !== 'number' || !(intervalMs > 0) || intervalMs > MAX_TIMER_MS) throw new RangeError(`intervalMs must be a number of ms above 0, not ${intervalMs}.`);
    if (typeof report !== 'function') throw new TypeError('monitor() needs a function to report to.');
    if (this.#state !== OPEN) return noop;
    const timer = setInterval(() => report(this.stats()), intervalMs);
    timer.unref();
    this.#monitors.add(timer);
    return () => {
      clearInterval(timer);
      this.#monitors.delete(timer);
    };
  }

  #stopMonitors(): void {
    for (const timer of this.#monitors) clearInterval(timer);
    this.#monitors.clear();
  }

  #spawn(): void {
    const worker = new Worker(this.#workerFile, this.#resourceLimits ? { resourceLimits: this.#resourceLimits } : undefined);
    const slot = new Slot(worker);
    this.#slots.add(slot);
    this.#idle.push(slot);
    worker.on('message', (reply: Reply) => this.#onMessage(slot, reply));
    // An uncaught exception: reject the task with the worker's own error; 'exit' follows.
    worker.on('error', (error: unknown) => {
      this.#retire(slot);
      if (slot.task !== undefined) this.#settle(slot.task, undefined, error instanceof Error ? error : new Error(String(error)));
    });
    // Every ending, whatever the code, comes through here once: the one place that replaces.
    worker.on('exit', (code: number) => {
      this.#slots.delete(slot);
      this.#retire(slot);
      if (slot.task !== undefined) this.#settle(slot.task, undefined, new Error(`The worker exited with code ${code} while running this task.`));
      // While closing, a replacement is only needed if queued tasks still wait for a worker.
      if (this.#state === OPEN || (this.#state === CLOSING && this.#queue.length > 0)) this.#spawn();
      this.#dispatch();
      this.#finishClosing();
    });
  }

  /** The hot path: one answer in, the worker's next task out, one promise settled. */
  #onMessage(slot: Slot, reply: Reply): void {
    const task = slot.task;
    // Anything that is not the answer to the task this worker holds settles nothing.
    if (task === undefined || typeof reply !== 'object' || reply === null || reply.id !== task.id) return;
    // Hand the worker its next task before settling this one: it gets to work while we go on.
    // One clock reading serves both (the clock is not free: a few hundred ns on some machines).
    const now = performance.now();
    slot.task = undefined;
    this.#busy--;
    if (!slot.leaving) this.#next(slot, now);
    if (reply.error !== undefined) this.#settle(task, undefined, new Error(String(reply.error?.message)), now);
    else this.#settle(task, reply.result, undefined, now);
    if (this.#state === CLOSING) this.#finishClosing();
  }

  /** Gives a free worker the next queued task, or puts it on the idle list. */
  #next(slot: Slot, now: number): void {
    if (this.#state !== DESTROYED) {
      for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift()) {
        if (this.#start(slot, task, now)) return;
      }
    }
    this.#idle.push(slot);
  }

  #dispatch(): void {
    while (this.#idle.length > 0 && this.#queue.length > 0) this.#next(this.#idle.pop()!, performance.now());
  }

  /** Posts a task to a free worker. False if it could not be posted (the task is then rejected). */
  #start(slot: Slot, task: Task, now: number): boolean {
    try {
      slot.worker.postMessage({ id: task.id, data: task.data }, task.transferList);
    } catch (error) {
      // Data that cannot be cloned (a function, say): this task fails, the worker stays free.
      this.#settle(task, undefined, error as Error, now);
      return false;
    }
    slot.task = task;
    task.slot = slot;
    task.data = task.transferList = undefined; // the worker has its copy; let ours go
    task.startedAt = now;
    this.#busy++;
    this.#started++;
    this.#waitMs += now - task.queuedAt;
    // The timeout limits running time: its clock starts now, as the worker takes the task.
    const timeout = task.timeout ?? this.#taskTimeout;
    if (timeout !== Infinity) task.timer = setTimeout(this.#onTimeout, timeout, task);
    return true;
  }

  /** Rejects a task that timed out or was aborted. A running one takes its worker down with it. */
  #stop(task: Task, reason: Error): void {
    if (task.settled) return;
    this.#queue.remove(task);
    const slot = task.slot;
    if (slot !== undefined && slot.task === task) {
      // The worker is busy with work nobody wants: terminate it. Its 'exit' starts the replacement.
      this.#retire(slot);
      void slot.worker.terminate();
    }
    this.#settle(task, undefined, reason);
    this.#finishClosing();
  }

  /** Settles a task exactly once, counts it, and lets go of its timer, its signal and its data. */
  #settle(task: Task, result: unknown, error?: Error, now = performance.now()): void {
    if (task.settled) return;
    task.settled = true;
    if (task.timer !== undefined) clearTimeout(task.timer);
    if (task.signal !== undefined) this.#unwatch(task, task.signal);
    const slot = task.slot;
    if (slot !== undefined && slot.task === task) {
      slot.task = undefined;
      this.#busy--;
    }
    task.slot = undefined;
    task.data = undefined;
    if (task.startedAt !== undefined) {
      this.#ran++;
      this.#runMs += now - task.startedAt;
    }
    const { resolve, reject } = task;
    task.resolve = task.reject = noop;
    if (error === undefined) {
      this.#completed++;
      resolve(result);
    } else {
      if (task.startedAt !== undefined) this.#failed++;
      else this.#cancelled++;
      reject(error);
    }
  }

  /** One abort listener per signal, however many tasks share it. */
  #watch(task: Task, signal: AbortSignal): void {
    let entry = this.#signals.get(signal);
    if (entry === undefined) {
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
    if (entry === undefined) return;
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
    if (this.#state !== CLOSING || this.#resolveClosed === undefined || this.#queue.length > 0 || this.#busy > 0) return;
    const done = this.#resolveClosed;
    this.#resolveClosed = undefined;
    this.#idle.length = 0;
    void Promise.all([...this.#slots].map((slot) => slot.worker.terminate())).then(done);
  }
}
