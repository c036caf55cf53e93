import { Worker } from 'node:worker_threads';
export function go(file: string): Promise<unknown> {
  const w = new Worker(file);
  return new Promise((res) => { w.on('message', (m) => { res(m); }); w.postMessage({ id: 1, data: 21 }); });
}
export function boom() { setTimeout(() => { throw new Error('kaboom in handler'); }, 10); return new Promise(r => setTimeout(r, 100)); }
export function spin() { while (true) {} }
