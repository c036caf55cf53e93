// Q42: three small synchronisation tools on a SharedArrayBuffer, built with Atomics.
//
// The API (the checks use exactly this):
//
//   new SharedCounter(buffer?)     a counter in the first 4 bytes of `buffer` (default: a new 4-byte SharedArrayBuffer)
//     .buffer                      the SharedArrayBuffer: send it to a worker, then `new SharedCounter(buffer)` there
//     .increment()                 adds 1 and returns the new value; no update may ever be lost
//     .value                       the current count
//
//   new Latch(count | buffer)      a count-down latch: a new one with `count`, or the one living in `buffer`
//     .buffer, .count
//     .countDown()                 lowers the count by 1 (never below 0); reaching 0 releases every waiter
//     .wait(timeoutMs?)            blocks the calling thread until the count is 0: returns true,
//                                  or false if timeoutMs ran out first (default: wait for ever)
//
//   new Semaphore(permits | buffer)  a counting semaphore: at most `permits` holders at once
//     .buffer, .available          .available = permits free right now
//     .acquire(timeoutMs?)         takes a permit, blocking while there is none: true, or false on timeout
//     .release(n = 1)              gives back n permits and wakes AT MOST n waiting threads;
//                                  returns how many threads it woke (Atomics.notify tells you)
//
// Blocking means Atomics.wait: call wait() and acquire() in workers. (Node lets the main thread
// call Atomics.wait too, but then its event loop stops until the wait ends.) countDown() and
// release() never block, so the main thread may call them.
//
// Run the checks with: npm run check -- q42

export class SharedCounter {
  readonly buffer: SharedArrayBuffer;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT)) {
    // TODO: keep an Int32Array view of the first 4 bytes of `buffer`.
    this.buffer = buffer;
  }

  increment(): number {
    // TODO: one indivisible read-modify-write. `view[0]++` is a read, then a write: another thread
    //       can write in between, and its update is lost. Which Atomics function returns the old value?
    throw new Error('Not implemented yet: SharedCounter.increment');
  }

  get value(): number {
    throw new Error('Not implemented yet: SharedCounter.value');
  }
}

export class Latch {
  readonly buffer: SharedArrayBuffer;

  constructor(countOrBuffer: number | SharedArrayBuffer) {
    // TODO: a number creates a new latch (new SharedArrayBuffer(4), store the count);
    //       a SharedArrayBuffer attaches to an existing one. Refuse a count that is not a whole number >= 0.
    this.buffer = countOrBuffer instanceof SharedArrayBuffer ? countOrBuffer : new SharedArrayBuffer(4);
  }

  get count(): number {
    throw new Error('Not implemented yet: Latch.count');
  }

  countDown(): void {
    // TODO: lower the count by one, but never below 0 (compareExchange in a loop).
    //       The call that takes it from 1 to 0 wakes every waiter: how many does Atomics.notify wake
    //       when you leave out its count argument?
    throw new Error('Not implemented yet: Latch.countDown');
  }

  wait(timeoutMs = Infinity): boolean {
    // TODO: loop: read the count; 0 means return true. Otherwise sleep with
    //       Atomics.wait(view, 0, countYouRead, msLeft): it returns at once ('not-equal') if the
    //       count changed since you read it, so you cannot miss the last countDown().
    void timeoutMs;
    throw new Error('Not implemented yet: Latch.wait');
  }
}

export class Semaphore {
  readonly buffer: SharedArrayBuffer;

  constructor(permitsOrBuffer: number | SharedArrayBuffer) {
    // TODO: as for Latch: a number creates, a SharedArrayBuffer attaches.
    this.buffer = permitsOrBuffer instanceof SharedArrayBuffer ? permitsOrBuffer : new SharedArrayBuffer(4);
  }

  get available(): number {
    throw new Error('Not implemented yet: Semaphore.available');
  }

  acquire(timeoutMs = Infinity): boolean {
    // TODO: loop: if permits > 0, try to take one with compareExchange (retry if another thread won);
    //       if there are none, sleep with Atomics.wait while the count is 0.
    void timeoutMs;
    throw new Error('Not implemented yet: Semaphore.acquire');
  }

  release(permits = 1): number {
    // TODO: add the permits, then wake at most `permits` waiters, and return how many were woken.
    void permits;
    throw new Error('Not implemented yet: Semaphore.release');
  }
}
