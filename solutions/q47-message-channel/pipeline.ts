// A pipeline of worker threads connected by MessageChannels. Each request carries an id, so that
// concurrent requests each get their own result, whatever order the stages answer in.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

interface Pending {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

type StageSetup = { inputPort?: MessagePort; outputPort?: MessagePort };
type Result = { id?: unknown; output?: unknown; error?: { message?: string } };

export class Pipeline {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  /** Set once a stage has died: the chain is cut, so no request can get through any more. */
  private broken: Error | undefined;

  constructor(stageFiles: (string | URL)[]) {
    if (stageFiles.length === 0) throw new RangeError('A pipeline needs at least one stage.');
    this.workers = stageFiles.map((file) => new Worker(file));

    // Stage i sends to stage i + 1 through its own channel: port1 is the sending end, port2 the
    // receiving end. Both ends are handed over (transferred), so the data never passes through
    // this thread. Each worker gets one setup message holding every port it needs.
    const setups: StageSetup[] = this.workers.map(() => ({}));
    const transfers: MessagePort[][] = this.workers.map(() => []);
    for (let i = 0; i < this.workers.length - 1; i++) {
      const { port1, port2 } = new MessageChannel();
      setups[i]!.outputPort = port1;
      transfers[i]!.push(port1);
      setups[i + 1]!.inputPort = port2;
      transfers[i + 1]!.push(port2);
    }

    this.workers.forEach((worker, i) => {
      if (transfers[i]!.length > 0) worker.postMessage(setups[i], transfers[i]!);
      // Without an 'error' listener, a stage that dies would crash this whole program.
      worker.on('error', (error) => this.fail(new Error(`Stage ${i + 1} failed: ${error.message}`, { cause: error })));
      worker.on('exit', (code) => this.fail(new Error(`Stage ${i + 1} exited (code ${code}) before the pipeline was closed.`)));
    });
    // The first stage takes requests from this thread, the last one answers it.
    this.workers.at(-1)!.on('message', (message: unknown) => this.settle(message));
  }

  /** Sends one input through every stage; resolves with what the last stage produced. */
  process(input: unknown): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('The pipeline is closed.'));
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      try {
        this.workers[0]!.postMessage({ id, input });
      } catch (error) {
        // For example a DataCloneError: the input cannot be sent to a worker.
        this.pending.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Ends every worker (and with them every port); requests still in flight are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rejectAll(new Error('The pipeline was closed before this request finished.'));
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  /** A result settles the request with the same id, and nothing else. */
  private settle(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const { id, output, error } = message as Result;
    const request = typeof id === 'number' ? this.pending.get(id) : undefined;
    if (!request) return;
    this.pending.delete(id as number);
    if (error !== undefined) request.reject(new Error(error.message ?? 'A stage failed.'));
    else request.resolve(output);
  }

  private fail(error: Error): void {
    if (this.closed || this.broken) return;
    this.broken = error;
    // Any request in flight may have been inside the dead stage: none of them can finish.
    this.rejectAll(error);
    for (const worker of this.workers) void worker.terminate();
  }

  private rejectAll(error: Error): void {
    const requests = [...this.pending.values()];
    this.pending.clear();
    for (const request of requests) request.reject(error);
  }
}
