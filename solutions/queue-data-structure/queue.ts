// Reference solution: a first-in, first-out queue whose push, shift, peek and length all take
// constant time, however many items wait. Read lessons/queue-data-structure/README.md for the why.
//
// It is a ring buffer: the items live in an array whose size is a power of two, between a head
// index (the oldest item) and head + length (where the next push goes), wrapping around the end.
// Nothing ever moves on shift(): the head index moves instead. When the array is full, push()
// copies the items, in order, into one twice as large; when three quarters of it stand empty,
// shift() copies them into one half as large, so a burst does not pin its memory for ever. Each copy
// moves every item once, and it takes as many cheap operations again before the next one, so the
// copying costs a constant amount per item on average.

/** The smallest array the queue keeps. A power of two, like every size it uses. */
const MIN_CAPACITY = 16;

export class Queue<T> {
  /** The ring. Slots outside [head, head + length) hold undefined, so they keep nothing alive. */
  #slots: Array<T | undefined> = new Array(MIN_CAPACITY);
  /** slots.length - 1: `index & mask` wraps an index around the ring (slots.length is a power of 2). */
  #mask = MIN_CAPACITY - 1;
  #head = 0;
  #length = 0;

  /** How many items are waiting. */
  get length(): number {
    return this.#length;
  }

  /** Adds an item at the back. */
  push(item: T): void {
    if (this.#length === this.#slots.length) this.#resize(this.#slots.length * 2);
    this.#slots[(this.#head + this.#length) & this.#mask] = item;
    this.#length++;
  }

  /** Removes and returns the item at the front (the oldest), or undefined if the queue is empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head];
    // Let go of the item: a queue must not keep alive what it has handed out.
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    if (this.#slots.length > MIN_CAPACITY && this.#length <= this.#slots.length >>> 2) this.#resize(this.#slots.length >>> 1);
    return item;
  }

  /** The item shift() would return next, left in the queue; undefined if the queue is empty. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#slots[this.#head];
  }

  /** The waiting items, front to back. Iterating removes nothing. */
  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.#length; i++) yield this.#slots[(this.#head + i) & this.#mask] as T;
  }

  /** Moves the items, in order, to the front of a new array of `capacity` slots. */
  #resize(capacity: number): void {
    const next: Array<T | undefined> = new Array(capacity);
    for (let i = 0; i < this.#length; i++) next[i] = this.#slots[(this.#head + i) & this.#mask];
    this.#slots = next;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}
