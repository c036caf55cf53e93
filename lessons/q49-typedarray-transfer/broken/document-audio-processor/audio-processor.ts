// Document 003, Q49, "Real-world example: Audio processing": the AudioProcessor class, as runnable
// TypeScript. Adapted:
//  - `new Worker('./audio-worker.js')` -> the worker next to this file, by URL.
//  - AudioBuffer is a Web Audio class; Node has none. The document's processAudio(audioBuffer) is
//    kept as it is, and the exercise's process(samples) hands it a stand-in with the two members it
//    uses: { getChannelData(0) -> the samples, sampleRate }.
//  - The document has no way to stop the worker; close() is added so that the checks can end it.
// See it fail: npm run check -- q49 --broken document-audio-processor
import { Worker } from 'node:worker_threads';

/** The part of Web Audio's AudioBuffer that processAudio uses. */
export interface AudioBufferLike {
  getChannelData(channel: number): Float32Array;
  sampleRate: number;
}

export class AudioProcessor {
  worker: Worker;

  constructor() {
    this.worker = new Worker(new URL('./audio-worker.ts', import.meta.url));
  }

  async processAudio(audioBuffer: AudioBufferLike): Promise<Float32Array> {
    // AudioBuffer already uses Float32Array
    const channelData = audioBuffer.getChannelData(0);

    return new Promise((resolve, reject) => {
      this.worker.once('message', (processedBuffer) => {
        resolve(processedBuffer);
      });

      this.worker.once('error', reject);

      // Transfer audio data efficiently
      this.worker.postMessage(
        {
          samples: channelData,
          sampleRate: audioBuffer.sampleRate,
        },
        [channelData.buffer as ArrayBuffer], // `as ArrayBuffer`: a type for TypeScript only
      );
    });
  }

  // ADDED for the exercise's API.
  process(samples: Float32Array): Promise<Float32Array> {
    return this.processAudio({ getChannelData: () => samples, sampleRate: 48_000 });
  }

  // ADDED: the document never ends its worker.
  close(): Promise<number> {
    return this.worker.terminate();
  }
}
