// Q49: the worker behind AudioProcessor.
//
// Protocol: it receives { id, samples: Float32Array } and answers { id, samples: Float32Array },
// the samples scaled so that the loudest one becomes exactly 1 or -1, transferred back
// (postMessage(reply, [result.buffer])). Normalizing in place saves allocating a second array.
// Careful with silence: if the loudest sample is 0, dividing by it gives NaN.
import { parentPort } from 'node:worker_threads';

parentPort!.on('message', (message: { id: number; samples: Float32Array }) => {
  // TODO: find the loudest |sample|, scale every sample by it (unless it is 0), and post
  //       { id, samples } back with the buffer in the transferList.
  void message;
  throw new Error('Not implemented yet: audio-worker.ts');
});
