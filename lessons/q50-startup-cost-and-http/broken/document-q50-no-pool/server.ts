// Document 003, Q50, the question's server: a new Worker for every request, terminated once it has
// answered. Translated from express to node:http, faithfully: the document's handler is
//   app.post('/process', async (req, res) => {
//     const worker = new Worker('./processor.js');
//     worker.postMessage(req.body);
//     worker.on('message', (result) => { res.json(result); worker.terminate(); });
//   });
// Adapted to this exercise's interface, and nothing more: the route is /compute (GET or POST) and
// the task's data is { n } from the query instead of req.body; the worker file is a parameter;
// /health, the 404 and close() (which only stops listening: the document has no shutdown) are the
// workbook's. express's res.json() becomes json() below. There is no 'error' or 'exit' listener,
// as in the document.
// Watch it fail: npm run check -- q50 --broken document-q50-no-pool
import http from 'node:http';
import { Worker } from 'node:worker_threads';

export interface ServerOptions {
  workerFile: string | URL;
  size: number;
  maxQueue: number;
}

/** express's res.status(status).json(body). */
function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export function createServer({ workerFile }: ServerOptions): { server: http.Server; close(): Promise<void> } {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health') return json(res, 200, { ok: true }); // the workbook's

    if (url.pathname === '/compute') {
      // The document's handler.
      const worker = new Worker(workerFile);

      worker.postMessage({ n: Number(url.searchParams.get('n')) });

      worker.on('message', (result) => {
        json(res, 200, result);
        worker.terminate();
      });
      return;
    }

    json(res, 404, { error: 'Not Found' }); // what express answers for an unknown route
  });
  return {
    server,
    close: () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
  };
}
