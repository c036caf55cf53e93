// Exercise: an HTTP server that runs CPU work on a pool of warm workers and stays responsive.
// Read lessons/q50-startup-cost-and-http/README.md first.
// Check your work with: npm run check -- q50
import http from 'node:http';
import { Worker } from 'node:worker_threads';

export interface ServerOptions {
  /** The worker every task runs on (protocol below). */
  workerFile: string | URL;
  /** How many workers to start, once. */
  size: number;
  /** How many tasks may wait for a worker; one more is answered 503. */
  maxQueue: number;
}

export interface ComputeServer {
  /** Not listening yet: the caller calls server.listen(). */
  server: http.Server;
  /** Stops listening, ends every worker, and settles once they have exited. */
  close(): Promise<void>;
}

/*
 * The worker protocol (document 003's): post a task's data, { n }; the worker posts back one
 * message, the result. A failing task throws in the worker: the Worker emits 'error' and exits.
 * A worker may also exit in the middle of a task without any 'error' (process.exit()).
 *
 * The routes:
 *   GET or POST /compute?n=<number>  runs { n } on the pool    200 with the result as JSON
 *                                    n missing or not a number 400 { error }
 *                                    the task failed, or its worker died   500 { error }
 *                                    every worker busy and maxQueue tasks waiting   503 { error }
 *   GET /health                      answers at once, without the pool    200 { ok: true }
 */

export function createServer(options: ServerOptions): ComputeServer {
  // TODO: start options.size workers once, here, and keep them (not one per request).
  // TODO: http.createServer((req, res) => ...) with the routes above; new URL(req.url!, 'http://localhost')
  //       splits the path from the query.
  // TODO: close(): server.close(), end every worker, and resolve once they have exited.
  throw new Error('Not implemented yet: createServer().');
}

// Keeps the imports in use until you write the server.
export type { Worker };
export { http };
