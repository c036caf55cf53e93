// Q42 reference solution: three small synchronisation tools built on a SharedArrayBuffer and Atomics.
// Each keeps its state in shared memory, so the same object can be rebuilt in any thread from its
// `buffer` (send the buffer to a worker, then `new Latch(buffer)` there).

function sharedCell(init: number | SharedArrayBuffer, what: string): Int32Array {
  if (init instanceof SharedArrayBuffer) {
    if (init.byteLength < Int32Array.BYTES_PER_ELEMENT) throw new RangeError(`${what}: the buffer needs at least 4 bytes`);
    return new Int32Array(init, 0, 1);
  }
  if (!Number.isInteger(init) || init < 0) throw new RangeError(`${what}: expected a whole number of at least 0, got ${init}`);
  const cell = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  Atomics.store(cell, 0, init);
  return cell;
}

/** Milliseconds left until `deadline`, for Atomics.wait (Infinity waits for ever). */
const left = (deadline: number) => (deadline === Infinity ? Infinity : Math.max(0, deadline - performance.now()));

/** A counter in shared memory: any number of threads can increment it without losing an update. */
export class SharedCounter {
  readonly buffer: SharedArrayBuffer;
  #cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    this.#cell = sharedCell(buffer, 'SharedCounter');
    this.buffer = buffer;
  }

  /** Adds 1 and returns the new value. One indivisible read-modify-write: no update is lost. */
  increment(): number {
    return Atomics.add(this.#cell, 0, 1) + 1;
  }

  get value(): number {
    return Atomics.load(this.#cell, 0);
  }
}

/** A count-down latch: wait() blocks until countDown() has been called `count` times. */
export class Latch {
  readonly buffer: SharedArrayBuffer;
  #cell: Int32Array;

  constructor(countOrBuffer: number | SharedArrayBuffer) {
    this.#cell = sharedCell(countOrBuffer, 'Latch');
    this.buffer = this.#cell.buffer as SharedArrayBuffer;
  }

  get count(): number {
    return Atomics.load(this.#cell, 0);
  }

  /** Lowers the count by one (never below 0). The call that reaches 0 wakes every waiting thread. */
  countDown(): void {
    for (;;) {
      const count = Atomics.load(this.#cell, 0);
      if (count === 0) return;
      if (Atomics.compareExchange(this.#cell, 0, count, count - 1) !== count) continue; // another thread was faster: retry
      if (count === 1) Atomics.notify(this.#cell, 0); // no count argument: wake them all
      return;
    }
  }

  /** Blocks this thread until the count is 0: true once it is, false if `timeoutMs` ran out first. */
  wait(timeoutMs = Infinity): boolean {
    const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      const count = Atomics.load(this.#cell, 0);
      if (count === 0) return true;
      if (left(deadline) === 0) return false;
      // Sleeps only while the cell still holds `count`: a countDown in between makes this return
      // 'not-equal' at once, so no wake-up can be missed. We loop and look again either way.
      Atomics.wait(this.#cell, 0, count, left(deadline));
    }
  }
}

/** A counting semaphore: at most `permits` threads hold it at once. */
export class Semaphore {
  readonly buffer: SharedArrayBuffer;
  #cell: Int32Array;

  constructor(permitsOrBuffer: number | SharedArrayBuffer) {
    this.#cell = sharedCell(permitsOrBuffer, 'Semaphore');
    this.buffer = this.#cell.buffer as SharedArrayBuffer;
  }

  /** Permits free right now. */
  get available(): number {
    return Atomics.load(this.#cell, 0);
  }

  /** Takes a permit, blocking while there is none: true once taken, false if `timeoutMs` ran out. */
  acquire(timeoutMs = Infinity): boolean {
    const deadline = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      const free = Atomics.load(this.#cell, 0);
      if (free > 0) {
        if (Atomics.compareExchange(this.#cell, 0, free, free - 1) === free) return true;
        continue; // another thread took it first: look again
      }
      if (left(deadline) === 0) return false;
      Atomics.wait(this.#cell, 0, 0, left(deadline));
    }
  }

  /** Gives back `permits` permits and wakes at most that many waiting threads. Returns how many it woke. */
  release(permits = 1): number {
    if (!Number.isInteger(permits) || permits < 1) throw new RangeError(`Semaphore.release: expected a whole number of at least 1, got ${permits}`);
    Atomics.add(this.#cell, 0, permits);
    // The count matters: Atomics.notify(cell, 0) without it wakes EVERY waiting thread.
    return Atomics.notify(this.#cell, 0, permits);
  }
}
