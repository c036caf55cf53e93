// Q49 reference solution, the worker: normalizes { id, samples } in place so that the loudest
// sample becomes exactly 1 or -1, and transfers the same buffer back as { id, samples }.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', ({ id, samples }: { id: number; samples: Float32Array }) => {
  let max = 0;
  for (let i = 0; i < samples.length; i++) max = Math.max(max, Math.abs(samples[i]!));
  // Silence has no loudest sample: dividing by 0 would turn every sample into NaN. Leave it silent.
  if (max > 0) for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! / max;
  parentPort!.postMessage({ id, samples }, [samples.buffer as ArrayBuffer]);
});
