// Exercise: a pipeline of worker threads connected by MessageChannels.
// Read lessons/q47-message-channel/README.md first. Check your work with:
//   npm run check -- q47
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/*
 * The stage workers (lessons/q47-message-channel/fixtures/stage.ts) speak this protocol:
 *
 *   setup    a message from the main thread may carry `inputPort` and/or `outputPort`: MessagePorts,
 *            handed over in the transfer list. A stage listens on every input port it is given.
 *   request  { id, input }   posted to the first stage (worker.postMessage, or a port it listens on)
 *   result   { id, output }  a stage sends it to its outputPort if it has one, else to the main
 *                            thread: the last stage answers on worker 'message'.
 *   failure  { id, error: { message } }  sent the same way; later stages pass it on unchanged.
 *
 * Stages work on several requests at once: results can come back in any order.
 */

export class Pipeline {
  constructor(stageFiles: (string | URL)[]) {
    // TODO: start one Worker per stage file.
    // TODO: connect stage i to stage i + 1 with a new MessageChannel: port1 goes to stage i as its
    //       outputPort, port2 to stage i + 1 as its inputPort, each in the transfer list.
    // TODO: listen for results from the last stage, and for 'error' / 'exit' from every stage.
    throw new Error('Not implemented yet: the Pipeline constructor.');
  }

  /** Sends one input through every stage; resolves with what the last stage produced. */
  process(input: unknown): Promise<unknown> {
    // TODO: give the request an id, remember how to settle it, post { id, input } to the first stage.
    // TODO: a result settles the request with the same id, and no other.
    throw new Error('Not implemented yet: process().');
  }

  /** Ends every worker and port, so that the program can exit; requests in flight are rejected. */
  async close(): Promise<void> {
    // TODO: reject the requests still in flight, then terminate every worker.
    throw new Error('Not implemented yet: close().');
  }
}

// Keeps the imports in use until you write the pipeline.
export type { MessageChannel, MessagePort, Worker };
