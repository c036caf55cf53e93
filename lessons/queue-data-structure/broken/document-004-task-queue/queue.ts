// Documents 004 and 002 keep their pools' waiting tasks in a plain array: a task that finds no free
// worker is added with push() and taken with shift() when a worker frees up.
//
//   document 004 (Complete Worker Pool Implementation):
//     this.taskQueue = [];   ...   this.taskQueue.push(task);   ...   const nextTask = this.taskQueue.shift();
//   document 002 (4. Worker Pool Implementation):
//     this.queue = [];       ...   this.queue.push(task);       ...   const task = this.queue.shift();
//
// Adapted to the lesson's API only: the array is wrapped in the Queue class the checks load, and
// every method hands straight to the array method of the same meaning.

export class Queue<T> {
  #taskQueue: T[] = [];

  get length(): number {
    return this.#taskQueue.length;
  }

  push(item: T): void {
    this.#taskQueue.push(item);
  }

  shift(): T | undefined {
    return this.#taskQueue.shift();
  }

  peek(): T | undefined {
    return this.#taskQueue[0];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#taskQueue[Symbol.iterator]();
  }
}
