// The capstone: one WorkerPool with everything the production track built, fast enough to race
// piscina. Two ways to start:
//   - paste in your pool from the earlier lessons and fill in what is missing (the list below), or
//   - follow the TODOs in this skeleton, top to bottom.
// Then: npm run check -- capstone          the rules (behaviour only: any correct pool passes)
//       npm run bench -- --target exercises your pool against piscina, side by side
//
//   new WorkerPool(workerFile, { size, maxQueue, taskTimeout, resourceLimits })
//   run(data, { transferList, signal, priority, timeout }): Promise<result>
//   close()    graceful: refuse new tasks, finish the queued and running ones, then end every worker
//   destroy()  reject every task not yet settled, end every worker, now
//   stats()    { size, busy, idle, queued, completed, failed, cancelled, avgRunMs, avgWaitMs }
//
// Protocol with the worker (as in every lesson): the pool posts { id, data }; the worker answers
// { id, result } or { id, error: { message } }. One message each way per task.
//
// The rules, lesson by lesson:
// 1. queue: FIFO within a priority; every queue operation constant-time (no Array#shift).
// 2. backpressure: at most maxQueue tasks WAIT (running ones do not count); one more is refused at
//    once with a QueueFullError (code 'ERR_QUEUE_FULL') and never runs. maxQueue 0: no waiting.
// 3. close() finishes queued and running tasks without polling, then terminates; destroy() rejects
//    everything now; after either, run() is refused.
// 4. timeouts limit RUNNING time (the clock starts when a worker takes the task); a task past it is
//    rejected with a TimeoutError and its worker is terminated and replaced. An AbortSignal cancels
//    a queued task (it never runs) or a running one (its worker is replaced), with an AbortError;
//    an already-aborted signal rejects at once.
// 5. priority: higher first, FIFO among equals. stats(): queue wait apart from run time.
// 6. (dynamic sizing is left out here: a fixed size keeps the race fair.)
// 7. transferList: ownership moves at run(), even when the task has to wait in the queue.
//    And from the crash-recovery lesson: the task a dead worker held is rejected, exactly one
//    replacement starts, in 'exit'; a reply settles only the task with its id.
import { Worker, type ResourceLimits, type TransferListItem } from 'node:worker_threads';

export interface PoolOptions {
  /** How many workers the pool keeps alive. */
  size: number;
  /** How many tasks may wait for a worker (running tasks do not count). Default: Infinity. */
  maxQueue?: number;
  /** Default limit on each task's running time, in ms. Default: Infinity (none). */
  taskTimeout?: number;
  /** Passed to every worker. */
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
  /** Workers alive now. */
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
  /** Tasks rejected before they started: aborted, or dropped by destroy(). */
  cancelled: number;
  /** Mean time from a worker taking a task until it settled. */
  avgRunMs: number;
  /** Mean time from run() until a worker took the task. */
  avgWaitMs: number;
}

// The errors a caller can tell apart (the same names and codes as the earlier lessons).

export class QueueFullError extends Error {
  readonly code = 'ERR_QUEUE_FULL';
  constructor(maxQueue: number) {
    super(`Every worker is busy and ${maxQueue} task(s) already wait (maxQueue ${maxQueue}): this one was not queued.`);
    this.name = 'QueueFullError';
  }
}

/** run() after close() or destroy(). */
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

export class TimeoutError extends Error {
  readonly code = 'ERR_TASK_TIMEOUT';
  constructor(ms: number) {
    super(`The task ran longer than its timeout of ${ms} ms, so its worker was stopped and replaced.`);
    this.name = 'TimeoutError';
  }
}

export class AbortError extends Error {
  readonly code = 'ABORT_ERR';
  constructor(reason: unknown) {
    super('The task was aborted.', { cause: reason });
    this.name = 'AbortError';
  }
}

/** One task. Make it its own queue node (prev/next), so that queueing allocates nothing more. */
interface Task {
  id: number;
  data: unknown;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
  // TODO: priority, timeout, signal, its timer, the worker running it, queue links, times for stats()
}

/**
 * TODO (queue-data-structure and priority-stats-health): a queue where push, shift and remove(task) are all constant-time, with
 * priorities: one FIFO list per priority level in use, levels kept highest first.
 */
class TaskQueue {
  length = 0;
  push(_task: Task): void {
    throw new Error('Not implemented yet: TaskQueue.push');
  }
  shift(): Task | undefined {
    throw new Error('Not implemented yet: TaskQueue.shift');
  }
  remove(_task: Task): void {
    throw new Error('Not implemented yet: TaskQueue.remove');
  }
}

export class WorkerPool {
  #queue = new TaskQueue();

  constructor(workerFile: string | URL, options: PoolOptions) {
    // TODO: validate size (a whole number >= 1), maxQueue (a whole number >= 0, or Infinity) and
    // taskTimeout (ms > 0, or Infinity) before starting anything; then start `size` workers, each
    // with 'message' (settle only the task with that id, then hand the worker its next task),
    // 'error' (reject the task it held with that error) and 'exit' (the one place that replaces).
    void workerFile;
    void options;
    void this.#queue;
    void Worker;
    throw new Error('Not implemented yet: the WorkerPool constructor (see the TODOs in exercises/capstone/pool.ts)');
  }

  run(data: unknown, options?: RunOptions): Promise<unknown> {
    // TODO: refuse at once (closed, bad options, signal already aborted, queue full); take the
    // transferables now if the task has any; then start it on an idle worker or queue it; watch its
    // signal. Keep the common case (no options) cheap: no closure, no timer, no listener.
    void data;
    void options;
    throw new Error('Not implemented yet: run()');
  }

  close(): Promise<void> {
    // TODO: refuse new tasks; resolve once the queued and running tasks are done and the workers have exited.
    throw new Error('Not implemented yet: close()');
  }

  destroy(): Promise<void> {
    // TODO: reject every queued and running task now; terminate every worker.
    throw new Error('Not implemented yet: destroy()');
  }

  stats(): PoolStats {
    // TODO: counts kept as plain numbers as tasks move, so that stats() is cheap and run() stays fast.
    throw new Error('Not implemented yet: stats()');
  }
}
