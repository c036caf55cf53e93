// The benchmark's worker for pools that speak the workbook's protocol (the capstone's pool):
// { id, data } in, { id, result } out, one message each way.
import { parentPort } from 'node:worker_threads';
import { work, type BenchTask } from './work.ts';

const port = parentPort!;
port.on('message', (message: { id: number; data: BenchTask }) => {
  port.postMessage({ id: message.id, result: work(message.data) });
});
