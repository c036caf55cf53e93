// Exercise: a first-in, first-out queue whose push() and shift() take constant time, however many
// items wait. Read lessons/queue-data-structure/README.md first.
// Check your work with: npm run check -- queue-data-structure
//
// The pool of the next lessons keeps its waiting tasks in this queue, and a pool under load can
// have 100,000 of them waiting. Array#shift() would work, but once the array is long it copies
// every remaining item on every call (the README measures it), so do not use it, nor splice(),
// unshift() or slice() on every call. Any design with constant-time operations will do: a ring buffer
// (an array used as a circle, with a head index), a linked list of nodes, or a linked list of
// fixed-size ring buffers.
//
// Rules the checks hold you to:
//   - shift() returns items in the order they were pushed; undefined when the queue is empty;
//   - length is the number of items waiting; peek() shows the next item without removing it;
//   - iterating (for...of, [...queue]) gives the waiting items front to back and removes nothing;
//   - every item counts, including 0, '', false and null;
//   - with 200,000 items waiting, each operation costs about what it costs with 2,000;
//   - the queue lets go of an item once it is shifted, and does not grow with every item it has
//     ever held (a queue in a long-running server sees millions).

export class Queue<T> {
  // TODO: choose how you store the items, e.g. a ring buffer:
  //   #slots: Array<T | undefined> = new Array(16);   // its size a power of two
  //   #head = 0;                                        // index of the oldest item
  //   #length = 0;

  /** How many items are waiting. */
  get length(): number {
    throw new Error('Not implemented yet: Queue#length');
  }

  /** Adds an item at the back. */
  push(item: T): void {
    // TODO: grow the storage when it is full (double it, copying the items in order).
    void item;
    throw new Error('Not implemented yet: Queue#push');
  }

  /** Removes and returns the item at the front (the oldest), or undefined if the queue is empty. */
  shift(): T | undefined {
    // TODO: take the front item, clear its slot (so the queue no longer keeps it alive), move on.
    throw new Error('Not implemented yet: Queue#shift');
  }

  /** The item shift() would return next, left in the queue; undefined if the queue is empty. */
  peek(): T | undefined {
    throw new Error('Not implemented yet: Queue#peek');
  }

  /** The waiting items, front to back. Iterating removes nothing. */
  *[Symbol.iterator](): Iterator<T> {
    throw new Error('Not implemented yet: Queue[Symbol.iterator]');
  }
}
