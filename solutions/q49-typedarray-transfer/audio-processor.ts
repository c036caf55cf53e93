// Q49 reference solution: the document's AudioProcessor, made correct under concurrency.
//
//   new AudioProcessor()                    starts one worker (./audio-worker.ts)
//   process(samples: Float32Array)          -> Promise<Float32Array>: the samples normalized
//   close()                                 rejects the calls not finished and ends the worker
//
// Every call gets an id; the worker answers with it; one 'message' listener, registered once,
// settles the call with that id. The samples travel both ways as transferred buffers: process()
// hands `samples` over (the caller's array is detached once it returns), and the worker hands the
// result back the same way.
import { Worker } from 'node:worker_threads';

type Reply = { id: number; samples: Float32Array } | { id: number; error: { message: string } };

interface Call {
  resolve: (samples: Float32Array) => void;
  reject: (error: Error) => void;
}

export class AudioProcessor {
  #worker: Worker;
  #calls = new Map<number, Call>();
  #nextId = 1;
  #ended: Error | undefined;

  constructor() {
    this.#worker = new Worker(new URL('./audio-worker.ts', import.meta.url));
    this.#worker.on('message', (reply: Reply) => {
      const call = this.#calls.get(reply?.id);
      if (!call) return;
      this.#calls.delete(reply.id);
      if ('error' in reply) call.reject(new Error(reply.error.message));
      else call.resolve(reply.samples);
    });
    this.#worker.on('error', (error) => this.#end(error));
    this.#worker.on('exit', (code) => this.#end(new Error(`The audio worker exited (code ${code})`)));
  }

  process(samples: Float32Array): Promise<Float32Array> {
    if (this.#ended) return Promise.reject(this.#ended);
    if (!(samples instanceof Float32Array)) return Promise.reject(new TypeError('process() takes a Float32Array'));
    const buffer = samples.buffer;
    const ownsBuffer = buffer instanceof ArrayBuffer && samples.byteOffset === 0 && samples.byteLength === buffer.byteLength;
    if (buffer instanceof ArrayBuffer && isDetached(buffer)) {
      return Promise.reject(new TypeError('process() was given a detached Float32Array (its buffer was already transferred)'));
    }
    // A view into a larger buffer (one channel of an interleaved or planar block) is copied, so
    // that handing it over does not take the neighbouring data with it.
    const send = ownsBuffer ? samples : samples.slice();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject });
      this.#worker.postMessage({ id, samples: send }, [send.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    this.#end(new Error('The AudioProcessor was closed'));
    await this.#worker.terminate();
  }

  #end(error: Error): void {
    this.#ended ??= error;
    for (const call of this.#calls.values()) call.reject(this.#ended);
    this.#calls.clear();
  }
}

function isDetached(buffer: ArrayBuffer): boolean {
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}
