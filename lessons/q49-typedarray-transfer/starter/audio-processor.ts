// Q49: the document's AudioProcessor, made correct under concurrency.
//
// The API (the checks use exactly this):
//   new AudioProcessor()                  starts ONE worker: ./audio-worker.ts, next to this file
//   processor.process(samples)            samples: Float32Array -> Promise<Float32Array>, the samples
//                                         scaled so that the loudest becomes exactly 1 or -1
//   processor.close()                     rejects the calls not finished yet, ends the worker;
//                                         process() after close() rejects
//
// Rules the checks enforce:
//   - Calls may overlap. Each caller gets the result for ITS samples, whatever order the replies
//     come in. (The document registers worker.once('message') per call: run
//     `npm run check -- q49 --broken document-audio-processor` to see what that does.)
//   - The samples travel without copying, both ways: process() transfers samples.buffer (the
//     caller's array is detached once process() returns), and the worker transfers the result back.
//   - Listeners are registered once, in the constructor, not once per call.
//   - Silence (all zeros) comes back as zeros, not NaN.
//
// AudioBuffer (the document's input) is a Web Audio class that Node does not have; process() takes
// the Float32Array that audioBuffer.getChannelData(0) would give you.
//
// Run the checks with: npm run check -- q49
import { Worker } from 'node:worker_threads';

export class AudioProcessor {
  constructor() {
    // TODO: start the worker: new Worker(new URL('./audio-worker.ts', import.meta.url)).
    // TODO: register ONE 'message' listener that finds the call by the id in the reply and settles it.
    // TODO: on 'error' and 'exit', reject every call still waiting (and remember that the worker is gone).
    void Worker;
  }

  process(samples: Float32Array): Promise<Float32Array> {
    // TODO: give the call an id, remember its resolve/reject under that id, and post
    //       { id, samples } with [samples.buffer] as the transferList.
    void samples;
    throw new Error('Not implemented yet: AudioProcessor.process');
  }

  async close(): Promise<void> {
    // TODO: reject the calls still waiting, refuse new ones, and terminate the worker.
  }
}
