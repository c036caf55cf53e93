// Document 003, Q49, "audio-worker.js", as runnable TypeScript (types and the `parentPort` import
// added; the logic is the document's, line for line).
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', ({ samples, sampleRate }: { samples: Float32Array; sampleRate: number }) => {
  void sampleRate;
  const processed = new Float32Array(samples.length);

  // Apply effects (e.g., normalize)
  let max = 0;
  for (let i = 0; i < samples.length; i++) {
    max = Math.max(max, Math.abs(samples[i]!));
  }

  for (let i = 0; i < samples.length; i++) {
    processed[i] = samples[i]! / max;
  }

  parentPort!.postMessage(processed, [processed.buffer]);
});
